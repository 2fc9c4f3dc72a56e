/**
 * What an attacker has left to guess about a secret, in bits: log2 of the size of the set of values the
 * secret can still take given every public value the attacker sees. 0 bits = the attacker knows it exactly.
 */

/** log2 of a candidate-set size (exact for powers of two, within 2^-52 otherwise); 0 for one candidate. */
export function bitsOf(candidateCount: bigint): number {
  if (candidateCount < 1n) throw new RangeError(`a candidate set has at least one value, got ${candidateCount}`);
  const length = candidateCount.toString(2).length;
  // Keep the top 53 bits so the logarithm of a number above 2^53 stays accurate.
  const shift = BigInt(Math.max(0, length - 53));
  return Number(shift) + Math.log2(Number(candidateCount >> shift));
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
