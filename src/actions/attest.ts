import type { ContractTransactionReceipt } from "ethers";

import { confirmed } from "../client";
import { parseEvent } from "../events";
import { InvalidConsensusInputError, toConsensusError } from "./consensus";
import type { ConsensusClient } from "./consensus";

const UINT64_MAX = 2n ** 64n - 1n;

export interface AttestParameters {
  /** The contributor the metrics are about. */
  contributor: string;
  /** One clear value per metric of the pool's schema; encrypted in the attestor's wallet before it leaves. */
  metrics: readonly bigint[];
}

export interface AttestReturnType {
  epochId: bigint;
  /** Attestations of the contributor in this epoch, this one included. */
  count: bigint;
  /** Handles of the attested values (only the attestor can decrypt them). */
  metricHandles: string[];
  receipt: ContractTransactionReceipt;
}

/**
 * A panel attestor encrypts metrics about a contributor and attests them for the pool's current epoch.
 * @example
 * await attest(validatorClient, { contributor: miner, metrics: [5_000n, 120n, 90n] });
 */
export async function attest(
  client: ConsensusClient,
  { contributor, metrics }: AttestParameters,
): Promise<AttestReturnType> {
  const epoch = await client.pool.getEpoch(await client.pool.currentEpochId());
  const schema = (await client.pool.getRules(epoch.rulesVersion)).metrics;
  if (metrics.length !== schema.length) {
    const names = schema.map((m) => m.name).join(", ");
    throw new InvalidConsensusInputError(
      `The pool expects ${schema.length} metrics (${names}), got ${metrics.length}.`,
    );
  }
  metrics.forEach((value, i) => {
    if (value < 0n || value > UINT64_MAX) {
      throw new InvalidConsensusInputError(`Metric ${schema[i].name} = ${value} is outside 0..2^64-1.`);
    }
  });
  const attestor = await client.signer.getAddress();
  const encrypted = await client.fhe.encryptUint64(client.address, attestor, metrics);
  const receipt = await confirmed(client.consensus.attest(contributor, encrypted.handles, encrypted.inputProof)).catch(
    (error: unknown) => {
      throw toConsensusError(error);
    },
  );
  const event = parseEvent(client.consensus, receipt, "Attested");
  return {
    epochId: event.args.epochId,
    count: event.args.count,
    metricHandles: [...event.args.metrics],
    receipt,
  };
}
