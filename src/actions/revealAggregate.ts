import type { MetricAggregator } from "../../types";
import { confirmed, requireFhe } from "../client";
import type { RoyaltiesClient } from "../client";
import { publicValue } from "../fhe/backend";
import { aggregatorSigner, withAggregatorErrors } from "./aggregator";
import type { MetricNameParameters } from "./aggregator";

export interface RevealAggregateParameters extends MetricNameParameters {
  /** A sealed, unrevealed round to reveal; default the oldest such round, or else the open round, sealed now. */
  round?: bigint;
}

export interface RevealAggregateReturnType {
  round: bigint;
  /** The round's public sum: its true sum plus noise below 2^NOISE_BITS. */
  value: bigint;
  cumulative: bigint;
}

/** The oldest sealed round not yet revealed after the last revealed one, if any. */
async function oldestPendingRound(aggregator: MetricAggregator, name: string): Promise<bigint | undefined> {
  let pending: bigint | undefined;
  for (let round = await aggregator.sealedRounds(name); round > 0n; round--) {
    if ((await aggregator.getRound(name, round)).revealed) break;
    pending = round;
  }
  return pending;
}

/**
 * Reveals a round of a metric: fetches the KMS decryption of its noisy sum and records it on-chain. Without
 * `round`, the oldest round sealed but not revealed yet (a submission after a round's end seals it), or else
 * the open round, sealed first: that needs its end to have passed and k distinct contributors.
 * @example
 * const { round, value } = await revealAggregate(client, { name: "computeUnits" });
 */
export async function revealAggregate(
  client: RoyaltiesClient,
  { name, round }: RevealAggregateParameters,
): Promise<RevealAggregateReturnType> {
  const fhe = requireFhe(client, "revealAggregate");
  const aggregator = await aggregatorSigner(client, "revealAggregate");
  let target = round ?? (await oldestPendingRound(aggregator, name));
  if (target === undefined) {
    await withAggregatorErrors(() => confirmed(aggregator.requestReveal(name)));
    target = await aggregator.sealedRounds(name);
  }
  const sealed = target;
  const { value, proof } = await publicValue(fhe, (await aggregator.getRound(name, sealed)).sum);
  await withAggregatorErrors(() => confirmed(aggregator.revealAggregate(name, sealed, value, proof)));
  return { round: sealed, value, cumulative: await aggregator.cumulativeOf(name) };
}
