import { PANIC_CODES } from "@nomicfoundation/hardhat-chai-matchers/panic";
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";

import { contributionScore, exactShare, expectedShare, shareParameters } from "../../src/math";
import type { RoyaltyMathHarness } from "../../types";

const U64_MAX = (1n << 64n) - 1n;
const TWO_64 = 1n << 64n;
const TWO_128 = 1n << 128n;

function bits(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** A uint64 biased toward the extremes: tiny values, values near 2^64, values near powers of two. */
const u64 = (min: bigint = 0n): fc.Arbitrary<bigint> =>
  fc
    .oneof(
      fc.bigInt(0n, 16n),
      fc.bigInt(U64_MAX - 16n, U64_MAX),
      fc
        .tuple(fc.integer({ min: 0, max: 64 }), fc.bigInt(-2n, 2n))
        .map(([exp, delta]) => (1n << BigInt(exp)) + delta)
        .filter((v) => v >= 0n && v <= U64_MAX),
      fc.bigInt(0n, U64_MAX),
    )
    .map((v) => (v < min ? min : v));

/** A value with exactly `n` bits (n in [1, 64]). */
const withBits = (n: number): fc.Arbitrary<bigint> => fc.bigInt(1n << BigInt(n - 1), (1n << BigInt(n)) - 1n);

/** (pool, total) pairs: independent, forced onto the narrow path, or on the 64/65-bit boundary. */
const poolAndTotal: fc.Arbitrary<[bigint, bigint]> = fc.oneof(
  fc.tuple(u64(0n), u64(1n)),
  fc.integer({ min: 1, max: 63 }).chain((poolBits) =>
    fc.tuple(
      withBits(poolBits),
      fc.integer({ min: 1, max: 64 - poolBits }).chain((tb) => withBits(tb)),
    ),
  ),
  fc
    .tuple(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: 65 }))
    .filter(([pb, sum]) => sum - pb >= 1 && sum - pb <= 64)
    .chain(([pb, sum]) => fc.tuple(withBits(pb), withBits(sum - pb))),
);

/** A score in [0, total], biased toward 0, total and values close to total. */
const scoreUpTo = (total: bigint): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.constant(0n),
    fc.constant(total),
    fc.bigInt(total > 16n ? total - 16n : 0n, total),
    fc.bigInt(0n, total < 16n ? total : 16n),
    fc.bigInt(0n, total),
  );

const poolTotalScore: fc.Arbitrary<[bigint, bigint, bigint]> = poolAndTotal.chain(([pool, total]) =>
  scoreUpTo(total).map((score): [bigint, bigint, bigint] => [pool, total, score]),
);

/** Split `total` into 1..20 non-negative parts that sum to it (cut points in [0, total]). */
const splitOf = (total: bigint): fc.Arbitrary<bigint[]> =>
  fc.array(fc.oneof(fc.bigInt(0n, total), fc.constant(0n), fc.constant(total)), { maxLength: 19 }).map((cuts) => {
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const parts: bigint[] = [];
    let previous = 0n;
    for (const cut of sorted) {
      parts.push(cut - previous);
      previous = cut;
    }
    parts.push(total - previous);
    return parts;
  });

const poolTotalParts: fc.Arbitrary<[bigint, bigint, bigint[]]> = poolAndTotal.chain(([pool, total]) =>
  splitOf(total).map((parts): [bigint, bigint, bigint[]] => [pool, total, parts]),
);

describe("RoyaltyMath", function () {
  let harness: RoyaltyMathHarness;

  before(async function () {
    const factory = await ethers.getContractFactory("RoyaltyMathHarness");
    harness = await factory.deploy();
    await harness.waitForDeployment();
  });

  async function onChainShare(score: bigint, pool: bigint, total: bigint): Promise<bigint> {
    const [factor, shift] = await harness.shareParameters(pool, total);
    return harness.share(score, factor, shift);
  }

  describe("shareParameters: known values", function () {
    it("returns factor 0 (and shift 0, narrow) when the pool is 0", async function () {
      for (const total of [1n, 1000n, U64_MAX]) {
        const [factor, shift, wide] = await harness.shareParameters(0n, total);
        expect([factor, shift, wide]).to.deep.equal([0n, 0n, false]);
        expect(await harness.share(total, factor, shift)).to.equal(0n);
      }
    });

    it("returns factor 0 (and shift 0, narrow) when the total is 0", async function () {
      for (const pool of [1n, 1000n, U64_MAX]) {
        const [factor, shift, wide] = await harness.shareParameters(pool, 0n);
        expect([factor, shift, wide]).to.deep.equal([0n, 0n, false]);
      }
    });

    it("gives exact shares when pool == total (narrow, factor = 2^bits(total))", async function () {
      const [factor, shift, wide] = await harness.shareParameters(1000n, 1000n);
      expect(wide).to.be.false;
      expect(shift).to.equal(10n);
      expect(factor).to.equal(1024n);
      for (const score of [0n, 1n, 499n, 999n, 1000n]) {
        expect(await harness.share(score, factor, shift)).to.equal(score);
      }
    });

    it("takes the narrow path when bits(P) + bits(T) == 64", async function () {
      const cases: [bigint, bigint][] = [
        [1n << 31n, (1n << 32n) - 1n], // 32 + 32
        [(1n << 32n) - 1n, (1n << 32n) - 1n], // 32 + 32
        [1n, (1n << 63n) - 1n], // 1 + 63
        [(1n << 63n) - 1n, 1n], // 63 + 1
      ];
      for (const [pool, total] of cases) {
        expect(bits(pool) + bits(total)).to.equal(64);
        const [factor, shift, wide] = await harness.shareParameters(pool, total);
        expect(wide, `wide for P=${pool} T=${total}`).to.be.false;
        expect(shift).to.equal(BigInt(bits(total)));
        expect(factor).to.equal((pool << BigInt(bits(total))) / total);
        // The largest product (score = T) still fits 64 bits.
        expect(total * factor < TWO_64).to.be.true;
        const got = await harness.share(total, factor, shift);
        expect(got === pool || got === pool - 1n, `share(T)=${got} for P=${pool}`).to.be.true;
      }
    });

    it("takes the wide path when bits(P) + bits(T) == 65", async function () {
      const cases: [bigint, bigint][] = [
        [1n << 32n, (1n << 32n) - 1n], // 33 + 32
        [1n, U64_MAX], // 1 + 64
        [U64_MAX, 1n], // 64 + 1
        [(1n << 63n) - 1n, 2n], // 63 + 2
      ];
      for (const [pool, total] of cases) {
        expect(bits(pool) + bits(total)).to.equal(65);
        const [factor, shift, wide] = await harness.shareParameters(pool, total);
        expect(wide, `wide for P=${pool} T=${total}`).to.be.true;
        expect(shift).to.equal(64n);
        expect(factor).to.equal((pool << 64n) / total);
        expect(total * factor < TWO_128).to.be.true;
        const got = await harness.share(total, factor, shift);
        expect(got === pool || got === pool - 1n, `share(T)=${got} for P=${pool}`).to.be.true;
      }
    });

    it("handles P = T = score = 2^64-1 exactly (wide, factor 2^64, share = P)", async function () {
      const [factor, shift, wide] = await harness.shareParameters(U64_MAX, U64_MAX);
      expect(wide).to.be.true;
      expect(shift).to.equal(64n);
      expect(factor).to.equal(TWO_64);
      const got = await harness.share(U64_MAX, factor, shift);
      expect(got).to.equal(U64_MAX);
      expect(got <= exactShare(U64_MAX, U64_MAX, U64_MAX)).to.be.true;
      expect(got >= U64_MAX - 1n).to.be.true;
    });

    it("can pay one unit less than the exact share (narrow: P=1, T=3, score=3 → 0)", async function () {
      const [factor, shift, wide] = await harness.shareParameters(1n, 3n);
      expect([factor, shift, wide]).to.deep.equal([1n, 2n, false]);
      expect(exactShare(3n, 1n, 3n)).to.equal(1n);
      expect(await harness.share(3n, factor, shift)).to.equal(0n);
    });

    it("can pay one unit less than the exact share (wide: P=2^64-1, T=7, score=7 → P-1)", async function () {
      const [factor, shift, wide] = await harness.shareParameters(U64_MAX, 7n);
      expect(wide).to.be.true;
      expect(shift).to.equal(64n);
      expect(factor).to.equal((U64_MAX << 64n) / 7n);
      expect(await harness.share(7n, factor, shift)).to.equal(U64_MAX - 1n);
    });

    it("pays P or P-1 for score = T on a set of edge pairs", async function () {
      const edges = [1n, 2n, 3n, 7n, 1000n, (1n << 32n) - 1n, 1n << 32n, (1n << 63n) + 1n, U64_MAX - 1n, U64_MAX];
      for (const pool of edges) {
        for (const total of edges) {
          const got = await onChainShare(total, pool, total);
          expect(got === pool || got === pool - 1n, `P=${pool} T=${total} share(T)=${got}`).to.be.true;
          expect(got).to.equal(expectedShare(total, pool, total));
        }
      }
    });
  });

  describe("bitLength", function () {
    it("returns the number of binary digits for edge values", async function () {
      const cases: [bigint, bigint][] = [
        [0n, 0n],
        [1n, 1n],
        [2n, 2n],
        [3n, 2n],
        [4n, 3n],
        [1n << 32n, 33n],
        [(1n << 63n) - 1n, 63n],
        [1n << 63n, 64n],
        [U64_MAX, 64n],
      ];
      for (const [value, expected] of cases) {
        expect(await harness.bitLength(value), `bitLength(${value})`).to.equal(expected);
      }
    });

    it("takes only 64-bit values (the ABI rejects 2^64)", async function () {
      await expect(harness.bitLength(TWO_64)).to.be.rejected;
    });

    it("matches the binary length on random uint64 values", async function () {
      await fc.assert(
        fc.asyncProperty(u64(0n), async (value) => {
          expect(await harness.bitLength(value)).to.equal(BigInt(bits(value)));
        }),
        { numRuns: 100 },
      );
    });
  });

  describe("maxSubmissionScore", function () {
    it("returns 0 for an empty schema", async function () {
      expect(await harness.maxSubmissionScore([], [])).to.equal(0n);
    });

    it("returns the exact uint256 sum for uint64-max weights and caps (no overflow)", async function () {
      const weights = Array<bigint>(20).fill(U64_MAX);
      const caps = Array<bigint>(20).fill(U64_MAX);
      const expected = 20n * U64_MAX * U64_MAX;
      expect(expected > U64_MAX).to.be.true;
      expect(await harness.maxSubmissionScore(weights, caps)).to.equal(expected);
      expect(await harness.maxSubmissionScore([U64_MAX], [U64_MAX])).to.equal(U64_MAX * U64_MAX);
    });

    it("computes sum(weight * cap) for known values", async function () {
      expect(await harness.maxSubmissionScore([3n, 1n, 5n], [1_000_000n, 500_000n, 100n])).to.equal(3_500_500n);
    });

    it("reverts with an out-of-bounds panic when there are fewer caps than weights", async function () {
      await expect(harness.maxSubmissionScore([1n, 2n], [3n])).to.be.revertedWithPanic(
        PANIC_CODES.ARRAY_ACCESS_OUT_OF_BOUNDS,
      );
    });

    it("equals contributionScore at the caps and bounds it for any metrics (random schemas)", async function () {
      const schemaArb = fc.array(fc.record({ weight: u64(0n), cap: u64(0n) }), { minLength: 0, maxLength: 8 });
      await fc.assert(
        fc.asyncProperty(
          schemaArb.chain((schema) =>
            fc.tuple(fc.constant(schema), fc.array(u64(0n), { minLength: schema.length, maxLength: schema.length })),
          ),
          async ([schema, metrics]) => {
            const bound = await harness.maxSubmissionScore(
              schema.map((m) => m.weight),
              schema.map((m) => m.cap),
            );
            const atCaps = contributionScore(
              schema.map((m) => m.cap),
              schema,
            );
            expect(bound).to.equal(atCaps);
            expect(bound).to.equal(schema.reduce((sum, m) => sum + m.weight * m.cap, 0n));
            expect(contributionScore(metrics, schema) <= bound).to.be.true;
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe("properties (fast-check)", function () {
    it("TS mirror shareParameters/expectedShare equals the harness", async function () {
      await fc.assert(
        fc.asyncProperty(poolTotalScore, async ([pool, total, score]) => {
          const [factor, shift, wide] = await harness.shareParameters(pool, total);
          const mirror = shareParameters(pool, total);
          expect({ factor, shift, wide }).to.deep.equal(mirror);
          expect(await harness.share(score, factor, shift)).to.equal(expectedShare(score, pool, total));
        }),
        { numRuns: 150 },
      );
    });

    it("expectedShare is exactShare or exactShare - 1, never above", function () {
      fc.assert(
        fc.property(poolTotalScore, ([pool, total, score]) => {
          const got = expectedShare(score, pool, total);
          const exact = exactShare(score, pool, total);
          expect(got <= exact, `P=${pool} T=${total} s=${score}: ${got} > ${exact}`).to.be.true;
          expect(got >= exact - 1n, `P=${pool} T=${total} s=${score}: ${got} < ${exact} - 1`).to.be.true;
          expect(got >= 0n).to.be.true;
        }),
        { numRuns: 2000 },
      );
    });

    it("score * factor fits 64 bits on the narrow path and 128 bits on the wide path", function () {
      fc.assert(
        fc.property(poolTotalScore, ([pool, total, score]) => {
          const { factor, shift, wide } = shareParameters(pool, total);
          expect(wide === bits(pool) + bits(total) > 64, `path for P=${pool} T=${total}`).to.be.true;
          expect(factor < TWO_128).to.be.true;
          if (wide) {
            expect(shift).to.equal(64n);
            expect(score * factor < TWO_128).to.be.true;
          } else {
            expect(score * factor < TWO_64, `P=${pool} T=${total} s=${score} f=${factor}`).to.be.true;
          }
          // The shift must exceed the score's bit length for the error bound to hold.
          if (factor !== 0n) expect(score < 1n << shift).to.be.true;
        }),
        { numRuns: 2000 },
      );
    });

    it("shares of a split of T sum to at most P and at least P - parts", function () {
      fc.assert(
        fc.property(poolTotalParts, ([pool, total, parts]) => {
          expect(parts.reduce((a, b) => a + b, 0n)).to.equal(total);
          const paid = parts.reduce((sum, part) => sum + expectedShare(part, pool, total), 0n);
          const n = BigInt(parts.length);
          expect(paid <= pool, `P=${pool} T=${total} paid=${paid}`).to.be.true;
          expect(paid >= pool - n, `P=${pool} T=${total} n=${n} paid=${paid}`).to.be.true;
        }),
        { numRuns: 2000 },
      );
    });

    it("on-chain shares of a split of T sum to at most P and at least P - parts", async function () {
      await fc.assert(
        fc.asyncProperty(poolTotalParts, async ([pool, total, parts]) => {
          const [factor, shift] = await harness.shareParameters(pool, total);
          let paid = 0n;
          for (const part of parts) paid += await harness.share(part, factor, shift);
          expect(paid <= pool).to.be.true;
          expect(paid >= pool - BigInt(parts.length)).to.be.true;
        }),
        { numRuns: 25 },
      );
    });
  });
});
