/** The agent's configuration file (JSON): one role, one or more models, where each model's metrics come from. */
import path from "node:path";

import { getAddress, isAddress } from "ethers";

import { RoyaltiesError } from "../errors";
import type { Aggregation, SourceConfig } from "./sources";

export type AgentRole = "contributor" | "attestor" | "keeper";
export const AGENT_ROLES: readonly AgentRole[] = ["contributor", "attestor", "keeper"];

/** Where a schema metric comes from, how rows combine, and an optional lower cap. */
export interface MetricConfig {
  /** The source's name for the metric (column, key, series selector); the schema name when omitted. */
  field?: string;
  /** Files: sum (default), max or last. Prometheus: last reads a gauge, anything else a counter's increase. */
  aggregate?: Aggregation;
  /** A cap below the schema's: a larger value is submitted as this cap (with a warning). */
  cap?: bigint;
}

export interface WithdrawConfig {
  /** Withdraw once at least this many claimed epochs wait. */
  minClaims?: number;
  /** Withdraw at most every this many seconds (chain time) when something waits. */
  everySeconds?: number;
  /** Who receives the withdrawal; the account when omitted. */
  to?: string;
  /** Unwrap to the public ERC20 (the wrapper's finalizeUnwrap runs in the same step); default false. */
  unwrap?: boolean;
}

export interface ModelConfig {
  /** The model's pool address, or its name in the registry (`model`). */
  pool?: string;
  model?: string;
  /** Required for contributors and attestors. */
  source?: SourceConfig;
  /** Per schema metric; a metric not listed is read under its own name and summed. */
  metrics: Record<string, MetricConfig>;
  /** Contributor: spread the epoch over this many submissions (at most the rules' maxSubmissionsPerContributor). */
  submissions: number;
  /** Submit (attest) this many seconds before the epoch's end (the consensus' close); default 5% of the epoch, ≥ 60 s. */
  leadSeconds?: number;
  /** Contributor: claim every revealed epoch (default true). */
  claim: boolean;
  withdraw?: WithdrawConfig;
  /** Attestor: the model's AttestationConsensus (attest there, then finalize); without it, attest to the pool. */
  consensus?: string;
  /** Attestor without consensus: bonus class of the attested submissions (default 0). */
  bonusClass: number;
  /** Keeper: first block to scan for contributors when pushing unclaimed shares (default 0). */
  fromBlock: number;
}

export interface AgentConfig {
  role: AgentRole;
  /** Also close, reveal, settle and push unclaimed shares (always on for the keeper role). */
  keeper: boolean;
  /** Directory of the state and lock files. */
  stateDir: string;
  /** Seconds between ticks of the loop (default 30). */
  intervalSeconds: number;
  /** Port of the /metrics endpoint (none when omitted; 0 picks a free port). */
  metricsPort?: number;
  /** A lock whose heartbeat is older than this is taken over (default 5 × interval, ≥ 60 s). */
  lockStaleSeconds: number;
  retry: { attempts: number; baseDelayMs: number };
  models: ModelConfig[];
}

/** The configuration file is invalid: the message names the field and what is expected. */
export class AgentConfigError extends RoyaltiesError {}

function bad(where: string, expected: string, value: unknown): never {
  const shown = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value)).slice(0, 60);
  throw new AgentConfigError(`Agent config ${where} must be ${expected} (got ${shown}).`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field, or undefined when absent. */
function optionalString(value: unknown, where: string, expected = "a string"): string | undefined {
  if (value !== undefined && typeof value !== "string") bad(where, expected, value);
  return value;
}

/** A true/false field, or undefined when absent. */
function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") bad(where, "true or false", value);
  return value;
}

/** One of `options`, or undefined when absent. */
function optionalOneOf<T extends string>(
  value: unknown,
  options: readonly T[],
  where: string,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined;
  const option = options.find((o) => o === value);
  if (option === undefined) bad(where, expected, value);
  return option;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

const AGGREGATIONS: readonly Aggregation[] = ["sum", "max", "last"];

function int(value: unknown, where: string, min: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min)
    bad(where, `a whole number ≥ ${min}`, value);
  return value;
}

function address(value: unknown, where: string): string {
  if (typeof value !== "string" || !isAddress(value)) bad(where, "a 0x… address", value);
  return getAddress(value);
}

function source(value: unknown, where: string, baseDir: string): SourceConfig {
  if (!isRecord(value)) bad(where, "an object with a type (jsonl, csv, prometheus, command)", value);
  const opt = (key: string) => optionalString(value[key], `${where}.${key}`);
  switch (value.type) {
    case "jsonl":
    case "csv": {
      const file = opt("path");
      if (file === undefined) bad(`${where}.path`, "the file's path", file);
      return {
        type: value.type,
        path: path.resolve(baseDir, file),
        timeField: opt("timeField"),
        contributorField: opt("contributorField"),
      };
    }
    case "prometheus": {
      const url = opt("url");
      if (url === undefined || !/^https?:\/\//.test(url)) bad(`${where}.url`, "an http(s) URL", url);
      return {
        type: "prometheus",
        url,
        contributorLabel: opt("contributorLabel"),
        timeoutMs: value.timeoutMs === undefined ? undefined : int(value.timeoutMs, `${where}.timeoutMs`, 1),
      };
    }
    case "command": {
      const command = value.command;
      if (!isStringList(command) || command.length === 0) {
        bad(`${where}.command`, 'the program and its arguments, e.g. ["python3", "eval.py"]', command);
      }
      return {
        type: "command",
        command,
        timeoutMs: value.timeoutMs === undefined ? undefined : int(value.timeoutMs, `${where}.timeoutMs`, 1),
      };
    }
    default:
      bad(`${where}.type`, "jsonl, csv, prometheus or command", value.type);
  }
}

function metricsConfig(value: unknown, where: string): Record<string, MetricConfig> {
  if (value === undefined) return {};
  if (!isRecord(value)) bad(where, "an object keyed by schema metric name", value);
  const out: Record<string, MetricConfig> = {};
  for (const [name, entry] of Object.entries(value)) {
    const at = `${where}.${name}`;
    if (!isRecord(entry)) bad(at, "an object ({ field, aggregate, cap })", entry);
    const field = optionalString(entry.field, `${at}.field`);
    const aggregate = optionalOneOf(entry.aggregate, AGGREGATIONS, `${at}.aggregate`, "sum, max or last");
    let cap: bigint | undefined;
    if (entry.cap !== undefined) {
      const text = typeof entry.cap === "number" ? String(entry.cap) : entry.cap;
      if (typeof text !== "string" || !/^\d+$/.test(text)) bad(`${at}.cap`, "a whole number", entry.cap);
      cap = BigInt(text);
    }
    out[name] = { field, aggregate, cap };
  }
  return out;
}

/**
 * Checks a parsed configuration file and fills in the defaults; relative paths are resolved against `baseDir`
 * (the file's directory). Throws {@link AgentConfigError} naming the first bad field.
 * @example
 * const config = parseAgentConfig(JSON.parse(fs.readFileSync("agent.json", "utf8")), ".");
 */
export function parseAgentConfig(raw: unknown, baseDir: string): AgentConfig {
  if (!isRecord(raw)) bad("", "a JSON object", raw);
  const roles = AGENT_ROLES.join(", ");
  const role = optionalOneOf(raw.role, AGENT_ROLES, "role", roles) ?? bad("role", roles, raw.role);
  if (!Array.isArray(raw.models) || raw.models.length === 0) bad("models", "a non-empty list", raw.models);
  const intervalSeconds = int(raw.intervalSeconds, "intervalSeconds", 1, 30);
  const models = raw.models.map((entry: unknown, i: number): ModelConfig => {
    const where = `models[${i}]`;
    if (!isRecord(entry)) bad(where, "an object", entry);
    if ((entry.pool === undefined) === (entry.model === undefined)) {
      bad(where, "an object naming either pool (address) or model (registry name)", entry);
    }
    const model = optionalString(entry.model, `${where}.model`);
    const needsSource = role !== "keeper";
    if (needsSource && entry.source === undefined) bad(`${where}.source`, `a source for the ${role} role`, undefined);
    let withdraw: WithdrawConfig | undefined;
    if (entry.withdraw !== undefined) {
      const w = entry.withdraw;
      if (!isRecord(w)) bad(`${where}.withdraw`, "an object ({ minClaims, everySeconds, to, unwrap })", w);
      withdraw = {
        minClaims: w.minClaims === undefined ? undefined : int(w.minClaims, `${where}.withdraw.minClaims`, 1),
        everySeconds:
          w.everySeconds === undefined ? undefined : int(w.everySeconds, `${where}.withdraw.everySeconds`, 1),
        to: w.to === undefined ? undefined : address(w.to, `${where}.withdraw.to`),
        unwrap:
          w.unwrap === undefined
            ? undefined
            : w.unwrap === true
              ? true
              : w.unwrap === false
                ? false
                : bad(`${where}.withdraw.unwrap`, "true or false", w.unwrap),
      };
      if (withdraw.minClaims === undefined && withdraw.everySeconds === undefined) {
        bad(`${where}.withdraw`, "an object with minClaims and/or everySeconds", w);
      }
    }
    const claim = optionalBoolean(entry.claim, `${where}.claim`);
    return {
      pool: entry.pool === undefined ? undefined : address(entry.pool, `${where}.pool`),
      model,
      source: entry.source === undefined ? undefined : source(entry.source, `${where}.source`, baseDir),
      metrics: metricsConfig(entry.metrics, `${where}.metrics`),
      submissions: int(entry.submissions, `${where}.submissions`, 1, 1),
      leadSeconds: entry.leadSeconds === undefined ? undefined : int(entry.leadSeconds, `${where}.leadSeconds`, 1),
      claim: claim ?? true,
      withdraw,
      consensus: entry.consensus === undefined ? undefined : address(entry.consensus, `${where}.consensus`),
      bonusClass: int(entry.bonusClass, `${where}.bonusClass`, 0, 0),
      fromBlock: int(entry.fromBlock, `${where}.fromBlock`, 0, 0),
    };
  });
  if (raw.keeper !== undefined && typeof raw.keeper !== "boolean") bad("keeper", "true or false", raw.keeper);
  const stateDir = optionalString(raw.stateDir, "stateDir", "a directory path");
  const retry = isRecord(raw.retry) ? raw.retry : {};
  return {
    role,
    keeper: role === "keeper" || raw.keeper === true,
    stateDir: path.resolve(baseDir, stateDir ?? ".royalties-agent"),
    intervalSeconds,
    metricsPort: raw.metricsPort === undefined ? undefined : int(raw.metricsPort, "metricsPort", 0),
    lockStaleSeconds: int(raw.lockStaleSeconds, "lockStaleSeconds", 1, Math.max(60, 5 * intervalSeconds)),
    retry: {
      attempts: int(retry.attempts, "retry.attempts", 1, 5),
      baseDelayMs: int(retry.baseDelayMs, "retry.baseDelayMs", 0, 500),
    },
    models,
  };
}
