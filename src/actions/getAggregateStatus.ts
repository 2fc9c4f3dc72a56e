import type { RoyaltiesClient } from "../client";
import { connectAggregator } from "./aggregator";
import type { MetricNameParameters } from "./aggregator";

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

export type GetAggregateStatusParameters = MetricNameParameters;
export type GetAggregateStatusReturnType = AggregateStatus;

/**
 * Reads a metric's cross-model aggregate: every round with its distinct-contributor count and end, and the
 * clear noisy sums of the revealed ones (the open round's sum stays encrypted).
 * @example
 * const { rounds, cumulative } = await getAggregateStatus(client, { name: "computeUnits" });
 */
export async function getAggregateStatus(
  client: RoyaltiesClient,
  { name }: GetAggregateStatusParameters,
): Promise<GetAggregateStatusReturnType> {
  const aggregator = await connectAggregator(client);
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
