import { getAddress, id } from "ethers";

import { RoyaltyGovernor__factory, RoyaltyTimelock__factory } from "../../../types";
import type { RoyaltiesClient } from "../../client";
import { DEFAULT_LOG_BLOCK_RANGE } from "../../audit/audit";
import { parseLog } from "../../events";
import { readLogs } from "../../logs";

export interface FindGovernorParameters {
  /** The model's governance address (a timelock, or anything else). */
  timelock: string;
  fromBlock?: number;
  toBlock?: number;
  blockRange?: number;
}

/** The governor's address; undefined when `timelock` has none. */
export type FindGovernorReturnType = string | undefined;

/**
 * The governor that proposes to `timelock`: the holder of its PROPOSER_ROLE (granted with a
 * `RoleGranted` event) that names this timelock as its own; undefined when there is none (a model's
 * governance may be any address, e.g. a multisig or a foreign contract).
 * @example
 * const governor = await findGovernor(client, { timelock: model.governance });
 */
export async function findGovernor(
  client: Pick<RoyaltiesClient, "provider">,
  { timelock, ...params }: FindGovernorParameters,
): Promise<FindGovernorReturnType> {
  const { provider } = client;
  if ((await provider.getCode(timelock)) === "0x") return undefined;
  const contract = RoyaltyTimelock__factory.connect(timelock, provider);
  const proposerRole = id("PROPOSER_ROLE");
  const toBlock = params.toBlock ?? (await provider.getBlockNumber());
  const logs = await readLogs(provider, {
    address: timelock,
    fromBlock: params.fromBlock ?? 0,
    toBlock,
    blockRange: params.blockRange ?? DEFAULT_LOG_BLOCK_RANGE,
  });
  const candidates = logs
    .flatMap((log) => {
      const args = parseLog(contract, log, "RoleGranted")?.args;
      return args !== undefined && args.role === proposerRole ? [getAddress(args.account)] : [];
    })
    .reverse();
  for (const account of new Set(candidates)) {
    try {
      const [holds, itsTimelock] = await Promise.all([
        contract.hasRole(proposerRole, account),
        RoyaltyGovernor__factory.connect(account, provider).timelock(),
      ]);
      if (holds && itsTimelock.toLowerCase() === timelock.toLowerCase()) return account;
    } catch {
      // not a governor: the next candidate
    }
  }
  return undefined;
}
