/** What every role's tick shares: the agent's services and one model's runtime. */
import type { Signer } from "ethers";

import type { PoolClient } from "../client";
import type { ConsensusClient } from "../actions/consensus";
import { toConsensusError } from "../actions/consensus";
import type { RulesInfo } from "../actions/read";
import { ContractRevertError, redactError } from "../errors";
import type { FheBackend } from "../fhe/backend";
import type { AgentConfig, ModelConfig } from "./config";
import type { AgentLogEntry, AgentLogger } from "./log";
import type { AgentMetricName, AgentMetrics } from "./observe";
import type { FieldSpec, MetricSource } from "./sources";
import { createSource } from "./sources";
import type { KeyLock, StateStore } from "./state";

export interface AgentHooks {
  /**
   * Called after each transaction is confirmed and before the state records it (`action`: submit, attest):
   * throwing here is what a crash at the worst moment looks like. For tests and embedding.
   */
  afterSend?(action: string): void | Promise<void>;
}

export interface AgentContext {
  config: AgentConfig;
  account: string;
  signer: Signer;
  fhe: FheBackend;
  logger: AgentLogger;
  metrics: AgentMetrics;
  hooks: AgentHooks;
  /** Chain time in Unix seconds. */
  now(): Promise<bigint>;
  /** Runs a step with retries of transient RPC failures (the step re-checks the chain before it sends). */
  retry<T>(model: ModelRuntime, action: string, step: () => Promise<T>): Promise<T>;
}

export interface ModelRuntime {
  label: string;
  config: ModelConfig;
  client: PoolClient;
  consensus?: ConsensusClient;
  store: StateStore;
  lock: KeyLock;
  /** Log keys already written (a problem that persists is logged once per epoch). */
  logged: Set<string>;
  sources: Map<bigint, MetricSource>;
}

/** The source for a rules version: every schema metric mapped to its source field. */
export function sourceFor(ctx: AgentContext, model: ModelRuntime, rules: RulesInfo): MetricSource {
  let source = model.sources.get(rules.version);
  if (source === undefined) {
    const config = model.config.source;
    if (config === undefined) throw new Error("unreachable: the config requires a source for this role");
    const fields: FieldSpec[] = rules.metrics.map((m) => ({
      metric: m.name,
      field: model.config.metrics[m.name]?.field ?? m.name,
      aggregate: model.config.metrics[m.name]?.aggregate ?? "sum",
    }));
    source = createSource(config, fields, ctx.config.role === "attestor");
    model.sources.set(rules.version, source);
  }
  return source;
}

/** The operator's caps below the schema's. */
export function capsOf(model: ModelRuntime): Record<string, bigint> {
  const caps: Record<string, bigint> = {};
  for (const [name, metric] of Object.entries(model.config.metrics))
    if (metric.cap !== undefined) caps[name] = metric.cap;
  return caps;
}

/** Logs once per key (for problems that persist across ticks). */
export function logOnce(model: ModelRuntime, key: string, log: () => void): void {
  if (model.logged.has(key)) return;
  model.logged.add(key);
  log();
}

/** A failed action: decoded (pool, consensus, governance errors) and logged with the next step; counted. */
export function reportFailure(
  ctx: AgentContext,
  model: ModelRuntime,
  action: string,
  epoch: bigint | undefined,
  error: unknown,
  next: string,
): void {
  const decoded = redactError(toConsensusError(error)) as { message?: unknown };
  const message = typeof decoded.message === "string" ? decoded.message.split("\n")[0] : String(decoded);
  const reverted = decoded instanceof ContractRevertError;
  ctx.metrics.inc("royalties_agent_failures_total", { model: model.label, action });
  model.store.count(`failures.${action}`);
  ctx.logger.log({
    level: "error",
    action,
    model: model.label,
    epoch,
    message: `${reverted ? "reverted" : "failed"}: ${message} — next: ${next}`,
    fields: reverted ? { error: (decoded as ContractRevertError).errorName } : undefined,
  });
}

/** Records the highest epoch handled. */
export function handled(ctx: AgentContext, model: ModelRuntime, epochId: bigint): void {
  const state = model.store.state;
  if (state.lastEpochHandled === undefined || BigInt(state.lastEpochHandled) < epochId) {
    state.lastEpochHandled = epochId.toString();
  }
  ctx.metrics.set("royalties_agent_last_epoch_handled", { model: model.label }, Number(state.lastEpochHandled));
}

/**
 * A source problem that persists across ticks: counted as a skip and logged as a warning once per `key` (the
 * role retries at the next tick).
 */
export function logSkipped(ctx: AgentContext, model: ModelRuntime, key: string, epoch: bigint, message: string): void {
  logOnce(model, key, () => {
    ctx.metrics.inc("royalties_agent_skipped_total", { model: model.label });
    ctx.logger.log({ level: "warn", action: "source", model: model.label, epoch, message });
  });
}

/** Metrics the source reported above their cap: each counted and logged (`describe` says what is sent instead). */
export function logCapped(
  ctx: AgentContext,
  model: ModelRuntime,
  epoch: bigint,
  capped: readonly { metric: string; cap: bigint }[],
  describe: (metric: string, cap: bigint) => string,
): void {
  for (const { metric, cap } of capped) {
    ctx.metrics.inc("royalties_agent_capped_total", { model: model.label, metric });
    ctx.logger.log({ level: "warn", action: "cap", model: model.label, epoch, message: describe(metric, cap) });
  }
}

/**
 * A transaction of the role that landed: counted (state counter `counter`, metric `metric`), the epoch marked
 * handled, the state saved, and logged.
 */
export function recordLanded(
  ctx: AgentContext,
  model: ModelRuntime,
  epoch: bigint,
  landed: {
    counter: string;
    metric: AgentMetricName;
    action: string;
    message: string;
    fields: AgentLogEntry["fields"];
  },
): void {
  model.store.count(landed.counter);
  ctx.metrics.inc(landed.metric, { model: model.label });
  handled(ctx, model, epoch);
  model.store.save();
  ctx.logger.log({
    level: "info",
    action: landed.action,
    model: model.label,
    epoch,
    message: landed.message,
    fields: landed.fields,
  });
}
