import type { ContractTransactionReceipt } from "ethers";

import { confirmed } from "../client";
import { parseEvent } from "../events";
import { toConsensusError } from "./consensus";
import type { ConsensusClient } from "./consensus";

export interface FinalizeReturnType {
  epochId: bigint;
  attestations: bigint;
  /** True when the medians were submitted to the pool; false when too few attestations counted nothing. */
  counted: boolean;
  /** The contributor's updated score in the pool (only they can decrypt it); null when nothing counted. */
  scoreHandle: string | null;
  receipt: ContractTransactionReceipt;
}

export interface FinalizeParameters {
  /** The contributor whose attestations to finalize. */
  contributor: string;
}

/**
 * Finalizes a contributor's attestations of the current epoch (anyone may call): the per-metric encrypted
 * medians go to the pool when at least `minAttestations` attested.
 * @example
 * const { counted } = await finalize(anyClient, { contributor: miner });
 */
export async function finalize(
  client: ConsensusClient,
  { contributor }: FinalizeParameters,
): Promise<FinalizeReturnType> {
  const receipt = await confirmed(client.consensus.finalize(contributor)).catch((error: unknown) => {
    throw toConsensusError(error);
  });
  const event = parseEvent(client.consensus, receipt, "ConsensusFinalized");
  const counted = event.args.counted;
  return {
    epochId: event.args.epochId,
    attestations: event.args.attestations,
    counted,
    scoreHandle: counted ? event.args.score : null,
    receipt,
  };
}
