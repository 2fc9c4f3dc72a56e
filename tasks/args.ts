/**
 * Parsers of task arguments. Each one fails with a HardhatPluginError that names the option, shows
 * what was given and an example of what is expected.
 */
import { ZeroAddress, getAddress, isAddress, parseUnits } from "ethers";
import { HardhatPluginError } from "hardhat/plugins";

import type { MetricParameters } from "../src/deploy";
import { parseMetricValue } from "../src/metrics";
import { PLUGIN_NAME } from "./fhe";

const UINT64_MAX = 2n ** 64n - 1n;

/** Throws a task error: printed without a stack trace, exit code 1. */
export function fail(message: string): never {
  throw new HardhatPluginError(PLUGIN_NAME, message);
}

function wholeNumber(text: string): bigint | undefined {
  const trimmed = text.trim().replace(/_/g, "");
  return /^\d+$/.test(trimmed) ? BigInt(trimmed) : undefined;
}

/** `--metrics 1200,40,95` → `[1200n, 40n, 95n]`. */
export function parseMetricValues(text: string): bigint[] {
  const values = text.split(",").map(parseMetricValue);
  if (text.trim() === "" || values.some((v) => v === undefined)) {
    fail(`--metrics must be whole numbers below 2^64 separated by commas, e.g. --metrics 1200,40,95; got "${text}".`);
  }
  return values as bigint[];
}

/** `--metrics computeUnits:3:1000000,dataSamples:1:500000` → metric schema. */
export function parseMetricSchema(text: string): MetricParameters[] {
  const example = "--metrics computeUnits:3:1000000,dataSamples:1:500000,qualityScore:50:100";
  if (text.trim() === "") fail(`--metrics is empty: give name:weight:cap for each metric, e.g. ${example}.`);
  return text.split(",").map((entry) => {
    const parts = entry.trim().split(":");
    const weight = parts.length === 3 ? wholeNumber(parts[1]) : undefined;
    const cap = parts.length === 3 ? wholeNumber(parts[2]) : undefined;
    if (parts.length !== 3 || parts[0] === "" || weight === undefined || cap === undefined) {
      fail(`Metric "${entry}" is not name:weight:cap with whole numbers, e.g. ${example}.`);
    }
    if (weight === 0n || cap === 0n || weight > UINT64_MAX || cap > UINT64_MAX) {
      fail(`Metric "${entry}": weight and cap must be between 1 and 2^64-1.`);
    }
    return { name: parts[0], weight, cap };
  });
}

/** `--weights computeUnits:4,qualityScore:60` → `{ computeUnits: 4n, qualityScore: 60n }` (each 1..2^64-1). */
export function parseNamedValues(text: string, option: string): Record<string, bigint> {
  const values: Record<string, bigint> = {};
  for (const entry of text.split(",")) {
    const [name, raw, extra] = entry.trim().split(":");
    const value = raw === undefined ? undefined : wholeNumber(raw);
    if (!name || extra !== undefined || value === undefined || value === 0n || value > UINT64_MAX) {
      fail(
        `${option} entry "${entry}" is not name:value with a whole value from 1 to 2^64-1, e.g. ${option} computeUnits:4.`,
      );
    }
    values[name] = value;
  }
  return values;
}

/** A decimal token amount (`"1000"`, `"12.5"`) in base units of a token with `decimals`. */
export function parseAmount(text: string, decimals: number, option: string): bigint {
  let value: bigint;
  try {
    value = parseUnits(text.trim().replace(/_/g, ""), decimals);
  } catch {
    fail(`${option} must be a decimal amount with at most ${decimals} decimals, e.g. ${option} 1000; got "${text}".`);
  }
  if (value <= 0n) fail(`${option} must be positive; got "${text}".`);
  return value;
}

/** A checksummed, non-zero address. */
export function parseAddress(text: string, option: string): string {
  if (!isAddress(text) || getAddress(text) === ZeroAddress) {
    fail(`${option} must be a non-zero 0x… address; got "${text}".`);
  }
  return getAddress(text);
}

/** An epoch id (epochs are numbered from 1). */
export function parseEpochId(text: string): bigint {
  const value = wholeNumber(text);
  if (value === undefined || value === 0n) fail(`--epoch must be an epoch number (from 1); got "${text}".`);
  return value;
}

/** A block number (≥ 0). */
export function parseBlock(text: string, option: string): number {
  const value = wholeNumber(text);
  if (value === undefined || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail(`${option} must be a block number; got "${text}".`);
  }
  return Number(value);
}
