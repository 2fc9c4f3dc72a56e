/** Cells that read as numbers (grouped digits, decimals) are right-aligned. */
const NUMBER_LIKE = /^-?[\d,]+(\.\d+)?$/;

/** Renders rows as an aligned text table; numbers (and bigints) are right-aligned. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | bigint)[])[],
): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === "string" ? cell : cell.toLocaleString("en-US"))));
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
