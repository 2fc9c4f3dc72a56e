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
 * --models / LOAD_MODELS (2), --queries / LOAD_QUERIES (GraphQL samples per query, 40).
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HDNodeWallet } from "ethers";
import hre, { ethers, network } from "hardhat";

import { indexedBlock, startIndexer, waitForIndexer } from "../indexer/launch";
import { indexerPoolLogs, indexerQuery, indexerRows, indexerSubmittedEpochs } from "../src/indexer";
import { readLogs } from "../src/logs";
import { createModel, deployModelRegistry, deployPayoutToken } from "../src/deploy";
import type { ModelRegistry, PayoutVault, RoyaltyPool, TestToken } from "../types";
import { PayoutVault__factory, TestToken__factory } from "../types";
import { EPOCH_LENGTH, METRICS3, confirm, fundedWallets } from "./benchCommon";
import { startInProcessFhevm } from "../src/fhe/inProcessFhevm";
import { serveRpc } from "./rpcServer";
import type { RpcServer } from "./rpcServer";

const LIMITS = { contributors: 2_000, epochs: 100, models: 20, queries: 1_000 };
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

interface Counts {
  models: number;
  epochs: number;
  submissions: number;
  fundings: number;
  claims: number;
}

interface Chain {
  contributors: number;
  epochs: number;
  models: number;
  registry: string;
  vault: string;
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
  // 64 empty blocks make the whole workload final, as on a real chain after a while.
  await network.provider.send("hardhat_mine", ["0x40"]);

  const counts: Counts = { models, epochs: 0, submissions: 0, fundings: 0, claims: 0 };
  const poolAddresses = await Promise.all(pools.map((p) => p.getAddress()));
  for (const pool of pools) {
    const current = await pool.currentEpochId();
    counts.epochs += Number(current);
    for (let id = 1n; id <= current; id++) {
      const epoch = await pool.getEpoch(id);
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

interface Run {
  child: ChildProcess;
  url: string;
}

async function launch(rpc: RpcServer, chain: Chain, database: Database, schema: string, dir: string): Promise<Run> {
  const port = await freePort();
  const child = await startIndexer({
    rpcUrl: rpc.url,
    registry: chain.registry,
    startBlock: chain.startBlock,
    databaseUrl: database.url,
    pgliteDir: dir,
    schema,
    port,
    pollingMs: 200,
    stdio: process.env.LOAD_VERBOSE ? "inherit" : "ignore",
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function indexedCounts(url: string): Promise<Counts> {
  const data = await indexerQuery<Record<keyof Counts, { totalCount: number }>>(
    url,
    `{ models { totalCount } epochs { totalCount } submissions { totalCount } fundings { totalCount } claims { totalCount } }`,
  );
  return {
    models: data.models.totalCount,
    epochs: data.epochs.totalCount,
    submissions: data.submissions.totalCount,
    fundings: data.fundings.totalCount,
    claims: data.claims.totalCount,
  };
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
  const queries: [string, () => Promise<unknown>][] = [
    ["models (explorer list)", () => indexerQuery(url, `{ models { items { modelId pool name } } }`)],
    [
      "epochs of a pool (epochs table)",
      () =>
        indexerRows(
          url,
          "epochs",
          { pool },
          "epochId state participants submissions claims fundings revealedTotal logLength logDigest",
        ),
    ],
    ["a contributor's epochs (status / portfolio)", () => indexerSubmittedEpochs(url, pool, contributor)],
    [
      "one epoch's submissions (epoch detail)",
      () => indexerRows(url, "submissions", { pool, epochId: "1" }, "id contributor block"),
    ],
    ["a pool's raw logs (audit)", () => indexerPoolLogs(url, pool, chain.head)],
  ];
  const results: Latency[] = [];
  for (const [name, run] of queries) {
    await run(); // warm-up
    const times: number[] = [];
    // The full log read is heavy: fewer samples.
    const n = name.includes("raw logs") ? Math.max(5, Math.ceil(samples / 8)) : samples;
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
  catchUpSeconds: number;
  /** Seconds from spawn to /health answering: Ponder's start-up (build, database, migrations). */
  startupSeconds: number;
  eventsPerSecond: number;
  eventsPerSecondAfterStartup: number;
  counts: Counts;
  countsMatch: boolean;
  latency: Latency[];
  restart: {
    killedAtBlock: number | null;
    note: string;
    counts: Counts | null;
    countsMatch: boolean;
    resumeSeconds: number;
  };
}

const sameCounts = (a: Counts, b: Counts) => (Object.keys(a) as (keyof Counts)[]).every((k) => a[k] === b[k]);

async function measure(
  rpc: RpcServer,
  chain: Chain,
  database: Database,
  workDir: string,
  samples: number,
): Promise<DatabaseResult> {
  const tag = `${chain.contributors}×${chain.epochs}×${chain.models} on ${database.name}`;
  const schema = `load_${process.pid}_${chain.contributors}_${database.name.toLowerCase()}`;
  const dir = path.join(workDir, `pglite-${chain.contributors}`);
  progress(`${tag}: indexer catch-up from an empty database (${chain.events} events)`);
  const t0 = performance.now();
  let run = await launch(rpc, chain, database, schema, dir);
  let firstBlockAt = 0;
  try {
    for (;;) {
      if ((await fetch(new URL("/health", run.url)).catch(() => null))?.ok) {
        firstBlockAt = performance.now();
        break;
      }
      if (run.child.exitCode !== null) throw new Error("the indexer exited");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitForIndexer(run.url, chain.head, 30 * 60_000, run.child);
  } catch (error) {
    await stop(run.child);
    throw error;
  }
  const t1 = performance.now();
  const catchUpSeconds = (t1 - t0) / 1000;
  const startupSeconds = (firstBlockAt - t0) / 1000;
  const counts = await indexedCounts(run.url);
  progress(
    `${tag}: caught up in ${catchUpSeconds.toFixed(1)} s (start-up ${startupSeconds.toFixed(1)} s; ${(chain.events / catchUpSeconds).toFixed(0)} events/s); ` +
      `rows ${JSON.stringify(counts)} vs chain ${JSON.stringify(chain.counts)}`,
  );
  progress(`${tag}: GraphQL latency, ${samples} samples per query`);
  const latency = await latencies(run.url, chain, samples);
  for (const l of latency) progress(`  ${l.query}: p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms`);
  await stop(run.child);

  // Kill mid-sync, then restart on the same database: the final rows must be the same.
  progress(`${tag}: kill the indexer mid-sync (SIGKILL), then restart`);
  const killSchema = `${schema}_kill`;
  const killDir = `${dir}-kill`;
  run = await launch(rpc, chain, database, killSchema, killDir);
  // /status only moves at the end of the backfill: kill halfway through the backfill time measured above.
  const backfillMs = t1 - firstBlockAt;
  for (;;) {
    if ((await fetch(new URL("/health", run.url)).catch(() => null))?.ok) break;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, backfillMs / 2));
  const killedAtBlock = await indexedBlock(run.url);
  const ready = (await fetch(new URL("/ready", run.url)).catch(() => null))?.ok === true;
  await stop(run.child, "SIGKILL");
  const note =
    !ready && (killedAtBlock === null || killedAtBlock < chain.head)
      ? `killed ${(backfillMs / 2000).toFixed(1)} s into the backfill, indexed block ${killedAtBlock ?? "none"} of ${chain.startBlock}..${chain.head}`
      : `the indexer was already ready at block ${killedAtBlock} of ${chain.head} when killed (not mid-sync)`;
  progress(`${tag}: ${note}; restarting`);
  const t2 = performance.now();
  run = await launch(rpc, chain, database, killSchema, killDir);
  let restartCounts: Counts | null = null;
  try {
    await waitForIndexer(run.url, chain.head, 30 * 60_000, run.child);
    restartCounts = await indexedCounts(run.url);
  } catch (error) {
    progress(`${tag}: restart failed: ${String(error)}`);
  } finally {
    await stop(run.child);
  }
  const resumeSeconds = (performance.now() - t2) / 1000;
  progress(`${tag}: after restart rows ${JSON.stringify(restartCounts)} (${resumeSeconds.toFixed(1)} s)`);
  return {
    database: database.name,
    catchUpSeconds: round(catchUpSeconds),
    startupSeconds: round(startupSeconds),
    eventsPerSecond: round(chain.events / catchUpSeconds, 0),
    eventsPerSecondAfterStartup: round(chain.events / (catchUpSeconds - startupSeconds), 0),
    counts,
    countsMatch: sameCounts(counts, chain.counts),
    latency,
    restart: {
      killedAtBlock,
      note,
      counts: restartCounts,
      countsMatch: restartCounts !== null && sameCounts(restartCounts, chain.counts),
      resumeSeconds: round(resumeSeconds),
    },
  };
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
}

function markdown(queries: number, sizes: SizeResult[], note: string): string {
  const lines = [
    "## Load",
    "",
    "`npm run load` (scripts/load.ts): every contributor submits encrypted metrics (3) to every model in every " +
      "epoch, each epoch is closed and revealed, and every contributor claims through the payout vault; then " +
      "the Ponder indexer (indexer/) catches up from an empty database over JSON-RPC. " +
      `Generated ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ` +
      "shared with other jobs. Events = logs of the registry, payout vault, aggregator and pools.",
    "",
    note,
    "",
    "| size (N×E×M) | txs | drive s | events | database | catch-up s | of which start-up s | events/s | events/s after start-up | rows = chain | kill + restart rows = chain |",
    "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |",
  ];
  for (const s of sizes) {
    for (const d of s.databases) {
      lines.push(
        `| ${s.contributors}×${s.epochs}×${s.models} | ${s.transactions} | ${s.driveSeconds} | ${s.events} | ${d.database} | ` +
          `${d.catchUpSeconds} | ${d.startupSeconds} | ${d.eventsPerSecond} | ${d.eventsPerSecondAfterStartup} | ` +
          `${d.countsMatch ? "yes" : "**no**"} | ${d.restart.countsMatch ? "yes" : "**no**"} (${d.restart.note}) |`,
      );
    }
  }
  lines.push("", "Row counts (indexer = chain):", "");
  lines.push(
    "| size | database | models | epochs | submissions | fundings | claims |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const s of sizes) {
    const c = s.chainCounts;
    lines.push(
      `| ${s.contributors}×${s.epochs}×${s.models} | chain | ${c.models} | ${c.epochs} | ${c.submissions} | ${c.fundings} | ${c.claims} |`,
    );
    for (const d of s.databases) {
      const r = d.counts;
      lines.push(
        `| ${s.contributors}×${s.epochs}×${s.models} | ${d.database} | ${r.models} | ${r.epochs} | ${r.submissions} | ${r.fundings} | ${r.claims} |`,
      );
    }
  }
  lines.push("", `GraphQL latency (ms, ${queries} samples per query; the raw-log read fewer):`, "");
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
    "Not measured here: the dashboard's time to the epochs table in Chromium (indexer vs paginated chain reads).",
    "",
  );
  return lines.join("\n");
}

/** Replaces the "## Load" section of RESULTS.md (up to the next "## " heading), or appends it. */
function writeSection(file: string, section: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const start = text.search(/^## Load\s*$/m);
  if (start === -1) {
    fs.writeFileSync(file, `${text.trimEnd()}\n\n${section.trimEnd()}\n`);
    return;
  }
  const rest = text.slice(start + 1);
  const next = rest.search(/^## /m);
  const end = next === -1 ? text.length : start + 1 + next;
  fs.writeFileSync(file, `${text.slice(0, start)}${section.trimEnd()}\n${next === -1 ? "" : `\n${text.slice(end)}`}`);
}

async function main(): Promise<void> {
  const contributors = option("contributors", 200);
  const epochs = option("epochs", 10);
  const models = option("models", 2);
  const queries = option("queries", 40);
  const defaults = contributors === 200 && epochs === 10 && models === 2;
  const note =
    process.env.LOAD_NOTE ??
    (defaults
      ? "Default size (200 × 10 × 2) and ¼ of it."
      : `Size asked for: ${contributors} × ${epochs} × ${models} (the default is 200 × 10 × 2) and ¼ of it.`);
  const quarter = Math.max(3, Math.round(contributors / 4));
  const sizes = quarter < contributors ? [quarter, contributors] : [contributors];
  const databases: Database[] = [
    { name: "PGlite" },
    ...(process.env.LOAD_DATABASE_URL ? [{ name: "PostgreSQL", url: process.env.LOAD_DATABASE_URL }] : []),
  ];
  progress(
    `load: sizes ${sizes.map((n) => `${n}×${epochs}×${models}`).join(", ")}; databases ${databases.map((d) => d.name).join(", ")}`,
  );

  await startInProcessFhevm();
  const wallets = await fundedWallets(contributors);
  const rpc = await serveRpc(network.provider);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-load-"));
  const results: SizeResult[] = [];
  try {
    for (const n of sizes) {
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
        blocks: chain.head - chain.startBlock,
        events: chain.events,
        chainCounts: chain.counts,
        databases: [],
      };
      for (const database of databases) result.databases.push(await measure(rpc, chain, database, workDir, queries));
      results.push(result);
    }
  } finally {
    await rpc.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const out = {
    generated: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", node: process.version },
    requested: { contributors, epochs, models, queries },
    note,
    sizes: results,
  };
  const benchDir = path.join(ROOT, "bench");
  fs.writeFileSync(path.join(benchDir, "load.json"), `${JSON.stringify(out, null, 2)}\n`);
  writeSection(path.join(benchDir, "RESULTS.md"), markdown(queries, results, note));
  progress("wrote bench/load.json and the Load section of bench/RESULTS.md");
  const failed = results.some((s) => s.databases.some((d) => !d.countsMatch || !d.restart.countsMatch));
  if (failed) {
    console.error("Row counts differ from the chain's: see bench/load.json.");
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
