/** Leaves a generated file as Prettier would write it, so that `npm run lint` stays clean after a measuring run. */
import { execFileSync } from "node:child_process";
import path from "node:path";

const PRETTIER = path.join(__dirname, "..", "node_modules", "prettier", "bin", "prettier.cjs");

/** Rewrites `file` in place with the project's Prettier configuration. */
export function formatInPlace(file: string): void {
  execFileSync(process.execPath, [PRETTIER, "--log-level", "warn", "--write", file], { stdio: "inherit" });
}
