/**
 * End to end on a real `npx hardhat node`: deploys with hardhat-deploy, then runs every royalties
 * task as a child process (`npx hardhat royalties <task> --network localhost`) through a full epoch.
 * The fhEVM plugin accepts a standalone node only as network `localhost` on port 8545, so the test
 * needs that port free and says so when it is not.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";

import { contributionScore, expectedShare } from "../../src/math";
import { TestToken__factory } from "../../types";
import { ROOT, hardhat, portTaken } from "../helpers/processes";
import type { Run } from "../helpers/processes";

const PORT = 8545;
const RPC_URL = `http://127.0.0.1:${PORT}`;
const DEPLOYMENTS = path.join(ROOT, "deployments", "localhost");
const EPOCH_LENGTH = 3600;
const MODEL = "e2e-subnet";
const METRICS = [
  { name: "computeUnits", weight: 3n, cap: 1_000_000n },
  { name: "dataSamples", weight: 1n, cap: 500_000n },
  { name: "qualityScore", weight: 50n, cap: 100n },
];
const SCHEMA = METRICS.map((m) => `${m.name}:${m.weight}:${m.cap}`).join(",");
/** Accounts 3, 4, 5 contribute; account 5 is paid to account 6. */
const CONTRIBUTIONS: { account: number; metrics: bigint[] }[] = [
  { account: 3, metrics: [820_000n, 0n, 91n] },
  { account: 4, metrics: [0n, 480_000n, 77n] },
  { account: 5, metrics: [150_000n, 60_000n, 99n] },
];
const FUNDED_UNITS = 10_000n * 10n ** 6n;

/** Runs a royalties task on the node and fails the test with its output unless it succeeded. */
async function task(name: string, args: readonly string[] = []): Promise<Run> {
  const run = await hardhat(["royalties", name, "--network", "localhost", ...args]);
  if (run.code !== 0) {
    expect.fail(`royalties ${name} ${args.join(" ")} exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}

/** Runs a royalties task with `--json` and parses what it printed. */
async function taskJson<T>(name: string, args: readonly string[] = []): Promise<T> {
  const run = await task(name, [...args, "--json"]);
  return JSON.parse(run.stdout.slice(run.stdout.search(/^[[{]/m))) as T;
}

describe("royalties tasks on a hardhat node (end to end)", function () {
  let node: ChildProcess | undefined;
  let nodeExited = false;
  let logPath = "";
  let pool = "";
  let started = 0;
  // A fixed network: no detection (and no retry messages) before the node is up.
  const provider = new JsonRpcProvider(RPC_URL, 31337, { staticNetwork: true });
  const poolArgs = () => ["--pool", pool];

  const nodeLogTail = () => (fs.existsSync(logPath) ? fs.readFileSync(logPath, "utf8").slice(-3000) : "");

  /** Kills the node's whole process group (npx, the hardhat process and anything it spawned). */
  async function stopNode(): Promise<void> {
    if (node?.pid === undefined || nodeExited) return;
    const exited = new Promise<void>((resolve) => node?.once("exit", () => resolve()));
    try {
      process.kill(-node.pid, "SIGTERM");
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => {
      try {
        if (node?.pid !== undefined) process.kill(-node.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
  const killOnExit = () => {
    if (node?.pid !== undefined && !nodeExited) {
      try {
        process.kill(-node.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };

  before(async function () {
    this.timeout(300_000);
    started = Date.now();
    if (await portTaken(PORT)) {
      throw new Error(
        `Port ${PORT} is already in use: stop whatever listens on it (another npx hardhat node?) and run the ` +
          `tests again. This test starts its own node there, the only port the fhEVM plugin accepts for localhost.`,
      );
    }
    logPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "royalties-e2e-")), "node.log");
    const log = fs.openSync(logPath, "w");
    // --no-deploy: the test deploys with `npx hardhat deploy --network localhost`, as a user would.
    node = spawn("npx", ["hardhat", "node", "--no-deploy", "--hostname", "127.0.0.1"], {
      cwd: ROOT,
      detached: true, // own process group, killed as a whole
      stdio: ["ignore", log, log],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    fs.closeSync(log);
    node.once("exit", () => (nodeExited = true));
    process.once("exit", killOnExit);

    const deadline = Date.now() + 120_000;
    for (;;) {
      if (nodeExited) throw new Error(`npx hardhat node exited before answering:\n${nodeLogTail()}`);
      try {
        const response = await fetch(RPC_URL, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        const { result } = (await response.json()) as { result?: string };
        if (result !== undefined && BigInt(result) === 31337n) break;
        throw new Error(`eth_chainId answered ${String(result)}`);
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(
            `npx hardhat node did not answer eth_chainId within 120 s (${String(error)}):\n${nodeLogTail()}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  });

  after(async function () {
    this.timeout(30_000);
    provider.destroy();
    if (node === undefined) return; // the port was taken: nothing here is ours to stop or clean
    await stopNode();
    process.removeListener("exit", killOnExit);
    // Our chain is gone: its addresses must not outlive it (the next node would reset them anyway).
    fs.rmSync(DEPLOYMENTS, { recursive: true, force: true });
    fs.rmSync(path.dirname(logPath), { recursive: true, force: true });
    console.log(`      (end-to-end run: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  it("deploys the token, payout token, pool implementation and registry with hardhat-deploy", async function () {
    this.timeout(300_000);
    const run = await hardhat(["deploy", "--network", "localhost"]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    for (const name of ["PaymentToken", "ConfidentialPayoutToken", "RoyaltyPool", "ModelRegistry"]) {
      expect(run.stdout).to.contain(`deploying "${name}"`);
      expect(fs.existsSync(path.join(DEPLOYMENTS, `${name}.json`)), `${name}.json`).to.be.true;
    }
  });

  it("creates a model through the registry", async function () {
    this.timeout(300_000);
    // No noise, so the test can check exact totals: the task must warn that this does not stop Sybils.
    const model = await taskJson<{ modelId: string; pool: string; name: string; noiseBits: number; warning?: string }>(
      "deploy-model",
      ["--name", MODEL, "--metrics", SCHEMA, "--epoch-length", String(EPOCH_LENGTH), "--noise-bits", "0"],
    );
    expect(model.modelId).to.equal("1");
    expect(model.name).to.equal(MODEL);
    expect(model.noiseBits).to.equal(0);
    expect(model.warning).to.match(/does not protect contributors against Sybils/);
    pool = model.pool;
  });

  // Independent commands run side by side (a few at a time: each `npx hardhat` start-up costs seconds of CPU).
  it("funds the pool, refuses to close it early, and takes three encrypted submissions", async function () {
    this.timeout(300_000);
    const [funded, early] = await Promise.all([
      taskJson<{ epochId: string; units: string }>("fund", [...poolArgs(), "--amount", "10000"]),
      hardhat(["royalties", "close", "--network", "localhost", ...poolArgs(), "--account", "1"]),
    ]);
    expect(funded).to.include({ epochId: "1", units: FUNDED_UNITS.toString() });
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(
      /^Error: RoyaltyPoolEpochNotEnded\(1, \d+\): epoch 1 ends at \d{4}-\d\d-\d\d.*: wait until then, then close it with royalties close/m,
    );

    const submissions = await Promise.all(
      CONTRIBUTIONS.map((c) =>
        taskJson<{ epochId: string; contributor: string }>("submit", [
          ...poolArgs(),
          "--metrics",
          c.metrics.join(","),
          "--account",
          String(c.account),
        ]),
      ),
    );
    expect(submissions.map((s) => s.epochId)).to.deep.equal(["1", "1", "1"]);
  });

  it("closes and reveals the epoch once it has ended, and pays each contributor", async function () {
    this.timeout(300_000);
    await provider.send("evm_increaseTime", [EPOCH_LENGTH + 1]);
    await provider.send("evm_mine", []);
    const closed = await taskJson<{ epochId: string; closed: boolean }>("close", poolArgs());
    expect(closed).to.deep.include({ epochId: "1", closed: true });

    const scores = CONTRIBUTIONS.map((c) => contributionScore(c.metrics, METRICS));
    const total = scores.reduce((a, b) => a + b, 0n);
    const revealed = await taskJson<{ epochId: string; total: string }>("reveal", poolArgs());
    expect(revealed).to.deep.include({ epochId: "1", total: total.toString() });

    const claims = await Promise.all(
      CONTRIBUTIONS.map((c) =>
        taskJson<{ epochId: string; share: string; balance: string }>("claim", [
          ...poolArgs(),
          "--account",
          String(c.account),
        ]),
      ),
    );
    expect(claims.map((c) => c.epochId)).to.deep.equal(["1", "1", "1"]);
    const shares = scores.map((score) => expectedShare(score, FUNDED_UNITS, total).toString());
    expect(claims.map((c) => [c.share, c.balance])).to.deep.equal(shares.map((share) => [share, share]));

    // Account 5 withdraws its whole vault balance to account 6.
    const recipient = (await provider.getSigner(6)).address;
    const withdrawn = await taskJson<{ sent: string; recipient: string }>("withdraw", [
      ...poolArgs(),
      "--account",
      "5",
      "--to",
      recipient,
    ]);
    expect(withdrawn).to.deep.include({ sent: shares[2], recipient });
  });

  it("decrypts a contributor's own score, share and balance; refuses a second claim with a clean message", async function () {
    this.timeout(300_000);
    const scores = CONTRIBUTIONS.map((c) => contributionScore(c.metrics, METRICS));
    const total = scores.reduce((a, b) => a + b, 0n);
    const [alice, again] = await Promise.all([
      taskJson<{ score: string; share: string; balance: string; vaultBalance: string }>("decrypt", [
        ...poolArgs(),
        "--account",
        "3",
      ]),
      hardhat(["royalties", "claim", "--network", "localhost", ...poolArgs(), "--account", "3", "--json"]),
    ]);
    const aliceShare = expectedShare(scores[0], FUNDED_UNITS, total);
    expect(alice).to.deep.include({
      score: scores[0].toString(),
      share: aliceShare.toString(),
      vaultBalance: aliceShare.toString(),
      balance: "0", // claims credit the vault; the wallet receives tokens at a withdrawal
    });

    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(
      /^Error: RoyaltyPoolAlreadyClaimed\(1, 0x[0-9a-fA-F]{40}\): epoch 1 is already in your vault balance/m,
    );
    expect(again.stderr).to.not.match(/^\s+at /m); // no stack trace
    expect(JSON.parse(again.stdout)).to.have.property("error").that.contains("RoyaltyPoolAlreadyClaimed");
  });

  it("settles the rounding remainder into the next epoch", async function () {
    this.timeout(300_000);
    const scores = CONTRIBUTIONS.map((c) => contributionScore(c.metrics, METRICS));
    const total = scores.reduce((a, b) => a + b, 0n);
    // At the reveal the pool moved what the shares add up to at most (the factor applied to the whole total) to
    // the vault; the per-share floors stay there. The settlement releases what the factor's rounding left.
    const moved = expectedShare(total, FUNDED_UNITS, total);
    const settled = await taskJson<{ fromEpochId: string; released: string; maskBits: number; intoEpochId: string }>(
      "settle",
      poolArgs(),
    );
    // A pool that never used noise releases its whole rounding remainder: nothing is masked.
    expect(settled).to.deep.include({
      fromEpochId: "1",
      intoEpochId: "2",
      released: (FUNDED_UNITS - moved).toString(),
      maskBits: 0,
    });
  });

  it("reports the epoch and the contributor (found by model name); withdraws unwrapped and unwraps a wallet balance", async function () {
    this.timeout(300_000);
    const paymentToken = JSON.parse(fs.readFileSync(path.join(DEPLOYMENTS, "PaymentToken.json"), "utf8")) as {
      address: string;
    };
    const token = TestToken__factory.connect(paymentToken.address, provider);
    const alice = (await provider.getSigner(3)).address;
    const paid = (await provider.getSigner(6)).address;
    const before = await token.balanceOf(alice);
    const paidBefore = await token.balanceOf(paid);

    const [epoch, status, unwrapped, walletUnwrap] = await Promise.all([
      task("epoch", ["--model", MODEL, "--epoch", "1"]),
      taskJson<{ epochs: Record<string, unknown>[] }>("contributor", ["--model", MODEL, "--account", "3"]),
      taskJson<{ sent: string; underlyingAmount: string; recipient: string }>("withdraw", [
        "--model",
        MODEL,
        "--account",
        "3",
        "--amount",
        "100.5",
        "--unwrap",
      ]),
      // Account 6 holds account 5's withdrawal in its wallet: the wallet's own unwrap.
      taskJson<{ units: string; underlyingAmount: string; recipient: string }>("unwrap", [
        ...poolArgs(),
        "--account",
        "6",
        "--amount",
        "1",
      ]),
    ]);

    const total = CONTRIBUTIONS.reduce((sum, c) => sum + contributionScore(c.metrics, METRICS), 0n);
    // The text output: an aligned field/value table.
    expect(epoch.stdout).to.match(/^field +value$/m);
    expect(epoch.stdout).to.match(/^state +Revealed, settled$/m);
    expect(epoch.stdout).to.match(/^participants +3 \(min 3\)$/m);
    expect(epoch.stdout).to.match(/^claims +3$/m);
    expect(epoch.stdout).to.match(new RegExp(`^total score +${total.toLocaleString("en-US")}$`, "m"));
    expect(epoch.stdout).to.match(/^pool +10,000 cMUD$/m);

    expect(status.epochs).to.have.length(1);
    expect(status.epochs[0]).to.deep.include({
      epochId: "1",
      state: "Revealed",
      submissions: "1",
      claimed: true,
      claimable: false,
    });

    expect(unwrapped).to.deep.include({
      sent: "100500000",
      underlyingAmount: (1005n * 10n ** 17n).toString(),
      recipient: alice,
    });
    expect(await token.balanceOf(alice)).to.equal(before + 1005n * 10n ** 17n);
    expect(walletUnwrap).to.deep.include({ units: "1000000", recipient: paid });
    expect(await token.balanceOf(paid)).to.equal(paidBefore + 10n ** 18n);
  });
});
