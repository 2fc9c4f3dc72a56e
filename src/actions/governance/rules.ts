/** A governed pool's rules: their history, and a check that the pool would accept new ones from its governance. */
import { ZeroAddress } from "ethers";

import { RoyaltyPool__factory } from "../../../types";
import type { PoolClient } from "../../client";
import { toRulesStruct } from "../../deploy";
import type { RulesParameters } from "../../deploy";
import { RoyaltiesError, withPoolErrors } from "../../errors";
import { getRules } from "../read";
import type { RulesInfo } from "../read";

/**
 * Every rules version of a pool, with the epochs it applied to, oldest first.
 * @example
 * for (const v of await rulesHistory(client)) console.log(v.version, v.firstEpochId);
 */
export type RulesHistoryReturnType = (RulesInfo & { epochs: bigint[] })[];

export async function rulesHistory(client: PoolClient): Promise<RulesHistoryReturnType> {
  const count = await client.pool.rulesVersionCount();
  const current = await client.pool.currentEpochId();
  const epochsByVersion = new Map<bigint, bigint[]>();
  for (let epochId = 1n; epochId <= current; epochId++) {
    const version = (await client.pool.getEpoch(epochId)).rulesVersion;
    epochsByVersion.set(version, [...(epochsByVersion.get(version) ?? []), epochId]);
  }
  const history: (RulesInfo & { epochs: bigint[] })[] = [];
  for (let version = 1n; version <= count; version++) {
    history.push({ ...(await getRules(client, { version })), epochs: epochsByVersion.get(version) ?? [] });
  }
  return history;
}

export interface CheckRulesUpdateParameters {
  /** The complete rules to check (e.g. `applyRulesChange(current, change)`). */
  rules: RulesParameters;
}

/**
 * Checks, without sending anything, that the pool would accept `rules` from its governance now (the
 * same call the timelock makes at execution): throws the pool's error (e.g. a bound the rules break),
 * so that a proposal that could only fail at execution is not put to a vote.
 * @example
 * await checkRulesUpdate(client, { rules: applyRulesChange(current, { caps: { computeUnits: 2n ** 62n } }) }); // throws
 */
export async function checkRulesUpdate(pool: PoolClient, { rules }: CheckRulesUpdateParameters): Promise<void> {
  const provider = pool.pool.runner?.provider;
  if (provider == null) throw new RoyaltiesError("Checking rules needs a pool client connected to a provider.");
  const governance = await pool.pool.governance();
  if (governance === ZeroAddress)
    throw new RoyaltiesError(`Pool ${pool.address} has fixed rules: nobody can change them.`);
  const data = RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [toRulesStruct(rules)]);
  await withPoolErrors(() => provider.call({ from: governance, to: pool.address, data }));
}
