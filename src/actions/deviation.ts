/**
 * An attestor's check of its own deviation from the consensus: compute the private "within tolerance"
 * bit once (it is stored on-chain), then decrypt it. What `consensus-deviation` does.
 */
import { ZeroHash } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import type { ConsensusClient } from "./consensus";
import { computeDeviation, decryptWithinTolerance } from "./consensus";

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
