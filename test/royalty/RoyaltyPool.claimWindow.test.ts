import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { expectedShare } from "../../src/math";
import { defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import { closeAndReveal, decrypt, publicValue, submit } from "../helpers/fhe";

const WINDOW = 14n * 24n * 3600n;

describe("RoyaltyPool claim window: an absent contributor never blocks settlement, nor loses a share", function () {
  it("after the window anyone pushes an unclaimed share to its contributor, then the epoch settles", async function () {
    const f = await deployPoolFixture(defaultRules({ claimWindow: WINDOW }));
    const [alice, bob, carol] = f.contributors;
    await f.pool.connect(f.funder).fund(10n ** 21n);
    for (const who of [alice, bob, carol]) await submit(f, who, [1_000n, 10n, 5n]);
    const { total } = await closeAndReveal(f);
    await f.pool.connect(alice).claim(1, alice.address);
    await f.pool.connect(bob).claim(1, bob.address);
    await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochsOutstanding");

    const revealedAt = (await f.pool.getEpoch(1)).revealedAt;
    const before = await f.pool.getEpoch(1);
    await expect(f.pool.connect(f.stranger).pushUnclaimed(1, carol.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolClaimWindowOpen")
      .withArgs(1n, revealedAt + WINDOW);
    expect(await f.pool.getEpoch(1)).to.deep.equal(before);

    await time.increaseTo(revealedAt + WINDOW);
    await expect(f.pool.connect(f.stranger).pushUnclaimed(1, carol.address))
      .to.emit(f.pool, "RoyaltyClaimed")
      .withArgs(1n, carol.address, carol.address, (h: string) => h !== ethers.ZeroHash);
    const share = await decrypt(await f.pool.shareOf(1, carol.address), f.poolAddress, carol);
    const score = 3n * 1_000n + 10n + 5n * 5n;
    expect(share).to.equal(expectedShare(score, 1_000_000_000n, total));
    await expect(decrypt(await f.pool.shareOf(1, carol.address), f.poolAddress, f.stranger)).to.be.rejected;
    const payout = await f.payout.getAddress();
    expect(await decrypt(await f.payout.confidentialBalanceOf(carol.address), payout, carol)).to.equal(share);
    await expect(f.pool.connect(carol).claim(1, carol.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAlreadyClaimed")
      .withArgs(1n, carol.address);
    await expect(f.pool.connect(f.stranger).pushUnclaimed(1, alice.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAlreadyClaimed")
      .withArgs(1n, alice.address);

    await f.pool.requestSettlement();
    const { value, proof } = await publicValue((await f.pool.settlementStatus()).pending.released);
    await expect(f.pool.settle(value, proof)).to.emit(f.pool, "PoolSettled");
  });

  it("without a claim window in the rules, the longest one (730 days) applies: nothing blocks settlement for ever", async function () {
    const f = await deployPoolFixture();
    const [alice, bob, carol] = f.contributors;
    await f.pool.connect(f.funder).fund(10n ** 21n);
    for (const who of [alice, bob, carol]) await submit(f, who, [1n, 1n, 1n]);
    await closeAndReveal(f);
    const revealedAt = (await f.pool.getEpoch(1)).revealedAt;
    const endsAt = revealedAt + 730n * 24n * 3600n;
    await time.increaseTo(endsAt - 10n);
    await expect(f.pool.connect(f.stranger).pushUnclaimed(1, alice.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolClaimWindowOpen")
      .withArgs(1n, endsAt);
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(false);
    await time.increaseTo(endsAt);
    await expect(f.pool.connect(f.stranger).pushUnclaimed(1, alice.address)).to.emit(f.pool, "RoyaltyClaimed");
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(true);
  });

  for (const window of [1n, 731n * 24n * 3600n]) {
    it(`rejects a claim window of ${window} s`, async function () {
      const f = await deployPoolFixture();
      await expect(
        f.registry.createModel(
          nextModelName(),
          await f.payout.getAddress(),
          defaultRules({ claimWindow: window }),
          ethers.ZeroAddress,
        ),
      )
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidClaimWindow")
        .withArgs(window, 24n * 3600n, 730n * 24n * 3600n);
    });
  }
});
