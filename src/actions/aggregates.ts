import { Interface } from "ethers";
import type { ContractRunner, ContractTransactionReceipt } from "ethers";

import { MetricAggregator__factory } from "../../types";
import type { MetricAggregator, ModelRegistry } from "../../types";
import { withRoyaltiesErrors } from "../errors";
import { confirmed } from "../client";
import { publicValue } from "../fhe/backend";
import type { FheBackend } from "../fhe/backend";

const aggregatorInterface: Interface = new Interface(MetricAggregator__factory.abi);

/** Runs an aggregator call; its custom errors come back as `AggregatorRevertError` (one decoder, `../errors`). */
async function withAggregatorErrors<T>(call: () => Promise<T>): Promise<T> {
  return withRoyaltiesErrors(call, "MetricAggregator");
}

/** The cross-model metric aggregator of a registry. */
export async function connectAggregator(registry: ModelRegistry, runner: ContractRunner): Promise<MetricAggregator> {
  return MetricAggregator__factory.connect(await registry.metricAggregator(), runner);
}

/** One reveal round of a tracked metric. */
export interface AggregateRound {
  round: bigint;
  contributors: bigint;
  submissions: bigint;
  /**
   * Unix time from which the round may be sealed (a grid boundary; 0 before its first value). A round still
   * below k at its end gets the next boundary at its next submission.
   */
  end: bigint;
  /** Sealed: its noisy sum was made publicly decryptable and it takes no more values. */
  closed: boolean;
  revealed: boolean;
  /** The clear noisy sum (true sum + noise below 2^noiseBits), once revealed. */
  value?: bigint;
}

/** Public state of one metric's cross-model aggregate. */
export interface AggregateStatus {
  name: string;
  tracked: boolean;
  /** Distinct contributors a round needs before its sum may be revealed. */
  minContributors: bigint;
  /** Length of the round grid, in seconds. */
  roundLength: bigint;
  /** Width of the noise added to every revealed round: each public sum is high by less than 2^noiseBits. */
  noiseBits: bigint;
  /** Sealed rounds, oldest first, then the open round. */
  rounds: AggregateRound[];
  /** Sum of every revealed (noisy) round. */
  cumulative: bigint;
}

/**
 * Reads a metric's cross-model aggregate: every round with its distinct-contributor count and end, and the
 * clear noisy sums of the revealed ones (the open round's sum stays encrypted).
 */
export async function getAggregateStatus(aggregator: MetricAggregator, name: string): Promise<AggregateStatus> {
  const [tracked, minContributors, roundLength, noiseBits, sealed, cumulative] = await Promise.all([
    aggregator.isTracked(name),
    aggregator.minContributors(),
    aggregator.ROUND_LENGTH(),
    aggregator.NOISE_BITS(),
    aggregator.sealedRounds(name),
    aggregator.cumulativeOf(name),
  ]);
  const numbers = Array.from({ length: Number(sealed) + 1 }, (_, i) => BigInt(i + 1));
  const rounds = await Promise.all(
    numbers.map(async (round): Promise<AggregateRound> => {
      const r = await aggregator.getRound(name, round);
      return {
        round,
        contributors: r.contributors,
        submissions: r.submissions,
        end: r.end,
        closed: r.closed,
        revealed: r.revealed,
        value: r.revealed ? r.value : undefined,
      };
    }),
  );
  return { name, tracked, minContributors, roundLength, noiseBits, rounds, cumulative };
}

/** Starts aggregating a metric name across models (the aggregator's governance account only). */
export async function trackMetric(aggregator: MetricAggregator, name: string): Promise<ContractTransactionReceipt> {
  return withAggregatorErrors(() => confirmed(aggregator.trackMetric(name)));
}

/** Stops aggregating a metric name (the aggregator's governance account only). */
export async function untrackMetric(aggregator: MetricAggregator, name: string): Promise<ContractTransactionReceipt> {
  return withAggregatorErrors(() => confirmed(aggregator.untrackMetric(name)));
}

/** Calldata for a governance proposal that tracks (or untracks) a metric name. */
export function encodeTrackMetric(name: string, track = true): string {
  return aggregatorInterface.encodeFunctionData(track ? "trackMetric" : "untrackMetric", [name]);
}

/**
 * Lets a pool of the registry feed the aggregates (the aggregator's governance account only). Until then its
 * submissions are ignored by the aggregates: anyone can create a model with a tracked metric name.
 * @example
 * await approvePool(aggregator, await registry.predictPool(creator, "subnet-7"));
 */
export async function approvePool(aggregator: MetricAggregator, pool: string): Promise<ContractTransactionReceipt> {
  return withAggregatorErrors(() => confirmed(aggregator.approvePool(pool)));
}

/** Stops a pool feeding the aggregates (the aggregator's governance account only). */
export async function revokePool(aggregator: MetricAggregator, pool: string): Promise<ContractTransactionReceipt> {
  return withAggregatorErrors(() => confirmed(aggregator.revokePool(pool)));
}

/** Calldata for a governance proposal that approves (or revokes) a pool as a feeder of the aggregates. */
export function encodeApprovePool(pool: string, approve = true): string {
  return aggregatorInterface.encodeFunctionData(approve ? "approvePool" : "revokePool", [pool]);
}

export interface RevealAggregateParameters {
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
 * const { round, value } = await revealAggregate(aggregator, fhe, "computeUnits");
 */
export async function revealAggregate(
  aggregator: MetricAggregator,
  fhe: FheBackend,
  name: string,
  { round }: RevealAggregateParameters = {},
): Promise<RevealAggregateReturnType> {
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
