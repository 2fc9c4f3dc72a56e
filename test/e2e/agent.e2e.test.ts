/**
 * End to end on a real `npx hardhat node`: `royalties agent` runs as a child process (contributor + keeper),
 * submits before the epoch ends, serves /metrics, refuses a second agent on its key, survives a SIGKILL without
 * sending twice, and closes the ended epoch (extended: one contributor is below k). Needs port 8545 (the only
 * one the fhEVM plugin accepts for localhost); waits for it when another test holds it.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";

import { createModel, deployModelRegistry, deployPayoutToken } from "../../src/deploy";
import { TestToken__factory } from "../../types";
import { ROOT, hardhat, portTaken } from "../helpers/processes";

const PORT = 8545;
const RPC_URL = `http://127.0.0.1:${PORT}`;
const EPOCH_LENGTH = 3600n;
const LEAD = 600;
const ACCOUNT = 3;

interface Child {
  process: ChildProcess;
  lines: Record<string, string>[];
  stderr: string;
  exited: Promise<number | null>;
}

/** Starts a command in its own process group and collects its JSON log lines. */
function start(command: string, args: string[], log?: string): Child {
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log === undefined ? "pipe" : fs.openSync(log, "w"), log === undefined ? "pipe" : "ignore"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const result: Child = {
    process: child,
    lines: [],
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  };
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts) if (line.startsWith("{")) result.lines.push(JSON.parse(line) as Record<string, string>);
  });
  child.stderr?.on("data", (chunk: Buffer) => (result.stderr += chunk.toString()));
  return result;
}

function kill(child: Child | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child?.process.pid === undefined || child.process.exitCode !== null) return;
  try {
    process.kill(-child.process.pid, signal);
  } catch {
    // already gone
  }
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("royalties agent on a hardhat node (end to end)", function () {
  let node: Child | undefined;
  const agents: Child[] = [];
  let dir = "";
  const provider = new JsonRpcProvider(RPC_URL, 31337, { staticNetwork: true });

  after(async function () {
    for (const child of agents) kill(child);
    kill(node, "SIGTERM");
    if (node !== undefined) await Promise.race([node.exited, new Promise((r) => setTimeout(r, 5000))]);
    kill(node);
    provider.destroy();
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
  });

  it("submits, refuses a twin, survives a SIGKILL without a second send, and keeps the epoch", async function () {
    this.timeout(400_000);
    await until(
      "port 8545 to be free (another node test is running)",
      async () => ((await portTaken(PORT)) ? undefined : true),
      300_000,
    );
    const started = Date.now();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-agent-e2e-"));
    node = start("npx", ["hardhat", "node", "--no-deploy", "--hostname", "127.0.0.1"], path.join(dir, "node.log"));
    await until("the node", async () => {
      const id = await provider.send("eth_chainId", []).catch(() => undefined);
      return id === undefined ? undefined : true;
    });

    const deployer = await provider.getSigner(0);
    const contributor = await provider.getSigner(ACCOUNT);
    const token = await new TestToken__factory(deployer).deploy("Model Usage Dollar", "MUD");
    const payout = await deployPayoutToken(deployer, {
      underlying: await token.getAddress(),
      name: "cMUD",
      symbol: "cMUD",
    });
    const registry = await deployModelRegistry(deployer);
    const pool = await createModel(registry, {
      modelName: "agent-e2e",
      payoutToken: await payout.getAddress(),
      metrics: [
        { name: "computeUnits", weight: 3n, cap: 1_000_000n },
        { name: "qualityScore", weight: 50n, cap: 100n },
      ],
      epochLength: EPOCH_LENGTH,
      minParticipants: 3,
      maxSubmissionsPerContributor: 2,
      noiseBits: 0,
    });
    const poolAddress = await pool.getAddress();
    const epoch = await pool.getEpoch(1n);

    const metricsFile = path.join(dir, "metrics.csv");
    fs.writeFileSync(metricsFile, `ts,computeUnits,qualityScore\n${epoch.start + 60n},1200,95\n`);
    const metricsPort = await freePort();
    const config = path.join(dir, "agent.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        role: "contributor",
        keeper: true,
        stateDir: "state",
        intervalSeconds: 1,
        metricsPort,
        models: [
          {
            pool: poolAddress,
            source: { type: "csv", path: "metrics.csv" },
            metrics: { qualityScore: { aggregate: "max" } },
            leadSeconds: LEAD,
          },
        ],
      }),
    );
    // The submission is due LEAD seconds before the end.
    await provider.send("evm_increaseTime", [Number(EPOCH_LENGTH) - LEAD + 30]);
    await provider.send("evm_mine", []);

    const args = [
      "hardhat",
      "royalties",
      "agent",
      "--network",
      "localhost",
      "--agent-config",
      config,
      "--account",
      String(ACCOUNT),
      "--json",
    ];
    const first = start("npx", args);
    agents.push(first);
    const submitted = await until("the first agent's submission", () => first.lines.find((l) => l.action === "submit"));
    expect(submitted).to.include({ level: "info", epoch: "1", slice: "1" });
    expect(await pool.submissionsOf(1n, contributor.address)).to.equal(1n);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).to.match(/^royalties_agent_submissions_total\{model="0x[0-9a-fA-F]{40}"\} 1$/m);

    // A second agent on the same key refuses to start; the status command names the running one.
    const [twin, status] = await Promise.all([
      hardhat([...args.slice(1)]),
      hardhat(["royalties", "agent", "status", "--agent-config", config, "--json"]),
    ]);
    expect(twin.code).to.equal(1);
    expect(twin.stderr).to.match(/Another agent \(pid \d+ on .*\) runs this key/);
    const keys = (JSON.parse(status.stdout) as { keys: { role: string; submissions: number; runningPid?: number }[] })
      .keys;
    expect(keys).to.have.length(1);
    expect(keys[0]).to.deep.include({ role: "contributor", submissions: 1 });
    expect(keys[0].runningPid).to.be.a("number");

    // SIGKILL (no cleanup), restart from the same state: nothing is sent twice.
    kill(first);
    await first.exited;
    const second = start("npx", args);
    agents.push(second);
    await until("the restarted agent", () =>
      second.lines.find((l) => l.action === "lock" && /stale lock/.test(l.message)),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a few ticks
    expect(await pool.submissionsOf(1n, contributor.address)).to.equal(1n);
    expect(second.lines.filter((l) => l.action === "submit")).to.have.length(0);

    // The epoch ends: the keeper duty closes it, which extends it (one contributor, k = 3).
    await provider.send("evm_increaseTime", [LEAD]);
    await provider.send("evm_mine", []);
    const closed = await until("the keeper's close", () => second.lines.find((l) => l.action === "close"));
    expect(closed.message).to.match(/^extended to \d+: 1 contributors, below the rules' k/);
    // SIGTERM stops it cleanly: the lock is released.
    kill(second, "SIGTERM");
    await second.exited;
    await until(
      "the lock's release",
      () => (fs.readdirSync(path.join(dir, "state")).some((f) => f.endsWith(".lock")) ? undefined : true),
      15_000,
    );
    console.log(`      (agent end-to-end run: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
});
