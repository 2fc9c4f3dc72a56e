/**
 * Values read from the chain are untrusted: anyone can create a model, so a model's name, its payout
 * token's symbol and decimals and its metric names may come from an attacker. These pure helpers turn
 * them into something safe to show, or say why they cannot be shown. (React escapes HTML; these handle
 * what HTML escaping does not: invisible, look-alike and control characters, and absurd sizes.)
 */

/** Longest name shown in full; the rest is cut and counted. */
export const MAX_NAME_LENGTH = 64;
/** Longest token symbol accepted (ERC20 symbols are a handful of letters). */
export const MAX_SYMBOL_LENGTH = 16;
/** Decimals accepted for a payout token (an ERC7984 wrapper has at most 6; 0 or 255 is hostile). */
export const MIN_DECIMALS = 1;
export const MAX_DECIMALS = 18;

/** A string from the chain made safe to display, with what was done to it. */
export interface DisplayText {
  /** Printable text: control and invisible characters are shown as \u{…}, long text is cut. */
  text: string;
  /** Why a reader should be careful with this name (empty when it is plain ASCII). */
  warnings: string[];
}

// Control (Cc), format (Cf: zero-width, bidirectional overrides…), separators other than the space,
// private-use, surrogates and unassigned code points.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]|(?! )\p{Zs}/gu;
const NON_ASCII = /[^\x20-\x7e]/;

function codePoint(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
}

/**
 * Makes an untrusted string displayable: invisible and control characters become visible `\u{…}`
 * escapes, text beyond `max` characters is cut, and non-ASCII text carries a look-alike warning.
 */
export function displayText(raw: unknown, max = MAX_NAME_LENGTH): DisplayText {
  const value = typeof raw === "string" ? raw : String(raw);
  const warnings: string[] = [];
  const chars = [...value];
  let text = chars.slice(0, max).join("");
  if (INVISIBLE.test(text)) warnings.push("contains invisible or control characters (shown as \\u{…})");
  INVISIBLE.lastIndex = 0;
  text = text.replace(INVISIBLE, codePoint);
  if (NON_ASCII.test(value.replace(INVISIBLE, ""))) {
    warnings.push("contains non-ASCII characters: it may imitate another name");
  }
  INVISIBLE.lastIndex = 0;
  if (chars.length > max) {
    text += `… (${(chars.length - max).toLocaleString("en-US")} more characters)`;
    warnings.push(`is ${chars.length.toLocaleString("en-US")} characters long`);
  }
  if (value.trim() === "") warnings.push("is empty or blank");
  return { text, warnings };
}

/** The payout token's metadata after validation. */
export interface TokenMetadata {
  symbol: string;
  decimals: number;
}

/** The token's metadata cannot be used: amounts in it would be shown wrongly or not at all. */
export class UnreadableTokenError extends Error {}

/**
 * Validates a payout token's `symbol()` and `decimals()` answers; throws {@link UnreadableTokenError}
 * saying what is wrong when they are not a short printable symbol and decimals in 1–18.
 */
export function validateTokenMetadata(symbol: unknown, decimals: unknown): TokenMetadata {
  if (typeof symbol !== "string") throw new UnreadableTokenError("its symbol is not a string");
  const length = [...symbol].length;
  if (length === 0 || length > MAX_SYMBOL_LENGTH) {
    throw new UnreadableTokenError(
      `its symbol is ${length.toLocaleString("en-US")} characters long (1–${MAX_SYMBOL_LENGTH} expected)`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(symbol)) {
    throw new UnreadableTokenError("its symbol has spaces, control or non-ASCII characters");
  }
  const n = typeof decimals === "bigint" ? Number(decimals) : decimals;
  if (typeof n !== "number" || !Number.isInteger(n) || n < MIN_DECIMALS || n > MAX_DECIMALS) {
    throw new UnreadableTokenError(
      `it reports ${String(decimals)} decimals (${MIN_DECIMALS}–${MAX_DECIMALS} expected)`,
    );
  }
  return { symbol, decimals: n };
}

/** A short, safe reason from any failure while reading untrusted contracts. */
export function unreadableReason(error: unknown): string {
  if (error instanceof UnreadableTokenError) return error.message;
  const raw = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : error;
  return displayText(String(raw).split("\n")[0], 160).text;
}

/** Rejects after `ms` with `what` in the message: a hostile contract must not stall the page. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One metric as it will be counted: the value entered, capped by the rules. */
export interface CountedMetric {
  entered: bigint;
  counted: bigint;
  capped: boolean;
}

/** What the pool counts for each metric: min(value, cap). */
export function countedMetrics(values: readonly bigint[], caps: readonly bigint[]): CountedMetric[] {
  return values.map((entered, i) => {
    const cap = caps[i] ?? 0n;
    return { entered, counted: entered > cap ? cap : entered, capped: entered > cap };
  });
}
