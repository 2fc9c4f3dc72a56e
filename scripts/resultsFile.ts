/**
 * Writing what a measuring run produced (bench/RESULTS.md, bench/load.json) as Prettier would write it, so that
 * `npm run lint` stays clean after `npm run bench` or `npm run load`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const PRETTIER = path.join(__dirname, "..", "node_modules", "prettier", "bin", "prettier.cjs");

/** The heading `npm run load` writes its section under, after the bench's sections. */
const LOAD_HEADING = /^## Load\s*$/m;

/** Rewrites `file` in place with the project's Prettier configuration. */
export function formatInPlace(file: string): void {
  execFileSync(process.execPath, [PRETTIER, "--log-level", "warn", "--write", file], { stdio: "inherit" });
}

/**
 * Writes RESULTS.md: the bench's sections (`npm run bench`), then the Load section (`npm run load`). The part given
 * replaces its own; the other is kept as the file has it, so that neither run erases the other's figures.
 */
export function writeResultsMarkdown(file: string, parts: { bench?: string; load?: string }): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const start = text.search(LOAD_HEADING);
  const bench = parts.bench ?? (start === -1 ? text : text.slice(0, start));
  const load = parts.load ?? (start === -1 ? "" : text.slice(start));
  const sections = [bench, load].map((part) => part.trim()).filter((part) => part !== "");
  fs.writeFileSync(file, `${sections.join("\n\n")}\n`);
  formatInPlace(file);
}
