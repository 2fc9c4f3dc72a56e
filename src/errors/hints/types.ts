/** The decoded arguments of a custom error, in ABI order (uints as bigint, addresses and bytes as hex strings). */
export type RevertArgs = readonly unknown[];

/**
 * What to say about one custom error. `hint` is the next step, a function of the arguments (dates, amounts and
 * counts rendered with `../render`), naming `royalties <task>` commands and dashboard buttons, never Solidity
 * functions. `sentence` replaces the default `Name(args)` where a sentence reads better (it is the message's first
 * half: `<sentence>: <hint>`). `contract` is the decoded owner, for errors whose meaning depends on it.
 */
export interface RevertText {
  readonly sentence?: (args: RevertArgs, contract: string) => string;
  readonly hint: (args: RevertArgs, contract: string) => string;
}

/** A table of texts keyed by custom error name. */
export type RevertTexts = Readonly<Record<string, RevertText>>;

/** An argument as a bigint (uints, ints, enums). */
export function big(value: unknown): bigint {
  return typeof value === "bigint" ? value : BigInt(String(value));
}

/** An argument as text (addresses, bytes32, strings). */
export function text(value: unknown): string {
  return String(value);
}

/** A table entry whose hint is a function of the arguments only. */
export function hint(make: (args: RevertArgs, contract: string) => string): RevertText {
  return { hint: make };
}
