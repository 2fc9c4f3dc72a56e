/**
 * The Ponder indexer against the in-process Hardhat chain (served over HTTP on a free loopback port, so
 * the test never needs port 8545): it indexes a registry with a settled pool, its rows equal the
 * chain's counts, the audit passes from its logs, and fails once its database is edited by hand.
 * PGlite always; PostgreSQL when INDEXER_TEST_DATABASE_URL is set (`npm run test:indexer` / .ci/run set it).
 */
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ethers, network } from "hardhat";

import { PGlite } from "@electric-sql/pglite";

import { startIndexer, waitForIndexer } from "../../indexer/launch";
import { serveRpc } from "../../scripts/rpcServer";
import type { RpcServer } from "../../scripts/rpcServer";
import { auditPoolWithIndexer, indexerQuery, indexerSubmittedEpochs } from "../../src/indexer";
import { auditPool } from "../../src/audit/audit";
import { honestRun } from "../audit/audit.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";

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

/** Stops the indexer and waits for it to exit (SIGKILL after 10 s). */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

interface EpochRow {
  epochId: string;
  state: string;
  participants: number;
  submissions: string;
  claims: number;
  fundings: number;
  revealedTotal: string | null;
  logLength: string;
  logDigest: string | null;
}

const DATABASES: { name: string; url?: string }[] = [
  { name: "PGlite" },
  ...(process.env.INDEXER_TEST_DATABASE_URL
    ? [{ name: "PostgreSQL", url: process.env.INDEXER_TEST_DATABASE_URL }]
    : []),
];

describe("indexer (Ponder) on the public record", function () {
  this.timeout(300_000);
  let f: PoolFixture;
  let rpc: RpcServer;
  let head = 0;
  let workDir = "";

  before(async function () {
    f = await honestRun();
    // The last block with an event: the indexer has caught up once it has indexed it.
    head = await ethers.provider.getBlockNumber();
    // Ponder treats the last 30 blocks of an unknown chain as unfinalized and re-indexes them after a
    // restart: 64 empty blocks make the whole history final, as it is on a real chain after a while. One
    // evm_mine each: hardhat_mine reserves blocks whose hashes are fixed only when first read, which Ponder
    // can take for a reorg beyond its finalized block.
    for (let i = 0; i < 64; i++) await network.provider.send("evm_mine", []);
    rpc = await serveRpc(network.provider);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-indexer-"));
  });

  after(async function () {
    await rpc?.close();
    if (workDir !== "") fs.rmSync(workDir, { recursive: true, force: true });
  });

  for (const database of DATABASES) {
    describe(`on ${database.name}`, function () {
      let child: ChildProcess | undefined;
      let url = "";
      const schema = `test_${process.pid}_${database.name.toLowerCase()}`;
      const pgliteDir = () => path.join(workDir, `pglite-${database.name}`);

      async function start(): Promise<void> {
        const port = await freePort();
        url = `http://127.0.0.1:${port}`;
        child = await startIndexer({
          rpcUrl: rpc.url,
          registry: await f.registry.getAddress(),
          startBlock: 0,
          databaseUrl: database.url,
          pgliteDir: pgliteDir(),
          schema,
          port,
          pollingMs: 200,
          stdio: process.env.INDEXER_TEST_VERBOSE ? "inherit" : "ignore",
        });
        await waitForIndexer(url, head, 180_000, child);
      }

      after(async function () {
        await stop(child);
      });

      it("indexes every model, epoch, submission, funding and claim the chain has", async function () {
        await start();
        const data = await indexerQuery<{
          models: { items: { modelId: string; pool: string; name: string }[] };
          epochs: { items: EpochRow[] };
          submissions: { totalCount: number };
          fundings: { totalCount: number };
          claims: { totalCount: number };
        }>(
          url,
          `query($pool: String) {
            models { items { modelId pool name } }
            epochs(where: { pool: $pool }, orderBy: "epochId") {
              items { epochId state participants submissions claims fundings revealedTotal logLength logDigest }
            }
            submissions(where: { pool: $pool }) { totalCount }
            fundings(where: { pool: $pool }) { totalCount }
            claims(where: { pool: $pool }) { totalCount }
          }`,
          { pool: f.poolAddress.toLowerCase() },
        );
        expect(data.models.items.map((m) => m.pool.toLowerCase())).to.deep.equal([f.poolAddress.toLowerCase()]);
        const current = await f.pool.currentEpochId();
        expect(data.epochs.items).to.have.length(Number(current));
        for (const row of data.epochs.items) {
          const onChain = await f.pool.getEpoch(BigInt(row.epochId));
          expect(BigInt(row.submissions), `epoch ${row.epochId} submissions`).to.equal(onChain.submissions);
          expect(BigInt(row.claims), `epoch ${row.epochId} claims`).to.equal(onChain.claims);
          expect(BigInt(row.logLength), `epoch ${row.epochId} log length`).to.equal(onChain.logLength);
          if (onChain.logLength > 0n) expect(row.logDigest).to.equal(onChain.logDigest);
        }
        const count = async (name: string) => (await f.pool.queryFilter(f.pool.getEvent(name as "PoolFunded"))).length;
        expect(data.submissions.totalCount).to.equal(await count("ContributionSubmitted"));
        expect(data.fundings.totalCount).to.equal(await count("PoolFunded"));
        expect(data.claims.totalCount).to.equal(await count("RoyaltyClaimed"));
        const [alice] = f.contributors;
        expect([...(await indexerSubmittedEpochs(url, f.poolAddress, alice.address)).keys()]).to.deep.equal([1n, 2n]);
      });

      it("passes the audit from its logs, with the same findings as the chain's own logs", async function () {
        const fromIndexer = await auditPoolWithIndexer(ethers.provider, {
          pool: f.poolAddress,
          indexer: url,
          toBlock: head,
        });
        const fromChain = await auditPool(ethers.provider, { pool: f.poolAddress, toBlock: head });
        expect(fromIndexer.ok, JSON.stringify(fromIndexer.findings)).to.be.true;
        expect(fromIndexer.epochs.length).to.equal(fromChain.epochs.length);
      });

      if (database.url === undefined) {
        it("fails the audit once a logged funding amount is edited in its database by hand", async function () {
          await stop(child);
          const db = new PGlite(pgliteDir());
          // Ponder's own triggers (live queries, reorg journal) are off: an operator editing rows by hand.
          await db.query("SET session_replication_role = replica");
          const funded = ethers.id("PoolFunded(uint256,address,uint256,uint64)");
          const { rows } = await db.query<{ id: string; data: string }>(
            `SELECT id, data FROM "${schema}".pool_log WHERE topics[1] = $1 ORDER BY id LIMIT 1`,
            [funded],
          );
          expect(rows).to.have.length(1);
          // The amount is the first data word: add one wei to it.
          const word = BigInt(`0x${rows[0].data.slice(2, 66)}`) + 1n;
          const edited = `0x${word.toString(16).padStart(64, "0")}${rows[0].data.slice(66)}`;
          await db.query(`UPDATE "${schema}".pool_log SET data = $1 WHERE id = $2`, [edited, rows[0].id]);
          await db.close();
          await start();
          const report = await auditPoolWithIndexer(ethers.provider, {
            pool: f.poolAddress,
            indexer: url,
            toBlock: head,
          });
          expect(report.ok).to.be.false;
          expect(report.findings.map((finding) => `${finding.step}: ${finding.message}`).join("; ")).to.match(/Fund/);
        });
      }
    });
  }
});
