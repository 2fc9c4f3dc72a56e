/**
 * What an attacker can still not tell about one contributor's score, computed from public values only.
 *
 * Every function here narrows an inclusive interval of candidate scores for a victim, the way an attacker
 * with k − 1 colluders (or Sybils) does: from a noisy revealed total, from a settlement's released
 * remainder, from several epochs in which the victim repeats a score. The attack tests and the privacy
 * bench use these to state, in bits, what each public value leaves to guess.
 */

/** What decides a pool's protection against Sybils: its noise width and whether attestation is required. */
export interface NoiseChoice {
  noiseBits?: number;
  attestationRequired?: boolean;
}

/**
 * Noise width a self-reported pool gets unless it says otherwise: k − 1 Sybil addresses submitting zeros make
 * an epoch revealable whose total is one victim's score, and only noise stops that. 2^16 leaves the attacker
 * at least 15 bits (about 32,000 equally likely scores) per epoch; see the README for how to choose.
 */
export const DEFAULT_NOISE_BITS = 16;
/** The noise width rules get: the given one, else {@link DEFAULT_NOISE_BITS} for a self-reported pool. */
export function effectiveNoiseBits(rules: NoiseChoice): number {
  return rules.noiseBits ?? (rules.attestationRequired === true ? 0 : DEFAULT_NOISE_BITS);
}

/**
 * A warning for rules that do not protect contributors against free identities, or undefined: a self-reported
 * pool without noise reveals one contributor's exact score to anyone who adds k − 1 addresses of their own.
 */
export function sybilWarning(rules: NoiseChoice): string | undefined {
  if (rules.attestationRequired === true || effectiveNoiseBits(rules) !== 0) return undefined;
  return (
    "WARNING: a self-reported pool without noise does not protect contributors against Sybils: k − 1 addresses " +
    "submitting zeros make a revealed total equal one contributor's exact score. Set --noise-bits (default " +
    `${DEFAULT_NOISE_BITS}) or require attestation.`
  );
}

/** An inclusive interval of candidate scores (empty when `low > high`). */
export interface ScoreCandidates {
  low: bigint;
  high: bigint;
}

/** Number of candidates in an interval. */
export function candidateCount(candidates: ScoreCandidates): bigint {
  return candidates.high < candidates.low ? 0n : candidates.high - candidates.low + 1n;
}

/** log2 of a candidate-set size (exact for powers of two, within 2^-52 otherwise); 0 for one candidate. */
export function bitsOf(candidateCount: bigint): number {
  if (candidateCount < 1n) throw new RangeError(`a candidate set has at least one value, got ${candidateCount}`);
  const length = candidateCount.toString(2).length;
  // Keep the top 53 bits so the logarithm of a number above 2^53 stays accurate.
  const shift = BigInt(Math.max(0, length - 53));
  return Number(shift) + Math.log2(Number(candidateCount >> shift));
}

/** Remaining uncertainty of an interval, in bits. */
export function candidateBits(candidates: ScoreCandidates): number {
  return bitsOf(candidateCount(candidates));
}

/** The scores both intervals allow (a victim who repeats one score across epochs). */
export function intersect(a: ScoreCandidates, b: ScoreCandidates): ScoreCandidates {
  return { low: a.low > b.low ? a.low : b.low, high: a.high < b.high ? a.high : b.high };
}

export interface FromNoisyTotalParameters {
  /** The revealed total `T' = T + N`, noise `N` uniform below `2^noiseBits`. */
  revealedTotal: bigint;
  /** Sum of every other contributor's score (known to colluders and Sybils). */
  othersScore: bigint;
  noiseBits: number;
  /** Largest score the victim can have (submissions × the rules' `maxSubmissionScore`). */
  maxScore: bigint;
}

/**
 * Scores consistent with a revealed noisy total: `T' − others − v` must be a possible noise value.
 * @example
 * const candidates = fromNoisyTotal({ revealedTotal: 1_234_567n, othersScore: 1000n, noiseBits: 16, maxScore: 10n ** 9n });
 */
export function fromNoisyTotal(params: FromNoisyTotalParameters): ScoreCandidates {
  const rest = params.revealedTotal - params.othersScore;
  const widest = (1n << BigInt(params.noiseBits)) - 1n;
  const low = rest - widest > 0n ? rest - widest : 0n;
  const high = rest < params.maxScore ? rest : params.maxScore;
  return { low, high };
}

export interface NarrowBySettlementParameters {
  /** The settled epoch's public pool and share parameters. */
  pool: bigint;
  shareFactor: bigint;
  shareShift: bigint;
  /** Σ of every other contributor's score before noise (the attacker's Sybils and colluders know their own). */
  othersScores: bigint;
  /** What the settlement released, the mask width of its hidden part (0: the remainder itself) and what the
   * current pool lent it (`2^maskBits` when masked). */
  released: bigint;
  maskBits: bigint;
  lent: bigint;
  /** Mask width of the hidden carry the settlement started from (0 for the first one). */
  priorMaskBits: bigint;
}

/**
 * Narrows candidates with a settlement of one epoch. At the reveal the pool moved `⌊(v + others)·f / 2^shift⌋`
 * (what the shares add up to at most, from the total before noise) into the payout vault, so the epoch's unpaid
 * remainder is `R(v) = pool − ⌊(v + others)·f / 2^shift⌋`, non-increasing in `v`. The settlement
 * released `R + K₀ + lent − U`, with the prior hidden carry `K₀ < 2^priorMaskBits` and the fresh new one
 * `U < 2^maskBits`: so `released − lent − (2^priorMaskBits − 1) ≤ R(v) ≤ released − lent + 2^maskBits − 1`.
 */
export function narrowBySettlement(candidates: ScoreCandidates, params: NarrowBySettlementParameters): ScoreCandidates {
  const remainder = (v: bigint) =>
    params.pool - (((v + params.othersScores) * params.shareFactor) >> params.shareShift);
  const lowest = params.released - params.lent - ((1n << params.priorMaskBits) - 1n);
  const highest = params.released - params.lent + (1n << params.maskBits) - 1n;
  // Smallest v with R(v) ≤ highest, largest v with R(v) ≥ lowest (R non-increasing in v).
  let lo = candidates.low;
  let hi = candidates.high;
  if (lo > hi) return candidates;
  let first = hi + 1n;
  for (let a = lo, b = hi; a <= b;) {
    const mid = (a + b) / 2n;
    if (remainder(mid) <= highest) {
      first = mid;
      b = mid - 1n;
    } else a = mid + 1n;
  }
  let last = lo - 1n;
  for (let a = lo, b = hi; a <= b;) {
    const mid = (a + b) / 2n;
    if (remainder(mid) >= lowest) {
      last = mid;
      a = mid + 1n;
    } else b = mid - 1n;
  }
  lo = first;
  hi = last;
  return { low: lo, high: hi };
}

export interface CandidateRangeParameters {
  /** The secret's prior range, inclusive (what the attacker knows before looking: 0 and the metric's cap). */
  min: bigint;
  max: bigint;
  /**
   * A public value `observed = secret + known + noise`; omitted when nothing public depends on the secret
   * (the candidate set is then the whole prior range).
   */
  observed?: bigint;
  /** The part of `observed` the attacker knows (its own Sybils' or colluders' values); default 0. */
  known?: bigint;
  /** The noise is uniform in [0, noiseWidth); default 1 (no noise: the secret is `observed − known`). */
  noiseWidth?: bigint;
}

/** The values of the secret consistent with what the attacker saw: an interval and its size. */
export interface CandidateRange {
  lo: bigint;
  hi: bigint;
  count: bigint;
}

/**
 * The candidate interval of a secret in [min, max] given `observed = secret + known + noise` with noise
 * uniform in [0, noiseWidth): secret ∈ [observed − known − (noiseWidth − 1), observed − known] ∩ [min, max].
 * @example
 * bitsOf(candidateRange({ min: 0n, max: 1_000_000n, observed: 500_000n }).count); // 0: exact
 */
export function candidateRange({
  min,
  max,
  observed,
  known = 0n,
  noiseWidth = 1n,
}: CandidateRangeParameters): CandidateRange {
  if (max < min || noiseWidth < 1n) throw new RangeError("empty prior range or noise width below 1");
  if (observed === undefined) return { lo: min, hi: max, count: max - min + 1n };
  const top = observed - known;
  const lo = top - (noiseWidth - 1n) > min ? top - (noiseWidth - 1n) : min;
  const hi = top < max ? top : max;
  if (hi < lo) throw new RangeError(`no value of [${min}, ${max}] explains the observation ${observed}`);
  return { lo, hi, count: hi - lo + 1n };
}
