/**
 * `npm run load`: drives the in-process Hardhat chain (fhEVM mock) with N contributors × E epochs × M
 * models — every contributor submits encrypted metrics to every model in every epoch and claims its share
 * through the payout vault — then measures the Ponder indexer against it, served over JSON-RPC on a free
 * loopback port (never port 8545): catch-up throughput from an empty database (PGlite, and PostgreSQL when
 * LOAD_DATABASE_URL is set), GraphQL p50/p95 latency of the reads the dashboard and tasks make
 * (src/indexer.ts), row counts against the chain's own counts, and a kill mid-sync then restart.
 * Two sizes in one run: ¼ of the contributors, then all of them. Writes bench/load.json and the
 * "Load" section of bench/RESULTS.md.
 *
 * Flags (after `--`) or environment: --contributors / LOAD_CONTRIBUTORS (200), --epochs / LOAD_EPOCHS (10),
 * --models / LOAD_MODELS (2), --queries / LOAD_QUERIES (GraphQL samples per query, 40), --pageLoads /
 * LOAD_PAGELOADS (page loads each way, 3); LOAD_DATABASE_URL (a PostgreSQL database to use; otherwise a
 * throw-away cluster through .ci/postgres.sh, LOAD_POSTGRES=0 to skip), LOAD_BROWSER=0 (skip Chromium),
 * LOAD_VERBOSE=1 (echo the indexer's log), LOAD_SIZES=full (the asked-for size only), LOAD_OUTPUT=file.json
 * (write there only, not bench/). `--render` rewrites the RESULTS.md section from bench/load.json.
 */
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HDNodeWallet } from "ethers";
import hre, { ethers, network } from "hardhat";
import type { Browser } from "playwright-core";

import { startIndexer, waitForIndexer } from "../indexer/launch";
import { formatInPlace, writeResultsMarkdown } from "./resultsFile";
import {
  indexerEpochs,
  indexerModels,
  indexerPoolLogs,
  indexerPublicRecord,
  indexerQuery,
  indexerRows,
  indexerSubmittedEpochs,
} from "../src/indexer";
import { readLogs } from "../src/logs";
import { createModel, deployModelRegistry, deployPayoutToken } from "../src/deploy";
import type { ModelRegistry, PayoutVault, RoyaltyPool, TestToken } from "../types";
import { PayoutVault__factory, TestToken__factory } from "../types";
import { EPOCH_LENGTH, METRICS3, confirm, fundedWallets } from "./benchCommon";
import { startInProcessFhevm } from "../src/fhe/inProcessFhevm";
import { serveRpc } from "./rpcServer";
import type { Eip1193, RpcServer } from "./rpcServer";
import { CHROMIUM, buildApp, launchChromium, serveApp, timePublicView } from "./load/browser";
import { loadPostgres } from "./load/postgres";

const LIMITS = { contributors: 2_000, epochs: 100, models: 20, queries: 1_000, pageLoads: 20 };
const ROOT = path.join(__dirname, "..");
const started = Date.now();

function progress(text: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(7);
  console.log(`[${seconds}s] ${text}`);
}

/** A bounded positive integer from `--name value`, then LOAD_NAME, then the default. */
function option(name: keyof typeof LIMITS, fallback: number): number {
  const flag = process.argv.indexOf(`--${name}`);
  const raw = flag === -1 ? process.env[`LOAD_${name.toUpperCase()}`] : process.argv[flag + 1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > LIMITS[name]) {
    throw new Error(`--${name} must be an integer from 1 to ${LIMITS[name]} (got ${raw}).`);
  }
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });
}

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

interface Chain {
  contributors: number;
  epochs: number;
  models: number;
  registry: string;
  vault: string;
  /** The confidential payout token every model pays in (the dashboard's "official" token). */
  payout: string;
  pools: string[];
  wallets: HDNodeWallet[];
  startBlock: number;
  /** The last block with an event of this registry. */
  head: number;
  /** Logs the indexer reads (registry, vault, aggregator, pools) between startBlock and head. */
  events: number;
  transactions: number;
  driveSeconds: number;
  counts: Counts;
}

/** Deploys a fresh registry and drives N × E × M through it. */
async function drive(contributors: number, epochs: number, models: number, all: HDNodeWallet[]): Promise<Chain> {
  const t0 = Date.now();
  const [deployer, funder] = await ethers.getSigners();
  const wallets = all.slice(0, contributors);
  const startBlock = await ethers.provider.getBlockNumber();
  const token: TestToken = await new TestToken__factory(deployer).deploy("Model Usage Dollar", "MUD");
  const payout = await (
    await deployPayoutToken(deployer, { underlying: await token.getAddress(), name: "cMUD", symbol: "cMUD" })
  ).getAddress();
  await confirm(token.mint(funder.address, 10n ** 40n));
  const registry: ModelRegistry = await deployModelRegistry(deployer);
  const vault: PayoutVault = PayoutVault__factory.connect(await registry.payoutVault(), deployer);
  const pools: RoyaltyPool[] = [];
  const modelIds: bigint[] = [];
  for (let m = 0; m < models; m++) {
    const pool = await createModel(registry, {
      modelName: `load-${contributors}-${m + 1}`,
      payoutToken: payout,
      metrics: METRICS3,
      epochLength: EPOCH_LENGTH,
      minParticipants: 3,
      maxSubmissionsPerContributor: 10,
      noiseBits: 0,
    });
    await confirm(token.connect(funder).approve(await pool.getAddress(), ethers.MaxUint256));
    pools.push(pool);
    modelIds.push(await registry.modelIdOf(await pool.getAddress()));
  }
  let transactions = 0;
  const total = contributors * epochs * models;
  const report = (what: string) => {
    const rate = transactions / ((Date.now() - t0) / 1000);
    progress(`${contributors}×${epochs}×${models}: ${what} (${transactions} txs, ${rate.toFixed(1)}/s)`);
  };
  for (let e = 1; e <= epochs; e++) {
    for (const pool of pools) {
      const address = await pool.getAddress();
      await confirm(pool.connect(funder).fund(1_000n * 10n ** 18n));
      transactions += 1;
      for (const [i, who] of wallets.entries()) {
        const input = hre.fhevm.createEncryptedInput(address, who.address);
        for (const value of [BigInt(1 + i), BigInt(2 + e), 7n]) input.add64(value);
        const enc = await input.encrypt();
        await confirm(pool.connect(who).submitContribution(enc.handles, enc.inputProof));
        transactions += 1;
      }
    }
    for (const [m, pool] of pools.entries()) {
      const epochId = await pool.currentEpochId();
      const end = (await pool.getEpoch(epochId)).end;
      if (BigInt(await time.latest()) < end) await time.increaseTo(end);
      await confirm(pool.closeEpoch());
      const handle = (await pool.getEpoch(epochId)).total;
      const decryption = await hre.fhevm.publicDecrypt([handle]);
      const clear = decryption.clearValues[handle as `0x${string}`] as bigint;
      await confirm(pool.revealEpochTotal(epochId, clear, decryption.decryptionProof));
      transactions += 2;
      for (const who of wallets) {
        await confirm(vault.connect(who).claim(modelIds[m], epochId));
        transactions += 1;
      }
    }
    report(`epoch ${e}/${epochs} submitted, closed, revealed and claimed (${e * contributors * models}/${total})`);
  }
  const head = await ethers.provider.getBlockNumber();
  // Ponder treats the last 30 blocks of chain 31337 as unfinalized and indexes them one at a time:
  // 64 empty blocks make the whole workload final, as on a real chain after a while. One evm_mine each:
  // hardhat_mine reserves a range whose block hashes are only fixed when first read, which Ponder then
  // sees as a reorg beyond its finalized block ("unrecoverable reorg") and stops.
  for (let i = 0; i < 64; i++) await network.provider.send("evm_mine", []);

  const counts: Counts = { models, epochs: 0, participants: 0, submissions: 0, fundings: 0, claims: 0 };
  const poolAddresses = await Promise.all(pools.map((p) => p.getAddress()));
  for (const pool of pools) {
    const current = await pool.currentEpochId();
    counts.epochs += Number(current);
    for (let id = 1n; id <= current; id++) {
      const epoch = await pool.getEpoch(id);
      counts.participants += Number(epoch.participants);
      counts.submissions += Number(epoch.submissions);
      counts.claims += Number(epoch.claims);
    }
  }
  const funded = pools[0].interface.getEvent("PoolFunded").topicHash;
  counts.fundings = (
    await readLogs(ethers.provider, { address: poolAddresses, topics: [funded], fromBlock: startBlock, toBlock: head })
  ).length;
  const aggregator = await registry.metricAggregator();
  const registryAddress = await registry.getAddress();
  const vaultAddress = await vault.getAddress();
  const events = (
    await readLogs(ethers.provider, {
      address: [registryAddress, vaultAddress, aggregator, ...poolAddresses],
      fromBlock: startBlock,
      toBlock: head,
    })
  ).length;
  return {
    contributors,
    epochs,
    models,
    registry: registryAddress,
    vault: vaultAddress,
    payout,
    pools: poolAddresses,
    wallets,
    startBlock,
    head,
    events,
    transactions,
    driveSeconds: round((Date.now() - t0) / 1000),
    counts,
  };
}

/** JSON-RPC requests the in-process node answered, and the time it spent on them, by method. */
class RpcStats {
  private byMethod = new Map<string, { count: number; ms: number }>();

  /** The node, counting what it answers. */
  wrap(provider: Eip1193): Eip1193 {
    return {
      request: async (args) => {
        const t = performance.now();
        try {
          return await provider.request(args);
        } finally {
          const entry = this.byMethod.get(args.method) ?? { count: 0, ms: 0 };
          entry.count += 1;
          entry.ms += performance.now() - t;
          this.byMethod.set(args.method, entry);
        }
      },
    };
  }

  reset(): void {
    this.byMethod.clear();
  }

  snapshot(): RpcFigures {
    const methods = [...this.byMethod].sort(([, a], [, b]) => b.ms - a.ms);
    return {
      requests: methods.reduce((n, [, m]) => n + m.count, 0),
      busySeconds: round(methods.reduce((n, [, m]) => n + m.ms, 0) / 1000),
      byMethod: Object.fromEntries(methods.map(([name, m]) => [name, { count: m.count, ms: round(m.ms, 0) }])),
    };
  }
}

interface RpcFigures {
  requests: number;
  /** Sum of the node's answer times (requests overlap: may exceed the wall time). */
  busySeconds: number;
  byMethod: Record<string, { count: number; ms: number }>;
}

const rpcStats = new RpcStats();
/** Indexer processes running now: killed if the run is interrupted. */
const running = new Set<ChildProcess>();

/** What the indexer's log says while it runs (Ponder at log level info). */
class IndexerLog {
  backfillStartedAt?: number;
  firstIndexedAt?: number;
  firstChunkEvents = 0;
  indexedTo = -1;
  readonly tail: string[] = [];
  onIndexed?: (to: number) => void;

  read(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
    if (process.env.LOAD_VERBOSE) console.log(`    | ${line}`);
    if (this.backfillStartedAt === undefined && line.includes("Started backfill indexing")) {
      this.backfillStartedAt = performance.now();
    }
    const range = /Indexed block range.*event_count=(\d+).*block_range=\[(\d+),(\d+)\]/.exec(line);
    if (range !== null) {
      if (this.firstIndexedAt === undefined) {
        this.firstIndexedAt = performance.now();
        this.firstChunkEvents = Number(range[1]);
      }
      this.indexedTo = Number(range[3]);
      this.onIndexed?.(this.indexedTo);
    }
  }
}

interface Run {
  child: ChildProcess;
  url: string;
  log: IndexerLog;
  spawnedAt: number;
}

async function launch(
  rpc: RpcServer,
  chain: Chain,
  database: Database,
  schema: string,
  dir: string,
  port?: number,
): Promise<Run> {
  const listen = port ?? (await freePort());
  const spawnedAt = performance.now();
  const child = await startIndexer({
    rpcUrl: rpc.url,
    registry: chain.registry,
    startBlock: chain.startBlock,
    databaseUrl: database.url,
    pgliteDir: dir,
    schema,
    port: listen,
    pollingMs: 200,
    stdio: "pipe",
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const log = new IndexerLog();
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    readline.createInterface({ input: stream }).on("line", (line) => log.read(line));
  }
  return { child, url: `http://127.0.0.1:${listen}`, log, spawnedAt };
}

/** Waits for the indexer to reach the chain's head; on failure, says what its log said last. */
async function caughtUp(run: Run, chain: Chain): Promise<void> {
  try {
    await waitForIndexer(run.url, chain.head, 30 * 60_000, run.child);
  } catch (error) {
    throw new Error(`${String(error)}\nLast lines of the indexer's log:\n${run.log.tail.join("\n")}`);
  }
}

interface Counts {
  models: number;
  epochs: number;
  participants: number;
  submissions: number;
  fundings: number;
  claims: number;
}

const COUNTED = ["models", "epochs", "participants", "submissions", "fundings", "claims"] as const;

async function indexedCounts(url: string): Promise<Counts> {
  const data = await indexerQuery<Record<keyof Counts, { totalCount: number }>>(
    url,
    `{ ${COUNTED.map((c) => `${c} { totalCount }`).join(" ")} }`,
  );
  return Object.fromEntries(COUNTED.map((c) => [c, data[c].totalCount])) as unknown as Counts;
}

/** A digest of every epoch row (all public fields) and every participant row: two runs agree or they differ. */
async function stateDigest(url: string): Promise<string> {
  const epochs = await indexerRows<Record<string, unknown>>(
    url,
    "epochs",
    {},
    "pool epochId state participants submissions fundings poolUnits revealedTotal claims logLength logDigest totalHandle",
  );
  const participants = await indexerRows<Record<string, unknown>>(
    url,
    "participants",
    {},
    "pool epochId contributor submissions lastBlock claimed",
  );
  const key = (r: Record<string, unknown>) =>
    `${String(r.pool)}/${String(r.epochId).padStart(12, "0")}/${String(r.contributor ?? "")}`;
  const sorted = (rows: Record<string, unknown>[]) =>
    rows.map((r) => [key(r), r] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256")
    .update(JSON.stringify([sorted(epochs), sorted(participants)]))
    .digest("hex")
    .slice(0, 16);
}

interface Latency {
  query: string;
  samples: number;
  p50Ms: number;
  p95Ms: number;
}

/** p50/p95 of the reads the dashboard and the tasks make through src/indexer.ts. */
async function latencies(url: string, chain: Chain, samples: number): Promise<Latency[]> {
  const pool = chain.pools[0].toLowerCase();
  const contributor = chain.wallets[0].address;
  // The dashboard reads a pool's 50 newest epochs (app/src/data.ts): all of them at these sizes (≤ 100).
  const last = BigInt(chain.epochs);
  const first = last > 50n ? last - 49n : 1n;
  const queries: [string, () => Promise<unknown>][] = [
    ["every model's newest epochs (public view, one query)", () => indexerPublicRecord(url, { maxEpochs: 50 })],
    ["models (explorer list)", () => indexerModels(url)],
    ["epochs of a pool (epochs table)", () => indexerEpochs(url, pool, first, last)],
    ["a contributor's epochs (contributor view)", () => indexerSubmittedEpochs(url, pool, contributor)],
    ["a pool's events (epochs table's audit)", () => indexerPoolLogs(url, pool, chain.head)],
  ];
  const results: Latency[] = [];
  for (const [name, run] of queries) {
    await run(); // warm-up
    const times: number[] = [];
    // The full event read is heavy: fewer samples.
    const n = name.includes("events") ? Math.max(5, Math.ceil(samples / 4)) : samples;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results.push({ query: name, samples: n, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) });
  }
  return results;
}

interface Database {
  name: string;
  url?: string;
}

interface DatabaseResult {
  database: string;
  /** Spawn to the start of the backfill: Ponder's build, database connection and migrations. */
  startupSeconds: number;
  /** Start of the backfill to caught up (RPC fetches and indexing). */
  syncSeconds: number;
  /** First indexed block range to caught up. */
  indexingSeconds: number;
  /** Events after the first indexed range ÷ indexingSeconds: the catch-up throughput. */
  eventsPerSecond: number;
  /** All events ÷ syncSeconds. */
  eventsPerSecondSync: number;
  totalSeconds: number;
  /** What the catch-up asked the node for. */
  rpc: RpcFigures;
  counts: Counts;
  countsMatch: boolean;
  digest: string;
  latency: Latency[];
  restart: {
    killedAtBlock: number | null;
    midSync: boolean;
    note: string;
    counts: Counts | null;
    countsMatch: boolean;
    digest: string | null;
    sameState: boolean;
    resumeSeconds: number | null;
  };
}

const sameCounts = (a: Counts, b: Counts) => COUNTED.every((k) => a[k] === b[k]);

async function measure(
  rpc: RpcServer,
  chain: Chain,
  database: Database,
  workDir: string,
  samples: number,
  port: number | undefined,
  whileUp: (url: string) => Promise<void>,
): Promise<DatabaseResult> {
  const tag = `${chain.contributors}×${chain.epochs}×${chain.models} on ${database.name}`;
  const schema = `load_${process.pid}_${chain.contributors}`;
  const dir = path.join(workDir, `pglite-${chain.contributors}`);
  progress(`${tag}: indexer catch-up from an empty database (${chain.events} events)`);
  rpcStats.reset();
  let run = await launch(rpc, chain, database, schema, dir, port);
  let rpcFigures: RpcFigures;
  let counts: Counts;
  let digest: string;
  let latency: Latency[];
  let t1: number;
  const ticker = setInterval(
    () => progress(`${tag}: … indexed to block ${run.log.indexedTo} of ${chain.startBlock}..${chain.head}`),
    15_000,
  );
  try {
    await caughtUp(run, chain);
    t1 = performance.now();
    rpcFigures = rpcStats.snapshot();
    clearInterval(ticker);
    counts = await indexedCounts(run.url);
    digest = await stateDigest(run.url);
    progress(`${tag}: GraphQL latency, ${samples} samples per query`);
    latency = await latencies(run.url, chain, samples);
    for (const l of latency) progress(`  ${l.query}: p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms`);
    await whileUp(run.url);
  } finally {
    clearInterval(ticker);
    await stop(run.child);
  }
  const { spawnedAt, log } = run;
  const backfill = log.backfillStartedAt ?? spawnedAt;
  const firstIndexed = log.firstIndexedAt ?? backfill;
  const startupSeconds = (backfill - spawnedAt) / 1000;
  const syncSeconds = (t1 - backfill) / 1000;
  const indexingSeconds = (t1 - firstIndexed) / 1000;
  const eventsPerSecond = indexingSeconds > 0 ? (chain.events - log.firstChunkEvents) / indexingSeconds : 0;
  progress(
    `${tag}: caught up ${((t1 - spawnedAt) / 1000).toFixed(1)} s after spawn: start-up ${startupSeconds.toFixed(1)} s, ` +
      `sync ${syncSeconds.toFixed(1)} s (${(chain.events / syncSeconds).toFixed(0)} events/s), ` +
      `from the first indexed range ${indexingSeconds.toFixed(1)} s (${eventsPerSecond.toFixed(0)} events/s); ` +
      `rows ${JSON.stringify(counts)} vs chain ${JSON.stringify(chain.counts)}; ` +
      `the node answered ${rpcFigures.requests} requests (${rpcFigures.busySeconds} s busy): ${JSON.stringify(rpcFigures.byMethod)}`,
  );

  // Kill mid-sync (SIGKILL, as a crash or an OOM kill would), then restart on the same database and schema.
  progress(`${tag}: a second indexer from an empty database, killed (SIGKILL) mid-sync, then restarted`);
  const killSchema = `${schema}_kill`;
  const killDir = `${dir}-kill`;
  run = await launch(rpc, chain, database, killSchema, killDir);
  const target = chain.startBlock + Math.ceil((chain.head - chain.startBlock) * 0.4);
  const killed = new Promise<number>((resolve) => {
    run.log.onIndexed = (to) => {
      if (to >= target && to < chain.head) {
        run.child.kill("SIGKILL");
        resolve(to);
      }
    };
  });
  const done = caughtUp(run, chain).then(() => null);
  const killedAtBlock = await Promise.race([killed, done.catch(() => null)]);
  await stop(run.child, "SIGKILL");
  const midSync = killedAtBlock !== null;
  const note = midSync
    ? `killed after indexing blocks ${chain.startBlock}..${killedAtBlock} of ${chain.startBlock}..${chain.head}`
    : `not killed mid-sync: the indexer reached the head before block ${target}`;
  progress(`${tag}: ${note}; restarting on the same ${database.name} schema`);
  const t2 = performance.now();
  run = await launch(rpc, chain, database, killSchema, killDir);
  let restartCounts: Counts | null = null;
  let restartDigest: string | null = null;
  let resumeSeconds: number | null = null;
  try {
    await caughtUp(run, chain);
    resumeSeconds = (performance.now() - t2) / 1000;
    restartCounts = await indexedCounts(run.url);
    restartDigest = await stateDigest(run.url);
  } catch (error) {
    progress(`${tag}: the restart failed: ${String(error)}`);
  } finally {
    await stop(run.child);
  }
  const restartMatch = restartCounts !== null && sameCounts(restartCounts, chain.counts);
  progress(
    `${tag}: after the restart rows ${JSON.stringify(restartCounts)}, state ${restartDigest === digest ? "identical to" : "DIFFERENT from"} the uninterrupted run` +
      (resumeSeconds === null ? "" : ` (${resumeSeconds.toFixed(1)} s to resume and catch up)`),
  );
  return {
    database: database.name,
    startupSeconds: round(startupSeconds),
    syncSeconds: round(syncSeconds),
    indexingSeconds: round(indexingSeconds),
    eventsPerSecond: round(eventsPerSecond, 0),
    eventsPerSecondSync: round(chain.events / syncSeconds, 0),
    totalSeconds: round((t1 - spawnedAt) / 1000),
    rpc: rpcFigures,
    counts,
    countsMatch: sameCounts(counts, chain.counts),
    digest,
    latency,
    restart: {
      killedAtBlock,
      midSync,
      note,
      counts: restartCounts,
      countsMatch: restartMatch,
      digest: restartDigest,
      sameState: restartDigest === digest,
      resumeSeconds: resumeSeconds === null ? null : round(resumeSeconds),
    },
  };
}

interface PageSide {
  /** Each page load, in ms. */
  ms: number[];
  medianMs: number | null;
  /** What the page said it read from. */
  label: string;
  /** Why a load did not finish (the rest of that side's loads are skipped). */
  failed?: string;
}

interface PageResult {
  indexer: PageSide;
  chain: PageSide;
  /** chain ÷ indexer medians, when both finished. */
  speedup: number | null;
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

interface Browsing {
  browser: Browser;
  indexerDist: string;
  chainDist: string;
  indexerPort: number;
}

/**
 * Times the public view in Chromium, with the indexer built in and with paginated chain reads, alternating;
 * a side whose page fails (e.g. shows a model as unreadable) is recorded as failed and the other goes on.
 */
async function timePages(browsing: Browsing, chain: Chain, runs: number): Promise<PageResult> {
  const deployments = {
    network: "localhost",
    chainId: 31337,
    contracts: {
      ModelRegistry: { address: chain.registry, blockNumber: chain.startBlock },
      ConfidentialPayoutToken: { address: chain.payout },
    },
  };
  const servers = {
    chain: await serveApp(browsing.chainDist, deployments),
    indexer: await serveApp(browsing.indexerDist, deployments),
  };
  const ids = Array.from({ length: chain.models }, (_, i) => i + 1);
  const sides: Record<"chain" | "indexer", PageSide> = {
    chain: { ms: [], medianMs: null, label: "" },
    indexer: { ms: [], medianMs: null, label: "" },
  };
  try {
    for (let i = 0; i < runs; i++) {
      for (const name of ["chain", "indexer"] as const) {
        const side = sides[name];
        if (side.failed !== undefined) continue;
        try {
          const timing = await timePublicView(browsing.browser, servers[name].url, ids, chain.epochs);
          side.ms.push(round(timing.ms, 0));
          side.label = timing.source;
          progress(`  page load ${i + 1}/${runs} (${name}): ${round(timing.ms, 0)} ms`);
        } catch (error) {
          side.failed = String(error).slice(0, 400);
          progress(`  page load ${i + 1}/${runs} (${name}) failed: ${side.failed}`);
        }
      }
    }
  } finally {
    await servers.chain.close();
    await servers.indexer.close();
  }
  for (const [name, side] of Object.entries(sides)) {
    if (side.ms.length > 0) side.medianMs = round(median(side.ms), 0);
    if (side.label !== "" && !side.label.includes(name)) {
      throw new Error(`The ${name} build did not read where it should: "${side.label}".`);
    }
  }
  const { indexer, chain: chainSide } = sides;
  return {
    indexer,
    chain: chainSide,
    speedup:
      indexer.medianMs !== null && chainSide.medianMs !== null ? round(chainSide.medianMs / indexer.medianMs) : null,
  };
}

/** A page side as saved by this script, or by its first version (flat fields, both sides finished). */
function pageSides(page: PageResult | LegacyPageResult): PageResult {
  if ("indexer" in page && typeof page.indexer === "object") return page;
  const old = page as LegacyPageResult;
  return {
    indexer: { ms: old.indexerMs, medianMs: old.indexerMedianMs, label: old.indexerLabel },
    chain: { ms: old.chainMs, medianMs: old.chainMedianMs, label: old.chainLabel },
    speedup: old.speedup,
  };
}

interface LegacyPageResult {
  indexerMs: number[];
  chainMs: number[];
  indexerMedianMs: number;
  chainMedianMs: number;
  speedup: number;
  indexerLabel: string;
  chainLabel: string;
}

interface SizeResult {
  contributors: number;
  epochs: number;
  models: number;
  transactions: number;
  driveSeconds: number;
  blocks: number;
  events: number;
  chainCounts: Counts;
  databases: DatabaseResult[];
  page: PageResult | LegacyPageResult | { skipped: string } | null;
}

const TARGETS = { pageMs: 1000, speedup: 10, eventsPerSecond: 500 };

function markdown(out: LoadOutput): string {
  const sizes = out.sizes;
  const lines = [
    "## Load",
    "",
    "`npm run load` (scripts/load.ts): every contributor submits encrypted metrics (3) to every model in every " +
      "epoch, each epoch is closed and revealed, and every contributor claims through the payout vault (one " +
      "transaction per block: Hardhat automines); then the Ponder indexer (indexer/) catches up from an empty " +
      "database over JSON-RPC, is queried, and a second one is killed mid-sync and restarted. " +
      `Run ${out.generated.slice(0, 16).replace("T", " ")} UTC on ${out.machine.cores} cores (${out.machine.cpu}), ` +
      "shared with other jobs. Events = logs of the registry, payout vault, aggregator and pools.",
    "",
    out.note,
    "",
    out.complete
      ? "Every phase of both sizes completed."
      : `**Incomplete run**: ${out.incomplete ?? "stopped before the end"}. Only the phases shown were measured.`,
    "",
    "Catch-up from an empty database (start-up = spawn to the start of the backfill; events/s = events after the " +
      "first indexed block range ÷ the time from it to caught up; sync = the whole backfill, RPC fetches included):",
    "",
    "| size (N×E×M) | txs | drive s | blocks | events | database | start-up s | sync s | of which before the first indexed range s | events/s | events/s over the sync | node: requests, busy s | rows = chain | killed mid-sync, restarted: same state |",
    "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
  ];
  for (const s of sizes) {
    if (s.databases.length === 0) {
      lines.push(
        `| ${s.contributors}×${s.epochs}×${s.models} | ${s.transactions} | ${s.driveSeconds} | ${s.blocks} | ${s.events} | (not measured) | | | | | | | | |`,
      );
    }
    for (const d of s.databases) {
      const r = d.restart;
      lines.push(
        `| ${s.contributors}×${s.epochs}×${s.models} | ${s.transactions} | ${s.driveSeconds} | ${s.blocks} | ${s.events} | ${d.database} | ` +
          `${d.startupSeconds} | ${d.syncSeconds} | ${round(d.syncSeconds - d.indexingSeconds)} | ${d.eventsPerSecond} | ${d.eventsPerSecondSync} | ` +
          `${d.rpc.requests}, ${d.rpc.busySeconds} | ` +
          `${d.countsMatch ? "yes" : "**no**"} | ${r.countsMatch && r.sameState ? "yes" : "**no**"} (${r.note}` +
          `${r.resumeSeconds === null ? "" : `; resumed and caught up in ${r.resumeSeconds} s`}) |`,
      );
    }
  }
  lines.push("", "Row counts (indexer = chain; zero missing, zero duplicate):", "");
  lines.push(`| size | source | ${COUNTED.join(" | ")} |`, `| --- | --- | ${COUNTED.map(() => "---:").join(" | ")} |`);
  for (const s of sizes) {
    const row = (name: string, c: Counts) =>
      `| ${s.contributors}×${s.epochs}×${s.models} | ${name} | ${COUNTED.map((k) => c[k]).join(" | ")} |`;
    lines.push(row("chain", s.chainCounts));
    for (const d of s.databases) {
      lines.push(row(d.database, d.counts));
      if (d.restart.counts !== null) lines.push(row(`${d.database}, killed and restarted`, d.restart.counts));
    }
  }
  lines.push(
    "",
    `GraphQL latency of the dashboard's reads (ms, ${out.requested.queries} samples each; the event read fewer):`,
    "",
  );
  lines.push("| size | database | query | p50 | p95 |", "| --- | --- | --- | ---: | ---: |");
  for (const s of sizes) {
    for (const d of s.databases) {
      for (const l of d.latency) {
        lines.push(
          `| ${s.contributors}×${s.epochs}×${s.models} | ${d.database} | ${l.query} | ${l.p50Ms} | ${l.p95Ms} |`,
        );
      }
    }
  }
  lines.push(
    "",
    "The dashboard's public view in Debian Chromium (fresh context each load, no cache): navigation to every " +
      "model's epochs table filled, with the indexer (PGlite) and with paginated chain reads, alternating:",
    "",
    "| size | indexer, median ms | chain reads, median ms | chain ÷ indexer | loads (indexer / chain, ms) |",
    "| --- | ---: | ---: | ---: | --- |",
  );
  const notes: string[] = [];
  for (const s of sizes) {
    const p = s.page;
    if (p === null) continue;
    if ("skipped" in p) {
      lines.push(`| ${s.contributors}×${s.epochs}×${s.models} | not measured: ${p.skipped} | | | |`);
    } else {
      const { indexer, chain: onChain, speedup } = pageSides(p);
      const cell = (side: PageSide) => {
        if (side.medianMs !== null) return side.medianMs;
        notes.push(
          `${s.contributors}×${s.epochs}×${s.models}, ${side === indexer ? "indexer" : "chain reads"}: ${side.failed ?? "?"}`,
        );
        return `no figure (note ${notes.length})`;
      };
      const loads = (side: PageSide) => (side.ms.length === 0 ? "—" : side.ms.join(", "));
      lines.push(
        `| ${s.contributors}×${s.epochs}×${s.models} | ${cell(indexer)} | ${cell(onChain)} | ${speedup === null ? "—" : `${speedup}×`} | ${loads(indexer)} / ${loads(onChain)} |`,
      );
    }
  }
  if (notes.length > 0) lines.push("", ...notes.map((n, i) => `${i + 1}. ${n}`));
  const [small, large] = sizes;
  if (small !== undefined && large !== undefined && large.databases.length > 0) {
    lines.push(
      "",
      `How the figures grow from ${small.contributors}×${small.epochs}×${small.models} to ${large.contributors}×${large.epochs}×${large.models} (× = large ÷ small):`,
      "",
    );
    lines.push("| figure | small | large | × |", "| --- | ---: | ---: | ---: |");
    const grow = (name: string, a: number | undefined, b: number | undefined) => {
      if (a === undefined || b === undefined) return;
      lines.push(`| ${name} | ${a} | ${b} | ${a === 0 ? "—" : round(b / a, 2)} |`);
    };
    grow("events", small.events, large.events);
    for (const d of large.databases) {
      const a = small.databases.find((x) => x.database === d.database);
      if (a === undefined) continue;
      grow(`${d.database}: catch-up events/s`, a.eventsPerSecond, d.eventsPerSecond);
      grow(`${d.database}: sync s`, a.syncSeconds, d.syncSeconds);
      grow(`${d.database}: start-up s`, a.startupSeconds, d.startupSeconds);
      for (const l of d.latency) {
        grow(`${d.database}: p95 ms, ${l.query}`, a.latency.find((x) => x.query === l.query)?.p95Ms, l.p95Ms);
      }
    }
    const pa = small.page;
    const pb = large.page;
    if (pa !== null && pb !== null && !("skipped" in pa) && !("skipped" in pb)) {
      const [sa, sb] = [pageSides(pa), pageSides(pb)];
      grow("public view with the indexer, ms", sa.indexer.medianMs ?? undefined, sb.indexer.medianMs ?? undefined);
      grow("public view with chain reads, ms", sa.chain.medianMs ?? undefined, sb.chain.medianMs ?? undefined);
    }
  }
  const target = sizes.find((s) => s.contributors === 200 && s.epochs === 10 && s.models === 2) ?? large ?? small;
  if (target !== undefined) {
    lines.push("", `Targets at ${target.contributors}×${target.epochs}×${target.models}:`, "");
    const page = target.page;
    if (page !== null && !("skipped" in page)) {
      const { indexer, chain: onChain, speedup } = pageSides(page);
      lines.push(
        indexer.medianMs === null
          ? `- public view ≤ ${TARGETS.pageMs} ms with the indexer: no figure (see the notes under the page table) — **not shown to be met**;`
          : `- public view ≤ ${TARGETS.pageMs} ms with the indexer: ${indexer.medianMs} ms — ${indexer.medianMs <= TARGETS.pageMs ? "met" : "**missed**"};`,
        speedup === null
          ? `- ≥ ${TARGETS.speedup}× faster than paginated chain reads: no figure (${onChain.medianMs === null ? "the chain-read page did not finish" : "the indexer page did not finish"}) — **not shown to be met**;`
          : `- ≥ ${TARGETS.speedup}× faster than paginated chain reads: ${speedup}× — ${speedup >= TARGETS.speedup ? "met" : "**missed**"};`,
      );
    } else {
      lines.push("- public view: not measured at this size;");
    }
    for (const d of target.databases) {
      lines.push(
        `- catch-up ≥ ${TARGETS.eventsPerSecond} events/s on ${d.database}: ${d.eventsPerSecond} — ${d.eventsPerSecond >= TARGETS.eventsPerSecond ? "met" : "**missed**"};`,
      );
    }
    const rowsOk = target.databases.every((d) => d.countsMatch && d.restart.countsMatch && d.restart.sameState);
    lines.push(
      `- zero missing or duplicate rows, also after a kill and restart: ${target.databases.length === 0 ? "not measured" : rowsOk ? "met" : "**missed**"}.`,
    );
  }
  lines.push(
    "",
    "Reading the figures:",
    "",
    "- Hardhat mines one transaction per block, so the chain has about one block per transaction and Ponder " +
      "fetches every block (`eth_getBlockByNumber`, with its transactions) besides the logs, and stores what it " +
      "fetched in its sync tables in the same database before indexing it. That is the time before the first " +
      "indexed range: compare it between PGlite (embedded, single-threaded in the indexer's process) and " +
      "PostgreSQL (its own server process), and with the node's busy time. On a real chain, with many " +
      "transactions per block, there are far fewer blocks to fetch and store for the same events.",
    "- The machine is shared: the two sizes were measured minutes apart under different loads from other jobs " +
      "(compare the start-up times, which do not depend on the size), so the growth column mixes scale and load.",
    "- The public view's time is to every model's epochs table drawn (the same condition either way). With the " +
      "indexer, the page draws it from one GraphQL query (every model with its newest epochs, its latest " +
      'settlement and the indexer\'s block), nothing decoded, labelled "auditing…"; the audit (every event ' +
      "decoded, the digest chain replayed, each row compared with the chain's `getEpoch`) runs after the table " +
      "is drawn, so the figure does not include it. With chain reads the page still decodes every event of every " +
      "pool (ethers' `parseLog`) and audits before drawing; the local node answers a whole-range `eth_getLogs` at " +
      "once, so on a public RPC (ranges refused or capped) the chain-read side is slower still.",
  );
  if (out.findings.length > 0) lines.push("", ...out.findings.map((f) => `- ${f}`));
  for (const rerun of out.reruns ?? []) {
    lines.push(
      "",
      `### A second run, ${rerun.generated.slice(0, 16).replace("T", " ")} UTC (${rerun.note})`,
      "",
      "| size | database | start-up s | sync s | events/s | rows = chain | killed mid-sync, restarted: same state | public view, indexer ms | chain reads ms | chain ÷ indexer |",
      "| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |",
    );
    for (const size of rerun.sizes) {
      const page = size.page !== null && !("skipped" in size.page) ? pageSides(size.page) : undefined;
      for (const d of size.databases) {
        lines.push(
          `| ${size.contributors}×${size.epochs}×${size.models} | ${d.database} | ${d.startupSeconds} | ${d.syncSeconds} | ${d.eventsPerSecond} | ` +
            `${d.countsMatch ? "yes" : "**no**"} | ${d.restart.countsMatch && d.restart.sameState ? "yes" : "**no**"} (${d.restart.note}) | ` +
            `${page?.indexer.medianMs ?? "—"} | ${page?.chain.medianMs ?? "—"} | ${page?.speedup ?? "—"} |`,
        );
      }
    }
    if (!rerun.complete) lines.push("", `Incomplete: ${rerun.incomplete ?? "?"}.`);
  }
  lines.push("");
  return lines.join("\n");
}

interface LoadOutput {
  generated: string;
  machine: { cores: number; cpu: string; node: string };
  requested: { contributors: number; epochs: number; models: number; queries: number; pageLoads: number };
  note: string;
  complete: boolean;
  incomplete?: string;
  findings: string[];
  sizes: SizeResult[];
  /** Later runs of one size (LOAD_SIZES=full), added by hand from their LOAD_OUTPUT file: shown after this run. */
  reruns?: LoadOutput[];
}

/** Writes bench/load.json and the Load section of RESULTS.md as they stand (after every phase). */
function publish(out: LoadOutput): void {
  // LOAD_OUTPUT=file.json: write the results there only, leaving bench/ as it is.
  if (process.env.LOAD_OUTPUT) {
    fs.writeFileSync(process.env.LOAD_OUTPUT, `${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const benchDir = path.join(ROOT, "bench");
  fs.writeFileSync(path.join(benchDir, "load.json"), `${JSON.stringify(out, null, 2)}\n`);
  formatInPlace(path.join(benchDir, "load.json"));
  writeResultsMarkdown(path.join(benchDir, "RESULTS.md"), { load: markdown(out) });
}

async function prepareBrowser(rpc: RpcServer, workDir: string): Promise<Browsing | string> {
  if (process.env.LOAD_BROWSER === "0") return "LOAD_BROWSER=0";
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  const indexerPort = await freePort();
  const indexerDist = path.join(workDir, "app-indexer");
  const chainDist = path.join(workDir, "app-chain");
  try {
    progress("building the dashboard twice (with VITE_INDEXER_URL, and without)");
    await buildApp(indexerDist, rpc.url, `http://127.0.0.1:${indexerPort}`);
    await buildApp(chainDist, rpc.url, undefined);
    return { browser: await launchChromium(), indexerDist, chainDist, indexerPort };
  } catch (error) {
    return `the dashboard could not be built or Chromium not started (${String(error).slice(0, 300)})`;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--render")) {
    // Rewrites the RESULTS.md section from bench/load.json (after a change to its layout), measuring nothing.
    const saved = JSON.parse(fs.readFileSync(path.join(ROOT, "bench", "load.json"), "utf8")) as LoadOutput;
    writeResultsMarkdown(path.join(ROOT, "bench", "RESULTS.md"), { load: markdown(saved) });
    return;
  }
  const contributors = option("contributors", 200);
  const epochs = option("epochs", 10);
  const models = option("models", 2);
  const queries = option("queries", 40);
  const pageLoads = option("pageLoads", 3);
  // The indexer's progress lines (info) time its backfill.
  process.env.INDEXER_LOG_LEVEL ??= "info";
  const defaults = contributors === 200 && epochs === 10 && models === 2;
  const note =
    process.env.LOAD_NOTE ??
    (process.env.LOAD_SIZES === "full"
      ? `${contributors} × ${epochs} × ${models} only (LOAD_SIZES=full).`
      : defaults
        ? "Default size (200 × 10 × 2) and ¼ of it (50 × 10 × 2)."
        : `Size asked for: ${contributors} × ${epochs} × ${models} (the default is 200 × 10 × 2) and ¼ of it.`);
  const quarter = Math.max(3, Math.round(contributors / 4));
  // LOAD_SIZES=full: the asked-for size only (e.g. to time one phase again without the ¼ run first).
  const sizes = quarter < contributors && process.env.LOAD_SIZES !== "full" ? [quarter, contributors] : [contributors];

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-load-"));
  const postgres = loadPostgres(progress);
  const databases: Database[] = [{ name: "PGlite" }, ...(postgres ? [{ name: "PostgreSQL", url: postgres.url }] : [])];
  const out: LoadOutput = {
    generated: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", node: process.version },
    requested: { contributors, epochs, models, queries, pageLoads },
    note,
    complete: false,
    incomplete: "the run is still going",
    findings: [],
    sizes: [],
  };
  if (postgres === undefined) out.findings.push("PostgreSQL was not measured: no database and no way to start one.");
  progress(
    `load: sizes ${sizes.map((n) => `${n}×${epochs}×${models}`).join(", ")}; databases ${databases.map((d) => d.name).join(", ")}`,
  );
  let current = "start-up";
  const interrupted = (signal: NodeJS.Signals) => {
    out.incomplete = `stopped by ${signal} during ${current}`;
    publish(out);
    for (const child of running) child.kill("SIGKILL");
    postgres?.stop();
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);

  await startInProcessFhevm();
  const wallets = await fundedWallets(contributors);
  const rpc = await serveRpc(rpcStats.wrap(network.provider));
  const browsing = await prepareBrowser(rpc, workDir);
  if (typeof browsing === "string") progress(`the browser phase is skipped: ${browsing}`);
  try {
    for (const n of sizes) {
      current = `driving ${n}×${epochs}×${models}`;
      progress(`${n}×${epochs}×${models}: driving the chain`);
      const chain = await drive(n, epochs, models, wallets);
      progress(
        `${n}×${epochs}×${models}: ${chain.transactions} txs in ${chain.driveSeconds} s, blocks ${chain.startBlock}..${chain.head}, ${chain.events} events`,
      );
      const result: SizeResult = {
        contributors: n,
        epochs,
        models,
        transactions: chain.transactions,
        driveSeconds: chain.driveSeconds,
        blocks: chain.head - chain.startBlock + 1,
        events: chain.events,
        chainCounts: chain.counts,
        databases: [],
        page: typeof browsing === "string" ? { skipped: browsing } : null,
      };
      out.sizes.push(result);
      publish(out);
      for (const [i, database] of databases.entries()) {
        current = `measuring ${n}×${epochs}×${models} on ${database.name}`;
        const browserHere = i === 0 && typeof browsing !== "string";
        const whileUp = async () => {
          if (!browserHere) return;
          current = `timing the public view at ${n}×${epochs}×${models}`;
          progress(`${n}×${epochs}×${models}: the public view in Chromium, ${pageLoads} loads each way`);
          try {
            const page = await timePages(browsing, chain, pageLoads);
            result.page = page;
            progress(
              `${n}×${epochs}×${models}: public view ${page.indexer.medianMs ?? "failed"} ms with the indexer, ${page.chain.medianMs ?? "failed"} ms with chain reads (${page.speedup ?? "—"}×)`,
            );
          } catch (error) {
            result.page = { skipped: `failed: ${String(error).slice(0, 400)}` };
            progress(`${n}×${epochs}×${models}: the public view failed: ${String(error)}`);
          }
        };
        result.databases.push(
          await measure(
            rpc,
            chain,
            database,
            workDir,
            queries,
            browserHere ? browsing.indexerPort : undefined,
            whileUp,
          ),
        );
        publish(out);
      }
    }
    out.complete = true;
    delete out.incomplete;
  } catch (error) {
    out.incomplete = `failed during ${current}: ${String(error).slice(0, 500)}`;
    throw error;
  } finally {
    const failed = out.sizes.some((s) =>
      s.databases.some((d) => !d.countsMatch || !d.restart.countsMatch || !d.restart.sameState),
    );
    if (failed)
      out.findings.push("Rows differ from the chain's, or the restarted indexer's state differs: see load.json.");
    publish(out);
    progress(`wrote ${process.env.LOAD_OUTPUT ?? "bench/load.json and the Load section of bench/RESULTS.md"}`);
    if (typeof browsing !== "string") await browsing.browser.close();
    await rpc.close();
    postgres?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    if (failed) process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
