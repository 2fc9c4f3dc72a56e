import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { RATE, createFundablePool } from "../fixtures/royaltyPool.fixture";
import { claimVia, debugBalance, publicValue, submit, vaultBalance, vaultOf } from "../helpers/fhe";
import type { ConfidentialPayoutToken, HostilePayoutToken, ReentrantToken, TestToken } from "../../types";
import {
  State,
  THREE,
  UINT64_MAX,
  closeAndRevealLate,
  expectUnchanged,
  passEpochEnd,
  snapshot,
  tokens,
} from "./helpers";

interface Signers {
  deployer: HardhatEthersSigner;
  funder: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  contributors: HardhatEthersSigner[];
}

async function signers(): Promise<Signers> {
  const [deployer, funder, stranger, ...contributors] = await ethers.getSigners();
  return { deployer, funder, stranger, contributors };
}

/** A pool whose payment token re-enters a contract from `transferFrom` once armed. */
async function reentrantTokenPool() {
  const s = await signers();
  const token: ReentrantToken = await (await ethers.getContractFactory("ReentrantToken")).deploy();
  const payout: ConfidentialPayoutToken = await (
    await ethers.getContractFactory("ConfidentialPayoutToken")
  ).deploy(await token.getAddress(), "cREENT", "cREENT", "");
  const created = await createFundablePool({
    ...s,
    token: await token.getAddress(),
    payout: await payout.getAddress(),
    funds: tokens(1_000n),
  });
  return { ...s, token, payout, ...created };
}

/** A pool created with a hostile payout token (hooks on confidentialTransfer, burns, underlying drain). */
async function hostilePayoutPool() {
  const s = await signers();
  const token: TestToken = await (await ethers.getContractFactory("TestToken")).deploy("Model Usage Dollar", "MUD");
  const payout: HostilePayoutToken = await (
    await ethers.getContractFactory("HostilePayoutToken")
  ).deploy(await token.getAddress());
  const created = await createFundablePool({
    ...s,
    token: await token.getAddress(),
    payout: await payout.getAddress(),
    funds: tokens(1_000n),
  });
  return { ...s, token, payout, ...created };
}

type AnyPool = Awaited<ReturnType<typeof reentrantTokenPool>> | Awaited<ReturnType<typeof hostilePayoutPool>>;

/** Funds epoch 1 with `whole` tokens and has three contributors submit. */
async function fundAndSubmitThree(p: AnyPool, whole: bigint) {
  await (await p.pool.connect(p.funder).fund(tokens(whole))).wait();
  for (let i = 0; i < 3; i++) await submit(p, p.contributors[i], THREE[i]);
}

describe("Security: reentrancy and hostile tokens", function () {
  describe("a payment token that re-enters the pool from transferFrom", function () {
    it("cannot re-enter fund: ReentrancyGuardReentrantCall, nothing moves", async function () {
      const p = await reentrantTokenPool();
      await fundAndSubmitThree(p, 10n);
      const accounts = [p.funder.address, await p.token.getAddress()];
      const before = await snapshot(p, accounts);
      await p.token.arm(p.poolAddress, p.pool.interface.encodeFunctionData("fund", [tokens(1n)]));
      await expect(p.pool.connect(p.funder).fund(tokens(2n))).to.be.revertedWithCustomError(
        p.pool,
        "ReentrancyGuardReentrantCall",
      );
      await expectUnchanged(p, before, accounts);
      expect(await p.token.hookCalls()).to.equal(0n);
      expect(await p.token.hookTarget()).to.equal(p.poolAddress); // the revert undid the one-shot disarm too
    });

    it("cannot re-enter a claim (vault → pool.claimFor) from fund either (one guard for both)", async function () {
      const p = await reentrantTokenPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice] = p.contributors;
      const vault = await vaultOf(p);
      const modelId = await p.registry.modelIdOf(p.poolAddress);
      const accounts = [p.funder.address, alice.address, await p.token.getAddress()];
      const before = await snapshot(p, accounts);
      // The hook calls the vault, which calls the pool's claimFor while fund() holds the pool's guard.
      await p.token.arm(await vault.getAddress(), vault.interface.encodeFunctionData("claim", [modelId, 1n]));
      await expect(p.pool.connect(p.funder).fund(tokens(2n))).to.be.revertedWithCustomError(
        p.pool,
        "ReentrancyGuardReentrantCall",
      );
      await expectUnchanged(p, before, accounts);
      await p.token.disarm();
      await expect(p.pool.connect(p.funder).fund(tokens(2n))).to.emit(p.pool, "PoolFunded");
    });

    it("closeEpoch is guarded too: a hook cannot close the epoch in the middle of fund()", async function () {
      const p = await reentrantTokenPool();
      await fundAndSubmitThree(p, 10n);
      await passEpochEnd(p);
      const before = await snapshot(p);
      await p.token.arm(p.poolAddress, p.pool.interface.encodeFunctionData("closeEpoch"));
      await expect(p.pool.connect(p.funder).fund(tokens(5n))).to.be.revertedWithCustomError(
        p.pool,
        "ReentrancyGuardReentrantCall",
      );
      await expectUnchanged(p, before);
      expect((await p.pool.getEpoch(1)).state).to.equal(State.Open);
    });
  });

  describe("a payout token that re-enters from confidentialTransfer", function () {
    it("cannot re-enter the vault during a withdrawal: withdraw, claim, claimMany, pushUnclaimed all revert", async function () {
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice, bob] = p.contributors;
      const vault = await vaultOf(p);
      const vaultAddress = await vault.getAddress();
      const payout = await p.payout.getAddress();
      const modelId = await p.registry.modelIdOf(p.poolAddress);
      await claimVia(p, alice, 1n);
      const share = await vaultBalance(vault, alice, payout);
      const accounts = [alice.address, bob.address];
      const before = await snapshot(p, accounts);
      for (const data of [
        vault.interface.encodeFunctionData("withdraw", [payout, alice.address]),
        // The guard refuses before the input is read, so any handle and proof will do.
        vault.interface.encodeFunctionData("withdrawAmountUnwrapped", [payout, alice.address, ethers.ZeroHash, "0x"]),
        vault.interface.encodeFunctionData("claim", [modelId, 1n]),
        vault.interface.encodeFunctionData("claimMany", [[{ modelId, epochId: 1n }]]),
        vault.interface.encodeFunctionData("pushUnclaimed", [modelId, 1n, bob.address]),
      ]) {
        await p.payout.arm(vaultAddress, data);
        await expect(vault.connect(alice).withdraw(payout, alice.address)).to.be.revertedWithCustomError(
          vault,
          "ReentrancyGuardReentrantCall",
        );
        await expectUnchanged(p, before, accounts);
      }
      await p.payout.arm(ethers.ZeroAddress, "0x");
      await expect(vault.connect(alice).withdraw(payout, alice.address)).to.emit(vault, "Withdrawn");
      expect(await debugBalance(p.payout, alice.address)).to.equal(share);
      await expect(vault.balanceOf(alice.address, payout)).to.eventually.equal(ethers.ZeroHash);
    });

    it("a claim calls no token: an armed payout-token hook never fires during claims", async function () {
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice, bob] = p.contributors;
      const vault = await vaultOf(p);
      const modelId = await p.registry.modelIdOf(p.poolAddress);
      // Armed to re-enter requestSettlement (would succeed if called: nothing is outstanding).
      await p.payout.arm(p.poolAddress, p.pool.interface.encodeFunctionData("requestSettlement"));
      await claimVia(p, alice, 1n);
      await (await vault.connect(bob).claimMany([{ modelId, epochId: 1n }])).wait();
      expect(await p.payout.hookTarget()).to.equal(p.poolAddress);
      expect((await p.pool.settlementStatus()).pending.released).to.equal(ethers.ZeroHash);
    });

    it("revealEpochTotal is guarded: the hook in its transfer to the vault cannot request the settlement, close or reveal", async function () {
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await passEpochEnd(p);
      await p.pool.closeEpoch();
      // A second epoch closed too, so that a re-entered reveal would have something to reveal.
      for (let i = 0; i < 3; i++) await submit(p, p.contributors[i], THREE[i]);
      await passEpochEnd(p);
      await p.pool.closeEpoch();
      await passEpochEnd(p);
      const first = await publicValue((await p.pool.getEpoch(1)).total);
      const second = await publicValue((await p.pool.getEpoch(2)).total);
      const before = await snapshot(p);
      for (const data of [
        p.pool.interface.encodeFunctionData("requestSettlement"),
        p.pool.interface.encodeFunctionData("closeEpoch"),
        p.pool.interface.encodeFunctionData("revealEpochTotal", [2n, second.value, second.proof]),
        p.pool.interface.encodeFunctionData("fund", [tokens(1n)]),
      ]) {
        await p.payout.arm(p.poolAddress, data);
        await expect(p.pool.revealEpochTotal(1, first.value, first.proof)).to.be.revertedWithCustomError(
          p.pool,
          "ReentrancyGuardReentrantCall",
        );
        await expectUnchanged(p, before);
      }
      expect((await p.pool.getEpoch(1)).state).to.equal(State.Closed);
      await p.payout.arm(ethers.ZeroAddress, "0x");
      await expect(p.pool.revealEpochTotal(1, first.value, first.proof)).to.emit(p.pool, "EpochFundsMoved");
    });

    it("a balance below what the pool owes releases nothing (no wrapped subtraction) and leaves the pool as it was", async function () {
      // Cannot happen with the stock wrapper; a payout token that lets its balance be burnt shows the clamp works:
      // the remainder is max(balance, liability) − liability, so a short balance never wraps into a huge release.
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      await p.pool.connect(p.funder).fund(tokens(5n)); // epoch 2 owes 5,000,000 units
      await p.payout.burnFrom(p.poolAddress, 5_000_000n);
      await p.pool.requestSettlement();
      const { value, proof } = await publicValue((await p.pool.settlementStatus()).pending.released);
      expect(value).to.equal(0n);
      await expect(p.pool.settle(value, proof)).to.emit(p.pool, "PoolSettled");
      expect((await p.pool.getEpoch(2)).pool).to.equal(5_000_000n);
    });

    it("a carried-forward pool that would exceed 64 bits is refused (PoolOverflow), the epoch stays closed", async function () {
      // The stock wrapper caps its supply at 2^64 - 1 units, so pools can never add up past it; a
      // wrapper whose underlying can be drained frees that cap and shows the plaintext check works.
      const p = await hostilePayoutPool();
      const big = UINT64_MAX - 9n;
      await p.token.mint(p.funder.address, big * RATE);
      await p.pool.connect(p.funder).fund(big * RATE);
      for (let i = 0; i < 3; i++) await submit(p, p.contributors[i], [0n, 0n, 0n]);
      await passEpochEnd(p);
      await p.pool.closeEpoch();
      await p.payout.drainUnderlying(p.stranger.address, big * RATE);
      await p.pool.connect(p.funder).fund(100n * RATE);
      const { value, proof } = await publicValue((await p.pool.getEpoch(1)).total);
      expect(value).to.equal(0n);
      const before = await snapshot(p);
      await expect(p.pool.revealEpochTotal(1, value, proof))
        .to.be.revertedWithCustomError(p.pool, "RoyaltyPoolPoolOverflow")
        .withArgs(2n, big + 100n);
      await expectUnchanged(p, before);
      expect((await p.pool.getEpoch(1)).state).to.equal(State.Closed);
    });
  });
});
