import { FhevmType } from "@fhevm/hardhat-plugin";
import { expect } from "chai";
import fc from "fast-check";
import { ethers, fhevm } from "hardhat";

import { contributionScore, exactShare, expectedShare } from "../../src/math";
import { DEFAULT_METRICS, RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import {
  claimVia,
  closeAndReveal,
  debugBalance,
  decrypt,
  modelIdOf,
  publicValue,
  submit,
  vaultBalance,
  vaultOf,
} from "../helpers/fhe";

/**
 * Property tests of a whole epoch on the fhEVM mock: random contributor sets, metric vectors at
 * the edges (0, 2^64 − 1, around the caps), random funding with sub-unit dust. Every run deploys a
 * fresh pool (no snapshots: loadFixture breaks under the fhEVM mock), so runs are few and bounded.
 */

const UINT64_MAX = 2n ** 64n - 1n;
const MAX_SUBMISSIONS = 2;

interface Schema {
  weight: bigint;
  cap: bigint;
}

interface Scenario {
  schema: Schema[];
  /** One list of metric vectors (1..MAX_SUBMISSIONS submissions) per contributor, 3..6 contributors. */
  submissions: bigint[][][];
  /** Fundings of epoch 1: whole confidential units and sub-unit dust (which stays with the funder). */
  fundings: { units: bigint; dust: bigint }[];
  /** Units funded into epoch 2 before the settlement (its liability). */
  nextEpochUnits: bigint;
  /** Which contributor's score and share a random other signer tries to decrypt, and which signer. */
  victim: number;
  spy: number;
}

/** A metric value: the edges (0, 2^64 − 1, cap ± 1) or anything. */
function metricValue(cap: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.constantFrom(0n, UINT64_MAX, cap - 1n, cap, cap + 1n),
    fc.bigInt({ min: 0n, max: cap * 2n }),
    fc.bigInt({ min: 0n, max: UINT64_MAX }),
  );
}

function scenario(schemaArb: fc.Arbitrary<Schema[]>): fc.Arbitrary<Scenario> {
  return schemaArb.chain((schema) =>
    fc.record({
      schema: fc.constant(schema),
      submissions: fc.array(
        fc.array(fc.tuple(...schema.map((m) => metricValue(m.cap))), { minLength: 1, maxLength: MAX_SUBMISSIONS }),
        { minLength: 3, maxLength: 6 },
      ),
      fundings: fc.array(
        fc.record({
          // Up to 2^50 units: large pools take the 128-bit share path, small ones the 64-bit path.
          units: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 2n ** 50n })),
          dust: fc.oneof(fc.constant(0n), fc.constant(RATE - 1n), fc.bigInt({ min: 0n, max: RATE - 1n })),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      nextEpochUnits: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 9n })),
      victim: fc.nat({ max: 5 }),
      spy: fc.nat({ max: 18 }),
    }),
  );
}

/** The default schema (computeUnits ×3 cap 10^6, dataSamples ×1 cap 5·10^5, qualityScore ×5 cap 100). */
const DEFAULT_SCHEMA: Schema[] = DEFAULT_METRICS.map((m) => ({ weight: BigInt(m.weight), cap: BigInt(m.cap) }));

/** 1–3 metrics; weight 1 (no multiply), a power of two (a shift) or any small weight; small and large caps. */
const RANDOM_SCHEMA: fc.Arbitrary<Schema[]> = fc.array(
  fc.record({
    weight: fc.oneof(
      fc.constant(1n),
      fc.integer({ min: 1, max: 10 }).map((k) => 2n ** BigInt(k)),
      fc.bigInt({ min: 1n, max: 1_000n }),
    ),
    cap: fc.oneof(fc.constant(1n), fc.bigInt({ min: 1n, max: 1_000_000n }), fc.bigInt({ min: 1n, max: 2n ** 40n })),
  }),
  { minLength: 1, maxLength: 3 },
);

interface EpochOutcome {
  pool: bigint;
  total: bigint;
  shares: bigint[];
  remainder: bigint;
  carried: bigint;
  /** The pool took the 128-bit share path. */
  wide: boolean;
}

/** Runs one full epoch of a scenario and checks every invariant on the way; returns what it saw. */
async function runEpoch(s: Scenario): Promise<EpochOutcome> {
  const metrics = s.schema.map((m, i) => ({ name: `m${i}`, weight: m.weight, cap: m.cap }));
  const f: PoolFixture = await deployPoolFixture(
    defaultRules({ metrics, maxSubmissionsPerContributor: MAX_SUBMISSIONS }),
  );
  const people = f.contributors.slice(0, s.submissions.length);
  const payout = await f.payout.getAddress();

  // Fund: only whole units move; the dust stays with the funder.
  const amounts = s.fundings.map(({ units, dust }) => units * RATE + dust);
  const sum = amounts.reduce((a, b) => a + b, 0n);
  await (await f.token.mint(f.funder.address, sum + s.nextEpochUnits * RATE)).wait();
  const funderBefore = await f.token.balanceOf(f.funder.address);
  for (const amount of amounts) await (await f.pool.connect(f.funder).fund(amount)).wait();
  const pool = s.fundings.reduce((a, { units }) => a + units, 0n);
  expect(await f.token.balanceOf(f.funder.address)).to.equal(funderBefore - pool * RATE);
  expect((await f.pool.getEpoch(1)).pool).to.equal(pool);

  // Submit.
  const scores = s.submissions.map((vectors) => vectors.reduce((a, v) => a + contributionScore(v, s.schema), 0n));
  for (let i = 0; i < people.length; i++) {
    for (const vector of s.submissions[i]) await submit(f, people[i], vector);
  }

  // Close and reveal: the public total is the sum of the scores.
  const { epochId, total } = await closeAndReveal(f);
  expect(total).to.equal(scores.reduce((a, b) => a + b, 0n));
  expect(total).to.be.lte(UINT64_MAX);
  const { wideShare: wide } = await f.pool.getEpoch(epochId);

  // At the reveal the pool moved what the shares add up to at most, floor(total·factor >> shift), to the vault.
  const vault = await vaultOf(f);
  const vaultAddress = await vault.getAddress();
  const moved = total === 0n ? 0n : expectedShare(total, pool, total);
  expect(await debugBalance(f.payout, vaultAddress)).to.equal(moved);

  // Claim: each share is floor(score·pool/total) or one unit less, credited in full to the vault balance.
  const shares: bigint[] = [];
  let carried = 0n;
  const modelId = await modelIdOf(f);
  if (total === 0n) {
    carried = pool;
    expect((await f.pool.getEpoch(2)).pool).to.equal(pool);
    await expect(vault.connect(people[0]).claim(modelId, epochId))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToClaim")
      .withArgs(epochId);
  } else {
    for (let i = 0; i < people.length; i++) {
      await claimVia(f, people[i], epochId);
      const share = await decrypt(await f.pool.shareOf(epochId, people[i].address), f.poolAddress, people[i]);
      expect(share).to.equal(expectedShare(scores[i], pool, total));
      expect(exactShare(scores[i], pool, total) - share).to.be.oneOf([0n, 1n]);
      expect(await vaultBalance(vault, people[i], payout)).to.equal(share);
      shares.push(share);
    }
  }
  const paid = shares.reduce((a, b) => a + b, 0n);
  expect(paid).to.be.lte(moved);
  // The per-share floors leave fewer units than participants in the vault (the documented dust).
  expect(moved - paid).to.be.lt(BigInt(people.length));
  expect(moved).to.be.lte(pool);
  expect((await f.pool.settlementStatus()).outstandingEpochs).to.equal(0n);

  // Privacy: another signer cannot decrypt the victim's score or share.
  const victim = people[s.victim % people.length];
  const others = (await ethers.getSigners()).filter((x) => x.address !== victim.address);
  const spy = others[s.spy % others.length];
  await expect(decrypt(await f.pool.scoreOf(epochId, victim.address), f.poolAddress, spy)).to.be.rejected;
  if (total !== 0n) {
    await expect(decrypt(await f.pool.shareOf(epochId, victim.address), f.poolAddress, spy)).to.be.rejected;
  }

  // Settle: the revealed balance is the next epoch's liability plus the remainder; nothing is stuck.
  if (s.nextEpochUnits > 0n) await (await f.pool.connect(f.funder).fund(s.nextEpochUnits * RATE)).wait();
  await (await f.pool.requestSettlement()).wait();
  const pending = (await f.pool.settlementStatus()).pending;
  const { value, proof } = await publicValue(pending.released);
  const receipt = await (await f.pool.settle(value, proof)).wait();
  const settled = receipt!.logs
    .map((log) => f.pool.interface.parseLog(log))
    .find((parsed) => parsed?.name === "PoolSettled");
  expect(settled, "PoolSettled emitted").to.not.equal(undefined);
  // No noise here: nothing is masked, the whole remainder (the factor's rounding) is released into epoch 2.
  expect(pending.maskBits).to.equal(0n);
  const remainder = settled!.args.released as bigint;
  expect(remainder).to.equal(value);
  expect(moved + remainder + carried).to.equal(pool);
  // Every unit is credited, dust in the vault, or back in the current pool.
  expect(paid + (moved - paid) + remainder + carried).to.equal(pool);
  expect(await debugBalance(f.payout, vaultAddress)).to.equal(moved);

  const next = await f.pool.getEpoch(2);
  expect(next.pool).to.equal(s.nextEpochUnits + carried + remainder);
  // The pool's confidential balance is exactly what it owes now: the next epoch's pool.
  const balance = await fhevm.debugger.decryptEuint(
    FhevmType.euint64,
    await f.payout.confidentialBalanceOf(f.poolAddress),
  );
  expect(balance).to.equal(next.pool);
  return { pool, total, shares, remainder, carried, wide };
}

/**
 * Runs per property (fixed examples included). Under `npm run coverage` every transaction is
 * instrumented and about eight times slower, so the coverage run keeps only a few.
 */
const RUNS = process.env.SOLIDITY_COVERAGE === "true" ? 4 : 15;

describe("Properties: a full epoch on the fhEVM mock", function () {
  it(`default schema: Σ shares ≤ pool, each share exact within one unit, nothing stuck, nothing leaked (${RUNS} runs)`, async function () {
    const seen = { wide: 0, narrow: 0, zeroTotal: 0 };
    await fc.assert(
      fc.asyncProperty(scenario(fc.constant(DEFAULT_SCHEMA)), async (s) => {
        const outcome = await runEpoch(s);
        if (outcome.total === 0n) seen.zeroTotal++;
        else if (outcome.wide) seen.wide++;
        else seen.narrow++;
      }),
      {
        numRuns: RUNS,
        endOnFailure: true,
        examples: [
          // Every metric at 2^64 − 1 (capped), a pool near 2^50: the 128-bit path.
          [
            {
              schema: DEFAULT_SCHEMA,
              submissions: Array.from({ length: 6 }, () => [[UINT64_MAX, UINT64_MAX, UINT64_MAX]]),
              fundings: [{ units: 2n ** 50n, dust: RATE - 1n }],
              nextEpochUnits: 7n,
              victim: 5,
              spy: 0,
            },
          ],
          // Modest metrics and pool: the 64-bit path, with dust on every funding.
          [
            {
              schema: DEFAULT_SCHEMA,
              submissions: [
                [[999_999n, 1n, 99n]],
                [
                  [1_000_000n, 500_000n, 100n],
                  [1n, 1n, 1n],
                ],
                [[0n, 0n, 101n]],
              ],
              fundings: [
                { units: 1_000n, dust: 1n },
                { units: 7n, dust: RATE - 1n },
              ],
              nextEpochUnits: 0n,
              victim: 2,
              spy: 7,
            },
          ],
          // All zero: the whole pool is carried forward.
          [
            {
              schema: DEFAULT_SCHEMA,
              submissions: [[[0n, 0n, 0n]], [[0n, 0n, 0n]], [[0n, 0n, 0n]]],
              fundings: [{ units: 3n, dust: 1n }],
              nextEpochUnits: 0n,
              victim: 0,
              spy: 1,
            },
          ],
        ],
      },
    );
    expect(seen.wide + seen.narrow + seen.zeroTotal).to.be.greaterThanOrEqual(RUNS);
    expect(seen.wide, "the 128-bit path was exercised").to.be.greaterThan(0);
    expect(seen.narrow, "the 64-bit path was exercised").to.be.greaterThan(0);
    expect(seen.zeroTotal, "a zero total was exercised").to.be.greaterThan(0);
  });

  it(`random schemas (weights 1, powers of two, any; caps up to 2^40): the same invariants (${RUNS} runs)`, async function () {
    await fc.assert(
      fc.asyncProperty(scenario(RANDOM_SCHEMA), async (s) => {
        await runEpoch(s);
      }),
      {
        numRuns: RUNS,
        endOnFailure: true,
        examples: [
          // Small pool, large total: the 64-bit path with many zero shares.
          [
            {
              schema: [{ weight: 1024n, cap: 2n ** 40n }],
              submissions: [[[UINT64_MAX]], [[2n ** 40n - 1n], [1n]], [[0n]], [[2n ** 40n + 1n]]],
              fundings: [{ units: 1n, dust: 0n }],
              nextEpochUnits: 1n,
              victim: 1,
              spy: 3,
            },
          ],
        ],
      },
    );
  });
});
