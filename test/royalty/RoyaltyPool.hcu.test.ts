import { expect } from "chai";
import { fhevm } from "hardhat";

import { RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";

/**
 * HCU budgets (deterministic coprocessor work, not time): each operation stays within the targets of
 * the performance issue and far inside the per-transaction limits of 20 M HCU and 5 M depth.
 */
const CLAIM_BUDGET = 1_350_000;
const SUBMIT3_BUDGET = 2_200_000;
const SUBMIT3_DEPTH_BUDGET = 1_100_000;

describe("RoyaltyPool HCU budgets", function () {
  it("a 3-metric submission stays within 2.2 M HCU and 1.1 M depth, even a repeated one", async function () {
    const f = await deployPoolFixture();
    const [alice, bob] = f.contributors;
    await submit(f, alice, [1n, 2n, 3n]);
    const first = fhevm.computeTransactionHCU((await submit(f, bob, [1n, 2n, 3n]))!);
    const repeat = fhevm.computeTransactionHCU((await submit(f, bob, [1n, 2n, 3n]))!);
    for (const info of [first, repeat]) {
      expect(info.globalHCU).to.be.lte(SUBMIT3_BUDGET);
      expect(info.maxHCUDepth).to.be.lte(SUBMIT3_DEPTH_BUDGET);
    }
    expect(repeat.globalHCU).to.be.gt(first.globalHCU);
  });

  it("power-of-two weights cost a shift, not a multiply: a 3-metric submission within 1.5 M HCU, exact score", async function () {
    const metrics = [
      { name: "computeUnits", weight: 2n, cap: 1_000_000n },
      { name: "dataSamples", weight: 4n, cap: 500_000n },
      { name: "qualityScore", weight: 64n, cap: 100n },
    ];
    const f = await deployPoolFixture(defaultRules({ metrics }));
    const [alice, bob] = f.contributors;
    await submit(f, alice, [1n, 2n, 3n]);
    const info = fhevm.computeTransactionHCU((await submit(f, bob, [2n ** 64n - 1n, 123_456n, 99n]))!);
    expect(info.globalHCU).to.be.lte(1_500_000);
    const score = await decrypt(await f.pool.scoreOf(1, bob.address), f.poolAddress, bob);
    expect(score).to.equal(2n * 1_000_000n + 4n * 123_456n + 64n * 99n);
  });

  it("a claim stays within 1.35 M HCU on both the 64-bit and the 128-bit share path", async function () {
    for (const poolUnits of [10n ** 9n, 10n ** 15n]) {
      const f = await deployPoolFixture();
      await f.token.mint(f.funder.address, poolUnits * RATE);
      await f.pool.connect(f.funder).fund(poolUnits * RATE);
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [1_000_000n, 500_000n, 100n]);
      await closeAndReveal(f);
      const epoch = await f.pool.getEpoch(1);
      expect(epoch.wideShare).to.equal(poolUnits === 10n ** 15n);
      const receipt = await (await f.pool.connect(f.contributors[0]).claim(1, f.contributors[0].address)).wait();
      expect(fhevm.computeTransactionHCU(receipt!).globalHCU).to.be.lte(CLAIM_BUDGET);
    }
  });
});
