/**
 * The contributor dashboard in a real browser: builds on `npm run app:build` (run by `npm run test:app`),
 * starts `npx hardhat node` on port 8545, deploys with hardhat-deploy, prepares two models paid in the same
 * token (funded pools, two other contributors in the first, the dashboard's contributor and two others in the
 * second) with the client library, serves the built app with `vite preview` and drives Debian's Chromium with
 * playwright-core: a contributor (development wallet) submits encrypted metrics, closes and reveals the epoch
 * after time travel, decrypts score and share, claims (into the payout vault) and verifies, claims the second
 * model with Claim all, withdraws the cross-model balance to the wallet, and discloses an epoch to an auditor,
 * who decrypts it in the auditor view; the public view then shows the revealed total and no individual value.
 * Three hostile models (payout tokens whose metadata reverts, is absurd, or imitates the real token) are
 * registered beside them: the page shows them as unreadable or flagged and keeps working for the honest ones.
 *
 * Not part of `npm test` (hardhat.config.ts leaves test/app/ out): it needs Chromium
 * (`apt-get install -y chromium`) and the built app. Screenshots go to test/app/screenshots/.
 */
import { expect } from "chai";
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";

import { HostileMetadataToken__factory, IERC20__factory } from "../../types";
import { createMockFheBackend } from "../../app/src/fhe/mockBackend";
import { submitContribution } from "../../src/actions/contribute";
import { fundPool } from "../../src/actions/fund";
import { createRoyaltiesClient, registerModel } from "../../src";
import { deployGovernance } from "../../src";
import { connectPool, withSigner } from "../../src/client";
import { contributionScore, expectedShare } from "../../src/math";
import { ROOT, hardhat, portTaken } from "../helpers/processes";

const DIST = path.join(ROOT, "app", "dist");
const SCREENSHOTS = path.join(__dirname, "screenshots");
const DEPLOYMENTS = path.join(ROOT, "deployments", "localhost");
const NODE_PORT = 8545;
const RPC_URL = `http://127.0.0.1:${NODE_PORT}`;
/** How long to wait for port 8545 when another test (or a developer's node) holds it. */
const PORT_WAIT_MS = 180_000;
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const MODEL = "dashboard-subnet";
const EPOCH_LENGTH = 3600;
const METRICS = [
  { name: "computeUnits", weight: 3n, cap: 1_000_000n },
  { name: "dataSamples", weight: 1n, cap: 500_000n },
  { name: "qualityScore", weight: 50n, cap: 100n },
];
/** Contributors prepared before the page opens (the dashboard's contributor makes the third, k = 3). */
const OTHERS: { account: number; metrics: bigint[] }[] = [
  { account: 4, metrics: [0n, 480_000n, 77n] },
  { account: 5, metrics: [150_000n, 60_000n, 99n] },
];
/** The contributor who uses the dashboard: development account #3. */
const ME = { account: 3, metrics: [820_000n, 0n, 91n] };
const ME_ADDRESS = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"; // account 3 of the test mnemonic
const FUNDED_UNITS = 10_000n * 10n ** 6n; // 10,000 MUD in confidential units (6 decimals)

/** Models whose payout token is hostile (HostileMetadataToken modes), created after MODEL: ids 2, 3, 4. */
const HOSTILE = [
  { id: 2, name: "hostile-reverting", mode: 0 },
  { id: 3, name: "hostile-huge", mode: 1 },
  { id: 4, name: "lookalike-cmud", mode: 2 },
];

/**
 * A governed model (created after the second one, id 6): its DAO's token is held by the dashboard's
 * contributor (600) and account 4 (400); votes open 1 block after a proposal and last 4 blocks; the
 * quorum is 40 %; the timelock waits 120 s.
 */
const GOV = {
  id: 6,
  name: "governed-subnet",
  holders: [
    { account: ME.account, votes: 600n },
    { account: 4, votes: 400n },
  ],
  votingDelay: 1,
  votingPeriod: 4,
  quorumPercent: 40,
  timelockDelay: 120,
};

/**
 * A second model paying in the same token, created after the hostile ones (id 5): the dashboard's contributor and
 * two others submit to it before the page opens, and the dashboard closes, reveals and claims it with Claim all.
 */
const SECOND = { id: 5, name: "second-subnet", funded: 2_500n };
const SECOND_CONTRIBUTORS: { account: number; metrics: bigint[] }[] = [
  { account: ME.account, metrics: [10_000n, 20_000n, 50n] },
  { account: 7, metrics: [40_000n, 0n, 80n] },
  { account: 8, metrics: [5_000n, 90_000n, 10n] },
];

const MY_SCORE = contributionScore(ME.metrics, METRICS);
const TOTAL = [ME, ...OTHERS].reduce((sum, c) => sum + contributionScore(c.metrics, METRICS), 0n);
const MY_SHARE = expectedShare(MY_SCORE, FUNDED_UNITS, TOTAL);
const MY_SHARE_2 = expectedShare(
  contributionScore(SECOND_CONTRIBUTORS[0].metrics, METRICS),
  SECOND.funded * 10n ** 6n,
  SECOND_CONTRIBUTORS.reduce((sum, c) => sum + contributionScore(c.metrics, METRICS), 0n),
);

/** "1,234.56789 cMUD" as the dashboard formats confidential units. */
function cmud(units: bigint): string {
  const whole = (units / 10n ** 6n).toLocaleString("en-US");
  const fraction = (units % 10n ** 6n).toString().padStart(6, "0").replace(/0+$/, "");
  return `${fraction === "" ? whole : `${whole}.${fraction}`} cMUD`;
}

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const { result, error } = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (error !== undefined) throw new Error(`${method}: ${error.message}`);
  return result;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deployedAddress(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(DEPLOYMENTS, `${name}.json`), "utf8")) as { address: string }).address;
}

/**
 * Prepares the chain as the page expects it, in this process with the client library (the calls the royalties
 * tasks make, without starting a Hardhat process per step) and the dashboard's own mock FHE backend: MODEL (id 1,
 * no noise, so the page's totals and shares can be checked exactly; its rules card then shows the Sybil warning),
 * the HOSTILE models (2–4, each with its own hostile payout token, as any registry user can create), SECOND (5);
 * both honest pools funded by the deployer, and the OTHERS and SECOND_CONTRIBUTORS submissions.
 */
async function prepareModels(): Promise<void> {
  const provider = new JsonRpcProvider(RPC_URL, 31337, { staticNetwork: true });
  try {
    const creator = await provider.getSigner(6);
    const registry = await createRoyaltiesClient({ signer: creator, registry: deployedAddress("ModelRegistry") });
    const rules = {
      metrics: METRICS,
      epochLength: BigInt(EPOCH_LENGTH),
      minParticipants: 3,
      maxSubmissionsPerContributor: 4,
    };
    const payoutToken = deployedAddress("ConfidentialPayoutToken");
    const model = await registerModel(registry, { modelName: MODEL, payoutToken, ...rules, noiseBits: 0 });
    expect(model.modelId).to.equal(1n);
    for (const hostile of HOSTILE) {
      const token = await new HostileMetadataToken__factory(creator).deploy(
        deployedAddress("PaymentToken"),
        hostile.mode,
      );
      await token.waitForDeployment();
      const registered = await registerModel(registry, {
        modelName: hostile.name,
        payoutToken: await token.getAddress(),
        ...rules,
      });
      expect(registered.modelId).to.equal(BigInt(hostile.id));
    }
    const second = await registerModel(registry, { modelName: SECOND.name, payoutToken, ...rules, noiseBits: 0 });
    expect(second.modelId).to.equal(BigInt(SECOND.id));

    const fhe = await createMockFheBackend(RPC_URL, 31337);
    const client = async (pool: string, account: number) =>
      connectPool(withSigner({ ...registry, fhe }, await provider.getSigner(account)), { address: pool });
    // One funder: its transactions go one after the other.
    await fundPool(await client(model.pool, 0), { amount: FUNDED_UNITS * 10n ** 12n });
    await fundPool(await client(second.pool, 0), { amount: SECOND.funded * 10n ** 18n });
    // Distinct accounts: their submissions can go together.
    await Promise.all([
      ...OTHERS.map(async (c) => submitContribution(await client(model.pool, c.account), { metrics: c.metrics })),
      ...SECOND_CONTRIBUTORS.map(async (c) =>
        submitContribution(await client(second.pool, c.account), { metrics: c.metrics }),
      ),
    ]);
  } finally {
    provider.destroy();
  }
}

/** Deploys the GOV model's DAO and registers the model under its timelock (as a DAO's founder would). */
async function registerGovernedModel(): Promise<void> {
  const provider = new JsonRpcProvider(RPC_URL, 31337, { staticNetwork: true });
  try {
    const founder = await provider.getSigner(7);
    const holders = await Promise.all(GOV.holders.map(async (h) => (await provider.getSigner(h.account)).address));
    const dao = await deployGovernance(
      { signer: founder },
      {
        tokenName: "Governed Subnet Votes",
        tokenSymbol: "GVOTE",
        holders,
        amounts: GOV.holders.map((h) => h.votes * 10n ** 18n),
        votingDelay: GOV.votingDelay,
        votingPeriod: GOV.votingPeriod,
        quorumPercent: GOV.quorumPercent,
        timelockDelay: BigInt(GOV.timelockDelay),
      },
    );
    const registry = await createRoyaltiesClient({ signer: founder, registry: deployedAddress("ModelRegistry") });
    const model = await registerModel(registry, {
      modelName: GOV.name,
      payoutToken: deployedAddress("ConfidentialPayoutToken"),
      metrics: METRICS,
      epochLength: BigInt(EPOCH_LENGTH),
      minParticipants: 3,
      maxSubmissionsPerContributor: 4,
      governance: await dao.timelock.getAddress(),
    });
    expect(model.modelId).to.equal(BigInt(GOV.id));
  } finally {
    provider.destroy();
  }
}

/** A child process in its own process group, killed as a whole. */
class Service {
  readonly child: ChildProcess;
  private exited = false;
  readonly logPath: string;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    logDir: string,
  ) {
    this.logPath = path.join(logDir, `${name}.log`);
    const log = fs.openSync(this.logPath, "w");
    this.child = spawn(command, args, {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    fs.closeSync(log);
    this.child.once("exit", () => (this.exited = true));
  }

  get running(): boolean {
    return !this.exited;
  }

  logTail(): string {
    return fs.existsSync(this.logPath) ? fs.readFileSync(this.logPath, "utf8").slice(-3000) : "";
  }

  killNow(): void {
    if (this.child.pid === undefined || this.exited) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    if (this.child.pid === undefined || this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    try {
      process.kill(-this.child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => this.killNow(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

async function waitFor(what: string, service: Service, probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!service.running) throw new Error(`${service.name} exited before ${what}:\n${service.logTail()}`);
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${service.name}: no ${what} within ${timeoutMs / 1000} s:\n${service.logTail()}`);
    await sleep(500);
  }
}

/** Where the contributor withdraws part of the balance, unwrapped to the public ERC-20 (a fresh address). */
const COLD_WALLET = "0x000000000000000000000000000000000000bEEF";

/** The public ERC-20 balance (base units) of an address. */
async function erc20Balance(address: string): Promise<bigint> {
  const provider = new JsonRpcProvider(RPC_URL, 31337, { staticNetwork: true });
  try {
    return await IERC20__factory.connect(deployedAddress("PaymentToken"), provider).balanceOf(address);
  } finally {
    provider.destroy();
  }
}

/** The auditor the contributor discloses an epoch to: development account #2, which decrypts it in the auditor view. */
const AUDITOR = { account: 2, address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" };

describe("contributor dashboard in Chromium (end to end)", function () {
  let node: Service | undefined;
  let preview: Service | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let appUrl = "";
  let workDir = "";
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const killAll = () => {
    node?.killNow();
    preview?.killNow();
  };

  async function shot(name: string): Promise<void> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** Dismisses the notice and error banners, so that the next operation's outcome cannot be confused with them. */
  async function clearBanners(): Promise<void> {
    for (const id of ["notice", "error"]) {
      const banner = page.getByTestId(id);
      const dismiss = banner.getByRole("button", { name: "Dismiss" });
      if ((await dismiss.count()) > 0) await dismiss.first().click();
      await banner.first().waitFor({ state: "detached" });
    }
  }

  /** Waits until `outcome` or an error banner shows and no operation is in progress; fails on the error. */
  async function outcomeOf(outcome: string): Promise<string> {
    await page.locator(`[data-testid="${outcome}"], [data-testid="error"]`).first().waitFor({ timeout: 120_000 });
    await page.getByTestId("progress").waitFor({ state: "detached", timeout: 120_000 });
    const error = page.getByTestId("error");
    if ((await error.count()) > 0) expect.fail(`the dashboard showed an error: ${await error.innerText()}`);
    return page.getByTestId(outcome).innerText();
  }

  /** Clicks a button that starts an operation, and returns the notice it ends with (or fails with its error). */
  async function operate(testId: string): Promise<string> {
    await clearBanners();
    await page.getByTestId(testId).click();
    return outcomeOf("notice");
  }

  /** Clicks a button that starts an operation expected to fail, and returns the error banner's text. */
  async function refused(testId: string): Promise<string> {
    await clearBanners();
    await page.getByTestId(testId).click();
    await page.getByTestId("error").waitFor({ timeout: 120_000 });
    await page.getByTestId("progress").waitFor({ state: "detached", timeout: 120_000 });
    return page.getByTestId("error").innerText();
  }

  /** Clicks a decrypt button and returns the value that replaces it (or fails with the error shown). */
  async function decrypt(testId: string): Promise<string> {
    await clearBanners();
    await page.getByTestId(`decrypt-${testId}`).click();
    return outcomeOf(testId);
  }

  /** Waits until the element shows exactly `text` (the dashboard follows the chain block by block). */
  async function shows(testId: string, text: string): Promise<void> {
    await page
      .getByTestId(testId)
      .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) })
      .waitFor({ timeout: 30_000 });
  }

  before(async function () {
    this.timeout(PORT_WAIT_MS + 480_000);
    if (!fs.existsSync(path.join(DIST, "index.html"))) {
      throw new Error("app/dist/index.html is missing: run npm run test:app (it builds the app first).");
    }
    let executablePath: string;
    try {
      executablePath = execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
    } catch {
      throw new Error("Chromium is not installed: apt-get install -y chromium (Debian's package), then run again.");
    }

    const waitStart = Date.now();
    let warned = false;
    while (await portTaken(NODE_PORT)) {
      if (Date.now() - waitStart > PORT_WAIT_MS) {
        throw new Error(
          `Port ${NODE_PORT} stayed in use for ${PORT_WAIT_MS / 1000} s: another test or a developer's npx hardhat node ` +
            `holds it. The fhEVM plugin accepts a standalone node only on localhost:${NODE_PORT}; stop that node and run again.`,
        );
      }
      if (!warned) console.log(`      (port ${NODE_PORT} is in use: waiting up to 3 min for it)`);
      warned = true;
      await sleep(2000);
    }

    // Screenshots of this run only (a failure's shot from an earlier run would mislead).
    fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    console.log(`      screenshots: ${SCREENSHOTS}`);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-app-e2e-"));
    process.once("exit", killAll);
    node = new Service("hardhat-node", "npx", ["hardhat", "node", "--no-deploy"], workDir);
    await waitFor(
      "answer to eth_chainId",
      node,
      async () => BigInt((await rpc("eth_chainId")) as string) === 31337n,
      120_000,
    );

    const deployed = await hardhat(["deploy", "--network", "localhost"]);
    if (deployed.code !== 0) throw new Error(`npx hardhat deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
    await prepareModels();
    await registerGovernedModel();

    const port = await freePort();
    preview = new Service(
      "vite-preview",
      path.join(ROOT, "node_modules", ".bin", "vite"),
      ["preview", "--config", "app/vite.config.mts", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
      workDir,
    );
    appUrl = `http://127.0.0.1:${port}/`;
    await waitFor("HTTP answer", preview, async () => (await fetch(appUrl)).ok, 60_000);

    context = await chromium.launchPersistentContext(path.join(workDir, "chromium-profile"), {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && context !== undefined) {
      const name = `failure-${(this.currentTest.title ?? "test").replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`;
      await shot(name).catch(() => undefined);
      if (consoleErrors.length > 0)
        console.log(`      browser console errors:\n        ${consoleErrors.join("\n        ")}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await context?.close().catch(() => undefined);
    await preview?.stop();
    await node?.stop();
    process.removeListener("exit", killAll);
    // The chain is gone: its addresses must not outlive it.
    fs.rmSync(DEPLOYMENTS, { recursive: true, force: true });
    if (workDir !== "") fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("shows the public view without a wallet: the model, its open epoch, pool, rules and audit", async function () {
    this.timeout(120_000);
    await page.goto(`${appUrl}#/public`);
    const row = page.getByTestId(`public-epoch-1-1`);
    await row.waitFor();
    expect(await row.innerText())
      .to.match(/open/)
      .and.to.match(/10,000 cMUD/);
    expect(await page.getByTestId("public-total-1-1").innerText()).to.equal("encrypted");
    const model = await page.getByTestId("public-model-1").innerText();
    expect(model).to.contain(MODEL);
    for (const metric of METRICS) expect(model).to.contain(metric.name);
    expect(model).to.match(/≥ 3 distinct contributors/);
    expect(await page.getByTestId("public-audit-1").innerText()).to.match(/✓ Passed/);
    expect(await page.getByTestId("public-model-1").getByTestId("payout-token").innerText()).to.equal(
      "cMUD (the deployment's payout token)",
    );
    await shot("01-public-open-epoch");
  });

  it("shows hostile models as unreadable or flagged, and the honest model as usual", async function () {
    this.timeout(120_000);
    await page.goto(`${appUrl}#/public`);
    await page.getByTestId("public-epoch-1-1").waitFor();
    const reverting = page.getByTestId("public-model-2");
    expect(await reverting.innerText())
      .to.contain("hostile-reverting")
      .and.to.contain("unreadable");
    expect(await reverting.getByTestId("unreadable-reason").innerText()).to.match(
      /its payout token 0x[0-9a-fA-F]{40} is unusable: its symbol\(\) or decimals\(\) failed/,
    );
    const huge = page.getByTestId("public-model-3");
    expect(await huge.getByTestId("unreadable-reason").innerText()).to.contain(
      "its symbol is 20,000 characters long (1–16 expected)",
    );
    const lookalike = page.getByTestId("public-model-4").getByTestId("payout-token");
    expect(await lookalike.innerText()).to.match(/^cMUD ⚠ not this deployment's payout token \(0x/);
    expect(await page.getByTestId("public-model-1").innerText()).to.contain("10,000 cMUD");
    await shot("01b-public-hostile-models");
  });

  it("serves a strict Content-Security-Policy and refuses to be framed", async function () {
    this.timeout(60_000);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    expect(meta).to.contain("script-src 'self' 'wasm-unsafe-eval'").and.to.contain("object-src 'none'");
    expect(meta).to.contain(`connect-src 'self' ${RPC_URL}`);
    const response = await fetch(appUrl);
    expect(response.headers.get("content-security-policy")).to.contain("frame-ancestors 'none'");
    expect(response.headers.get("x-frame-options")).to.equal("DENY");
    // Chromium refuses to render it inside a frame (frame-ancestors; main.tsx also busts frames where no header is sent).
    const framed = await (context as BrowserContext).newPage();
    try {
      await framed.goto(`${appUrl}deployments.json`);
      await framed.setContent(`<iframe src="${appUrl}#/public" width="800" height="600"></iframe>`);
      await sleep(2000);
      const frame = framed.frames().find((f) => f !== framed.mainFrame());
      const inside =
        frame === undefined
          ? ""
          : await frame
              .locator("body")
              .innerText()
              .catch(() => "");
      expect(inside).to.not.contain("Public record of every model");
    } finally {
      await framed.close();
    }
  });

  it("refuses a browser wallet on another chain and says how to switch", async function () {
    this.timeout(60_000);
    const other = await (context as BrowserContext).newPage();
    try {
      // A minimal EIP-1193 wallet on Ethereum mainnet (chain 1), announced with EIP-6963 and also
      // present as the legacy window.ethereum (a second, distinct provider).
      await other.addInitScript({
        content: `const mainnetWallet = () => ({
          request: async ({ method }) =>
            method === "eth_chainId" ? "0x1" : method === "net_version" ? "1" : ["${ME_ADDRESS}"],
        });
        window.ethereum = mainnetWallet();
        const announced = mainnetWallet();
        const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", {
          detail: Object.freeze({ info: { uuid: "test-wallet", name: "Announced Wallet", icon: "data:image/svg+xml;base64,PHN2Zy8+", rdns: "test.wallet" }, provider: announced }),
        }));
        window.addEventListener("eip6963:requestProvider", announce);`,
      });
      await other.goto(`${appUrl}#/contributor`);
      await other.getByTestId("connect-injected").filter({ hasText: "Announced Wallet" }).waitFor();
      expect(await other.getByTestId("connect-injected-1").innerText()).to.contain("window.ethereum");
      await other.getByTestId("connect-injected").click();
      const error = other.getByTestId("error");
      await error.waitFor();
      expect(await error.innerText())
        .to.contain("Your wallet is on chain 1, but this dashboard works on Local Hardhat node")
        .and.to.match(/What to do: Switch your wallet to .* with the button below/);
      await other.getByRole("button", { name: /Switch wallet to/ }).waitFor();
      await other.screenshot({ path: path.join(SCREENSHOTS, "02b-wrong-network.png"), fullPage: true });
    } finally {
      await other.close();
    }
  });

  it("binds each transaction to the chain: a wallet that switched chain while the page encrypted refuses it", async function () {
    this.timeout(120_000);
    const other = await (context as BrowserContext).newPage();
    try {
      // A browser wallet on the node's chain (reads forwarded to the node) whose user switches it to
      // chain 1 while the page encrypts: like MetaMask, it refuses a transaction whose chainId is not
      // its current chain, and would send one without a chainId on chain 1.
      await other.addInitScript({
        content: `window.__sends = [];
        const forward = async (method, params) => {
          const response = await fetch("${RPC_URL}", { method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
          const { result, error } = await response.json();
          if (error) throw Object.assign(new Error(error.message), { code: error.code, data: error.data });
          return result;
        };
        window.ethereum = { request: async ({ method, params = [] }) => {
          if (method === "eth_requestAccounts" || method === "eth_accounts") return ["${ME_ADDRESS}"];
          if (method === "eth_sendTransaction") {
            const chainId = params[0].chainId;
            window.__sends.push(chainId === undefined ? "no chainId: sent on chain 1" : chainId);
            if (chainId === undefined) return "0x" + "11".repeat(32);
            throw Object.assign(new Error("Invalid chainId " + chainId + ": the wallet is on chain 0x1"), { code: -32602 });
          }
          return forward(method, params);
        } };`,
      });
      await other.goto(`${appUrl}#/contributor`);
      await other.getByTestId("connect-injected").click();
      await other.getByTestId("model-1").waitFor();
      for (const [i, metric] of METRICS.entries()) {
        await other.getByTestId(`metric-1-${metric.name}`).fill(ME.metrics[i].toString());
      }
      await other.getByTestId("submit-1").click();
      await other.getByTestId("model-1").getByTestId("error").waitFor({ timeout: 90_000 });
      expect(await other.evaluate(() => (globalThis as unknown as { __sends: string[] }).__sends)).to.deep.equal([
        "0x7a69",
      ]);
      await other.screenshot({ path: path.join(SCREENSHOTS, "02c-chain-switched-refused.png"), fullPage: true });
    } finally {
      await other.close();
    }
  });

  it("a contributor connects the development wallet and submits encrypted metrics", async function () {
    this.timeout(180_000);
    await page.goto(`${appUrl}#/contributor`);
    await page.getByTestId("dev-wallet").waitFor();
    // This browser has no wallet extension: the button says so instead of failing when clicked.
    expect(await page.getByTestId("connect-injected").isDisabled()).to.equal(true);
    expect(await page.getByTestId("no-wallet").innerText()).to.contain("No browser wallet was found in this browser");
    await shot("02-contributor-connect");
    await page.getByTestId("dev-account").selectOption(String(ME.account));
    await page.getByTestId("connect-dev").click();
    await page.getByTestId("model-1").waitFor();
    expect(await page.getByTestId("model-1").innerText()).to.contain("You have not contributed to this model yet");
    expect(await page.getByTestId("model-2").innerText()).to.contain("unreadable");

    // A value above its cap shows what will be counted before anything is sent.
    await page.getByTestId(`metric-1-${METRICS[0].name}`).fill("2000000");
    expect(await page.getByTestId("capped-1-0").innerText()).to.equal(
      "above the cap: 1,000,000 will be counted, not 2,000,000",
    );
    for (const [i, metric] of METRICS.entries()) {
      await page.getByTestId(`metric-1-${metric.name}`).fill(ME.metrics[i].toString());
    }
    await clearBanners();
    await page.getByTestId("submit-1").click();
    const progress = page.getByTestId("progress");
    await progress.waitFor({ timeout: 10_000 });
    expect(await progress.innerText()).to.match(/Submitting to dashboard-subnet/);
    await shot("03-contributor-submitting");
    expect(await outcomeOf("notice")).to.match(/encrypted contribution was added to epoch #1/);
    // The card was read again before the notice showed: no stale state beside it.
    expect(await page.getByTestId("status-1-1").innerText()).to.equal("open");
    // The banners are inside the card acted on, in its flow: they cover nothing.
    expect(await page.getByTestId("model-1").getByTestId("notice").count()).to.equal(1);
    await shot("04-contributor-submitted");
  });

  it("keeps Close disabled before the epoch's end (with the time), then Submit disabled once it ended; closes and reveals", async function () {
    this.timeout(240_000);
    expect(await page.getByTestId("close-1").isDisabled()).to.equal(true);
    expect(await page.getByTestId("close-1-reason").innerText()).to.match(
      /^can be closed from \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in (\d+ min|\d+ s)/,
    );
    expect(await page.getByTestId("submit-1").isDisabled()).to.equal(false);
    await shot("05-close-disabled-before-end");

    await rpc("evm_increaseTime", [EPOCH_LENGTH + 1]);
    await rpc("evm_mine");
    await page.getByText("ready to close").first().waitFor({ timeout: 30_000 }); // the dashboard follows the chain
    await page.locator('[data-testid="close-1"]:not([disabled])').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("submit-1").isDisabled()).to.equal(true);
    expect(await page.getByTestId("submit-reason-1").innerText()).to.match(
      /cannot submit: the epoch ended .* close it first/,
    );
    expect(await operate("close-1")).to.match(/Epoch #1 closed/);
    expect(await operate("reveal-1-1")).to.contain(`total score ${TOTAL.toLocaleString("en-US")}`);
    await shows("status-1-1", "claimable");
  });

  it("the contributor decrypts their score, claims into the vault, decrypts and verifies their share and balance", async function () {
    this.timeout(240_000);
    expect(await decrypt("score-1-1")).to.equal(MY_SCORE.toLocaleString("en-US"));

    expect(await operate("claim-1-1")).to.match(
      /Claimed epoch #1: .*credited to your cMUD balance in the payout vault/,
    );
    await shows("status-1-1", "claimed");
    expect(await decrypt("share-1-1")).to.equal(cmud(MY_SHARE));

    await clearBanners();
    await page.getByTestId("verify-1-1").click();
    expect(await page.getByTestId("verified-1-1").innerText()).to.match(/^✓ verified/);

    // The claim credited the vault balance; no token moved to the wallet.
    expect(await decrypt("vault-balance")).to.equal(cmud(MY_SHARE));
    expect(await page.getByTestId("chart-1").innerText()).to.contain(cmud(MY_SHARE).replace(" cMUD", ""));
    await shot("06-contributor-claimed");
  });

  it("Claim all credits a second model to the same balance; Withdraw refuses too much, pays part unwrapped elsewhere, the rest to the wallet", async function () {
    this.timeout(240_000);
    const claimAll = page.getByTestId("claim-all");
    expect(await claimAll.isDisabled()).to.equal(true);
    expect(await page.getByTestId("claim-all-reason").innerText()).to.match(/^cannot claim: nothing to claim/);
    await page.locator(`[data-testid="close-${SECOND.id}"]:not([disabled])`).waitFor({ timeout: 30_000 });
    expect(await operate(`close-${SECOND.id}`)).to.match(/Epoch #1 closed/);
    expect(await operate(`reveal-${SECOND.id}-1`)).to.match(/Epoch #1 revealed/);
    await page.locator('[data-testid="claim-all"]:not([disabled])').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("claim-all-reason").innerText()).to.equal(`1 epoch in 1 model: ${SECOND.name} #1`);

    await clearBanners();
    await claimAll.click();
    await page.getByTestId("progress").filter({ hasText: "Claiming 1 epoch" }).waitFor({ timeout: 10_000 });
    expect(await outcomeOf("notice")).to.match(
      /^Claimed 1 epoch in 1 transaction: your encrypted shares were credited/,
    );
    await shows(`status-${SECOND.id}-1`, "claimed");
    expect(await claimAll.isDisabled()).to.equal(true);
    // One balance per token, fed by both models.
    const both = MY_SHARE + MY_SHARE_2;
    expect(await decrypt("vault-balance")).to.equal(cmud(both));
    await shot("06b-claimed-all");

    // More than the balance: the library decrypts it and refuses before sending anything.
    await page.getByTestId("withdraw-amount").fill("1000000");
    const tooMuch = await refused("withdraw");
    expect(tooMuch).to.contain(`Your vault balance is ${cmud(both)}, below the 1,000,000 cMUD you asked to withdraw.`);
    expect(tooMuch).to.contain(`What to do: withdraw at most ${cmud(both)}, or omit the amount`);

    // Part of it to another address, unwrapped: the recipient gets the public ERC-20.
    const part = 1_500_000n; // 1.5 cMUD
    await page.getByTestId("withdraw-amount").fill("1.5");
    await page.getByTestId("withdraw-to").selectOption("other");
    await page.getByTestId("withdraw-recipient").fill("not an address");
    await page.getByTestId("withdraw").click();
    expect(await page.getByTestId("withdraw-form").innerText()).to.contain(
      "The recipient must be a non-zero 0x… address.",
    );
    await page.getByTestId("withdraw-recipient").fill(COLD_WALLET);
    await page.getByTestId("withdraw-unwrap").check();
    expect(await operate("withdraw")).to.match(/^Withdrew 1\.5 cMUD to 0x0000…bEEF as the public ERC-20 \(unwrapped\)/);
    expect(await erc20Balance(COLD_WALLET)).to.equal(part * 10n ** 12n);

    // The rest to the wallet, as confidential tokens.
    await page.getByTestId("withdraw-amount").fill("");
    await page.getByTestId("withdraw-to").selectOption("self");
    await page.getByTestId("withdraw-unwrap").uncheck();
    expect(await operate("withdraw")).to.match(
      new RegExp(`^Withdrew ${cmud(both - part).replace(/[.]/g, "\\.")} to your wallet as confidential tokens`),
    );
    await shows("vault-balance", "0 cMUD");
    expect(await page.getByTestId("withdraw").isDisabled()).to.equal(true);
    expect(await page.getByTestId("withdraw-reason").innerText()).to.match(/^cannot withdraw: no balance in the vault/);
    expect(await decrypt("balance")).to.equal(cmud(both - part));
    // Earnings across models = balance + everything withdrawn, whatever the way.
    expect(await decrypt("earnings")).to.equal(cmud(both));
    expect(await page.getByTestId("earnings-detail").innerText()).to.equal(
      `balance 0 cMUD + withdrawn ${cmud(both)} in 2 withdrawals`,
    );
    await shot("06c-withdrawn");
  });

  it("the contributor lets an auditor decrypt the claimed epoch, and the grant is listed", async function () {
    this.timeout(120_000);
    expect(await page.getByTestId("disclosures-1-1").innerText()).to.contain("nobody");
    await page.getByTestId("viewer-1-1").fill("not an address");
    await page.getByTestId("disclose-1-1").click();
    expect(await page.getByTestId("disclosures-1-1").innerText()).to.contain("The viewer must be a 0x… address.");

    await page.getByTestId("viewer-1-1").fill(AUDITOR.address);
    expect(await operate("disclose-1-1")).to.match(/can now decrypt your score and share of epoch #1/);
    await page.getByTestId("disclosures-1-1").filter({ hasText: "score + share" }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("disclosures-1-1").innerText()).to.contain(
      `${AUDITOR.address.slice(0, 6)}…${AUDITOR.address.slice(-4)}`,
    );
    await shot("07-disclosure-granted");
  });

  it("governance: delegate, propose a rules change from its preview, vote, queue, execute; the new rules version appears", async function () {
    this.timeout(240_000);
    const g = GOV.id;
    const mine = async (blocks: number) => rpc("hardhat_mine", [`0x${blocks.toString(16)}`]);
    const state = (n: number) => page.getByTestId(`proposal-state-${g}-${n}`);
    const reason = async (testId: string) => page.getByTestId(`${testId}-reason`).innerText();

    // The navigation works from the keyboard.
    await page.getByTestId("nav-governance").focus();
    await page.keyboard.press("Enter");
    const card = page.getByTestId(`gov-model-${g}`);
    await card.waitFor();
    expect(await page.locator('[data-testid^="gov-model-"]').count()).to.equal(1); // only the governed model
    expect(await page.getByTestId("wallet-address").innerText()).to.equal(ME_ADDRESS); // the same wallet as before
    await page.getByTestId(`voting-power-${g}`).filter({ hasText: "delegated to nobody yet" }).waitFor();
    expect(await card.innerText()).to.contain("No proposal yet");

    // Propose is disabled until something changes; another address must be an address.
    expect(await page.getByTestId(`propose-${g}`).isDisabled()).to.equal(true);
    expect(await reason(`propose-${g}`)).to.contain("change at least one value");
    await page.getByTestId(`delegate-other-${g}`).check();
    await page.getByTestId(`delegate-to-${g}`).fill("0x1234");
    expect(await page.getByTestId(`delegate-${g}`).isDisabled()).to.equal(true);
    expect(await reason(`delegate-${g}`)).to.contain("0x followed by 40 hexadecimal digits");
    await page.getByTestId(`delegate-self-${g}`).check();
    expect(await operate(`delegate-${g}`)).to.match(/^Votes delegated to yourself: 600 GVOTE of voting power/);
    expect(await page.getByTestId(`voting-power-${g}`).innerText()).to.contain("delegated to yourself");

    // Rules the pool would refuse are stopped before anything is sent, and the old notice goes with them.
    await page.getByTestId(`propose-cap-${g}-computeUnits`).fill((2n ** 62n).toString());
    await page.getByTestId(`propose-${g}`).click();
    const refused = card.getByTestId("error");
    await refused.waitFor();
    expect(await refused.innerText()).to.contain("The pool refused the transaction");
    expect(await page.getByTestId("notice").count()).to.equal(0);
    expect(await card.innerText()).to.contain("No proposal yet");

    // The preview shows exactly what changes; the description is generated from it.
    await page.getByTestId(`propose-cap-${g}-computeUnits`).fill(METRICS[0].cap.toString());
    await page.getByTestId(`propose-weight-${g}-computeUnits`).fill("4");
    const preview = page.getByTestId(`propose-preview-${g}`);
    expect(await preview.getByTestId("propose-change").allInnerTexts()).to.deep.equal(["weight of computeUnits 3 → 4"]);
    expect(await preview.innerText()).to.contain("from the next epoch: weight of computeUnits 3 → 4.");
    await shot("09-governance-propose-preview");
    expect(await operate(`propose-${g}`)).to.match(/^Proposal \d+…\d+ created/);
    expect(await state(1).innerText()).to.equal("Pending");
    expect(await page.getByTestId(`proposal-description-${g}-1`).innerText()).to.contain(
      "weight of computeUnits 3 → 4",
    );
    expect(await page.getByTestId(`vote-for-${g}-1`).isDisabled()).to.equal(true);
    expect(await page.getByTestId(`vote-reason-${g}-1`).innerText()).to.match(/^voting opens after block \d+/);
    expect(await page.getByTestId(`queue-${g}-1`).isDisabled()).to.equal(true);
    expect(await page.getByTestId(`execute-${g}-1`).isDisabled()).to.equal(true);
    // The same proposal cannot be made twice.
    expect(await reason(`propose-${g}`)).to.contain("the same proposal already exists");

    await mine(GOV.votingDelay + 1);
    await state(1)
      .filter({ hasText: /^Active$/ })
      .waitFor({ timeout: 30_000 });
    expect(await operate(`vote-for-${g}-1`)).to.match(/^Voted for with 600 GVOTE\./);
    expect(await page.getByTestId(`proposal-votes-${g}-1-for`).innerText()).to.equal("600 GVOTE");
    expect(await page.getByTestId(`proposal-votes-${g}-1-quorum`).innerText())
      .to.contain("quorum 400 GVOTE")
      .and.to.contain("✓ reached");
    expect(await page.getByTestId(`vote-reason-${g}-1`).innerText()).to.equal("you already voted on this proposal");
    expect(await reason(`queue-${g}-1`)).to.match(/^the vote ends after block \d+/);

    await mine(GOV.votingPeriod);
    await state(1)
      .filter({ hasText: /^Succeeded$/ })
      .waitFor({ timeout: 30_000 });
    expect(await reason(`execute-${g}-1`)).to.equal("queue it first");
    expect(await operate(`queue-${g}-1`)).to.match(/queued in the timelock: it can be executed in 2 min/);
    expect(await state(1).innerText()).to.equal("Queued");
    expect(await reason(`execute-${g}-1`)).to.match(
      /^executable from \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in (\d+ min|\d+ s)/,
    );
    await shot("10-governance-queued");

    await rpc("evm_increaseTime", [GOV.timelockDelay + 1]);
    await mine(1);
    await page.locator(`[data-testid="execute-${g}-1"]:not([disabled])`).waitFor({ timeout: 30_000 });
    expect(await operate(`execute-${g}-1`)).to.match(/executed: the new rules apply from the next epoch/);
    expect(await state(1).innerText()).to.equal("Executed");
    // The form now starts from the new rules version.
    expect(await page.getByTestId(`propose-weight-${g}-computeUnits`).inputValue()).to.equal("4");
    await shot("11-governance-executed");
  });

  it("the explorer without a wallet: totals per token, charts, search, the new rules version and the proposal", async function () {
    this.timeout(120_000);
    const viewer = await (context as BrowserContext).newPage();
    try {
      await viewer.goto(`${appUrl}#/public`);
      await viewer.getByTestId(`public-proposals-${GOV.id}`).waitFor();
      expect(await viewer.getByTestId("wallet").count()).to.equal(0);
      const official = viewer.getByTestId("explorer-token-official");
      // Funded 10,000 cMUD into model 1 and 2,500 into the second model; both epochs are revealed.
      expect(await official.innerText()).to.match(/12,500 cMUD\s+12,500 cMUD/);
      await viewer.getByTestId("explorer-funded-paid-chart").waitFor();
      await viewer.getByTestId("public-participants-chart-1").waitFor();

      // Rules history: version 2 with its diff, from the executed proposal.
      const history = await viewer.getByTestId(`public-rules-history-${GOV.id}`).innerText();
      expect(history).to.match(/v2\s+from the next epoch\s+weight of computeUnits 3 → 4/);
      expect(await viewer.getByTestId(`proposal-state-${GOV.id}-1`).innerText()).to.equal("Executed");
      expect(await viewer.getByTestId(`vote-for-${GOV.id}-1`).count()).to.equal(0); // read-only here

      // Search by name, then by pool address.
      await viewer.getByLabel("Search by model name, #id or pool address").fill("governed");
      await viewer.getByTestId("explorer-search-count").filter({ hasText: "1 model of 6 match" }).waitFor();
      expect(await viewer.getByTestId("public-model-1").count()).to.equal(0);
      const pool = await viewer.getByTestId(`public-model-${GOV.id}`).locator("code").first().getAttribute("title");
      await viewer.getByTestId("explorer-search").fill(String(pool).slice(0, 12));
      await viewer.getByTestId(`public-model-${GOV.id}`).waitFor();
      expect(await viewer.locator('[data-testid^="public-model-"]').count()).to.equal(1);
      await viewer.getByTestId("explorer-search").fill("");
      await viewer.getByTestId("public-model-1").waitFor();

      // No individual value anywhere.
      const text = await viewer.locator("body").innerText();
      expect(text).to.not.contain(MY_SCORE.toLocaleString("en-US"));
      expect(text).to.not.contain(cmud(MY_SHARE).replace(" cMUD", ""));
      await viewer.screenshot({ path: path.join(SCREENSHOTS, "12-explorer.png"), fullPage: true });
    } finally {
      await viewer.close();
    }
  });

  it("is usable at 375 px and every input has a label", async function () {
    this.timeout(120_000);
    const phone = await (context as BrowserContext).newPage();
    try {
      await phone.setViewportSize({ width: 375, height: 812 });
      for (const [route, ready, name] of [
        ["public", `public-proposals-${GOV.id}`, "13-explorer-375px"],
        ["governance", "dev-wallet", "14-governance-375px"],
        ["contributor", "wallet", "15-contributor-375px"],
      ] as const) {
        await phone.goto(`${appUrl}#/${route}`);
        await phone.getByTestId(ready).waitFor();
        if (route === "governance") {
          await phone.getByTestId("dev-account").selectOption(String(ME.account));
          await phone.getByTestId("connect-dev").click();
          await phone.getByTestId(`propose-form-${GOV.id}`).waitFor();
        }
        // Evaluated in the page (this file is compiled without the DOM types).
        const width = (await phone.evaluate("document.documentElement.scrollWidth")) as number;
        expect(width, `#/${route} is ${width} px wide at 375 px`).to.be.at.most(375);
        const unlabelled = (await phone.evaluate(`[...document.querySelectorAll("input, select, textarea")]
          .filter((e) => e.labels.length === 0 && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
          .map((e) => e.getAttribute("data-testid") || e.outerHTML.slice(0, 80))`)) as string[];
        expect(unlabelled, `unlabelled inputs on #/${route}`).to.deep.equal([]);
        const nameless = (await phone.evaluate(`[...document.querySelectorAll("button")]
          .filter((b) => b.textContent.trim() === "" && !b.getAttribute("aria-label")).length`)) as number;
        expect(nameless, `buttons without a name on #/${route}`).to.equal(0);
        await phone.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
      }
    } finally {
      await phone.close();
    }
  });

  it("the auditor decrypts the disclosed score and share; an epoch not disclosed to them says so", async function () {
    this.timeout(120_000);
    await page.goto(`${appUrl}#/auditor`);
    await page.getByTestId("auditor-view").waitFor();
    await page.getByRole("button", { name: "Disconnect" }).click();
    await page.getByTestId("dev-account").selectOption(String(AUDITOR.account));
    await page.getByTestId("connect-dev").click();
    await page.getByTestId("auditor-contributor").fill(ME_ADDRESS);
    await page.getByTestId("auditor-model").selectOption("1");
    await page.getByTestId("auditor-lookup").click();
    await page.getByTestId("auditor-access-1-1").filter({ hasText: "score + share" }).waitFor();
    expect(await decrypt("auditor-score-1-1")).to.equal(MY_SCORE.toLocaleString("en-US"));
    expect(await page.getByTestId("auditor-share-1-1").innerText()).to.equal(cmud(MY_SHARE));
    await shot("07b-auditor-decrypted");

    // The contributor disclosed nothing of the second model to this auditor.
    await page.getByTestId("auditor-model").selectOption(String(SECOND.id));
    await page.getByTestId("auditor-lookup").click();
    const refusal = page.getByTestId("auditor-not-disclosed");
    await refusal.waitFor();
    expect(await refusal.innerText()).to.match(/^Not disclosed to you/);
    expect(await page.getByTestId(`auditor-access-${SECOND.id}-1`).innerText()).to.equal("not disclosed to you");
    expect(await page.getByTestId(`decrypt-auditor-score-${SECOND.id}-1`).isDisabled()).to.equal(true);
  });

  it("the public view shows the revealed total and no individual score or share", async function () {
    this.timeout(120_000);
    await page.goto(`${appUrl}#/public`);
    const total = page.getByTestId("public-total-1-1");
    await total.waitFor();
    await shows("public-total-1-1", TOTAL.toLocaleString("en-US"));
    const text = await page.locator("body").innerText();
    expect(text).to.contain("1 / 3"); // claims / contributors
    // The model is self-reported and has no noise: its rules card says it does not protect against Sybils.
    expect(text).to.contain("This model does not protect against Sybils");
    expect(text).to.not.contain(MY_SCORE.toLocaleString("en-US"));
    expect(text).to.not.contain(cmud(MY_SHARE).replace(" cMUD", ""));
    for (const other of OTHERS) {
      expect(text).to.not.contain(contributionScore(other.metrics, METRICS).toLocaleString("en-US"));
    }
    expect(await page.getByTestId("public-audit-1").innerText()).to.match(/✓ Passed/);
    await shot("08-public-revealed");
    expect(pageErrors, `uncaught errors in the page: ${pageErrors.join("; ")}`).to.deep.equal([]);
    const blocked = consoleErrors.filter((e) => /Content Security Policy/i.test(e));
    expect(blocked, `the page broke its own policy: ${blocked.join("; ")}`).to.deep.equal([]);
  });
});
