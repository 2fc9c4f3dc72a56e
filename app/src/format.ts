/** Display helpers on top of the library's `formatAmount`. */
import { formatAmount } from "../../src/format";
import type { TokenInfo } from "./data";

export function tokens(units: bigint, token: TokenInfo): string {
  return `${formatAmount(units, token.decimals)} ${token.symbol}`;
}

export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

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

export function plural(count: bigint | number, word: string): string {
  return `${count.toString()} ${word}${BigInt(count) === 1n ? "" : "s"}`;
}
