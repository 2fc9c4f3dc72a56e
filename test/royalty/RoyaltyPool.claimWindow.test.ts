import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { expectedShare } from "../../src/math";
import { defaultRules, deployPoolFixture, nextModelName } from "../fixtures/royaltyPool.fixture";
import {
  claimVia,
  closeAndReveal,
  decrypt,
  modelIdOf,
  publicValue,
  submit,
  vaultBalance,
  vaultOf,
} from "../helpers/fhe";

const WINDOW = 14n * 24n * 3600n;

describe("RoyaltyPool claim window: an absent contributor never blocks settlement, nor loses a share", function () {
  it("the epoch settles with a share unclaimed; after the window anyone pushes it into its contributor's vault balance", async function () {
    const f = await deployPoolFixture(defaultRules({ claimWindow: WINDOW }));
    const [alice, bob, carol] = f.contributors;
    const vault = await vaultOf(f);
    const modelId = await modelIdOf(f);
    const payout = await f.payout.getAddress();
    await f.pool.connect(f.funder).fund(10n ** 21n);
    for (const who of [alice, bob, carol]) await submit(f, who, [1_000n, 10n, 5n]);
    const { total } = await closeAndReveal(f);
    await claimVia(f, alice, 1);
    await claimVia(f, bob, 1);
    // Carol is absent: the settlement does not wait for her (her share is in the vault already).
    await f.pool.requestSettlement();
    const { value, proof } = await publicValue((await f.pool.settlementStatus()).pending.released);
    expect(value).to.equal(1_000_000_000n - expectedShare(total, 1_000_000_000n, total));
    await expect(f.pool.settle(value, proof)).to.emit(f.pool, "PoolSettled");

    const revealedAt = (await f.pool.getEpoch(1)).revealedAt;
    const before = await f.pool.getEpoch(1);
    // Before the window ends only carol may claim: a push reverts with the pool's error, through the vault.
    await expect(vault.connect(f.stranger).pushUnclaimed(modelId, 1, carol.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolClaimWindowOpen")
      .withArgs(1n, revealedAt + WINDOW);
    expect(await f.pool.getEpoch(1)).to.deep.equal(before);
    expect(await vault.balanceOf(carol.address, payout)).to.equal(ethers.ZeroHash);

    await time.increaseTo(revealedAt + WINDOW);
    await expect(vault.connect(f.stranger).pushUnclaimed(modelId, 1, carol.address))
      .to.emit(f.pool, "RoyaltyClaimed")
      .withArgs(1n, carol.address, (h: string) => h !== ethers.ZeroHash)
      .and.to.emit(vault, "ShareCredited");
    const share = await decrypt(await f.pool.shareOf(1, carol.address), f.poolAddress, carol);
    const score = 3n * 1_000n + 10n + 5n * 5n;
    expect(share).to.equal(expectedShare(score, 1_000_000_000n, total));
    await expect(decrypt(await f.pool.shareOf(1, carol.address), f.poolAddress, f.stranger)).to.be.rejected;
    // The share landed in carol's own balance, which only she can decrypt; the pusher got nothing.
    expect(await vaultBalance(vault, carol, payout)).to.equal(share);
    await expect(decrypt(await vault.balanceOf(carol.address, payout), await vault.getAddress(), f.stranger)).to.be
      .rejected;
    expect(await vault.balanceOf(f.stranger.address, payout)).to.equal(ethers.ZeroHash);
    await expect(vault.connect(carol).claim(modelId, 1))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAlreadyClaimed")
      .withArgs(1n, carol.address);
    await expect(vault.connect(f.stranger).pushUnclaimed(modelId, 1, alice.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAlreadyClaimed")
      .withArgs(1n, alice.address);
    expect(await vaultBalance(vault, carol, payout)).to.equal(share);
  });

  it("a push before the reveal names no end (type(uint64).max), and changes nothing", async function () {
    const f = await deployPoolFixture(defaultRules({ claimWindow: WINDOW }));
    const [alice, bob, carol] = f.contributors;
    for (const who of [alice, bob, carol]) await submit(f, who, [1n, 1n, 1n]);
    const vault = await vaultOf(f);
    const before = await f.pool.getEpoch(1);
    await expect(vault.connect(f.stranger).pushUnclaimed(await modelIdOf(f), 1, alice.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolClaimWindowOpen")
      .withArgs(1n, 2n ** 64n - 1n);
    expect(await f.pool.getEpoch(1)).to.deep.equal(before);
  });

  it("without a claim window in the rules, the longest one (730 days) applies: nothing blocks settlement for ever", async function () {
    const f = await deployPoolFixture();
    const [alice, bob, carol] = f.contributors;
    const vault = await vaultOf(f);
    const modelId = await modelIdOf(f);
    await f.pool.connect(f.funder).fund(10n ** 21n);
    for (const who of [alice, bob, carol]) await submit(f, who, [1n, 1n, 1n]);
    await closeAndReveal(f);
    const revealedAt = (await f.pool.getEpoch(1)).revealedAt;
    const endsAt = revealedAt + 730n * 24n * 3600n;
    await time.increaseTo(endsAt - 10n);
    await expect(vault.connect(f.stranger).pushUnclaimed(modelId, 1, alice.address))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolClaimWindowOpen")
      .withArgs(1n, endsAt);
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(false);
    await time.increaseTo(endsAt);
    await expect(vault.connect(f.stranger).pushUnclaimed(modelId, 1, alice.address)).to.emit(f.pool, "RoyaltyClaimed");
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(true);
    expect(await vaultBalance(vault, alice, await f.payout.getAddress())).to.equal(333_333_333n);
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
