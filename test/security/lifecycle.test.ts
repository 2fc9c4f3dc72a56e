import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { contributionScore, exactShare, expectedShare } from "../../src/math";
import { DEFAULT_METRICS, RATE, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import {
  claimVia,
  decrypt,
  encryptMetrics,
  modelIdOf,
  publicValue,
  submit,
  vaultBalance,
  vaultOf,
} from "../helpers/fhe";
import {
  State,
  THREE,
  closeAndRevealLate,
  expectUnchanged,
  fundAndSubmit,
  passEpochEnd,
  snapshot,
  tokens,
} from "./helpers";

const SCHEMA = DEFAULT_METRICS.map((m) => ({ weight: BigInt(m.weight), cap: BigInt(m.cap) }));

describe("Security: epoch lifecycle, claims and settlement", function () {
  it("rejects claims of unknown epochs (0, the open one, 999) and of an epoch the caller skipped", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice, , , dave] = f.contributors;
    await submit(f, dave, [1n, 1n, 1n]); // dave takes part in epoch 2 only
    const accounts = [alice.address, dave.address];
    const before = await snapshot(f, accounts);
    const vault = await vaultOf(f);
    const modelId = await modelIdOf(f);
    for (const [epochId, state] of [
      [0n, State.None],
      [2n, State.Open],
      [999n, State.None],
    ] as const) {
      await expect(vault.connect(alice).claim(modelId, epochId))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
        .withArgs(epochId, state, State.Revealed);
    }
    await expect(vault.connect(dave).claim(modelId, 1))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoContribution")
      .withArgs(1n, dave.address);
    // A batch of the same pairs skips every one of them.
    const pairs = [0n, 2n, 999n].map((epochId) => ({ modelId, epochId }));
    await expect(vault.connect(alice).claimMany(pairs))
      .to.emit(vault, "PairSkipped")
      .and.not.to.emit(vault, "ShareCredited");
    await expectUnchanged(f, before, accounts);
    expect(await f.pool.claimable(1, dave.address)).to.equal(false);
    expect(await f.pool.claimable(999, alice.address)).to.equal(false);
    expect(await f.pool.claimable(1, alice.address)).to.equal(true);
  });

  it("a withdrawal pays a contract recipient without calling it (no receiver callback, so no reentrancy)", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const vault = await vaultOf(f);
    const payout = await f.payout.getAddress();
    await claimVia(f, alice, 1n);
    const share = await vaultBalance(vault, alice, payout);
    expect(share).to.be.greaterThan(0n);
    const recipient = await (await ethers.getContractFactory("ConfidentialRecipient")).deploy();
    const recipientAddress = await recipient.getAddress();
    // Its receiver callback always reverts: if the payout called it, the withdrawal would fail.
    await expect(vault.connect(alice).withdraw(payout, recipientAddress))
      .to.emit(vault, "Withdrawn")
      .withArgs(alice.address, payout, recipientAddress, (h: string) => h !== ethers.ZeroHash, false);
    // The contract holds the payout: it is allowed on its balance and can disclose it.
    await (await recipient.discloseBalance(payout)).wait();
    const { value } = await publicValue(await f.payout.confidentialBalanceOf(recipientAddress));
    expect(value).to.equal(share);
    expect(await f.payout.confidentialBalanceOf(alice.address)).to.equal(ethers.ZeroHash);
    expect(await vault.balanceOf(alice.address, payout)).to.equal(ethers.ZeroHash);
  });

  it("enforces the epoch end to the second: submit at end − 1, not at end; close at end, not at end − 1", async function () {
    const f = await deployPoolFixture();
    const [alice, bob, carol] = f.contributors;
    await submit(f, alice, [1n, 1n, 1n]);
    await submit(f, bob, [1n, 1n, 1n]);
    const { end } = await f.pool.getEpoch(1);

    const early = await encryptMetrics(f.poolAddress, carol.address, [1n, 1n, 1n]);
    await time.setNextBlockTimestamp(end - 1n);
    await expect(f.pool.connect(carol).submitContribution(early.handles, early.inputProof)).to.emit(
      f.pool,
      "ContributionSubmitted",
    );
    // The next block is at `end`: the epoch has ended, every submission is refused, nothing changes.
    const late = await encryptMetrics(f.poolAddress, carol.address, [1n, 1n, 1n]);
    await time.setNextBlockTimestamp(end);
    const before = await snapshot(f, [carol.address]);
    await expect(f.pool.connect(carol).submitContribution(late.handles, late.inputProof))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolEpochEnded")
      .withArgs(1n, end);
    await expectUnchanged(f, before, [carol.address]);
    expect(await f.pool.submissionsOf(1, carol.address)).to.equal(1n);

    // Closing: at end − 1 it is too early (a fresh pool, so the clock can go back to that second).
    const g = await deployPoolFixture();
    await fundAndSubmit(g, 1n, THREE);
    const gEnd = (await g.pool.getEpoch(1)).end;
    await time.setNextBlockTimestamp(gEnd - 1n);
    const gBefore = await snapshot(g);
    await expect(g.pool.closeEpoch())
      .to.be.revertedWithCustomError(g.pool, "RoyaltyPoolEpochNotEnded")
      .withArgs(1n, gEnd);
    await expectUnchanged(g, gBefore);
    await time.setNextBlockTimestamp(gEnd);
    await expect(g.pool.closeEpoch()).to.emit(g.pool, "EpochClosed");
    expect((await g.pool.getEpoch(1)).state).to.equal(State.Closed);
    expect((await g.pool.getEpoch(2)).start).to.equal(gEnd);
  });

  it("refuses a second settlement request while one is pending, leaving it as it was", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    await f.pool.requestSettlement();
    const before = await snapshot(f);
    await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSettlementPending");
    // More funds do not let a second request through either.
    await f.pool.connect(f.funder).fund(tokens(1n));
    const funded = await snapshot(f);
    expect(funded.settlement).to.deep.equal(before.settlement);
    await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSettlementPending");
    await expectUnchanged(f, funded);
  });

  it("refuses to fund zero or dust, moving no token", async function () {
    const f = await deployPoolFixture();
    const before = await snapshot(f, [f.funder.address]);
    for (const amount of [0n, 1n, RATE - 1n]) {
      await expect(f.pool.connect(f.funder).fund(amount))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAmountBelowUnit")
        .withArgs(amount, RATE);
    }
    await expectUnchanged(f, before, [f.funder.address]);
  });

  it("with k − 1 contributors the total stays private; once a k-th joins, everyone is paid", async function () {
    const f = await deployPoolFixture();
    const [alice, bob, carol] = f.contributors;
    await f.pool.connect(f.funder).fund(tokens(100n));
    await submit(f, alice, [...THREE[0]]);
    await submit(f, bob, [...THREE[1]]);
    await passEpochEnd(f);
    await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochExtended");
    const extended = await f.pool.getEpoch(1);
    expect(extended.state).to.equal(State.Open);
    // Nobody can decrypt the total of two, nor reveal it, nor claim from it, nor settle it.
    await expect(fhevm.publicDecrypt([extended.total])).to.be.rejected;
    for (const who of [alice, bob, f.deployer, f.stranger]) {
      await expect(decrypt(extended.total, f.poolAddress, who)).to.be.rejected;
    }
    const before = await snapshot(f, [alice.address, bob.address]);
    await expect(f.pool.revealEpochTotal(1, 0n, "0x00"))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
      .withArgs(1n, State.Open, State.Closed);
    const vault = await vaultOf(f);
    await expect(vault.connect(alice).claim(await modelIdOf(f), 1))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnexpectedEpochState")
      .withArgs(1n, State.Open, State.Revealed);
    await expect(f.pool.requestSettlement()).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSettle");
    await expectUnchanged(f, before, [alice.address, bob.address]);

    // A k-th contributor joins in the extension: the first two are paid from the same epoch.
    await submit(f, carol, [...THREE[2]]);
    const { total } = await closeAndRevealLate(f);
    const pool = 100_000_000n;
    const moved = expectedShare(total, pool, total);
    let paid = 0n;
    for (let i = 0; i < 3; i++) {
      const who = f.contributors[i];
      await claimVia(f, who, 1n);
      const score = contributionScore(THREE[i], SCHEMA);
      const share = await decrypt(await f.pool.shareOf(1, who.address), f.poolAddress, who);
      expect(share).to.equal(expectedShare(score, pool, total));
      expect(exactShare(score, pool, total) - share).to.be.oneOf([0n, 1n]);
      expect(await vaultBalance(vault, who, await f.payout.getAddress())).to.equal(share);
      paid += share;
    }
    expect(moved - paid).to.be.within(0n, 2n);
    await f.pool.requestSettlement();
    const { value, proof } = await publicValue((await f.pool.settlementStatus()).pending.released);
    await expect(f.pool.settle(value, proof))
      .to.emit(f.pool, "PoolSettled")
      .withArgs(1n, 1n, pool - moved, ethers.ZeroHash, 2n);
    expect(value).to.equal(pool - moved);
  });
});
