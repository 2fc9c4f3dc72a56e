/** Display helpers on top of the library's `formatAmount`. */
import { formatAmount } from "../../src";
import type { TokenInfo } from "./data";

export { dateTime, duration } from "./time";

export function tokens(units: bigint, token: TokenInfo): string {
  return `${formatAmount(units, token.decimals)} ${token.symbol}`;
}

export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

export function plural(count: bigint | number, word: string): string {
  return `${count.toString()} ${word}${BigInt(count) === 1n ? "" : "s"}`;
}
