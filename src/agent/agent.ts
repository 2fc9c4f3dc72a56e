/**
 * A long-running agent for one or more models and one role (contributor, attestor, keeper), with keeper duties
 * optionally added to the first two. `runOnce()` does one tick (tests drive it with time travel); `run()` loops.
 */
import path from "node:path";

import type { Signer } from "ethers";

import { connectConsensus } from "../actions/consensus";
import { connectPool, createRoyaltiesClient, registryOfPool } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";
import type { FheBackend } from "../fhe/backend";
import { attestorTick } from "./attestor";
import type { AgentConfig } from "./config";
import type { AgentContext, AgentHooks, ModelRuntime } from "./context";
import { reportFailure } from "./context";
import { contributorTick } from "./contributor";
import { keeperTick } from "./keeper";
import { createLogger } from "./log";
import type { AgentLogger } from "./log";
import { AgentMetrics, startMetricsServer } from "./observe";
import type { MetricsServer } from "./observe";
import { withRetry } from "./retry";
import { AgentLockedError, KeyLock, StateStore, stateFileName } from "./state";

export interface CreateAgentParameters {
  config: AgentConfig;
  signer: Signer;
  fhe: FheBackend;
  /** The registry's address: needed when a model is named by `model` (registry name) instead of `pool`. */
  registry?: string;
  /** Chain time in Unix seconds; the latest block's timestamp by default. */
  now?: () => Promise<bigint>;
  /** How the agent waits (between ticks, before a retry); `setTimeout` by default. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall-clock milliseconds for lock heartbeats and log times; `Date.now` by default. */
  wallNow?: () => number;
  logger?: AgentLogger;
  hooks?: AgentHooks;
}

export interface ModelStatus {
  model: string;
  pool: string;
  stateFile: string;
  lastEpochHandled?: string;
  submissions: number;
  claims: number;
  /** Claimed epochs not withdrawn yet (a count, never an amount). */
  pendingBalanceCount: number;
  /** A transaction sent before the last stop and not yet matched with the chain. */
  pending?: string;
  failures: number;
}

export interface Agent {
  readonly metrics: AgentMetrics;
  readonly models: readonly ModelRuntime[];
  /** Takes the locks (throws {@link AgentLockedError} when another agent holds a key) and serves /metrics. */
  start(): Promise<void>;
  /** One tick over every model; throws {@link AgentLockedError} (and stops) when a key was taken over. */
  runOnce(): Promise<void>;
  /** Ticks every `intervalSeconds` until {@link Agent.stop}; resolves when stopped. */
  run(): Promise<void>;
  /** Stops the loop, releases the locks and closes /metrics. */
  stop(): Promise<void>;
  status(): ModelStatus[];
  /** The /metrics port once started (undefined without one). */
  readonly metricsPort: number | undefined;
}

/**
 * Builds an agent: connects every model of the configuration and opens its state file (nothing is sent yet).
 * @example
 * const agent = await createAgent({ config: parseAgentConfig(json, "."), signer, fhe });
 * await agent.start();
 * await agent.run();
 */
export async function createAgent(params: CreateAgentParameters): Promise<Agent> {
  const { config, signer, fhe } = params;
  const provider = signer.provider;
  if (provider === null) throw new RoyaltiesError("The agent's signer has no provider: connect it to a network.");
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const wallNow = params.wallNow ?? Date.now;
  const logger = params.logger ?? createLogger({ now: wallNow });
  const metrics = new AgentMetrics();
  const chainId = (await provider.getNetwork()).chainId;
  const account = await signer.getAddress();
  const now =
    params.now ??
    (async () => {
      const block = await provider.getBlock("latest");
      if (block === null) throw new RoyaltiesError("The RPC returned no latest block.");
      return BigInt(block.timestamp);
    });

  const ctx: AgentContext = {
    config,
    account,
    signer,
    fhe,
    logger,
    metrics,
    hooks: params.hooks ?? {},
    now,
    retry: (model, action, step) =>
      withRetry(step, {
        attempts: config.retry.attempts,
        baseDelayMs: config.retry.baseDelayMs,
        sleep,
        onRetry: (error, attempt, delayMs) =>
          logger.log({
            level: "warn",
            action,
            model: model.label,
            message: `transient RPC failure (${String((error as Error).message ?? error).split("\n")[0]}): retry ${attempt} in ${delayMs} ms`,
          }),
      }),
  };

  const models: ModelRuntime[] = [];
  for (const modelConfig of config.models) {
    let client: PoolClient;
    if (modelConfig.pool !== undefined) {
      const registry = await registryOfPool({ provider }, { pool: modelConfig.pool });
      client = await connectPool(await createRoyaltiesClient({ signer, fhe, registry }), { address: modelConfig.pool });
    } else {
      if (params.registry === undefined) {
        throw new RoyaltiesError(`Model "${modelConfig.model}" is named by name: pass the registry, or give its pool.`);
      }
      const base = await createRoyaltiesClient({ signer, fhe, registry: params.registry });
      client = await connectPool(base, { model: modelConfig.model ?? "" });
    }
    const address = client.address;
    const key = { chainId, pool: address, role: config.role, account };
    const file = path.join(config.stateDir, stateFileName(key));
    models.push({
      label: modelConfig.model ?? address,
      config: modelConfig,
      client,
      consensus:
        modelConfig.consensus === undefined
          ? undefined
          : await connectConsensus({ address: modelConfig.consensus, signer, fhe }),
      store: new StateStore(file, key),
      lock: new KeyLock(`${file}.lock`, wallNow, config.lockStaleSeconds * 1000),
      logged: new Set(),
      sources: new Map(),
    });
  }

  let started = false;
  let stopped = false;
  let server: MetricsServer | undefined;
  let wake: (() => void) | undefined;

  const agent: Agent = {
    metrics,
    models,
    get metricsPort() {
      return server?.port;
    },
    async start() {
      if (started) return;
      const taken: ModelRuntime[] = [];
      try {
        for (const model of models) {
          const { replaced } = model.lock.acquire();
          taken.push(model);
          logger.log({
            level: "info",
            action: "lock",
            model: model.label,
            message:
              replaced === undefined
                ? `running as ${config.role}${config.keeper && config.role !== "keeper" ? " + keeper" : ""} for ${account}`
                : `took over a stale lock of pid ${replaced.pid}: running as ${config.role} for ${account}`,
          });
        }
      } catch (error) {
        for (const model of taken) model.lock.release();
        if (error instanceof AgentLockedError) {
          logger.log({ level: "error", action: "lock", message: `${error.message} This agent stops.` });
        }
        throw error;
      }
      if (config.metricsPort !== undefined) server = await startMetricsServer(metrics, { port: config.metricsPort });
      for (const model of models) {
        const state = model.store.state;
        if (state.lastEpochHandled !== undefined) {
          metrics.set("royalties_agent_last_epoch_handled", { model: model.label }, Number(state.lastEpochHandled));
        }
        if (config.role === "contributor") {
          metrics.set("royalties_agent_pending_balance_count", { model: model.label }, state.withdraw.claimsSince);
        }
      }
      metrics.set("royalties_agent_up", {}, 1);
      started = true;
    },
    async runOnce() {
      if (!started) await agent.start();
      for (const model of models) {
        try {
          model.lock.heartbeat();
        } catch (error) {
          if (error instanceof AgentLockedError) {
            logger.log({
              level: "error",
              action: "lock",
              model: model.label,
              message: "another agent took over this key: this agent stops",
            });
            await agent.stop();
          }
          throw error;
        }
        const duties = [
          ...(config.role === "contributor" ? [["contributor", contributorTick] as const] : []),
          ...(config.role === "attestor" ? [["attestor", attestorTick] as const] : []),
          ...(config.keeper ? [["keeper", keeperTick] as const] : []),
        ];
        for (const [name, tick] of duties) {
          try {
            await tick(ctx, model);
          } catch (error) {
            reportFailure(ctx, model, name, undefined, error, "the agent tries again at the next tick");
          }
        }
      }
      metrics.set("royalties_agent_last_tick_timestamp_seconds", {}, Math.floor(wallNow() / 1000));
    },
    async run() {
      await agent.start();
      while (!stopped) {
        try {
          await agent.runOnce();
        } catch (error) {
          if (error instanceof AgentLockedError) return;
          throw error;
        }
        if (stopped) break;
        await Promise.race([sleep(config.intervalSeconds * 1000), new Promise<void>((resolve) => (wake = resolve))]);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      wake?.();
      for (const model of models) model.lock.release();
      metrics.set("royalties_agent_up", {}, 0);
      await server?.close();
      server = undefined;
    },
    status() {
      return models.map((model) => statusOf(model.label, model.store));
    },
  };
  return agent;
}

function statusOf(label: string, store: StateStore): ModelStatus {
  const state = store.state;
  return {
    model: label,
    pool: state.pool,
    stateFile: store.file,
    lastEpochHandled: state.lastEpochHandled,
    submissions: state.counters.submissions ?? 0,
    claims: state.counters.claims ?? 0,
    pendingBalanceCount: state.withdraw.claimsSince,
    pending: state.pending === undefined ? undefined : `${state.pending.kind} in epoch ${state.pending.epochId}`,
    failures: Object.entries(state.counters)
      .filter(([name]) => name.startsWith("failures."))
      .reduce((sum, [, n]) => sum + n, 0),
  };
}
