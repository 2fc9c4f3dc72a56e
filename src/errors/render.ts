import { formatAmount } from "../format";

/**
 * How every hint renders dates, durations and amounts: one place, so the command line, the dashboard and a
 * library caller read the same text for the same revert.
 */

/** A Unix time (seconds) as a UTC ISO date without milliseconds: `2026-12-02T13:05:00Z`. */
export function formatDate(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** A number of seconds as the two largest units: `3 h 20 min`, `45 s`, `2 d 1 h`. */
export function formatDuration(seconds: bigint): string {
  let rest = seconds < 0n ? -seconds : seconds;
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400n],
    ["h", 3_600n],
    ["min", 60n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size} ${unit}`);
      rest %= size;
    }
  }
  if (parts.length === 0) parts.push(`${rest} s`);
  return parts.slice(0, 2).join(" ");
}

/** A whole count with grouped digits: `1,500,000`. */
export function formatCount(value: bigint): string {
  return value.toLocaleString("en-US");
}

/**
 * An amount in a token's smallest units. With `decimals` known it reads as tokens (`1.5 tokens`); without, as
 * `units` of the given kind (`1,500,000 confidential units`), since a revert carries no decimals.
 */
export function formatUnits(value: bigint, kind: string, decimals?: number): string {
  return decimals === undefined ? `${formatCount(value)} ${kind}` : `${formatAmount(value, decimals)} ${kind}`;
}
