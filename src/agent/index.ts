/**
 * Node-only entry of the agent library (files, HTTP, child processes): not exported from the browser-safe
 * `src/index.ts`. `royalties agent` is a thin task over it.
 */
export { createAgent } from "./agent";
export type { Agent, CreateAgentParameters, ModelStatus } from "./agent";
export { parseAgentConfig, AgentConfigError, AGENT_ROLES } from "./config";
export type { AgentConfig, AgentRole, MetricConfig, ModelConfig, WithdrawConfig } from "./config";
export type { AgentHooks } from "./context";
export { createLogger } from "./log";
export type { AgentLogEntry, AgentLogger, LogLevel } from "./log";
export { AgentMetrics, AGENT_METRICS, startMetricsServer } from "./observe";
export type { AgentMetricName, MetricsServer } from "./observe";
export { claimEpochs, withdrawPayout } from "./payouts";
export type { ClaimedEpoch, WithdrawResult } from "./payouts";
export { isTransient, withRetry } from "./retry";
export type { RetryOptions } from "./retry";
export {
  aggregateRows,
  commandSource,
  createSource,
  fileSource,
  parsePrometheusText,
  parseRows,
  parseTimestamp,
  parseWholeNumber,
  prometheusSource,
  toMetricVector,
  SourceProblem,
} from "./sources";
export type {
  Aggregation,
  CommandSourceConfig,
  FieldSpec,
  FileSourceConfig,
  Json,
  MetricSource,
  MetricVector,
  PrometheusSourceConfig,
  SourceConfig,
  SourceReading,
  SourceRecord,
  SourceWindow,
} from "./sources";
export { AgentLockedError, KeyLock, StateFileError, StateStore, stateFileName, writeFileAtomic } from "./state";
export type { EpochRecord, LockHolder, ModelState, PendingAction } from "./state";
export { readAgentStatus } from "./status";
export type { KeyStatus } from "./status";
