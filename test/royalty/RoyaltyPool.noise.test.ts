import { FhevmType } from "@fhevm/hardhat-plugin";
import { expect } from "chai";
import fc from "fast-check";
import { fhevm } from "hardhat";

import { nextMaskBits, remainderBound } from "../../src/math";
import { contributionScore, expectedShare } from "../../src/math";
import { DEFAULT_METRICS, RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { claimVia, debugBalance, decrypt, endCurrentEpoch, publicValue, submit } from "../helpers/fhe";

/**
 * Noise-protected totals: with `noiseBits` = b, closing adds encrypted uniform noise in [0, 2^b) to the
 * epoch total before it is revealed, so k − 1 colluders who subtract their own scores learn the last
 * contributor's score only up to that noise. Shares use the noisy total; what they hold back stays in
 * the pool (the reveal moves only what the shares add up to at most into the payout vault) and the next
 * settlement carries it forward.
 */

const UINT64_MAX = 2n ** 64n - 1n;
const SCHEMA = DEFAULT_METRICS.map((m) => ({ weight: BigInt(m.weight), cap: BigInt(m.cap) }));
const RUNS = process.env.SOLIDITY_COVERAGE === "true" ? 2 : 10;

interface NoiseScenario {
  noiseBits: number;
  units: bigint;
  vectors: bigint[][];
}

async function runNoisyEpoch(s: NoiseScenario) {
  const f = await deployPoolFixture(defaultRules({ noiseBits: s.noiseBits }));
  const people = f.contributors.slice(0, s.vectors.length);
  await (await f.token.mint(f.funder.address, s.units * RATE)).wait();
  await (await f.pool.connect(f.funder).fund(s.units * RATE)).wait();
  for (let i = 0; i < people.length; i++) await submit(f, people[i], s.vectors[i]);
  const scores = s.vectors.map((v) => contributionScore(v, SCHEMA));
  const trueTotal = scores.reduce((a, b) => a + b, 0n);

  await endCurrentEpoch(f);
  const close = await (await f.pool.closeEpoch()).wait();
  const noised = close!.logs.map((l) => f.pool.interface.parseLog(l)).find((p) => p?.name === "EpochTotalNoised");
  expect(noised, "EpochTotalNoised emitted").to.not.equal(undefined);
  expect(noised!.args.noiseBits).to.equal(BigInt(s.noiseBits));
  const epoch = await f.pool.getEpoch(1);
  expect(noised!.args.total).to.equal(epoch.total);

  const { value: noisyTotal, proof } = await publicValue(epoch.total);
  expect(noisyTotal).to.be.gte(trueTotal);
  expect(noisyTotal - trueTotal).to.be.lt(2n ** BigInt(s.noiseBits));
  await (await f.pool.revealEpochTotal(1, noisyTotal, proof)).wait();

  // At the reveal the pool moved floor(trueTotal·factor >> shift) to the vault (computed on the total before the
  // noise, which only the pool may use): what the shares add up to at most.
  const moved = expectedShare(trueTotal, s.units, noisyTotal);
  expect(await debugBalance(f.payout, await f.registry.payoutVault())).to.equal(moved);
  const shares: bigint[] = [];
  for (let i = 0; i < people.length; i++) {
    await claimVia(f, people[i], 1);
    const share = await decrypt(await f.pool.shareOf(1, people[i].address), f.poolAddress, people[i]);
    expect(share).to.equal(expectedShare(scores[i], s.units, noisyTotal));
    shares.push(share);
  }
  const paid = shares.reduce((a, b) => a + b, 0n);
  expect(paid).to.be.lte(moved);
  expect(moved - paid).to.be.lt(BigInt(people.length)); // the per-share floors stay in the vault
  expect(moved).to.be.lte(s.units);

  // Held back by the noise (plus the factor's rounding) in the pool: the settlement borrows 2^maskBits from epoch
  // 2's pool, keeps a fresh uniform part below it hidden and releases the rest; nothing is lost:
  // released − lent + kept = pool − moved.
  const bound = remainderBound(s.units, noisyTotal, BigInt(s.noiseBits), BigInt(people.length));
  const maskBits = nextMaskBits(0n, bound);
  const lent = 1n << maskBits;
  await (await f.token.mint(f.funder.address, lent * RATE)).wait();
  await (await f.pool.connect(f.funder).fund(lent * RATE)).wait();
  await (await f.pool.requestSettlement()).wait();
  const pending = (await f.pool.settlementStatus()).pending;
  expect(pending.maskBits).to.equal(maskBits);
  const released = await publicValue(pending.released);
  await (await f.pool.settle(released.value, released.proof)).wait();
  const status = await f.pool.settlementStatus();
  const kept = await fhevm.debugger.decryptEuint(FhevmType.euint64, status.hiddenCarry);
  expect(kept).to.be.lt(lent);
  expect(released.value - lent + kept).to.equal(s.units - moved);
  expect(s.units - moved).to.be.lte(bound);
  expect((await f.pool.getEpoch(2)).pool).to.equal(lent - lent + released.value);
  return { trueTotal, noisyTotal, paid };
}

describe("RoyaltyPool: noise-protected totals", function () {
  it(`revealed total ≥ true total, Σ shares ≤ pool, the held-back part is carried forward (${RUNS} runs)`, async function () {
    const vector = fc.tuple(
      ...SCHEMA.map((m) => fc.oneof(fc.constantFrom(0n, m.cap, UINT64_MAX), fc.bigInt({ min: 0n, max: m.cap }))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          noiseBits: fc.integer({ min: 1, max: 24 }),
          units: fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: 2n ** 50n })),
          vectors: fc.array(vector, { minLength: 3, maxLength: 5 }),
        }),
        async (s) => {
          await runNoisyEpoch(s);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("draws fresh noise: two identical epochs reveal different totals", async function () {
    const s: NoiseScenario = {
      noiseBits: 40,
      units: 1_000n,
      vectors: [
        [10n, 10n, 10n],
        [20n, 20n, 20n],
        [30n, 30n, 30n],
      ],
    };
    const first = await runNoisyEpoch(s);
    const second = await runNoisyEpoch(s);
    expect(first.trueTotal).to.equal(second.trueTotal);
    // Two equal draws below 2^40 happen with probability 2^-40.
    expect(first.noisyTotal).to.not.equal(second.noisyTotal);
    expect(first.paid).to.be.lt(1_000n);
  });

  it("leaves room for the noise in the epoch capacity, and refuses noise wider than the maximum", async function () {
    const f = await deployPoolFixture(defaultRules({ noiseBits: 60 }));
    const rules = await f.pool.getRules(1);
    const maxNoise = 2n ** 60n - 1n;
    expect(rules.noiseBits).to.equal(60n);
    expect(rules.maxSubmissionsPerEpoch).to.equal((UINT64_MAX - maxNoise) / rules.maxSubmissionScore);

    const before = await f.registry.modelCount();
    await expect(
      f.registry.createModel(
        "too-noisy",
        await f.payout.getAddress(),
        defaultRules({ noiseBits: 61 }),
        f.deployer.address,
      ),
    )
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidNoiseBits")
      .withArgs(61, 60);
    // Noise so wide that fewer than k contributors could fill the epoch.
    const wide = defaultRules({ noiseBits: 60, metrics: [{ name: "m", weight: 1n, cap: 2n ** 61n }] });
    await expect(
      f.registry.createModel("no-room", await f.payout.getAddress(), wide, f.deployer.address),
    ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochCapacityTooSmall");
    expect(await f.registry.modelCount()).to.equal(before);
  });
});
