import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { contributionScore } from "../../src/math";
import type { EncryptedRoyaltyMathHarness, RoyaltyMathHarness } from "../../types";
import { decrypt, encryptMetrics } from "../helpers/fhe";

const U64_MAX = (1n << 64n) - 1n;

describe("EncryptedRoyaltyMath", function () {
  let harness: EncryptedRoyaltyMathHarness;
  let plain: RoyaltyMathHarness;
  let address: string;

  beforeEach(async function () {
    harness = await (await ethers.getContractFactory("EncryptedRoyaltyMathHarness")).deploy();
    plain = await (await ethers.getContractFactory("RoyaltyMathHarness")).deploy();
    address = await harness.getAddress();
  });

  async function caller() {
    return (await ethers.getSigners())[0];
  }

  async function weightedSum(values: readonly bigint[], multiplier: bigint) {
    const me = await caller();
    const enc = await encryptMetrics(address, me.address, values);
    const receipt = await (await harness.weightedSum(enc.handles, enc.inputProof, multiplier)).wait();
    const sum = await decrypt(await harness.result(), address, me);
    const capped = await Promise.all((await harness.capped()).map((h) => decrypt(h, address, me)));
    return { sum, capped, hcu: fhevm.computeTransactionHCU(receipt!).globalHCU };
  }

  async function scale(value: bigint, weight: bigint) {
    const me = await caller();
    const enc = await encryptMetrics(address, me.address, [value]);
    const receipt = await (await harness.scale(enc.handles[0], enc.inputProof, weight)).wait();
    return { value: await decrypt(await harness.result(), address, me), hcu: fhevm.computeTransactionHCU(receipt!) };
  }

  async function share(score: bigint, pool: bigint, total: bigint) {
    const me = await caller();
    const [factor, shift, wide] = await plain.shareParameters(pool, total);
    const enc = await encryptMetrics(address, me.address, [score]);
    await (await harness.share(enc.handles[0], enc.inputProof, factor, shift, wide)).wait();
    return {
      value: await decrypt(await harness.result(), address, me),
      twin: await plain.share(score, factor, shift),
      wide,
    };
  }

  it("weightedSum: sum of weight × multiplier × min(value, cap), values left capped, matching the library's contributionScore", async function () {
    const schema = [
      { name: "computeUnits", weight: 3n, cap: 1_000_000n },
      { name: "dataSamples", weight: 1n, cap: 500_000n },
      { name: "qualityScore", weight: 64n, cap: 100n },
    ];
    await (await harness.setSchema(schema)).wait();
    for (const [values, multiplier] of [
      [[1n, 2n, 3n], 1n],
      [[U64_MAX, 500_000n, 101n], 1n],
      [[0n, 0n, 0n], 1n],
      [[7n, 9n, 11n], 2n],
      [[999_999n, 600_000n, 50n], 3n],
    ] as [bigint[], bigint][]) {
      const { sum, capped } = await weightedSum(values, multiplier);
      const expectedCapped = values.map((v, i) => (v < schema[i].cap ? v : schema[i].cap));
      expect(capped).to.deep.equal(expectedCapped);
      const expected = expectedCapped.reduce((acc, v, i) => acc + v * schema[i].weight * multiplier, 0n);
      expect(sum).to.equal(expected);
      if (multiplier === 1n) {
        expect(sum).to.equal(
          contributionScore(
            values,
            schema.map((m) => ({ weight: m.weight, cap: m.cap })),
          ),
        );
      }
    }
  });

  it("weightedSum: a weight of 1 costs no multiply and a power of two a shift", async function () {
    await (await harness.setSchema([{ name: "a", weight: 1n, cap: 10n }])).wait();
    const one = await weightedSum([5n], 1n);
    await (await harness.setSchema([{ name: "a", weight: 4n, cap: 10n }])).wait();
    const four = await weightedSum([5n], 1n);
    await (await harness.setSchema([{ name: "a", weight: 3n, cap: 10n }])).wait();
    const three = await weightedSum([5n], 1n);
    expect([one.sum, four.sum, three.sum]).to.deep.equal([5n, 20n, 15n]);
    expect(one.hcu).to.be.lt(four.hcu);
    expect(four.hcu).to.be.lt(three.hcu);
  });

  it("scale: exact for 1, powers of two and other weights, up to the 64-bit limit", async function () {
    const cases: [bigint, bigint][] = [
      [5n, 1n],
      [5n, 2n],
      [1n, 1n << 63n],
      [1n << 32n, 1n << 31n],
      [7n, 3n],
      [U64_MAX / 5n, 5n],
      [0n, 12345n],
    ];
    for (const [value, weight] of cases) {
      expect((await scale(value, weight)).value).to.equal(value * weight);
    }
    const free = await scale(5n, 1n);
    const shift = await scale(5n, 8n);
    const mul = await scale(5n, 7n);
    expect(free.hcu.globalHCU).to.be.lt(shift.hcu.globalHCU);
    expect(shift.hcu.globalHCU).to.be.lt(mul.hcu.globalHCU);
  });

  it("share: equals RoyaltyMath's plaintext twin on the narrow and the wide path, at most floor(score × pool / total)", async function () {
    const cases: [bigint, bigint, bigint][] = [
      [1n, 1_000n, 3n],
      [2n, 1_000n, 3n],
      [3_000_600n, 10n ** 9n, 9_001_800n],
      [3_000_600n, 10n ** 15n, 9_001_800n],
      [U64_MAX, U64_MAX, U64_MAX],
      [U64_MAX - 1n, U64_MAX, U64_MAX],
      [0n, 10n ** 15n, 12345n],
    ];
    const paths = new Set<boolean>();
    for (const [score, pool, total] of cases) {
      const result = await share(score, pool, total);
      paths.add(result.wide);
      expect(result.value).to.equal(result.twin);
      const exact = (score * pool) / total;
      expect(result.value).to.be.within(exact > 0n ? exact - 1n : 0n, exact);
    }
    expect([...paths].sort()).to.deep.equal([false, true]);
  });
});
