import { ErrorFragment, Interface } from "ethers";

import { REVERT_TEXTS } from "./hints";
import { REVERT_SOURCES } from "./sources";
import type { RevertSource } from "./sources";

/** A contract's custom error, decoded, with the sentence and next step every consumer shows. */
export interface DecodedRevert {
  /** The contract that owns the error (a library's errors belong to the contract that links it). */
  readonly contract: string;
  /** How a sentence names that contract: "pool", "payout vault"… */
  readonly label: string;
  /** The custom error's name, e.g. `RoyaltyPoolEpochNotEnded`. */
  readonly error: string;
  /** Its arguments in ABI order (uints as bigint, addresses and bytes as hex strings). */
  readonly args: readonly unknown[];
  /** What happened, in one line: `Name(args)` or a sentence written for the error. */
  readonly sentence: string;
  /** What to do next, naming `royalties` tasks and dashboard buttons; dates and amounts rendered. */
  readonly hint: string;
}

interface Owner {
  readonly source: RevertSource;
  readonly iface: Interface;
}

interface Index {
  /** Owners of each selector, in {@link REVERT_SOURCES} order. */
  readonly bySelector: ReadonlyMap<string, readonly Owner[]>;
  /** Owners of each error name (for messages that name the error instead of carrying its data). */
  readonly byName: ReadonlyMap<string, readonly Owner[]>;
}

let index: Index | undefined;

/** The error fragments of a source, one per signature (a library's errors repeat in the contracts linking it). */
function errorFragments(source: RevertSource): ErrorFragment[] {
  const seen = new Map<string, ErrorFragment>();
  for (const abi of source.abis) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment instanceof ErrorFragment) seen.set(fragment.format("sighash"), fragment);
    }
  }
  return [...seen.values()];
}

function buildIndex(): Index {
  const bySelector = new Map<string, Owner[]>();
  const byName = new Map<string, Owner[]>();
  for (const source of REVERT_SOURCES) {
    const iface = new Interface(errorFragments(source));
    const owner = { source, iface };
    iface.forEachError((fragment) => {
      bySelector.set(fragment.selector, [...(bySelector.get(fragment.selector) ?? []), owner]);
      byName.set(fragment.name, [...(byName.get(fragment.name) ?? []), owner]);
    });
  }
  return { bySelector, byName };
}

function getIndex(): Index {
  index ??= buildIndex();
  return index;
}

/** Every custom error the decoder knows: its owner, name, signature and selector (for tests and docs). */
export function knownRevertErrors(): { contract: string; error: string; signature: string; selector: string }[] {
  const found = [];
  for (const [selector, owners] of getIndex().bySelector) {
    for (const { source, iface } of owners) {
      const fragment = iface.getError(selector);
      if (fragment) {
        found.push({
          contract: source.contract,
          error: fragment.name,
          signature: fragment.format("sighash"),
          selector,
        });
      }
    }
  }
  return found;
}

/** The owner the caller names if it has the error, else the first listed. */
function pick(owners: readonly Owner[] | undefined, contract: string | undefined): Owner | undefined {
  return owners?.find(({ source }) => source.contract === contract) ?? owners?.[0];
}

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

/** The nested objects of an error where providers and wrappers put the underlying one. */
const NESTED_KEYS = ["error", "info", "data", "cause", "parent"] as const;

/** Every object in an error's nesting (ethers' `error` / `info`, JSON-RPC `data`, `cause`, Hardhat's `parent`). */
function* nestedErrors(error: unknown): Generator<object> {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 32) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    yield current;
    for (const key of NESTED_KEYS) queue.push((current as Record<string, unknown>)[key]);
  }
}

/**
 * The revert data (custom error selector and arguments) carried by a failed call, wherever the provider put it:
 * raw hex, ethers errors (`data`, `error.data`, `info.error.data`, nested `error.error`), a JSON-RPC error of a
 * `npx hardhat node` (`data: { message, txHash, data }`), a wrapper's `cause`, or a Hardhat message that quotes
 * it ("unrecognized custom error (return data: 0x…)").
 */
export function revertData(error: unknown): string | undefined {
  if (typeof error === "string") return HEX.test(error) && error.length >= 10 ? error : undefined;
  for (const current of nestedErrors(error)) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && HEX.test(data) && data.length >= 10) return data;
  }
  for (const current of nestedErrors(error)) {
    const message = (current as { message?: unknown }).message;
    const quoted = typeof message === "string" ? /return data: (0x[0-9a-fA-F]{8,})/.exec(message) : null;
    if (quoted) return quoted[1];
  }
  return undefined;
}

/** Splits Hardhat's rendering of error arguments (`1, "0xab…", "a, b"`) at top-level commas. */
function splitArguments(list: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  let depth = 0;
  for (const char of list) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else current += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      continue;
    }
    if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
      continue;
    }
    if (char === "[" || char === "(") depth++;
    if (char === "]" || char === ")") depth--;
    current += char;
  }
  if (current.trim() !== "" || parts.length > 0) parts.push(current.trim());
  return parts;
}

/**
 * The revert data of an error Hardhat names only in its message ("reverted with custom error 'Name(1, \"0x…\")'"),
 * as it does for errors raised in linked libraries: re-encoded from the named owner's fragment.
 */
function dataFromMessage(error: unknown, contract: string | undefined): string | undefined {
  for (const current of nestedErrors(error)) {
    const message = (current as { message?: unknown }).message;
    if (typeof message !== "string") continue;
    const named = /custom error '([A-Za-z_$][\w$]*)\((.*)\)'/s.exec(message);
    if (!named) continue;
    const [, name, list] = named;
    const values = splitArguments(list);
    const owners = getIndex().byName.get(name) ?? [];
    const preferred = [...owners].sort(
      (a, b) => Number(b.source.contract === contract) - Number(a.source.contract === contract),
    );
    for (const { iface } of preferred) {
      const fragment = iface.getError(name);
      if (!fragment || fragment.inputs.length !== values.length) continue;
      try {
        return iface.encodeErrorResult(fragment, values);
      } catch {
        // Another owner's fragment of the same name may fit the values.
      }
    }
  }
  return undefined;
}

/** The hint of an error, or a general one if its arguments do not fit the text (never thrown from a catch). */
function describe(source: RevertSource, name: string, args: readonly unknown[]): { sentence: string; hint: string } {
  const fallback = `${name}(${args.map(String).join(", ")})`;
  const text = REVERT_TEXTS[name];
  try {
    if (text)
      return { sentence: text.sentence?.(args, source.contract) ?? fallback, hint: text.hint(args, source.contract) };
  } catch {
    // Malformed arguments (a hostile contract's error of the same name): fall through to the general hint.
  }
  return { sentence: fallback, hint: `check the ${source.label}'s state and the values sent, then try again.` };
}

/**
 * Decodes a failed call's custom error with every ABI the project knows, from an ethers, Hardhat or JSON-RPC error,
 * or from raw revert data. When several contracts declare the same error, `contract` (e.g. `"PayoutVault"`, the
 * contract called) decides, else the first in {@link REVERT_SOURCES}. Undefined when the failure carries no known
 * custom error.
 * @example
 * const decoded = decodeRevert(caught, "PayoutVault");
 * if (decoded) console.error(`${decoded.sentence}: ${decoded.hint}`);
 */
export function decodeRevert(error: unknown, contract?: string): DecodedRevert | undefined {
  return decodeData(revertData(error), contract) ?? decodeData(dataFromMessage(error, contract), contract);
}

function decodeData(data: string | undefined, contract: string | undefined): DecodedRevert | undefined {
  if (data === undefined) return undefined;
  const owner = pick(getIndex().bySelector.get(data.slice(0, 10).toLowerCase()), contract);
  if (!owner) return undefined;
  let parsed;
  try {
    parsed = owner.iface.parseError(data);
  } catch {
    return undefined; // The selector matches but the arguments do not decode: not one of ours.
  }
  if (!parsed) return undefined;
  const args = parsed.args.toArray();
  const { source } = owner;
  return {
    contract: source.contract,
    label: source.label,
    error: parsed.name,
    args,
    ...describe(source, parsed.name, args),
  };
}
