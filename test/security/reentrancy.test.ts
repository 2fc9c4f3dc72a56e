import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { RATE, createFundablePool } from "../fixtures/royaltyPool.fixture";
import { publicValue, submit } from "../helpers/fhe";
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

    it("cannot re-enter claim from fund either (one guard for both)", async function () {
      const p = await reentrantTokenPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice] = p.contributors;
      const accounts = [p.funder.address, alice.address];
      const before = await snapshot(p, accounts);
      await p.token.arm(p.poolAddress, p.pool.interface.encodeFunctionData("claim", [1n, alice.address]));
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
    it("cannot re-enter claim, claimFor or pushUnclaimed during a claim", async function () {
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice, bob] = p.contributors;
      const accounts = [alice.address, bob.address];
      const before = await snapshot(p, accounts);
      for (const data of [
        p.pool.interface.encodeFunctionData("claim", [1n, bob.address]),
        p.pool.interface.encodeFunctionData("claimFor", [1n, bob.address, bob.address]),
        p.pool.interface.encodeFunctionData("pushUnclaimed", [1n, bob.address]),
      ]) {
        await p.payout.arm(p.poolAddress, data);
        await expect(p.pool.connect(alice).claim(1, alice.address)).to.be.revertedWithCustomError(
          p.pool,
          "ReentrancyGuardReentrantCall",
        );
        await expectUnchanged(p, before, accounts);
      }
      await p.payout.arm(ethers.ZeroAddress, "0x");
      await expect(p.pool.connect(alice).claim(1, alice.address)).to.emit(p.pool, "RoyaltyClaimed");
    });

    it("cannot re-enter the registry's claimMany during a batch claim", async function () {
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice] = p.contributors;
      const modelId = await p.registry.modelIdOf(p.poolAddress);
      const pairs = [{ modelId, epochId: 1n }];
      const before = await snapshot(p, [alice.address]);
      await p.payout.arm(
        await p.registry.getAddress(),
        p.registry.interface.encodeFunctionData("claimMany", [pairs, alice.address]),
      );
      await expect(p.registry.connect(alice).claimMany(pairs, alice.address)).to.be.revertedWithCustomError(
        p.registry,
        "ReentrancyGuardReentrantCall",
      );
      await expectUnchanged(p, before, [alice.address]);
      expect(await p.registry.earningsOf(alice.address, await p.payout.getAddress())).to.equal(ethers.ZeroHash);
    });

    it("requestSettlement is guarded: a payout-token hook in the last claim cannot request the settlement early", async function () {
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      const [alice, bob, carol] = p.contributors;
      await p.pool.connect(alice).claim(1, alice.address);
      await p.pool.connect(bob).claim(1, bob.address);
      await p.payout.arm(p.poolAddress, p.pool.interface.encodeFunctionData("requestSettlement"));
      const before = await snapshot(p);
      await expect(p.pool.connect(carol).claim(1, carol.address)).to.be.revertedWithCustomError(
        p.pool,
        "ReentrancyGuardReentrantCall",
      );
      await expectUnchanged(p, before);
      expect(await p.pool.hasClaimed(1, carol.address)).to.equal(false);
    });

    it("a balance below what the pool owes releases nothing (no wrapped subtraction) and leaves the pool as it was", async function () {
      // Cannot happen with the stock wrapper; a payout token that lets its balance be burnt shows the clamp works:
      // the remainder is max(balance, liability) − liability, so a short balance never wraps into a huge release.
      const p = await hostilePayoutPool();
      await fundAndSubmitThree(p, 10n);
      await closeAndRevealLate(p);
      for (let i = 0; i < 3; i++) await p.pool.connect(p.contributors[i]).claim(1, p.contributors[i].address);
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
