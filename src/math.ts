const SCORE_BITS = 64n;
const WIDE_SHIFT = 64n;

function bitLength(value: bigint): bigint {
  return value === 0n ? 0n : BigInt(value.toString(2).length);
}

/** Mirror of RoyaltyMath.shareParameters: the scalar factor and shift the pool uses for shares. */
export function shareParameters(pool: bigint, total: bigint): { factor: bigint; shift: bigint; wide: boolean } {
  if (pool === 0n || total === 0n) return { factor: 0n, shift: 0n, wide: false };
  const totalBits = bitLength(total);
  if (bitLength(pool) + totalBits <= SCORE_BITS) {
    return { factor: (pool << totalBits) / total, shift: totalBits, wide: false };
  }
  return { factor: (pool << WIDE_SHIFT) / total, shift: WIDE_SHIFT, wide: true };
}

/**
 * The share the pool pays for `score`: `floor(score * factor / 2^shift)`, which is
 * `floor(score * pool / total)` or one unit less, never more.
 */
export function expectedShare(score: bigint, pool: bigint, total: bigint): bigint {
  const { factor, shift } = shareParameters(pool, total);
  return (score * factor) >> shift;
}

/** The exact proportional share, `floor(score * pool / total)`, for comparison. */
export function exactShare(score: bigint, pool: bigint, total: bigint): bigint {
  return total === 0n ? 0n : (score * pool) / total;
}

/** Score of one contribution under a schema: the sum of weight * min(metric, cap). */
export function contributionScore(
  metrics: readonly bigint[],
  schema: readonly { weight: bigint; cap: bigint }[],
): bigint {
  return metrics.reduce(
    (sum, value, i) => sum + schema[i].weight * (value < schema[i].cap ? value : schema[i].cap),
    0n,
  );
}

/** A metric value above its cap: the pool counts `counted` (the cap), not `entered`. */
export interface CappedMetric {
  name: string;
  entered: bigint;
  counted: bigint;
}

/**
 * The metrics of a contribution that exceed their cap under a schema (each counts as its cap), so
 * that the CLI and the dashboard can say so before anything is sent.
 * @example
 * cappedMetrics([2_000_000n], [{ name: "computeUnits", weight: 3n, cap: 1_000_000n }])
 * // [{ name: "computeUnits", entered: 2000000n, counted: 1000000n }]
 */
export function cappedMetrics(
  metrics: readonly bigint[],
  schema: readonly { name: string; cap: bigint }[],
): CappedMetric[] {
  return schema.flatMap((rule, i) => {
    const entered = metrics[i];
    return entered !== undefined && entered > rule.cap ? [{ name: rule.name, entered, counted: rule.cap }] : [];
  });
}

/**
 * Expected fraction of an epoch pool that noise holds back (and the next settlement carries forward):
 * with noise N uniform in [0, B), B = 2^noiseBits, shares sum to about pool·T/(T+N), so the held-back
 * fraction is E[N/(T+N)] = 1 − (T/B)·ln(1 + B/T) for a true total T > 0 (rounding dust excluded).
 */
export function expectedNoiseHoldback(total: number, noiseBits: number): number {
  if (noiseBits === 0) return 0;
  const range = 2 ** noiseBits;
  if (total <= 0) return 1;
  const ratio = range / total;
  // log1p keeps precision when the noise range is tiny next to the total.
  return 1 - Math.log1p(ratio) / ratio;
}

/** Largest mask a settlement may use (`RoyaltyPool.MAX_MASK_BITS`: the bound of `FHE.randEuint64` is at most 2^63). */
const MAX_MASK_BITS = 63n;

/** Mirror of `RoyaltyMath.remainderBound`: public bound on `pool − Σ shares` of one revealed epoch. */
export function remainderBound(pool: bigint, noisyTotal: bigint, noiseBits: bigint, participants: bigint): bigint {
  let bound = participants + 1n;
  if (noiseBits !== 0n) bound += ceilDiv(pool * ((1n << noiseBits) - 1n), noisyTotal);
  return bound < pool ? bound : pool;
}

/** Mirror of the pool's mask rule: one bit wider than the bound's bit length, never narrower than before, at most 63. */
export function nextMaskBits(previous: bigint, bound: bigint): bigint {
  const needed = bitLength(bound) + 1n;
  const widest = needed > previous ? needed : previous;
  return widest < MAX_MASK_BITS ? widest : MAX_MASK_BITS;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}
