import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { RATE, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, submit } from "../helpers/fhe";

/**
 * HCU budgets (deterministic coprocessor work, not time): each operation stays within the targets of
 * the performance issue and far inside the per-transaction limits of 20 M HCU and 5 M depth.
 */
const CLAIM_BUDGET = 600_000;
const WIDE_CLAIM_BUDGET = 900_000;
const WITHDRAW_BUDGET = 650_000;
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

  it("a claim credits the vault within 600 k HCU on the 64-bit path (900 k on the 128-bit one); a withdrawal of everything within 650 k", async function () {
    for (const poolUnits of [10n ** 9n, 10n ** 15n]) {
      const f = await deployPoolFixture();
      const vault = await ethers.getContractAt("PayoutVault", await f.registry.payoutVault());
      await f.token.mint(f.funder.address, poolUnits * RATE);
      await f.pool.connect(f.funder).fund(poolUnits * RATE);
      for (let i = 0; i < 3; i++) await submit(f, f.contributors[i], [1_000_000n, 500_000n, 100n]);
      await closeAndReveal(f);
      const epoch = await f.pool.getEpoch(1);
      const wide = poolUnits === 10n ** 15n;
      expect(epoch.wideShare).to.equal(wide);
      const [alice] = f.contributors;
      const modelId = await f.registry.modelIdOf(f.poolAddress);
      const claim = await (await vault.connect(alice).claim(modelId, 1)).wait();
      expect(fhevm.computeTransactionHCU(claim!).globalHCU).to.be.lte(wide ? WIDE_CLAIM_BUDGET : CLAIM_BUDGET);
      const share = await decrypt(await f.pool.shareOf(1, alice.address), f.poolAddress, alice);
      const expected = (poolUnits * 1n) / 3n;
      expect(share).to.be.within(expected - 1n, expected);
      const balanceHandle = await vault.balanceOf(alice.address, await f.payout.getAddress());
      expect(await decrypt(balanceHandle, await vault.getAddress(), alice)).to.equal(share);

      const withdrawal = await (await vault.connect(alice).withdraw(await f.payout.getAddress(), alice.address)).wait();
      expect(fhevm.computeTransactionHCU(withdrawal!).globalHCU).to.be.lte(WITHDRAW_BUDGET);
      const paid = await decrypt(
        await f.payout.confidentialBalanceOf(alice.address),
        await f.payout.getAddress(),
        alice,
      );
      expect(paid).to.equal(share);
    }
  });
});
