import { ZeroHash } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { confirmed } from "../client";
import { RoyaltiesError } from "../errors";
import { parseEvent } from "../events";
import { toConsensusError } from "./consensus";
import type { ConsensusClient } from "./consensus";

export interface DeviationParameters {
  epochId: bigint;
  contributor: string;
}

export interface ComputeDeviationReturnType {
  /** Handle of the encrypted bit "my deviation <= deviationTolerance" (only the signer can decrypt it). */
  withinToleranceHandle: string;
  /** The tolerance of the configuration in force for the epoch (public). */
  deviationTolerance: bigint;
  receipt: ContractTransactionReceipt;
}

/**
 * The signer (an attestor of the contributor) computes whether its weighted deviation from the consensus is within
 * the configuration's tolerance: one encrypted bit. The numeric deviation is never revealed to anyone: an attestor
 * that submitted zeros would read the contributor's score in it.
 * @example
 * const { withinToleranceHandle } = await computeDeviation(validatorClient, { epochId: 1n, contributor: miner });
 */
export async function computeDeviation(
  client: ConsensusClient,
  { epochId, contributor }: DeviationParameters,
): Promise<ComputeDeviationReturnType> {
  const receipt = await confirmed(client.consensus.computeDeviation(epochId, contributor)).catch((error: unknown) => {
    throw toConsensusError(error);
  });
  const event = parseEvent(client.consensus, receipt, "DeviationChecked");
  return {
    withinToleranceHandle: event.args.withinTolerance,
    deviationTolerance: event.args.deviationTolerance,
    receipt,
  };
}

export type DecryptWithinToleranceReturnType = boolean;

/**
 * Decrypts the signer's own "within tolerance" bit (computed with {@link computeDeviation}): true when its weighted
 * deviation from the consensus was at most the configuration's `deviationTolerance`.
 * @example
 * const within = await decryptWithinTolerance(validatorClient, { epochId: 1n, contributor: miner });
 */
export async function decryptWithinTolerance(
  client: ConsensusClient,
  { epochId, contributor }: DeviationParameters,
): Promise<DecryptWithinToleranceReturnType> {
  const attestor = await client.signer.getAddress();
  const handle = await client.consensus.withinToleranceOf(epochId, contributor, attestor);
  if (handle === ZeroHash) {
    throw new RoyaltiesError(
      `No deviation bit of ${attestor} for ${contributor} in epoch ${epochId}: compute it first (computeDeviation).`,
    );
  }
  if (client.fhe.userDecryptBool === undefined) {
    throw new RoyaltiesError("This FHE backend cannot decrypt an ebool: use the Hardhat or relayer backend.");
  }
  return client.fhe.userDecryptBool(handle, client.address, client.signer);
}

export interface CheckDeviationParameters {
  contributor: string;
  /** Default: the pool's current epoch. */
  epochId?: bigint;
}

export interface CheckDeviationReturnType {
  epochId: bigint;
  contributor: string;
  /** The signer, whose attestation is compared with the consensus. */
  attestor: string;
  withinTolerance: boolean;
  /** The tolerance (weighted, capped deviation in score units) of the epoch's consensus configuration. */
  deviationTolerance: bigint;
  /** The computation's receipt; undefined when the bit was computed before. */
  receipt?: ContractTransactionReceipt;
}

/**
 * Whether the signer's attestation of `contributor` is within the consensus tolerance: computes the
 * bit when nobody has yet (one transaction), then decrypts it with the signer's key.
 * @example
 * const { withinTolerance } = await checkDeviation(client, { contributor: alice.address });
 */
export async function checkDeviation(
  client: ConsensusClient,
  { contributor, epochId: requested }: CheckDeviationParameters,
): Promise<CheckDeviationReturnType> {
  const epochId = requested ?? (await client.pool.currentEpochId());
  const attestor = await client.signer.getAddress();
  let receipt: ContractTransactionReceipt | undefined;
  if ((await client.consensus.withinToleranceOf(epochId, contributor, attestor)) === ZeroHash) {
    receipt = (await computeDeviation(client, { epochId, contributor })).receipt;
  }
  const [, config] = await client.consensus.configForEpoch(epochId);
  const withinTolerance = await decryptWithinTolerance(client, { epochId, contributor });
  return { epochId, contributor, attestor, withinTolerance, deviationTolerance: config.deviationTolerance, receipt };
}
