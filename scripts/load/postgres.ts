/**
 * A throw-away PostgreSQL cluster for `npm run load`, started with `.ci/postgres.sh` (Debian's postgresql
 * package, installed by that script when missing; trust authentication on a free loopback port) and dropped
 * at the end. Used only when no LOAD_DATABASE_URL / DATABASE_URL names a database to use instead.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

export interface Postgres {
  url: string;
  /** Stops and drops the cluster (a no-op for a database the caller named). */
  stop(): void;
}

const SCRIPT = path.join(__dirname, "..", "..", ".ci", "postgres.sh");

/** The database named in the environment, or a new throw-away cluster; undefined when neither is possible. */
export function loadPostgres(log: (text: string) => void): Postgres | undefined {
  const named = process.env.LOAD_DATABASE_URL ?? process.env.DATABASE_URL;
  if (named !== undefined && named !== "") return { url: named, stop: () => undefined };
  if (process.env.LOAD_POSTGRES === "0") return undefined;
  if (process.getuid?.() !== 0) {
    log("PostgreSQL skipped: starting a throw-away cluster needs root; set LOAD_DATABASE_URL to use a database.");
    return undefined;
  }
  try {
    const [, name, url] = execFileSync("bash", [SCRIPT, "start"], { encoding: "utf8" }).trim().split(" ");
    log(`PostgreSQL: throw-away cluster ${name} at ${url}`);
    let stopped = false;
    return {
      url,
      stop: () => {
        if (stopped) return;
        stopped = true;
        execFileSync("bash", [SCRIPT, "stop", name], { stdio: "ignore" });
      },
    };
  } catch (error) {
    log(`PostgreSQL skipped: ${SCRIPT} start failed (${String(error)}); set LOAD_DATABASE_URL to use a database.`);
    return undefined;
  }
}
