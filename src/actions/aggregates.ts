import { Interface } from "ethers";
import type { ContractRunner, ContractTransactionReceipt } from "ethers";

import { MetricAggregator__factory } from "../../types";
import type { MetricAggregator, ModelRegistry } from "../../types";
import { ContractRevertError, parseRevert } from "../errors";
import { confirmed } from "../client";
import { publicValue } from "../fhe/backend";
import type { FheBackend } from "../fhe/backend";

/** What to do after each custom error of the aggregator. */
const AGGREGATOR_NEXT_STEP: Record<string, string> = {
  MetricAggregatorUnauthorized: "only the aggregator's governance (the DAO timelock) chooses the metric names.",
  MetricAggregatorEmptyName: "give the metric name as it appears in the model schemas.",
  MetricAggregatorAlreadyTracked: "the metric is already aggregated.",
  MetricAggregatorNotTracked: "list the tracked metrics (royalties aggregates) first.",
  MetricAggregatorTooManyMetrics: "untrack a metric first.",
  MetricAggregatorBelowThreshold:
    "the round needs more distinct contributors before its sum may be public; try again after more submissions.",
  MetricAggregatorRoundNotPending: "the round is not sealed yet or was already revealed.",
};

const aggregatorInterface: Interface = new Interface(MetricAggregator__factory.abi);

/** A transaction the aggregator rejected with one of its custom errors. */
export class AggregatorRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    super(errorName, args, AGGREGATOR_NEXT_STEP);
  }
}

async function withAggregatorErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw parseRevert(error, aggregatorInterface, (name, args) => new AggregatorRevertError(name, args)) ?? error;
  }
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
  /** Sealed: its sum was made publicly decryptable and it takes no more values. */
  closed: boolean;
  revealed: boolean;
  /** The clear sum, once revealed. */
  value?: bigint;
}

/** Public state of one metric's cross-model aggregate. */
export interface AggregateStatus {
  name: string;
  tracked: boolean;
  /** Distinct contributors a round needs before its sum may be revealed. */
  minContributors: bigint;
  /** Sealed rounds, oldest first, then the open round. */
  rounds: AggregateRound[];
  /** Sum of every revealed round. */
  cumulative: bigint;
}

/**
 * Reads a metric's cross-model aggregate: every round with its distinct-contributor count, and the
 * clear sums of the revealed ones (the open round's sum stays encrypted).
 */
export async function getAggregateStatus(aggregator: MetricAggregator, name: string): Promise<AggregateStatus> {
  const [tracked, minContributors, sealed, cumulative] = await Promise.all([
    aggregator.isTracked(name),
    aggregator.minContributors(),
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
        closed: r.closed,
        revealed: r.revealed,
        value: r.revealed ? r.value : undefined,
      };
    }),
  );
  return { name, tracked, minContributors, rounds, cumulative };
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

export interface RevealAggregateReturnType {
  round: bigint;
  value: bigint;
  cumulative: bigint;
}

/**
 * Seals the open round of a metric once it has k distinct contributors, fetches the KMS decryption of
 * its sum and records it on-chain. A round sealed earlier but never revealed is revealed instead.
 */
export async function revealAggregate(
  aggregator: MetricAggregator,
  fhe: FheBackend,
  name: string,
): Promise<RevealAggregateReturnType> {
  let round = await aggregator.sealedRounds(name);
  const pending = round > 0n && !(await aggregator.getRound(name, round)).revealed;
  if (!pending) {
    await withAggregatorErrors(() => confirmed(aggregator.requestReveal(name)));
    round = await aggregator.sealedRounds(name);
  }
  const { value, proof } = await publicValue(fhe, (await aggregator.getRound(name, round)).sum);
  await withAggregatorErrors(() => confirmed(aggregator.revealAggregate(name, round, value, proof)));
  return { round, value, cumulative: await aggregator.cumulativeOf(name) };
}
