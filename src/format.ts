/** Cells that read as numbers (grouped digits, decimals) are right-aligned. */
const NUMBER_LIKE = /^-?[\d,]+(\.\d+)?$/;

/**
 * Characters a terminal acts on instead of printing: C0 controls (ESC, CR, LF, BEL...), DEL, C1 controls
 * (a lone U+009B is a CSI on many terminals), bidirectional marks, embeddings, overrides and isolates,
 * zero-width characters, line/paragraph separators and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** The same characters except C0 controls, which `JSON.stringify` already escapes inside strings. */
const UNSAFE_FOR_TERMINAL_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** Longest string {@link escapeTerminal} returns by default before cutting it with "…". */
export const MAX_TERMINAL_STRING = 120;

/**
 * Makes a string read from the chain (a model, metric or token name, a revert message) safe to print:
 * each character a terminal would act on becomes a visible `\u{…}` escape, and a string longer than
 * `maxLength` characters is cut with "…". Printable text, including non-ASCII letters, is unchanged.
 * Every string from the chain goes through this one function before it reaches a terminal.
 * @example
 * escapeTerminal("subnet\u001b[2K") // "subnet\\u{1b}[2K"
 */
export function escapeTerminal(text: string, maxLength: number = MAX_TERMINAL_STRING): string {
  const escaped = text.replace(UNSAFE_FOR_TERMINAL, (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`);
  const chars = [...escaped];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : escaped;
}

/** {@link escapeTerminal} on each line of a multi-line text (keeps its line breaks, never cuts). */
export function escapeTerminalLines(text: string): string {
  return text
    .split("\n")
    .map((line) => escapeTerminal(line, Number.POSITIVE_INFINITY))
    .join("\n");
}

/**
 * Renders rows as an aligned text table; numbers (and bigints) are right-aligned. Every cell goes
 * through {@link escapeTerminal} (without cutting it: callers cut strings from the chain), so a hostile
 * name can neither move the cursor nor break the rows.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | bigint)[])[],
): string {
  const cells = rows.map((row) =>
    row.map((cell) =>
      escapeTerminal(typeof cell === "string" ? cell : cell.toLocaleString("en-US"), Number.POSITIVE_INFINITY),
    ),
  );
  const numeric = headers.map(
    (_, col) =>
      cells.some((row) => NUMBER_LIKE.test(row[col])) &&
      cells.every((row) => NUMBER_LIKE.test(row[col]) || row[col] === "—"),
  );
  const widths = headers.map((header, col) => Math.max(header.length, ...cells.map((row) => row[col].length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, col) => (numeric[col] ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** Formats a fixed-point amount (e.g. confidential units with 6 decimals) as a decimal string. */
export function formatAmount(value: bigint, decimals: number): string {
  const base = 10n ** BigInt(decimals);
  const whole = value / base;
  const fraction = (value % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction.length > 0 ? `${whole.toLocaleString("en-US")}.${fraction}` : whole.toLocaleString("en-US");
}

/**
 * JSON text made safe for a terminal without changing its value: the characters {@link escapeTerminal}
 * escapes and `JSON.stringify` leaves raw (DEL, C1 controls, bidi and zero-width marks) become `\uXXXX`.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(
    UNSAFE_FOR_TERMINAL_IN_JSON,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}
