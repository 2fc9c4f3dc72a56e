/**
 * Metric values as a pool accepts them, checked in one place for the dashboard's form, the `submit` task and the
 * library's submissions: one value per metric of the schema, each a whole number from 0 to 2^64 - 1 (an euint64).
 */

/** The largest metric value a pool accepts (the encrypted values are 64-bit). */
export const METRIC_MAX = 2n ** 64n - 1n;

/**
 * A metric value as a person types it: digits, `_` allowed as a separator, surrounding blanks ignored; undefined
 * when it is not a whole number from 0 to 2^64 - 1.
 * @example
 * parseMetricValue(" 1_200 ") // 1200n
 * parseMetricValue("-1") // undefined
 */
export function parseMetricValue(text: string): bigint | undefined {
  const digits = text.trim().replace(/_/g, "");
  if (!/^\d+$/.test(digits)) return undefined;
  const value = BigInt(digits);
  return value <= METRIC_MAX ? value : undefined;
}

export type MetricsCheck = { ok: true; metrics: bigint[] } | { ok: false; problem: string };

/**
 * Checks a contribution's values against a pool's schema: as many values as metrics, each a whole number from 0 to
 * 2^64 - 1 (typed text is parsed with {@link parseMetricValue}). `problem` says which value is wrong and why.
 * @example
 * checkMetrics(["1200", "40"], [{ name: "computeUnits" }, { name: "dataSamples" }]) // { ok: true, metrics: [1200n, 40n] }
 */
export function checkMetrics(values: readonly (bigint | string)[], schema: readonly { name: string }[]): MetricsCheck {
  if (values.length !== schema.length) {
    const names = schema.map((m) => m.name).join(", ");
    return { ok: false, problem: `The pool expects ${schema.length} metrics (${names}), got ${values.length}.` };
  }
  const metrics: bigint[] = [];
  for (const [i, value] of values.entries()) {
    const parsed = typeof value === "string" ? parseMetricValue(value) : value;
    if (parsed === undefined || parsed < 0n || parsed > METRIC_MAX) {
      const shown = typeof value === "string" ? `"${value}"` : value.toString();
      return { ok: false, problem: `Metric ${schema[i].name} = ${shown} is outside 0..2^64-1.` };
    }
    metrics.push(parsed);
  }
  return { ok: true, metrics };
}
