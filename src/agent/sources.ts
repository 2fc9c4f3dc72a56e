/**
 * Where an agent reads its metrics: one small interface ({@link MetricSource}) and three kinds of source —
 * a JSONL or CSV file a job appends to, an HTTP endpoint serving Prometheus text, a command printing JSON.
 * A source returns whole numbers per schema metric (and per contributor for an attestor); anything it cannot
 * read as such is a {@link SourceProblem}, never a zero.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";

import { RoyaltiesError } from "../errors";

/** A JSON value, as the agent's state file stores a source checkpoint. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** How a file source combines the rows of a window into one value per metric. */
export type Aggregation = "sum" | "max" | "last";
/** How a Prometheus source turns a series into one value: a counter's increase over the window, or the gauge now. */
export type PrometheusMode = "increase" | "last";

/** One schema metric and where the source finds it. */
export interface FieldSpec {
  /** The metric's name in the model's schema. */
  metric: string;
  /** The source's name for it (column, JSON key, Prometheus series); the metric's name when omitted. */
  field: string;
  /** File sources: how rows combine (default sum). Prometheus: `last` reads a gauge, anything else a counter. */
  aggregate: Aggregation;
}

/** The time window a reading covers: `[from, to)` in Unix seconds (the chain's clock). */
export interface SourceWindow {
  from: bigint;
  to: bigint;
  epochId: bigint;
  /** The model's label (name or pool address), passed to commands. */
  model: string;
}

/** Metric values of one contributor (the agent's own account when `contributor` is absent). */
export interface SourceRecord {
  contributor?: string;
  /** Schema metric name → value; a metric absent here had no value in the window. */
  values: Record<string, bigint>;
}

export interface SourceReading {
  records: SourceRecord[];
  /** Rows (or series) that fell in the window: 0 means the source produced nothing for it. */
  rows: number;
  /** Source state to keep once the reading is submitted (a Prometheus counter sample). */
  checkpoint?: Json;
}

/** The source has nothing usable for a window: missing, malformed or unreachable. Nothing is submitted. */
export class SourceProblem extends RoyaltiesError {}

export interface MetricSource {
  /** One line naming the source, for logs ("jsonl file metrics.jsonl"). */
  readonly description: string;
  /**
   * Called when the agent's state holds no checkpoint for this source yet; returns the first one (a Prometheus
   * source samples its counters so that the first window has a baseline).
   */
  start?(): Promise<Json | undefined>;
  /** Reads the window; `checkpoint` is the last one the agent kept. Throws {@link SourceProblem}. */
  read(window: SourceWindow, checkpoint: Json | undefined): Promise<SourceReading>;
}

const UINT64_MAX = 2n ** 64n - 1n;

/** A whole number ≥ 0 from a JSON number or a decimal string; undefined for anything else. */
export function parseWholeNumber(value: unknown): bigint | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return BigInt(value.trim());
  return undefined;
}

/** Unix seconds from a number (seconds), a decimal string, or an ISO 8601 date. */
export function parseTimestamp(value: unknown): bigint | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return BigInt(Math.floor(value));
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return BigInt(Math.floor(Number(value)));
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : BigInt(Math.floor(ms / 1000));
}

// ---------------------------------------------------------------- files (JSONL, CSV)

export interface FileSourceConfig {
  type: "jsonl" | "csv";
  path: string;
  /** Column holding each row's time (Unix seconds or ISO 8601); default `ts`. */
  timeField?: string;
  /** Attestors: column naming the contributor a row is about; default `contributor`. */
  contributorField?: string;
}

type Row = { line: number; fields: Record<string, unknown> };

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells.map((x) => x.trim());
}

/** Complete rows of a JSONL or CSV text (a last line without its newline is still being written: skipped). */
export function parseRows(type: "jsonl" | "csv", text: string, where: string): Row[] {
  const lines = text.split("\n");
  lines.pop(); // "" after the final newline, or a partial line the job has not finished writing
  const rows: Row[] = [];
  let header: string[] | undefined;
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const number = index + 1;
    if (type === "jsonl") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new SourceProblem(`${where} line ${number} is not JSON: fix or remove the line.`);
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new SourceProblem(`${where} line ${number} is not a JSON object: fix or remove the line.`);
      }
      rows.push({ line: number, fields: parsed as Record<string, unknown> });
      return;
    }
    const cells = parseCsvLine(line);
    if (header === undefined) {
      header = cells;
      return;
    }
    if (cells.length !== header.length) {
      throw new SourceProblem(`${where} line ${number} has ${cells.length} cells, the header ${header.length}.`);
    }
    const fields: Record<string, unknown> = {};
    header.forEach((name, i) => (fields[name] = cells[i] === "" ? undefined : cells[i]));
    rows.push({ line: number, fields });
  });
  return rows;
}

/** Combines window rows per contributor and metric; a present but malformed value is a problem. */
export function aggregateRows(
  rows: readonly Row[],
  fields: readonly FieldSpec[],
  options: { where: string; contributorField?: string },
): SourceRecord[] {
  const byContributor = new Map<string, Record<string, bigint>>();
  for (const row of rows) {
    const contributor =
      options.contributorField === undefined ? "" : String(row.fields[options.contributorField] ?? "");
    if (options.contributorField !== undefined && contributor === "") {
      throw new SourceProblem(`${options.where} line ${row.line} names no ${options.contributorField}.`);
    }
    const values = byContributor.get(contributor) ?? {};
    byContributor.set(contributor, values);
    for (const spec of fields) {
      const raw = row.fields[spec.field];
      if (raw === undefined) continue;
      const value = parseWholeNumber(raw);
      if (value === undefined) {
        throw new SourceProblem(
          `${options.where} line ${row.line}: ${spec.field} is not a whole number ≥ 0 (got ${JSON.stringify(raw)?.slice(0, 40)}).`,
        );
      }
      const previous = values[spec.metric];
      values[spec.metric] =
        previous === undefined || spec.aggregate === "last"
          ? value
          : spec.aggregate === "max"
            ? value > previous
              ? value
              : previous
            : previous + value;
    }
  }
  return [...byContributor.entries()].map(([contributor, values]) =>
    contributor === "" ? { values } : { contributor, values },
  );
}

/** A JSONL or CSV file a job appends rows to; each window aggregates the rows whose time falls in it. */
export function fileSource(config: FileSourceConfig, fields: readonly FieldSpec[], attestor: boolean): MetricSource {
  const timeField = config.timeField ?? "ts";
  const where = `${config.path}`;
  return {
    description: `${config.type} file ${config.path}`,
    async read(window) {
      let text: string;
      try {
        text = await fs.readFile(config.path, "utf8");
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new SourceProblem(`cannot read ${config.path} (${code ?? String(error)}): is the job writing it?`);
      }
      const inWindow = parseRows(config.type, text, where).filter((row) => {
        const ts = parseTimestamp(row.fields[timeField]);
        if (ts === undefined) {
          throw new SourceProblem(`${where} line ${row.line} has no valid ${timeField} (Unix seconds or ISO 8601).`);
        }
        return ts >= window.from && ts < window.to;
      });
      const records = aggregateRows(inWindow, fields, {
        where,
        contributorField: attestor ? (config.contributorField ?? "contributor") : undefined,
      });
      return { records, rows: inWindow.length };
    },
  };
}

// ---------------------------------------------------------------- Prometheus text

export interface PrometheusSourceConfig {
  type: "prometheus";
  url: string;
  /** Attestors: label naming the contributor of each series. */
  contributorLabel?: string;
  timeoutMs?: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a Prometheus text exposition (comments and malformed lines are skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_m, c: string) => (c === "n" ? "\n" : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

/** `name{a="x"}` → the series name and the labels a sample must carry. */
function parseSelector(field: string): { name: string; labels: Record<string, string> } {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?$/.exec(field.trim());
  if (match === null) throw new SourceProblem(`"${field}" is not a Prometheus series name or selector.`);
  const labels: Record<string, string> = {};
  for (const pair of (match[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"/g)) labels[pair[1]] = pair[2];
  return { name: match[1], labels };
}

type Snapshot = Record<string, Record<string, string>>; // contributor ("" for self) → metric → value (decimal)

/**
 * An HTTP endpoint serving Prometheus text: a counter's increase since the previous submission (its checkpoint),
 * with counter resets counted from zero; or a gauge's value now.
 */
export function prometheusSource(
  config: PrometheusSourceConfig,
  fields: readonly FieldSpec[],
  attestor: boolean,
): MetricSource {
  const selectors = fields.map((spec) => ({ spec, ...parseSelector(spec.field) }));
  const label = attestor ? (config.contributorLabel ?? "contributor") : undefined;

  async function scrape(): Promise<Snapshot> {
    let text: string;
    try {
      const response = await fetch(config.url, { signal: AbortSignal.timeout(config.timeoutMs ?? 10_000) });
      if (!response.ok) throw new SourceProblem(`${config.url} answered HTTP ${response.status}.`);
      text = await response.text();
    } catch (error) {
      if (error instanceof SourceProblem) throw error;
      throw new SourceProblem(`cannot scrape ${config.url} (${(error as Error).message}): is the exporter up?`);
    }
    const samples = parsePrometheusText(text);
    const snapshot: Snapshot = {};
    for (const { spec, name, labels } of selectors) {
      for (const sample of samples) {
        if (sample.name !== name || Object.entries(labels).some(([k, v]) => sample.labels[k] !== v)) continue;
        if (!Number.isFinite(sample.value) || sample.value < 0) {
          throw new SourceProblem(`${config.url}: ${spec.field} has the value ${sample.value}, not a number ≥ 0.`);
        }
        const who = label === undefined ? "" : (sample.labels[label] ?? "");
        if (label !== undefined && who === "") continue;
        const entry = (snapshot[who] ??= {});
        entry[spec.metric] = (BigInt(entry[spec.metric] ?? "0") + BigInt(Math.floor(sample.value))).toString();
      }
    }
    return snapshot;
  }

  return {
    description: `prometheus endpoint ${config.url}`,
    async start() {
      return (await scrape()) as Json;
    },
    async read(_window, checkpoint) {
      const now = await scrape();
      const base = (checkpoint ?? {}) as Snapshot;
      const records: SourceRecord[] = [];
      let rows = 0;
      for (const [who, metrics] of Object.entries(now)) {
        const values: Record<string, bigint> = {};
        for (const spec of fields) {
          const current = metrics[spec.metric];
          if (current === undefined) continue;
          rows += 1;
          const value = BigInt(current);
          const previous = BigInt(base[who]?.[spec.metric] ?? "0");
          values[spec.metric] = spec.aggregate === "last" ? value : value >= previous ? value - previous : value;
        }
        records.push(who === "" ? { values } : { contributor: who, values });
      }
      return { records, rows, checkpoint: now as Json };
    },
  };
}

// ---------------------------------------------------------------- command printing JSON

export interface CommandSourceConfig {
  type: "command";
  /** The program and its arguments (run without a shell). */
  command: string[];
  timeoutMs?: number;
}

function recordFromObject(object: unknown, fields: readonly FieldSpec[], where: string): Record<string, bigint> {
  if (typeof object !== "object" || object === null || Array.isArray(object)) {
    throw new SourceProblem(`${where} printed ${JSON.stringify(object)?.slice(0, 40)}, not a JSON object.`);
  }
  const values: Record<string, bigint> = {};
  for (const spec of fields) {
    const raw = (object as Record<string, unknown>)[spec.field];
    if (raw === undefined) continue;
    const value = parseWholeNumber(raw);
    if (value === undefined) {
      throw new SourceProblem(`${where}: ${spec.field} is not a whole number ≥ 0 (got ${JSON.stringify(raw)}).`);
    }
    values[spec.metric] = value;
  }
  return values;
}

/**
 * A command whose standard output is JSON for the window named in its environment (ROYALTIES_FROM, ROYALTIES_TO,
 * ROYALTIES_EPOCH, ROYALTIES_MODEL): `{ "metric": value, … }` for a contributor; for an attestor an array (or
 * `{ "contributors": [...] }`) of objects with a `contributor` address and the metrics.
 */
export function commandSource(
  config: CommandSourceConfig,
  fields: readonly FieldSpec[],
  attestor: boolean,
): MetricSource {
  const [program, ...args] = config.command;
  const where = `command ${program}`;
  return {
    description: `command ${config.command.join(" ")}`,
    async read(window) {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          program,
          args,
          {
            timeout: config.timeoutMs ?? 30_000,
            maxBuffer: 16 * 1024 * 1024,
            env: {
              ...process.env,
              ROYALTIES_FROM: window.from.toString(),
              ROYALTIES_TO: window.to.toString(),
              ROYALTIES_EPOCH: window.epochId.toString(),
              ROYALTIES_MODEL: window.model,
            },
          },
          (error, out, err) => {
            if (error) {
              const tail = String(err).trim().split("\n").slice(-1)[0] ?? "";
              reject(new SourceProblem(`${where} failed (${error.message.split("\n")[0]})${tail ? `: ${tail}` : ""}`));
            } else resolve(String(out));
          },
        );
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        throw new SourceProblem(`${where} did not print JSON.`);
      }
      if (!attestor) {
        const values = recordFromObject(parsed, fields, where);
        return { records: [{ values }], rows: Object.keys(values).length };
      }
      const list = Array.isArray(parsed) ? parsed : (parsed as { contributors?: unknown } | null)?.contributors;
      if (!Array.isArray(list)) throw new SourceProblem(`${where} did not print a list of contributors.`);
      const records = list.map((entry: unknown) => {
        const contributor = (entry as { contributor?: unknown } | null)?.contributor;
        if (typeof contributor !== "string") throw new SourceProblem(`${where}: an entry names no contributor.`);
        return { contributor, values: recordFromObject(entry, fields, where) };
      });
      return { records, rows: records.length };
    },
  };
}

export type SourceConfig = FileSourceConfig | PrometheusSourceConfig | CommandSourceConfig;

/** Builds the source a model's configuration names, reading the given schema fields. */
export function createSource(config: SourceConfig, fields: readonly FieldSpec[], attestor: boolean): MetricSource {
  switch (config.type) {
    case "jsonl":
    case "csv":
      return fileSource(config, fields, attestor);
    case "prometheus":
      return prometheusSource(config, fields, attestor);
    case "command":
      return commandSource(config, fields, attestor);
  }
}

/** What the agent submits for one contributor: the schema-ordered vector, and the metrics it had to cap. */
export type MetricVector =
  { ok: true; metrics: bigint[]; capped: { metric: string; cap: bigint }[] } | { ok: false; problem: string };

/**
 * Maps source values to the schema by name. A metric without a value makes the whole vector a problem (never a
 * zero by accident); a value above its cap (the schema's, or a lower one the operator set) becomes the cap.
 */
export function toMetricVector(
  schema: readonly { name: string; cap: bigint }[],
  values: Readonly<Record<string, bigint>>,
  caps: Readonly<Record<string, bigint>> = {},
): MetricVector {
  const missing = schema.filter((m) => values[m.name] === undefined).map((m) => m.name);
  if (missing.length > 0) return { ok: false, problem: `no value for ${missing.join(", ")}` };
  const capped: { metric: string; cap: bigint }[] = [];
  const metrics = schema.map((m) => {
    const own = caps[m.name];
    let cap = own !== undefined && own < m.cap ? own : m.cap;
    if (cap > UINT64_MAX) cap = UINT64_MAX;
    const value = values[m.name];
    if (value > cap) {
      capped.push({ metric: m.name, cap });
      return cap;
    }
    return value;
  });
  return { ok: true, metrics, capped };
}
