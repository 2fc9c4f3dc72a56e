/**
 * Starts the Ponder indexer as a child process with its addresses resolved: the registry from the
 * environment or hardhat-deploy's deployments folder, its deployment block, and the aggregator the
 * registry created (read from the chain). Used by `npm run indexer`, the indexer tests and the load script.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { JsonRpcProvider } from "ethers";

import { ModelRegistry__factory } from "../types";
import { writeAbis } from "./codegen";

const ROOT = path.join(__dirname, "..");
const PONDER_BIN = path.join(ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");

export interface IndexerOptions {
  /** JSON-RPC URL of the chain; default http://127.0.0.1:8545. */
  rpcUrl?: string;
  /** hardhat-deploy network folder to read the registry from; default `localhost`. */
  network?: string;
  /** The registry; default: deployments/<network>/ModelRegistry.json. */
  registry?: string;
  /** First block to read; default: the registry's deployment block (0 when unknown). */
  startBlock?: number;
  governors?: string[];
  consensus?: string[];
  /** PostgreSQL connection string; PGlite in `pgliteDir` when omitted. */
  databaseUrl?: string;
  /** Folder of the embedded PGlite database; default indexer/.ponder/pglite. */
  pgliteDir?: string;
  /** Database schema of this deployment of the indexer (Ponder's `--schema`); default `public`. */
  schema?: string;
  /** HTTP port of the GraphQL API; default 42069. */
  port?: number;
  /** Polling interval for new blocks, in ms; default 1000. */
  pollingMs?: number;
  /** Where the child's output goes; default inherited. */
  stdio?: "inherit" | "ignore" | "pipe";
}

/** The environment ponder.config.ts reads, resolved from `options`, the deployments folder and the chain. */
export async function indexerEnvironment(options: IndexerOptions = {}): Promise<NodeJS.ProcessEnv> {
  const rpcUrl = options.rpcUrl ?? process.env.INDEXER_RPC_URL ?? "http://127.0.0.1:8545";
  const network = options.network ?? "localhost";
  let registry = options.registry ?? process.env.INDEXER_REGISTRY;
  let startBlock = options.startBlock;
  const deployment = path.join(ROOT, "deployments", network, "ModelRegistry.json");
  if (registry === undefined) {
    if (!existsSync(deployment)) {
      throw new Error(`No registry: set INDEXER_REGISTRY or deploy to ${network} first (${deployment} is missing).`);
    }
    const saved = JSON.parse(readFileSync(deployment, "utf8")) as {
      address: string;
      receipt?: { blockNumber?: number };
    };
    registry = saved.address;
    startBlock ??= saved.receipt?.blockNumber;
  }
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    const registryContract = ModelRegistry__factory.connect(registry, provider);
    const [aggregator, vault, chainId] = await Promise.all([
      registryContract.metricAggregator(),
      registryContract.payoutVault(),
      provider.send("eth_chainId", []) as Promise<string>,
    ]);
    return {
      ...process.env,
      PONDER_TELEMETRY_DISABLED: "true",
      INDEXER_RPC_URL: rpcUrl,
      INDEXER_CHAIN_ID: String(Number(chainId)),
      INDEXER_REGISTRY: registry,
      INDEXER_AGGREGATOR: aggregator,
      INDEXER_VAULT: vault,
      INDEXER_START_BLOCK: String(startBlock ?? Number(process.env.INDEXER_START_BLOCK ?? "0")),
      INDEXER_GOVERNORS: (options.governors ?? []).join(",") || process.env.INDEXER_GOVERNORS || "",
      INDEXER_CONSENSUS: (options.consensus ?? []).join(",") || process.env.INDEXER_CONSENSUS || "",
      INDEXER_POLLING_MS: String(options.pollingMs ?? process.env.INDEXER_POLLING_MS ?? "1000"),
      INDEXER_PGLITE_DIR:
        options.pgliteDir ?? process.env.INDEXER_PGLITE_DIR ?? path.join(__dirname, ".ponder", "pglite"),
      ...(options.databaseUrl !== undefined ? { DATABASE_URL: options.databaseUrl } : {}),
    };
  } finally {
    provider.destroy();
  }
}

/** Starts `ponder start` for the indexer (writing its ABIs from the artifacts first). */
export async function startIndexer(options: IndexerOptions = {}): Promise<ChildProcess> {
  writeAbis(ROOT);
  const env = await indexerEnvironment(options);
  const args = [
    PONDER_BIN,
    "--root",
    __dirname,
    "--log-level",
    process.env.INDEXER_LOG_LEVEL ?? "warn",
    "start",
    "--schema",
    options.schema ?? process.env.DATABASE_SCHEMA ?? "public",
    "--port",
    String(options.port ?? 42069),
  ];
  return spawn(process.execPath, args, { cwd: __dirname, env, stdio: options.stdio ?? "inherit" });
}

/** What the indexer's /status says of the chain: the last block indexed (null before the first). */
export async function indexedBlock(url: string): Promise<number | null> {
  try {
    const response = await fetch(new URL("/status", url));
    if (!response.ok) return null;
    const status = (await response.json()) as Record<string, { block?: { number?: number } }>;
    const block = Object.values(status)[0]?.block?.number;
    return typeof block === "number" ? block : null;
  } catch {
    return null;
  }
}

/**
 * Waits until the indexer at `url` is ready and has indexed `block`; fails after `timeoutMs`, or as soon
 * as `child` (the indexer's process, when known) exits.
 */
export async function waitForIndexer(
  url: string,
  block: number,
  timeoutMs = 120_000,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`The indexer exited (${child.exitCode ?? child.signalCode}) before reaching block ${block}.`);
    }
    const indexed = await indexedBlock(url);
    if (indexed !== null && indexed >= block) {
      const ready = await fetch(new URL("/ready", url)).catch(() => null);
      if (ready?.ok) return;
    }
    if (Date.now() > deadline) {
      throw new Error(`The indexer at ${url} did not reach block ${block} within ${timeoutMs} ms (at ${indexed}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
