/**
 * Agents on the in-process mock with time travel: three contributor agents and a keeper run a model for five
 * epochs on their own; every share matches the formula; a crash between a confirmed submission and its record
 * neither loses nor duplicates it; a source that stops producing data submits nothing and says so; two agents on
 * one key: one stops.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fhevm } from "hardhat";

import { createAgent, createLogger, parseAgentConfig, AgentLockedError } from "../../src/agent";
import type { Agent, AgentLogEntry, AgentHooks } from "../../src/agent";
import { connectPool, createRoyaltiesClient, withSigner } from "../../src/client";
import type { PoolClient } from "../../src/client";
import { decryptScore, decryptShare } from "../../src/actions/decrypt";
import { createHardhatFheBackend } from "../../src/fhe/hardhatBackend";
import { contributionScore, expectedShare } from "../../src/math";
import { DAY, DEFAULT_METRICS, RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";

const SCHEMA = DEFAULT_METRICS.map((m) => ({ name: m.name, weight: BigInt(m.weight), cap: BigInt(m.cap) }));
const LEAD = 3600;
const EPOCHS = 5;
type Row = [bigint, bigint, bigint];

/** Two rows per contributor and epoch (in the first and second half); contributor 2 goes over the compute cap in epoch 2. */
function rowsOf(epoch: number, i: number): [Row, Row] {
  const base = BigInt(epoch * 10 + i);
  const compute = i === 2 && epoch === 2 ? 900_000n : 1_000n * base;
  return [
    [compute, 50n * base, 40n + BigInt(i)],
    [2_000n * base, 10n * base, 60n + BigInt(epoch)],
  ];
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

describe("agents on the in-process mock", function () {
  let f: PoolFixture;
  let dir: string;
  let people: HardhatEthersSigner[];
  let keeperSigner: HardhatEthersSigner;
  let files: string[];
  const logs: AgentLogEntry[] = [];
  const fhe = createHardhatFheBackend(fhevm);

  function logger(who: string) {
    return createLogger({ write: () => {}, sink: (e) => logs.push({ ...e, fields: { ...e.fields, who } }) });
  }

  function config(i: number, extra: Record<string, unknown> = {}) {
    return parseAgentConfig(
      {
        role: "contributor",
        stateDir: path.join(dir, `state-${i}`),
        retry: { attempts: 2, baseDelayMs: 0 },
        models: [
          {
            pool: f.poolAddress,
            source: { type: "jsonl", path: files[i] },
            // A lower cap than the schema's for contributor 2: warned and submitted as the cap.
            metrics: { qualityScore: { aggregate: "max" }, ...(i === 2 ? { computeUnits: { cap: 500_000 } } : {}) },
            submissions: i === 0 ? 2 : 1,
            leadSeconds: LEAD,
            withdraw: { minClaims: 2 },
          },
        ],
        ...extra,
      },
      dir,
    );
  }

  async function contributorAgent(i: number, options: { hooks?: AgentHooks; wallNow?: () => number } = {}) {
    const agent = await createAgent({
      config: config(i),
      signer: people[i],
      fhe,
      logger: logger(`c${i}`),
      sleep: async () => {},
      ...options,
    });
    await agent.start();
    return agent;
  }

  function appendRow(i: number, ts: bigint, row: Row) {
    const [computeUnits, dataSamples, qualityScore] = row;
    fs.appendFileSync(
      files[i],
      JSON.stringify({
        ts: Number(ts),
        computeUnits: Number(computeUnits),
        dataSamples: Number(dataSamples),
        qualityScore: Number(qualityScore),
      }) + "\n",
    );
  }

  let agents: Agent[];
  let keeper: Agent;
  let pool: PoolClient;

  before(async function () {
    f = await deployPoolFixture(defaultRules({ epochLength: DAY }));
    people = f.contributors.slice(0, 3);
    keeperSigner = f.stranger;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "royalties-agents-"));
    files = people.map((_, i) => path.join(dir, `metrics-${i}.jsonl`));
    for (const file of files) fs.writeFileSync(file, "");
    const deployer = await createRoyaltiesClient({ signer: f.deployer, fhe, registry: await f.registry.getAddress() });
    pool = await connectPool(deployer, { address: f.poolAddress });
    agents = [];
    for (let i = 0; i < 3; i++) agents.push(await contributorAgent(i));
    keeper = await createAgent({
      config: parseAgentConfig(
        { role: "keeper", stateDir: path.join(dir, "keeper"), metricsPort: 0, models: [{ pool: f.poolAddress }] },
        dir,
      ),
      signer: keeperSigner,
      fhe,
      logger: logger("keeper"),
    });
    await keeper.start();
  });

  after(async function () {
    for (const agent of [...agents, keeper]) await agent?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tickAll = async () => {
    for (const agent of [...agents, keeper]) await agent.runOnce();
  };

  it("three contributors and a keeper run five epochs unattended; every share matches the formula", async function () {
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      const epochId = await f.pool.currentEpochId();
      expect(epochId).to.equal(BigInt(epoch));
      const info = await f.pool.getEpoch(epochId);
      await (await f.pool.connect(f.funder).fund(BigInt(100 * epoch) * 10n ** 6n * RATE)).wait();
      for (let i = 0; i < 3; i++) appendRow(i, info.start + 100n, rowsOf(epoch, i)[0]);
      await time.increaseTo(info.start + DAY / 2n + 10n);
      await tickAll(); // contributor 0's first slice is due
      for (let i = 0; i < 3; i++) appendRow(i, info.start + (DAY * 6n) / 10n, rowsOf(epoch, i)[1]);

      await time.increaseTo(info.end - BigInt(LEAD) + 60n);
      if (epoch === 3) {
        // Contributor 0 crashes after its second submission is confirmed, before its state records it.
        const crashing = await contributorAgent(0, {
          wallNow: () => Date.now() + 3_600_000, // its predecessor's lock is an hour old: stale
          hooks: {
            afterSend: () => {
              throw new Error("simulated crash");
            },
          },
        });
        await agents[0].stop();
        await crashing.runOnce(); // the duty fails at the hook: logged, state still pending
        expect(JSON.parse(fs.readFileSync(crashing.models[0].store.file, "utf8")).pending).to.include({
          kind: "submit",
        });
        // The crashed instance is dropped without cleanup; a new one starts from the same state file.
        agents[0] = await contributorAgent(0, { wallNow: () => Date.now() + 7_200_000 });
      }
      await tickAll(); // everyone's last submission
      for (let i = 0; i < 3; i++) {
        expect(await f.pool.submissionsOf(epochId, people[i].address), `contributor ${i} epoch ${epoch}`).to.equal(
          i === 0 ? 2n : 1n,
        );
      }

      await time.increaseTo(info.end + 1n);
      await tickAll(); // keeper closes and reveals
      await tickAll(); // contributors claim; keeper settles
      const closed = await f.pool.getEpoch(epochId);
      expect(closed.state).to.equal(3n); // Revealed
      expect(closed.claims).to.equal(3n);

      let total = 0n;
      for (let i = 0; i < 3; i++) {
        const [a, b] = rowsOf(epoch, i);
        const capped = (r: Row): Row => (i === 2 ? [min(r[0], 500_000n), r[1], r[2]] : r);
        const score =
          i === 0
            ? contributionScore(a, SCHEMA) + contributionScore(b, SCHEMA)
            : contributionScore(capped([a[0] + b[0], a[1] + b[1], max(a[2], b[2])]), SCHEMA);
        const client = withSigner(pool, people[i]);
        expect(await decryptScore(client, { epochId }), `score of ${i} in epoch ${epoch}`).to.equal(score);
        expect(await decryptShare(client, { epochId }), `share of ${i} in epoch ${epoch}`).to.equal(
          expectedShare(score, closed.pool, closed.revealedTotal),
        );
        total += score;
      }
      expect(closed.revealedTotal).to.equal(total);
    }
    const status = await f.pool.settlementStatus();
    expect(status.settledThroughEpochId).to.equal(BigInt(EPOCHS));

    // Logs: the crash was recovered without a second send, the cap was announced, balances were withdrawn.
    expect(logs.some((l) => l.action === "recover" && /on chain: recorded, not sent again/.test(l.message))).to.be.true;
    expect(logs.filter((l) => l.action === "cap" && l.epoch === 2n).map((l) => l.message)).to.deep.equal([
      "computeUnits is above its cap 500,000: submitting the cap, 500,000",
    ]);
    expect(logs.some((l) => l.action === "withdraw" && /whole vault balance went to/.test(l.message))).to.be.true;
    expect(logs.filter((l) => l.level === "error" && l.message.includes("simulated crash"))).to.have.length(1);
    for (const entry of logs) expect(entry.message).to.not.match(/score \d|share \d/);
  });

  it("serves /metrics with counts only", async function () {
    const port = keeper.metricsPort;
    expect(port).to.be.a("number");
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).to.match(/^royalties_agent_keeper_actions_total\{action="close",model="0x[0-9a-fA-F]{40}"\} 5$/m);
    expect(text).to.match(/^royalties_agent_last_epoch_handled\{model="0x[0-9a-fA-F]{40}"\} 5$/m);
    expect(text).to.match(/^royalties_agent_up 1$/m);
    expect(agents[1].metrics.total("royalties_agent_submissions_total")).to.equal(EPOCHS);
    // Withdrawn every second claimed epoch (minClaims 2): of five, the last one still waits.
    expect(agents[2].metrics.get("royalties_agent_pending_balance_count", { model: f.poolAddress })).to.equal(1);
    expect(agents[2].metrics.render()).to.match(/^royalties_agent_capped_total\{metric="computeUnits",model=.*\} 1$/m);
  });

  it("a source that stops producing data: no submission and a clear log line", async function () {
    const epochId = await f.pool.currentEpochId();
    const info = await f.pool.getEpoch(epochId);
    await time.increaseTo(info.end - BigInt(LEAD) + 60n);
    await agents[1].runOnce();
    await agents[1].runOnce(); // the problem is logged once, not every tick
    expect(await f.pool.submissionsOf(epochId, people[1].address)).to.equal(0n);
    const lines = logs.filter((l) => l.action === "source" && l.epoch === epochId && l.fields?.who === "c1");
    expect(lines).to.have.length(1);
    expect(lines[0].message).to.match(
      /^nothing submitted: the source produced no data \(jsonl file .*metrics-1\.jsonl, window \[\d+, \d+\)\)/,
    );
  });

  it("two agents on the same key: the second refuses to start; a take-over stops the first", async function () {
    await expect(contributorAgent(1)).to.be.rejectedWith(AgentLockedError, /Another agent \(pid \d+/);
    expect(logs.some((l) => l.action === "lock" && /This agent stops/.test(l.message))).to.be.true;
    const successor = await contributorAgent(1, { wallNow: () => Date.now() + 3_600_000 });
    await expect(agents[1].runOnce()).to.be.rejectedWith(AgentLockedError);
    expect(logs.some((l) => l.action === "lock" && /another agent took over this key/.test(l.message))).to.be.true;
    await successor.stop();
  });
});
