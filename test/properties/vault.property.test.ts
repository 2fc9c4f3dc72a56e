import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fc from "fast-check";
import { ethers, fhevm } from "hardhat";

import { RATE, defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { debugBalance, decrypt, publicValue, submit, vaultBalance, vaultOf, withdrawAmount } from "../helpers/fhe";
import type { ConfidentialPayoutToken, PayoutVault, RoyaltyPool } from "../../types";
import type { LivenessDraws, ModelRules } from "./livenessModel";
import { MAX_PAIRS, VAULT_POPULATION, VaultModel } from "./vaultModel";
import type { Amount, Pair, VaultCommand } from "./vaultModel";

/**
 * The payout vault's accounting under any order of calls over three models and two payout tokens (models 0 and 2
 * pay in token 0, model 1 in token 1): random fundings, submissions, closes, reveals, claims, batch claims (with
 * pairs that must be skipped), pushes after the claim window, withdrawals of everything or of any amount (also above
 * the balance), settlements and time jumps. Invariants after every step: per (contributor, token) the balance is
 * Σ credited − Σ withdrawn exactly, and balance + Σ withdrawn = Σ of the shares credited; per token Σ credited ≤
 * Σ moved to the vault ≤ Σ funded; a partial withdrawal above the balance moves nothing. Nothing stuck: honest
 * permissionless calls then close, reveal, claim and settle everything, everyone withdraws, and every funded unit is
 * withdrawn, left in the vault as dust (fewer units than the participants of the revealed epochs) or in a pool's
 * current epoch (which will close). VAULT_RUNS model sequences (default 1,000) and VAULT_CHAIN_RUNS sequences
 * replayed on the fhEVM mock (default 5), whose decrypted balances and payouts must equal the model's.
 */
const MODEL_RUNS = Number(process.env.VAULT_RUNS ?? 1000);
const CHAIN_RUNS = Number(process.env.VAULT_CHAIN_RUNS ?? (process.env.SOLIDITY_COVERAGE === "true" ? 1 : 5));
const MODELS = 3;
const TOKEN_OF = [0, 1, 0];

const rulesArb: fc.Arbitrary<ModelRules> = fc
  .record({
    epochLength: fc.constantFrom(60n, 3_600n),
    noiseBits: fc.constantFrom(0, 4),
    claimWindow: fc.constantFrom(0n, 86_400n),
  })
  .map((r) => ({ k: 3, ...r, claimWindow: r.noiseBits !== 0 && r.claimWindow === 0n ? 86_400n : r.claimWindow }));

function commandArb(maxUnits: bigint, maxScore: bigint): fc.Arbitrary<VaultCommand> {
  const model = fc.integer({ min: 0, max: MODELS - 1 });
  const who = fc.integer({ min: 0, max: VAULT_POPULATION - 1 });
  const amount: fc.Arbitrary<Amount> = fc.oneof(
    fc.constant<Amount>("all"),
    fc.constant<Amount>(0n),
    fc.bigInt({ min: 1n, max: 1_000n }),
    fc.bigInt({ min: 1n, max: maxUnits }),
  );
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("fund" as const), model, units: fc.bigInt({ min: 1n, max: maxUnits }) }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("submit" as const),
        model,
        who,
        score: fc.bigInt({ min: 0n, max: maxScore }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("close" as const), model }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("reveal" as const), model }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("claim" as const), model, who }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("claimMany" as const), who, skipped: fc.integer({ min: 0, max: 3 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("push" as const), model }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("withdraw" as const),
        who,
        token: fc.integer({ min: 0, max: 1 }),
        amount,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("settle" as const), model }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.constantFrom(30n, 3_600n, 86_400n) }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("play" as const),
        model,
        units: fc.bigInt({ min: 1n, max: maxUnits }),
        players: fc.subarray([0, 1, 2, 3], { minLength: 2 }),
        scores: fc.array(fc.bigInt({ min: 0n, max: maxScore }), { minLength: 4, maxLength: 4 }),
      }),
    },
  );
}

/** One run's world: the model alone, or the model and the contracts in lock step. */
interface Driver {
  model: VaultModel;
  fund(model: number, units: bigint): Promise<void>;
  submit(model: number, who: number, score: bigint): Promise<void>;
  close(model: number): Promise<void>;
  reveal(model: number): Promise<void>;
  claim(model: number, epochId: number, who: number): Promise<void>;
  claimMany(who: number, pairs: Pair[]): Promise<void>;
  push(model: number, epochId: number, who: number): Promise<void>;
  withdraw(who: number, token: number, amount: Amount): Promise<void>;
  settle(model: number): Promise<void>;
  wait(seconds: bigint): Promise<void>;
}

/** A batch of every pair `who` can claim, with `skipped` pairs that must be skipped mixed in. */
function batch(m: VaultModel, who: number, skipped: number): Pair[] {
  const pairs = m.claimablePairs(who).slice(0, MAX_PAIRS - skipped);
  const bad: Pair[] = [
    { model: 0, epochId: 999 }, // never started
    { model: 1, epochId: m.pools[1].currentId }, // open
    ...(pairs.length > 0 ? [pairs[0]] : [{ model: 2, epochId: 1 }]), // a duplicate (or maybe not claimable)
  ];
  return [...bad.slice(0, skipped), ...pairs];
}

/** Half of the withdrawals (even `who`) go to an existing balance when the drawn one has none. */
function target(m: VaultModel, c: Extract<VaultCommand, { kind: "withdraw" }>): { who: number; token: number } {
  const owned = [...m.balances.keys()];
  if (m.balances.has(`${c.who}:${c.token}`) || c.who % 2 === 1 || owned.length === 0) return c;
  const [who, token] = owned[c.token % owned.length].split(":").map(Number);
  return { who, token };
}

async function apply(d: Driver, c: VaultCommand): Promise<void> {
  const m = d.model;
  switch (c.kind) {
    case "fund":
      return d.fund(c.model, c.units);
    case "submit":
      return d.submit(c.model, c.who, c.score);
    case "close":
      return d.close(c.model);
    case "reveal":
      return d.reveal(c.model);
    case "claim": {
      const [epochId] = m.pools[c.model].claimable(c.who);
      if (epochId !== undefined) await d.claim(c.model, epochId, c.who);
      return;
    }
    case "claimMany":
      return d.claimMany(c.who, batch(m, c.who, c.skipped));
    case "push": {
      const [pair] = m.pools[c.model].pushable();
      if (pair !== undefined) await d.push(c.model, pair[0], pair[1]);
      return;
    }
    case "withdraw": {
      const { who, token } = target(m, c);
      return d.withdraw(who, token, c.amount);
    }
    case "settle":
      return d.settle(c.model);
    case "wait":
      return d.wait(c.seconds);
    case "play": {
      await d.fund(c.model, c.units);
      for (const who of c.players) await d.submit(c.model, who, c.scores[who]);
      const pool = m.pools[c.model];
      if (pool.current.end > pool.now) await d.wait(pool.current.end - pool.now);
      await d.close(c.model);
      await d.reveal(c.model);
      return;
    }
  }
}

/** Honest permissionless calls: every epoch closed and revealed, every share claimed, every pool settled. */
async function continuation(d: Driver): Promise<void> {
  const m = d.model;
  for (let model = 0; model < MODELS; model++) {
    const pool = m.pools[model];
    if (pool.now >= pool.current.end) await d.close(model);
    for (let who = 0; who < VAULT_POPULATION; who++) await d.submit(model, who, BigInt(who + 1));
  }
  const latest = m.pools.reduce((t, p) => (p.current.end > t ? p.current.end : t), 0n);
  if (latest > m.pools[0].now) await d.wait(latest - m.pools[0].now);
  for (let model = 0; model < MODELS; model++) {
    await d.close(model);
    while (m.pools[model].epochs.some((e) => e.state === "Closed")) await d.reveal(model);
  }
  for (let who = 0; who < VAULT_POPULATION; who++) {
    while (m.claimablePairs(who).length > 0) await d.claimMany(who, m.claimablePairs(who).slice(0, MAX_PAIRS));
  }
  for (let model = 0; model < MODELS; model++) {
    const pool = m.pools[model];
    const { lent } = pool.nextLoan();
    if (pool.settleable() && pool.current.pool < lent) await d.fund(model, lent - pool.current.pool);
    await d.settle(model);
  }
}

function expectNothingStuck(m: VaultModel): void {
  for (const pool of m.pools) {
    // Every earlier epoch is revealed and fully claimed; the pool holds only its current epoch and hidden carry.
    for (const e of pool.epochs.slice(0, -1)) {
      expect(e.state).to.equal("Revealed");
      if (e.factor !== 0n) expect(e.claimed.size).to.equal(e.scores.size);
    }
    expect(pool.funded - pool.moved).to.equal(pool.current.pool + pool.hidden);
  }
  for (const token of [0, 1]) {
    const t = m.totals(token);
    expect(t.balances).to.equal(0n);
    expect(t.withdrawn).to.equal(t.credited);
    // Withdrawn, dust in the vault (fewer units than participants), or in a pool's current epoch: Σ = funded.
    expect(t.moved - t.credited).to.be.lte(t.participants);
    expect(t.withdrawn + (t.moved - t.credited) + t.inPools).to.equal(t.funded);
  }
}

async function withdrawEverything(d: Driver): Promise<void> {
  for (let who = 0; who < VAULT_POPULATION; who++) {
    for (const token of [0, 1]) if (d.model.balances.has(`${who}:${token}`)) await d.withdraw(who, token, "all");
  }
}

function modelDriver(rules: ModelRules[], random: () => bigint): Driver {
  const draws = (): LivenessDraws => ({
    noise: (_id, bits) => random() % (1n << BigInt(bits)),
    kept: (_s, _remainder, bits) => random() % (1n << bits),
  });
  const model = new VaultModel(rules, TOKEN_OF, 1_000_000n, draws);
  return {
    model,
    fund: async (m, units) => model.pools[m].fund(units),
    submit: async (m, who, score) => void model.pools[m].submit(who, score),
    close: async (m) => void model.pools[m].close(),
    reveal: async (m) => void model.pools[m].reveal(),
    claim: async (m, epochId, who) => void model.claim(m, epochId, who),
    claimMany: async (who, pairs) => void model.claimMany(who, pairs),
    push: async (m, epochId, who) => void model.claim(m, epochId, who),
    withdraw: async (who, token, amount) => void model.withdraw(who, token, amount),
    settle: async (m) => {
      if (model.pools[m].canSettle()) model.pools[m].settle();
    },
    wait: async (seconds) => {
      for (const pool of model.pools) pool.now += seconds;
    },
  };
}

describe("Properties: the payout vault's accounting", function () {
  it(`balance = Σ credited − Σ withdrawn, earnings = Σ shares, credited ≤ moved ≤ funded, nothing stuck (${MODEL_RUNS} sequences)`, async function () {
    let partialAbove = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rulesArb, { minLength: MODELS, maxLength: MODELS }),
        fc.array(commandArb(2n ** 50n, 2n ** 20n), { minLength: 8, maxLength: 30, size: "max" }),
        fc.infiniteStream(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        async (rules, commands, randomness) => {
          const stream = randomness[Symbol.iterator]();
          const driver = modelDriver(rules, () => stream.next().value as bigint);
          const m = driver.model;
          for (const command of commands) {
            if (command.kind === "withdraw" && typeof command.amount === "bigint" && command.amount !== 0n) {
              const { who, token } = target(m, command);
              const before = m.balances.get(`${who}:${token}`);
              if (before !== undefined && command.amount > before) {
                const outcome = m.withdraw(who, token, command.amount);
                // Above the balance: nothing moves, the balance keeps its value.
                expect(outcome).to.deep.equal({ sent: 0n });
                expect(m.balances.get(`${who}:${token}`)).to.equal(before);
                partialAbove++;
                m.check();
                continue;
              }
            }
            await apply(driver, command);
            m.check();
          }
          await continuation(driver);
          m.check();
          await withdrawEverything(driver);
          m.check();
          expectNothingStuck(m);
        },
      ),
      { numRuns: MODEL_RUNS },
    );
    if (MODEL_RUNS >= 100) expect(partialAbove, "partial withdrawals above the balance were exercised").to.be.gt(0);
  });

  it(`the contracts agree with the model: decrypted balances and every withdrawal's payout (${CHAIN_RUNS} sequences)`, async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rulesArb, { minLength: MODELS, maxLength: MODELS }),
        fc.array(commandArb(1_000_000n, 1_000n), { minLength: 6, maxLength: 14 }),
        async (rules, commands) => {
          const driver = await chainDriver(rules);
          for (const command of commands) {
            await apply(driver, command);
            driver.model.check();
          }
          await driver.compareBalances();
          await continuation(driver);
          await withdrawEverything(driver);
          driver.model.check();
          expectNothingStuck(driver.model);
          await driver.compareHoldings();
        },
      ),
      { numRuns: CHAIN_RUNS, endOnFailure: true },
    );
  });
});

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

interface ChainDriver extends Driver {
  /** Every (contributor, token) balance decrypted by its owner equals the model's. */
  compareBalances(): Promise<void>;
  /** The vault's and the pools' token balances equal the model's. */
  compareHoldings(): Promise<void>;
}

/** Three models of one registry (two payout tokens) and the vault model in lock step. */
async function chainDriver(rules: ModelRules[]): Promise<ChainDriver> {
  const f: PoolFixture = await deployPoolFixture(toRules(rules[0]));
  const people: HardhatEthersSigner[] = f.contributors.slice(0, VAULT_POPULATION);
  const sink = f.stranger;
  const second = await (
    await ethers.getContractFactory("ConfidentialPayoutToken")
  ).deploy(await f.token.getAddress(), "Second", "SEC", "");
  const payouts: ConfidentialPayoutToken[] = [f.payout, second];
  const tokenAddresses = await Promise.all(payouts.map((p) => p.getAddress()));
  const pools: RoyaltyPool[] = [f.pool];
  const modelIds: bigint[] = [await f.registry.modelIdOf(f.poolAddress)];
  for (let m = 1; m < MODELS; m++) {
    const name = nextModelName();
    await (
      await f.registry.createModel(name, tokenAddresses[TOKEN_OF[m]], toRules(rules[m]), ethers.ZeroAddress)
    ).wait();
    const id = await f.registry.modelIdByName(name);
    const address = (await f.registry.getModel(id)).pool;
    await (await f.token.connect(f.funder).approve(address, ethers.MaxUint256)).wait();
    pools.push(await ethers.getContractAt("RoyaltyPool", address));
    modelIds.push(id);
  }
  const refs = await Promise.all(pools.map(async (pool) => ({ pool, poolAddress: await pool.getAddress() })));
  const vault: PayoutVault = await vaultOf(f);
  const noises: bigint[][] = pools.map(() => []);
  const kept: bigint[][] = pools.map(() => []);
  const draws = (m: number): LivenessDraws => ({ noise: () => noises[m].shift()!, kept: () => kept[m].shift()! });
  const model = new VaultModel(rules, TOKEN_OF, BigInt(await time.latest()), draws);
  const sync = async () => {
    const now = BigInt(await time.latest()) + 1n; // the next block's timestamp
    for (const pool of model.pools) pool.now = now;
  };
  /** The chain's record of the current epoch's times (the pools were created, and close, a few blocks apart). */
  const alignCurrent = async (m: number) => {
    const epoch = await pools[m].getEpoch(model.pools[m].currentId);
    model.pools[m].current.start = epoch.start;
    model.pools[m].current.end = epoch.end;
  };
  for (let m = 0; m < MODELS; m++) await alignCurrent(m);

  return {
    model,
    fund: async (m, units) => {
      await (await pools[m].connect(f.funder).fund(units * RATE)).wait();
      model.pools[m].fund(units);
    },
    submit: async (m, who, score) => {
      await sync();
      if (model.pools[m].submit(who, score)) await submit(refs[m], people[who], [score]);
    },
    close: async (m) => {
      await sync();
      const p = model.pools[m];
      if (p.now < p.current.end) return;
      const id = p.currentId;
      await (await pools[m].closeEpoch()).wait();
      const epoch = await pools[m].getEpoch(id);
      if (epoch.state === 2n) {
        const { value } = await publicValue(epoch.total);
        noises[m].push(value - [...p.current.scores.values()].reduce((a, b) => a + b, 0n));
      }
      p.close();
      expect(await pools[m].currentEpochId()).to.equal(BigInt(p.currentId));
      await alignCurrent(m);
    },
    reveal: async (m) => {
      await sync();
      const id = model.pools[m].reveal();
      if (id === 0) return;
      const { value, proof } = await publicValue((await pools[m].getEpoch(id)).total);
      await (await pools[m].revealEpochTotal(id, value, proof)).wait();
      model.pools[m].epochs[id - 1].revealedAt = (await pools[m].getEpoch(id)).revealedAt;
    },
    claim: async (m, epochId, who) => {
      await (await vault.connect(people[who]).claim(modelIds[m], epochId)).wait();
      const share = model.claim(m, epochId, who);
      expect(
        await decrypt(await pools[m].shareOf(epochId, people[who].address), refs[m].poolAddress, people[who]),
      ).to.equal(share);
    },
    claimMany: async (who, pairs) => {
      const request = pairs.map((p) => ({ modelId: modelIds[p.model], epochId: BigInt(p.epochId) }));
      const outcome = model.claimMany(who, pairs);
      if ("error" in outcome) {
        await expect(vault.connect(people[who]).claimMany(request)).to.be.revertedWithCustomError(vault, outcome.error);
        return;
      }
      const receipt = await (await vault.connect(people[who]).claimMany(request)).wait();
      const names = receipt!.logs
        .filter((l) => l.address === (vault.target as string))
        .map((l) => vault.interface.parseLog(l)?.name);
      expect(names.filter((n) => n === "ShareCredited")).to.have.length(outcome.credited.length);
      expect(names.filter((n) => n === "PairSkipped")).to.have.length(outcome.skipped.length);
    },
    push: async (m, epochId, who) => {
      await sync();
      await (await vault.connect(sink).pushUnclaimed(modelIds[m], epochId, people[who].address)).wait();
      model.claim(m, epochId, who);
    },
    withdraw: async (who, token, amount) => {
      const outcome = model.withdraw(who, token, amount);
      const call =
        amount === "all"
          ? vault.connect(people[who]).withdraw(tokenAddresses[token], sink.address)
          : withdrawAmount(vault, people[who], tokenAddresses[token], sink.address, amount);
      if ("error" in outcome) {
        await expect(call).to.be.revertedWithCustomError(vault, outcome.error);
        return;
      }
      const receipt = await (await call).wait();
      const withdrawn = receipt!.logs
        .filter((l) => l.address === (vault.target as string))
        .map((l) => vault.interface.parseLog(l))
        .find((p) => p?.name === "Withdrawn");
      expect(await decrypt(withdrawn!.args.sent, tokenAddresses[token], people[who])).to.equal(outcome.sent);
    },
    settle: async (m) => {
      const p = model.pools[m];
      if (!p.canSettle()) {
        await expect(pools[m].requestSettlement()).to.be.reverted;
        return;
      }
      await (await pools[m].requestSettlement()).wait();
      const pending = (await pools[m].settlementStatus()).pending;
      const released = await publicValue(pending.released);
      await (await pools[m].settle(released.value, released.proof)).wait();
      const hidden = (await pools[m].settlementStatus()).hiddenCarry;
      kept[m].push(pending.maskBits === 0n ? 0n : await fhevm.debugger.decryptEuint(FhevmType.euint64, hidden));
      expect(p.settle()).to.equal(released.value);
    },
    wait: async (seconds) => {
      if (seconds > 0n) await time.increase(seconds);
      await sync();
    },
    compareBalances: async () => {
      for (const [who, signer] of people.entries()) {
        for (const [token, address] of tokenAddresses.entries()) {
          expect(await vaultBalance(vault, signer, address)).to.equal(model.balance(who, token));
          expect(model.balances.has(`${who}:${token}`)).to.equal(
            (await vault.balanceOf(signer.address, address)) !== ethers.ZeroHash,
          );
        }
      }
    },
    compareHoldings: async () => {
      const vaultAddress = await vault.getAddress();
      for (const [token, payout] of payouts.entries()) {
        const t = model.totals(token);
        expect(await debugBalance(payout, vaultAddress)).to.equal(t.moved - t.withdrawn);
        expect(await debugBalance(payout, sink.address)).to.equal(t.withdrawn);
      }
      for (const [m, pool] of model.pools.entries()) {
        expect(await debugBalance(payouts[TOKEN_OF[m]], refs[m].poolAddress)).to.equal(pool.current.pool + pool.hidden);
      }
    },
  };
}
