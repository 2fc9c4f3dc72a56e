/** Structured agent logs: one line per action, text or JSON, never a metric value, score or share. */
import { escapeTerminal } from "../format";
import { redactSecrets } from "../redact";

export type LogLevel = "info" | "warn" | "error";

export interface AgentLogEntry {
  level: LogLevel;
  /** What happened: submit, claim, withdraw, attest, finalize, close, reveal, settle, push, source, lock, … */
  action: string;
  model?: string;
  epoch?: bigint;
  /** One sentence: what happened and, for a failure, the next step. */
  message: string;
  /** Extra public facts (tx hash, slice, attempt): strings and numbers only. */
  fields?: Record<string, string | number | boolean | bigint>;
}

export interface AgentLogger {
  log(entry: AgentLogEntry): void;
}

/** A logger that writes one line per entry to `write` (stdout by default): JSON with `json`, else text. */
export function createLogger({
  json = false,
  write = (line: string) => process.stdout.write(line + "\n"),
  now = () => Date.now(),
  sink,
}: {
  json?: boolean;
  write?: (line: string) => void;
  now?: () => number;
  /** Also receives every entry (tests, embedding). */
  sink?: (entry: AgentLogEntry) => void;
} = {}): AgentLogger {
  return {
    log(entry) {
      const clean = { ...entry, message: redactSecrets(entry.message) };
      sink?.(clean);
      const time = new Date(now()).toISOString();
      const fields = Object.fromEntries(Object.entries(clean.fields ?? {}).map(([k, v]) => [k, String(v)]));
      if (json) {
        write(
          JSON.stringify({
            time,
            level: clean.level,
            action: clean.action,
            ...(clean.model === undefined ? {} : { model: clean.model }),
            ...(clean.epoch === undefined ? {} : { epoch: clean.epoch.toString() }),
            message: clean.message,
            ...fields,
          }),
        );
        return;
      }
      const parts = [
        time,
        clean.level.toUpperCase().padEnd(5),
        clean.action.padEnd(9),
        ...(clean.model === undefined ? [] : [`model=${clean.model}`]),
        ...(clean.epoch === undefined ? [] : [`epoch=${clean.epoch}`]),
        ...Object.entries(fields).map(([k, v]) => `${k}=${v}`),
        `— ${clean.message}`,
      ];
      write(escapeTerminal(parts.join(" "), Number.POSITIVE_INFINITY));
    },
  };
}
