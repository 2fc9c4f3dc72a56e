/**
 * The dashboard's public view reads the indexer when it is built with VITE_INDEXER_URL, and the chain's logs
 * (in pages) when the indexer does not answer, with the same epochs tables either way. The in-process Hardhat
 * chain (a settled pool and an open epoch, test/audit/audit.fixture.ts) is served over HTTP on a free loopback
 * port (never port 8545); the Ponder indexer runs on PGlite; Debian's Chromium (playwright-core) opens a build of
 * the dashboard made for that RPC and that indexer.
 *
 * Not part of `npm test` (hardhat.config.ts leaves test/app/ out): `npm run test:app` runs it.
 */
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ethers, network } from "hardhat";
import type { Browser, Page } from "playwright-core";

import { startIndexer, waitForIndexer } from "../../indexer/launch";
import { CHROMIUM, buildApp, launchChromium, serveApp } from "../../scripts/load/browser";
import type { AppServer } from "../../scripts/load/browser";
import { serveRpc } from "../../scripts/rpcServer";
import type { RpcServer } from "../../scripts/rpcServer";
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

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

interface PublicPage {
  source: string;
  /** Each model's epochs table, as text, by model id. */
  tables: Record<string, string>;
  /** Requests the page made to the indexer's GraphQL API. */
  graphql: number;
  /** The audit verdict of model 1, once shown. */
  audit: string;
  /** With `blocksAfterVerdict`: the source line and tables once the page has re-read the record at each new block. */
  later?: { source: string; tables: Record<string, string> };
}

/** What the page showed once model 1's epochs table was drawn, with the audit's reads of the indexer held back. */
interface BeforeAudit {
  source: string;
  table: string;
  auditSection: string;
  /** The GraphQL queries (their first words) the page had sent by then. */
  queries: string[];
}

/** The record query's answer, as far as a lying indexer edits it. */
interface RecordAnswer {
  data: { models: { items: { epochs: { items: { epochId: string; participants: number }[] } }[] } };
}

interface OpenOptions {
  /** Holds the audit's reads of the indexer's raw logs until the epochs table is drawn, then reports the page. */
  beforeAudit?: (page: BeforeAudit) => void;
  /** Rewrites the indexer's answer to the record query (a lying indexer). */
  tamper?: (answer: RecordAnswer) => void;
  /** After the verdict: mines this many blocks, one at a time, each answered by a new record query of the page. */
  blocksAfterVerdict?: number;
}

/** The text of every model's epochs table on the page, by test id. */
async function epochTables(page: Page): Promise<Record<string, string>> {
  const tables: Record<string, string> = {};
  for (const element of await page.locator('[data-testid^="public-epochs-"]').all()) {
    tables[(await element.getAttribute("data-testid")) ?? "?"] = (await element.innerText()).trim();
  }
  return tables;
}

describe("dashboard public view: indexer or paginated chain reads", function () {
  this.timeout(600_000);
  let f: PoolFixture;
  let rpc: RpcServer;
  let browser: Browser;
  let app: AppServer;
  let indexer: ChildProcess | undefined;
  let indexerUrl = "";
  let head = 0;
  let workDir = "";

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    f = await honestRun();
    head = await ethers.provider.getBlockNumber();
    // Ponder treats the last 30 blocks of chain 31337 as unfinalized: make the history final (one
    // evm_mine each: hardhat_mine's lazily hashed blocks look like a reorg to Ponder).
    for (let i = 0; i < 64; i++) await network.provider.send("evm_mine", []);
    rpc = await serveRpc(network.provider);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-app-indexer-"));
    const port = await freePort();
    indexerUrl = `http://127.0.0.1:${port}`;
    const dist = path.join(workDir, "dist");
    await buildApp(dist, rpc.url, indexerUrl);
    app = await serveApp(dist, {
      network: "localhost",
      chainId: 31337,
      contracts: {
        ModelRegistry: { address: await f.registry.getAddress(), blockNumber: 0 },
        ConfidentialPayoutToken: { address: await f.payout.getAddress() },
      },
    });
    indexer = await startIndexer({
      rpcUrl: rpc.url,
      registry: await f.registry.getAddress(),
      startBlock: 0,
      pgliteDir: path.join(workDir, "pglite"),
      schema: `app_${process.pid}`,
      port,
      pollingMs: 200,
      stdio: process.env.INDEXER_TEST_VERBOSE ? "inherit" : "ignore",
    });
    await waitForIndexer(indexerUrl, head, 240_000, indexer);
    browser = await launchChromium();
  });

  after(async function () {
    await browser?.close();
    await app?.close();
    await stop(indexer);
    await rpc?.close();
    if (workDir !== "") fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function openPublicView(options: OpenOptions = {}): Promise<PublicPage> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      let graphql = 0;
      const queries: string[] = [];
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(`${indexerUrl}/graphql`, async (route) => {
        const body = route.request().postData() ?? "";
        graphql += 1;
        queries.push(
          body.includes("query PublicRecord") ? "PublicRecord" : body.includes("poolLogs") ? "poolLogs" : body,
        );
        if (options.tamper !== undefined && body.includes("query PublicRecord")) {
          const response = await route.fetch();
          const answer = (await response.json()) as RecordAnswer;
          options.tamper(answer);
          await route.fulfill({ response, json: answer });
          return;
        }
        if (options.beforeAudit !== undefined && body.includes("poolLogs")) await held;
        await route.continue();
      });
      await page.goto(`${app.url}#/public`);
      const table = page.locator('[data-testid="public-epochs-1"]');
      await table.locator("tbody tr").first().waitFor({ timeout: 120_000 });
      if (options.beforeAudit !== undefined) {
        options.beforeAudit({
          source: (await page.locator('[data-testid="record-source"]').textContent()) ?? "",
          table: await table.innerText(),
          auditSection: await page.locator('[data-testid="public-model-1"]').innerText(),
          queries: [...queries],
        });
        release();
      }
      // The verdict (the chain path draws it with the table; the indexer's after its audit).
      const audit = page.locator('[data-testid="public-audit-1"]');
      await audit.waitFor({ timeout: 120_000 });
      const sourceLine = page.locator('[data-testid="record-source"]');
      const source = (await sourceLine.textContent()) ?? "";
      const shown: PublicPage = {
        source,
        tables: await epochTables(page),
        graphql,
        audit: await page.locator('[data-testid="public-model-1"]').innerText(),
      };
      if (options.blocksAfterVerdict === undefined) return shown;
      for (let i = 0; i < options.blocksAfterVerdict; i++) {
        const asked = queries.filter((q) => q === "PublicRecord").length;
        await network.provider.send("evm_mine", []);
        const deadline = Date.now() + 60_000;
        while (queries.filter((q) => q === "PublicRecord").length === asked) {
          if (Date.now() > deadline) throw new Error("the page did not re-read the record after a new block");
          await page.waitForTimeout(200);
        }
        await page.waitForTimeout(500); // the answer drawn
      }
      return { ...shown, later: { source: (await sourceLine.textContent()) ?? "", tables: await epochTables(page) } };
    } finally {
      await context.close();
    }
  }

  let fromIndexer: PublicPage;

  it("draws the epochs from the indexer's record in one query, then shows the audit's verdict", async function () {
    let before: BeforeAudit | undefined;
    fromIndexer = await openPublicView({ beforeAudit: (page) => (before = page) });
    if (before === undefined) throw new Error("the page was not reported before its audit");
    // Drawn from the one record query, while the audit's reads of the raw logs were still held back.
    // (The view reads again when the app learns the head block: the record query may come twice, nothing else.)
    expect(before.queries.filter((q) => q !== "poolLogs")).to.include("PublicRecord");
    expect(new Set(before.queries.filter((q) => q !== "poolLogs"))).to.deep.equal(new Set(["PublicRecord"]));
    expect(before.table)
      .to.match(/revealed/i)
      .and.to.contain("auditing…")
      .and.not.to.contain("✓");
    expect(before.source).to.contain(`the indexer at ${indexerUrl}`).and.to.contain("auditing");
    expect(before.source).not.to.contain("✓");
    expect(before.auditSection).to.contain("Auditing…").and.not.to.contain("Passed");
    // Then the audit ran and passed: the same table, now with each epoch's verdict.
    expect(fromIndexer.source).to.contain(`the indexer at ${indexerUrl}`).and.to.contain("✓ audited");
    expect(fromIndexer.audit).to.contain("✓ Passed").and.not.to.contain("differ from the chain");
    expect(fromIndexer.graphql).to.be.greaterThan(1);
    // The fixture's pool: epoch 1 revealed, claimed and settled, epoch 2 funded with one submission.
    expect(Object.keys(fromIndexer.tables)).to.deep.equal(["public-epochs-1"]);
    expect(fromIndexer.tables["public-epochs-1"])
      .to.match(/revealed/i)
      .and.to.contain("✓ log");
    expect(fromIndexer.tables["public-epochs-1"]).not.to.contain("auditing");
    expect(fromIndexer.tables["public-epochs-1"].split("\n").length).to.be.greaterThan(2);
  });

  it("fails the audit of an indexer whose epoch rows lie, and shows the chain's epochs instead", async function () {
    const lying = await openPublicView({
      blocksAfterVerdict: 2,
      tamper: (answer) => {
        for (const epoch of answer.data.models.items[0].epochs.items) epoch.participants += 5;
      },
    });
    expect(lying.source).to.contain("✗").and.not.to.contain("✓ audited");
    expect(lying.audit).to.match(/epoch #1 participants: \d+ from the indexer, \d+ on-chain/);
    // What stays on screen is the chain's record, the same as from an honest indexer.
    expect(lying.tables).to.deep.equal(fromIndexer.tables);
    // The indexer repeats its lie at every new block: the verdict stays, the lie is not drawn again as "auditing…".
    expect(lying.later?.source).to.contain("✗").and.not.to.contain("auditing");
    expect(lying.later?.tables).to.deep.equal(fromIndexer.tables);
  });

  it("falls back to paginated chain reads when the indexer is down, and shows the same epochs", async function () {
    await stop(indexer);
    const fromChain = await openPublicView();
    expect(fromChain.source).to.contain("the chain's logs");
    expect(fromChain.audit).to.contain("✓ Passed");
    expect(fromChain.tables).to.deep.equal(fromIndexer.tables);
  });
});
