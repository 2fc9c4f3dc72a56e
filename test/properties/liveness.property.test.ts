import { FhevmType } from "@fhevm/hardhat-plugin";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fc from "fast-check";
import { ethers, fhevm } from "hardhat";

import { RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { claimVia, debugBalance, publicValue, pushVia, submit } from "../helpers/fhe";
import { ABSENT, MAX_CLAIM_WINDOW, POPULATION, PoolModel } from "./livenessModel";
import type { Command, LivenessDraws, ModelRules } from "./livenessModel";

/**
 * Liveness under any rules validation accepts and any order of calls: random sequences of governance votes
 * (k up to 2^32 − 1, noise, claim windows, epoch lengths), fundings, submissions, closes, reveals, claims,
 * absent contributors, pushes, settlements and time jumps. Invariants: Σ credited ≤ Σ moved to the vault ≤
 * Σ funded at every step, no total is ever revealed below its k, and from every reachable state honest
 * permissionless calls (plus one vote when the newest rules ask for more contributors than exist) credit, push or
 * carry every unit within a bounded number of epochs: afterwards Σ moved + current pool + hidden carry = Σ funded,
 * every earlier epoch is revealed and fully claimed, and the vault holds Σ credited plus fewer units of dust than
 * the participants. LIVENESS_RUNS model sequences (default 300) and LIVENESS_CHAIN_RUNS
 * sequences replayed on the fhEVM mock (default 2), where every call must succeed or revert as the model says.
 */
const MODEL_RUNS = Number(process.env.LIVENESS_RUNS ?? 300);
const CHAIN_RUNS = Number(process.env.LIVENESS_CHAIN_RUNS ?? (process.env.SOLIDITY_COVERAGE === "true" ? 1 : 2));
const UINT32_MAX = 2 ** 32 - 1;
/** Rounds of the honest continuation: each is one epoch of everyone, its reveal, claims, pushes, settlement. */
const CONTINUATION_ROUNDS = 4;

const rulesArb: fc.Arbitrary<ModelRules> = fc.record({
  k: fc.oneof(
    fc.integer({ min: 3, max: POPULATION }),
    fc.integer({ min: POPULATION + 1, max: 100 }),
    fc.constant(UINT32_MAX),
  ),
  epochLength: fc.constantFrom(60n, 3600n, 86_400n),
  noiseBits: fc.constantFrom(0, 4, 20),
  claimWindow: fc.constantFrom(0n, 86_400n),
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 1, arbitrary: rulesArb.map((rules): Command => ({ kind: "vote", rules })) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 1_000_000n }).map((units): Command => ({ kind: "fund", units })) },
  {
    weight: 5,
    arbitrary: fc
      .record({ who: fc.integer({ min: 0, max: POPULATION - 1 }), score: fc.bigInt({ min: 0n, max: 1_000n }) })
      .map((s): Command => ({ kind: "submit", ...s })),
  },
  { weight: 2, arbitrary: fc.constant<Command>({ kind: "close" }) },
  { weight: 2, arbitrary: fc.constant<Command>({ kind: "reveal" }) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: POPULATION - 1 }).map((who): Command => ({ kind: "claim", who })),
  },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: "push" }) },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: "settle" }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(30n, 3_600n, 86_400n, 800n * 86_400n)
      .map((seconds): Command => ({ kind: "wait", seconds })),
  },
);

/** How one run talks to the world: the model alone, or the model and the chain in lock step. */
interface Driver {
  model: PoolModel;
  vote(rules: ModelRules): Promise<void>;
  fund(units: bigint): Promise<void>;
  submit(who: number, score: bigint): Promise<void>;
  close(): Promise<void>;
  reveal(): Promise<void>;
  claim(who: number): Promise<void>;
  push(): Promise<void>;
  settle(): Promise<void>;
  wait(seconds: bigint): Promise<void>;
}

function check(model: PoolModel): void {
  expect(model.paid).to.be.lte(model.moved);
  expect(model.moved).to.be.lte(model.funded);
  for (const r of model.reveals) expect(r.participants).to.be.gte(r.k);
}

async function apply(driver: Driver, command: Command): Promise<void> {
  switch (command.kind) {
    case "vote":
      return driver.vote(command.rules);
    case "fund":
      return driver.fund(command.units);
    case "submit":
      return driver.submit(command.who, command.score);
    case "close":
      return driver.close();
    case "reveal":
      return driver.reveal();
    case "claim":
      return driver.claim(command.who);
    case "push":
      return driver.push();
    case "settle":
      return driver.settle();
    case "wait":
      return driver.wait(command.seconds);
  }
}

/** Honest permissionless calls until every unit is paid, pushed or in the current pool (bounded rounds). */
async function continuation(driver: Driver): Promise<void> {
  const m = driver.model;
  for (let round = 0; round < CONTINUATION_ROUNDS; round++) {
    const newest = m.rules[m.rules.length - 1];
    const current = m.rules[m.current.version - 1];
    if (newest.k > POPULATION || current.k > POPULATION) {
      // The one governance step liveness needs: rules nobody can meet are replaced by the next vote, with at least
      // the noise the stuck epoch's contributors submitted under (a vote never strips it from them).
      const noiseBits = Math.max(newest.noiseBits, current.noiseBits);
      await driver.vote({ ...newest, k: 3, noiseBits, claimWindow: newest.claimWindow || 86_400n });
    }
    if (m.now >= m.current.end) await driver.close();
    for (let who = 0; who < POPULATION; who++) await driver.submit(who, BigInt(who + 1));
    await driver.wait(m.current.end - m.now);
    await driver.close();
    for (let i = 0; i < m.epochs.length; i++) await driver.reveal();
    for (let who = 0; who < POPULATION; who++) if (!ABSENT.has(who)) await driver.claim(who);
    await driver.wait(MAX_CLAIM_WINDOW);
    await driver.push();
    // A masked settlement borrows 2^maskBits from the current pool: an honest funder tops it up (permissionless).
    const { lent } = m.nextLoan();
    if (m.settleable() && m.current.pool < lent) await driver.fund(lent - m.current.pool);
    await driver.settle();
    const earlier = m.epochs.slice(0, -1);
    const done = earlier.every((e) => e.state === "Revealed" && (e.factor === 0n || e.claimed.size === e.scores.size));
    if (done && !m.canSettle()) return;
  }
  throw new Error(`not settled after ${CONTINUATION_ROUNDS} honest rounds`);
}

function modelDriver(first: ModelRules, random: () => bigint): Driver {
  const draws: LivenessDraws = {
    noise: (_id, bits) => random() % (1n << BigInt(bits)),
    kept: (_s, _remainder, bits) => random() % (1n << bits),
  };
  const model = new PoolModel(first, 1_000_000n, draws);
  return {
    model,
    vote: async (rules) => void model.vote(rules),
    fund: async (units) => model.fund(units),
    submit: async (who, score) => void model.submit(who, score),
    close: async () => void model.close(),
    reveal: async () => void model.reveal(),
    claim: async (who) => {
      for (const id of model.claimable(who)) model.claim(id, who);
    },
    push: async () => {
      for (const [id, who] of model.pushable()) model.claim(id, who);
    },
    settle: async () => {
      if (model.canSettle()) model.settle();
    },
    wait: async (seconds) => {
      model.now += seconds;
    },
  };
}

function toRules(rules: ModelRules) {
  return defaultRules({
    metrics: [{ name: "units", weight: 1n, cap: 1n << 20n }],
    minParticipants: rules.k,
    epochLength: rules.epochLength,
    noiseBits: rules.noiseBits,
    claimWindow: rules.claimWindow,
    maxSubmissionsPerContributor: 1,
  });
}

/** The model and the pool in lock step: every call succeeds or reverts as the model says. */
async function chainDriver(
  f: PoolFixture,
  timelock: Awaited<ReturnType<typeof ethers.getSigners>>[number],
  first: ModelRules,
): Promise<Driver> {
  const people = f.contributors.slice(0, POPULATION);
  const noises: bigint[] = [];
  const kept: bigint[] = [];
  const draws: LivenessDraws = { noise: () => noises.shift()!, kept: () => kept.shift()! };
  const model = new PoolModel(first, BigInt(await time.latest()), draws);
  const sync = async () => {
    model.now = BigInt(await time.latest()) + 1n; // the next block's timestamp
  };
  return {
    model,
    vote: async (rules) => {
      const accepted = model.vote(rules);
      const tx = f.pool.connect(timelock).updateRules(toRules(rules));
      if (accepted) await (await tx).wait();
      else await expect(tx).to.be.reverted;
    },
    fund: async (units) => {
      await (await f.pool.connect(f.funder).fund(units * RATE)).wait();
      model.fund(units);
    },
    submit: async (who, score) => {
      await sync();
      if (model.submit(who, score)) await submit(f, people[who], [score]);
    },
    close: async () => {
      await sync();
      if (model.now < model.current.end) return;
      const id = model.currentId;
      await (await f.pool.closeEpoch()).wait();
      const epoch = await f.pool.getEpoch(id);
      if (epoch.state === 2n) {
        const { value } = await publicValue(epoch.total);
        noises.push(value - [...model.current.scores.values()].reduce((a, b) => a + b, 0n));
      }
      model.close();
      expect(await f.pool.currentEpochId()).to.equal(BigInt(model.currentId));
      expect((await f.pool.getEpoch(id)).rulesVersion).to.equal(BigInt(model.epochs[id - 1].version));
    },
    reveal: async () => {
      const id = model.reveal();
      if (id === 0) return;
      const { value, proof } = await publicValue((await f.pool.getEpoch(id)).total);
      await (await f.pool.revealEpochTotal(id, value, proof)).wait();
    },
    claim: async (who) => {
      for (const id of model.claimable(who)) {
        await claimVia(f, people[who], id);
        model.claim(id, who);
      }
    },
    push: async () => {
      await sync();
      for (const [id, who] of model.pushable()) {
        await pushVia(f, f.stranger, id, people[who].address);
        model.claim(id, who);
      }
    },
    settle: async () => {
      if (!model.canSettle()) {
        await expect(f.pool.requestSettlement()).to.be.reverted;
        return;
      }
      await (await f.pool.requestSettlement()).wait();
      const pending = (await f.pool.settlementStatus()).pending;
      const released = await publicValue(pending.released);
      await (await f.pool.settle(released.value, released.proof)).wait();
      const hidden = (await f.pool.settlementStatus()).hiddenCarry;
      kept.push(pending.maskBits === 0n ? 0n : await fhevm.debugger.decryptEuint(FhevmType.euint64, hidden));
      expect(model.settle()).to.equal(released.value);
    },
    wait: async (seconds) => {
      if (seconds > 0n) await time.increase(seconds);
      await sync();
    },
  };
}

function expectAllAccounted(model: PoolModel): void {
  expect(model.moved + model.current.pool + model.hidden).to.equal(model.funded);
  // Every share is credited: what stays in the vault beyond them is the per-share floors' dust.
  const participants = model.epochs.slice(0, -1).reduce((n, e) => n + BigInt(e.factor === 0n ? 0 : e.scores.size), 0n);
  expect(model.moved - model.paid).to.be.lte(participants);
}

describe("Properties: liveness under any accepted rules and any order of calls", function () {
  it(`every funded unit ends credited (claimed or pushed), as vault dust or in the current pool; nothing below k is revealed (${MODEL_RUNS} sequences)`, async function () {
    await fc.assert(
      fc.asyncProperty(
        rulesArb.filter((r) => r.k <= POPULATION),
        fc.array(commandArb, { minLength: 1, maxLength: 40 }),
        fc.infiniteStream(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        async (first, commands, randomness) => {
          const stream = randomness[Symbol.iterator]();
          const driver = modelDriver(
            first.noiseBits !== 0 && first.claimWindow === 0n ? { ...first, claimWindow: 86_400n } : first,
            () => stream.next().value as bigint,
          );
          for (const command of commands) {
            await apply(driver, command);
            check(driver.model);
          }
          await continuation(driver);
          check(driver.model);
          expectAllAccounted(driver.model);
        },
      ),
      { numRuns: MODEL_RUNS },
    );
  });

  it(`the pool agrees with the model, call by call (${CHAIN_RUNS} sequences on the fhEVM mock)`, async function () {
    const [, , , , , , , , , timelock] = await ethers.getSigners();
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 4, maxLength: 12 }), async (commands) => {
        const first: ModelRules = { k: 3, epochLength: 3_600n, noiseBits: 4, claimWindow: 86_400n };
        const f = await deployPoolFixture(toRules(first), timelock.address);
        const driver = await chainDriver(f, timelock, first);
        for (const command of commands) {
          await apply(driver, command);
          check(driver.model);
        }
        await continuation(driver);
        expectAllAccounted(driver.model);
        // A pool nobody funded has no balance handle yet (read as 0).
        expect(await debugBalance(f.payout, f.poolAddress)).to.equal(driver.model.current.pool + driver.model.hidden);
        expect(await debugBalance(f.payout, await f.registry.payoutVault())).to.equal(driver.model.moved);
      }),
      { numRuns: CHAIN_RUNS, endOnFailure: true },
    );
  });
});
