/**
 * Attacks 1 and 4 of the privacy issue, played with the project's own library and contracts on the in-process
 * fhEVM mock: k − 1 colluders (or Sybils submitting zeros) read every public value of an epoch — the noisy
 * total, the share parameters, their own shares, the settlement — and narrow the victim's score.
 * Used by test/privacy/ and by the privacy section of `npm run bench`.
 */
import { FhevmType } from "@fhevm/hardhat-plugin";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import hre, { ethers } from "hardhat";

import { createModel } from "../../src/deploy";
import type { RulesParameters } from "../../src/deploy";
import { contributionScore } from "../../src/math";
import { candidateBits, fromNoisyTotal, intersect, narrowBySettlement } from "../../src/privacy";
import type { ScoreCandidates } from "../../src/privacy";
import { ModelRegistry__factory, PayoutVault__factory } from "../../types";
import type { ModelRegistry, RoyaltyPool, TestToken } from "../../types";
import { deployPaymentWorld, submitEncrypted } from "../benchCommon";

/** The reference schema of the attacks (weights 3, 1, 5). */
export const ATTACK_METRICS = [
  { name: "computeUnits", weight: 3n, cap: 1_000_000n },
  { name: "dataSamples", weight: 1n, cap: 500_000n },
  { name: "qualityScore", weight: 5n, cap: 100n },
];
const SCHEMA = ATTACK_METRICS.map((m) => ({ weight: m.weight, cap: m.cap }));
const MAX_SUBMISSION_SCORE = SCHEMA.reduce((a, m) => a + m.weight * m.cap, 0n);
/** Confidential units each attacked epoch is funded with (a pool much finer than the scores). */
const POOL_UNITS = 1_000_000_000n;
const RATE = 10n ** 12n;
const DAY = 24n * 60n * 60n;

/** One attack as the bench reports it. */
export interface PrivacyMeasurement {
  attack: string;
  description: string;
  noiseBits: number;
  trials: number;
  /** The attacker's remaining uncertainty about the victim's score, in bits, with the code before the fix. */
  bitsBefore: number;
  /** The same after the fix: the smallest and the median over the trials. */
  bitsAfterMin: number;
  bitsAfterMedian: number;
}

/** A registry, a payment token and its wrapper, shared by every attacked model. */
export class AttackWorld {
  private models = 0;

  private constructor(
    readonly deployer: Signer,
    readonly funder: Signer,
    readonly token: TestToken,
    readonly payout: string,
    readonly registry: ModelRegistry,
  ) {}

  static async create(): Promise<AttackWorld> {
    const [deployer, funder] = await ethers.getSigners();
    const { token, payout, registry } = await deployPaymentWorld(deployer, {
      mint: { to: await funder.getAddress(), amount: 10n ** 40n },
    });
    return new AttackWorld(deployer, funder, token, payout, registry);
  }

  /** A fresh funded model; `rules` as a model creator would pass them to the library. */
  async model(rules: Partial<RulesParameters>): Promise<RoyaltyPool> {
    this.models += 1;
    const pool = await createModel(this.registry, {
      modelName: `attacked-${this.models}`,
      payoutToken: this.payout,
      metrics: ATTACK_METRICS,
      epochLength: 7n * DAY,
      minParticipants: 3,
      maxSubmissionsPerContributor: 1,
      ...rules,
    });
    await (await this.token.connect(this.funder).approve(await pool.getAddress(), ethers.MaxUint256)).wait();
    await (await pool.connect(this.funder).fund(POOL_UNITS * RATE)).wait();
    return pool;
  }
}

/** What the attacker is left with after one epoch, before and after the fix, and the truth to check it. */
export interface EpochAttackOutcome {
  victimScore: bigint;
  noisyTotal: bigint;
  /** From the revealed total alone. */
  fromTotal: ScoreCandidates;
  /** Plus the settlement as the code before the fix published it (the exact remainder `pool − Σ shares`). */
  before: ScoreCandidates;
  /** Plus the settlement as published now (a masked release). */
  after: ScoreCandidates;
}

/**
 * One epoch of `victim` and `colluders` (their vectors known to the attacker); everyone claims, then anyone
 * settles. The attacker narrows the victim's score with every public value and its colluders' own shares.
 */
export async function attackEpoch(
  pool: RoyaltyPool,
  funder: Signer,
  victim: { signer: Signer; vector: readonly bigint[] },
  colluders: { signer: Signer; vector: readonly bigint[] }[],
): Promise<EpochAttackOutcome> {
  const epochId = await pool.currentEpochId();
  await submitEncrypted(pool, victim.signer, victim.vector);
  for (const c of colluders) await submitEncrypted(pool, c.signer, c.vector);
  await time.increaseTo((await pool.getEpoch(epochId)).end);
  await (await pool.closeEpoch()).wait();
  const handle = (await pool.getEpoch(epochId)).total;
  const totalDecryption = await hre.fhevm.publicDecrypt([handle]);
  const noisyTotal = totalDecryption.clearValues[handle as `0x${string}`] as bigint;
  await (await pool.revealEpochTotal(epochId, noisyTotal, totalDecryption.decryptionProof)).wait();

  const vault = PayoutVault__factory.connect(await pool.payoutVault(), funder);
  const modelId = await ModelRegistry__factory.connect(await vault.registry(), funder).modelIdOf(
    await pool.getAddress(),
  );
  for (const who of [victim.signer, ...colluders.map((c) => c.signer)]) {
    await (await vault.connect(who).claim(modelId, epochId)).wait();
  }
  const priorMaskBits = (await pool.settlementStatus()).maskBits;
  // A masked settlement borrows 2^maskBits (at most four times the epoch's pool) from the current pool: the next
  // epoch is funded first, as it would be.
  await (await pool.connect(funder).fund(4n * POOL_UNITS * RATE)).wait();
  await (await pool.requestSettlement()).wait();
  const pending = (await pool.settlementStatus()).pending;
  const lent = pending.maskBits === 0n ? 0n : 1n << pending.maskBits;
  const releasedDecryption = await hre.fhevm.publicDecrypt([pending.released]);
  const released = releasedDecryption.clearValues[pending.released as `0x${string}`] as bigint;
  await (await pool.settle(released, releasedDecryption.decryptionProof)).wait();

  const epoch = await pool.getEpoch(epochId);
  const rules = await pool.getRules(epoch.rulesVersion);
  const othersScore = colluders.reduce((a, c) => a + contributionScore(c.vector, SCHEMA), 0n);
  const fromTotal = fromNoisyTotal({
    revealedTotal: noisyTotal,
    othersScore,
    noiseBits: Number(rules.noiseBits),
    maxScore: MAX_SUBMISSION_SCORE,
  });
  const settlement = {
    pool: epoch.pool,
    shareFactor: epoch.shareFactor,
    shareShift: epoch.shareShift,
    othersScores: othersScore,
  };
  // Ground truth of what the old settlement published: the whole remainder = released + what is kept hidden.
  const hidden = (await pool.settlementStatus()).hiddenCarry;
  const kept = pending.maskBits === 0n ? 0n : await hre.fhevm.debugger.decryptEuint(FhevmType.euint64, hidden);
  const before = narrowBySettlement(fromTotal, {
    ...settlement,
    released: released - lent + kept,
    maskBits: 0n,
    lent: 0n,
    priorMaskBits: 0n,
  });
  const after = narrowBySettlement(fromTotal, {
    ...settlement,
    released,
    maskBits: pending.maskBits,
    lent,
    priorMaskBits,
  });
  return { victimScore: contributionScore(victim.vector, SCHEMA), noisyTotal, fromTotal, before, after };
}

/** A deterministic pseudo-random generator (mulberry32), so that bench figures are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A metric vector of the reference schema, drawn within the caps. */
export function randomVector(random: () => number): bigint[] {
  return SCHEMA.map((m) => BigInt(Math.floor(random() * Number(m.cap))));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Attack 1: two colluders settle after a noisy epoch they share with a victim and subtract their own shares
 * from what the settlement reveals. Before the fix the settlement revealed `pool − Σ shares`, which gives the
 * noise away; now it reveals a masked part only.
 */
export async function measureSettlementAttack(params: {
  world: AttackWorld;
  people: Signer[];
  noiseBits: number;
  trials: number;
  seed?: number;
}): Promise<PrivacyMeasurement & { outcomes: EpochAttackOutcome[] }> {
  const random = seededRandom(params.seed ?? 1);
  const outcomes: EpochAttackOutcome[] = [];
  for (let trial = 0; trial < params.trials; trial++) {
    const pool = await params.world.model({ noiseBits: params.noiseBits });
    const [victim, ...colluders] = params.people.slice(0, 3);
    outcomes.push(
      await attackEpoch(
        pool,
        params.world.funder,
        { signer: victim, vector: randomVector(random) },
        colluders.map((signer) => ({ signer, vector: randomVector(random) })),
      ),
    );
  }
  const after = outcomes.map((o) => candidateBits(o.after));
  return {
    attack: "settlement removes the noise",
    description: "2 colluders + victim, noisy total, everyone claims, permissionless settlement",
    noiseBits: params.noiseBits,
    trials: params.trials,
    bitsBefore: Math.max(...outcomes.map((o) => candidateBits(o.before))),
    bitsAfterMin: Math.min(...after),
    bitsAfterMedian: median(after),
    outcomes,
  };
}

/**
 * Attack 4: k − 1 Sybil addresses submit zeros beside one victim in a self-reported pool, so the revealed total
 * is the victim's score plus whatever noise the rules add. Before the fix a model created without explicit
 * choices had no noise; now the library's default rules add it.
 */
export async function measureSybilAttack(params: {
  world: AttackWorld;
  victim: Signer;
  sybils: Signer[];
  trials: number;
  seed?: number;
}): Promise<PrivacyMeasurement & { defaultNoiseBits: number; outcomes: EpochAttackOutcome[] }> {
  const random = seededRandom(params.seed ?? 4);
  const before: number[] = [];
  const outcomes: EpochAttackOutcome[] = [];
  let defaultNoiseBits = 0;
  for (let trial = 0; trial < params.trials; trial++) {
    const sybils = params.sybils.map((signer) => ({ signer, vector: SCHEMA.map(() => 0n) }));
    // Before: what the library created when the model creator made no choice (no noise).
    const plain = await params.world.model({ noiseBits: 0 });
    const exposed = await attackEpoch(
      plain,
      params.world.funder,
      { signer: params.victim, vector: randomVector(random) },
      sybils,
    );
    before.push(candidateBits(exposed.after));
    // After: the library's defaults, as a creator who makes no choice gets them.
    const defaults = await params.world.model({});
    defaultNoiseBits = Number((await defaults.getRules(1)).noiseBits);
    outcomes.push(
      await attackEpoch(defaults, params.world.funder, { signer: params.victim, vector: randomVector(random) }, sybils),
    );
  }
  const after = outcomes.map((o) => candidateBits(o.after));
  return {
    attack: "Sybils bypass k-anonymity",
    description: "k − 1 Sybils submit zeros beside one victim in a self-reported pool with default rules",
    noiseBits: defaultNoiseBits,
    trials: params.trials,
    bitsBefore: Math.max(...before),
    bitsAfterMin: Math.min(...after),
    bitsAfterMedian: median(after),
    defaultNoiseBits,
    outcomes,
  };
}

/** Uncertainty left about a score a victim repeats in E noisy epochs (Sybil setting), per E. */
export interface RepetitionRow {
  epochs: number;
  noiseBits: number;
  bitsMedian: number;
  bitsMin: number;
}

/**
 * The repetition effect, simulated with the same interval arithmetic as the attacks (uniform noise below
 * 2^noiseBits, drawn independently per epoch, as `FHE.randEuint64` does): each epoch confines the score to
 * `[T'ₑ − (2^b − 1), T'ₑ]`, and the attacker intersects them.
 */
export function repetitionEffect(params: {
  noiseBits: number;
  epochs: readonly number[];
  trials: number;
  seed?: number;
}): RepetitionRow[] {
  const random = seededRandom(params.seed ?? 52);
  const range = 2 ** params.noiseBits;
  const score = 10n ** 9n;
  return params.epochs.map((epochs) => {
    const bits: number[] = [];
    for (let t = 0; t < params.trials; t++) {
      let candidates: ScoreCandidates = { low: 0n, high: MAX_SUBMISSION_SCORE * 1000n };
      for (let e = 0; e < epochs; e++) {
        const noise = BigInt(Math.floor(random() * range));
        candidates = intersect(
          candidates,
          fromNoisyTotal({
            revealedTotal: score + noise,
            othersScore: 0n,
            noiseBits: params.noiseBits,
            maxScore: MAX_SUBMISSION_SCORE * 1000n,
          }),
        );
      }
      bits.push(candidateBits(candidates));
    }
    return { epochs, noiseBits: params.noiseBits, bitsMedian: median(bits), bitsMin: Math.min(...bits) };
  });
}
