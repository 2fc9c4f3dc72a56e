/** Readable times and durations (pure: unit-tested without a browser). */

/** "2026-12-02 13:05 UTC". */
export function dateTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** "3 h 20 min", "45 s". */
export function duration(seconds: bigint): string {
  let s = Number(seconds < 0n ? -seconds : seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
  }
  if (parts.length === 0) parts.push(`${s} s`);
  return parts.slice(0, 2).join(" ");
}
