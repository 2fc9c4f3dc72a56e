import { setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { deployGovernance } from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { decrypt } from "../helpers/fhe";
import { THREE, claimAll, closeAndRevealLate, expectUnchanged, fundAndSubmit, snapshot } from "./helpers";

/** A signer for a contract address (the registry, the governor...), funded for gas. */
async function impersonate(address: string) {
  await setBalance(address, 10n ** 18n);
  return ethers.getImpersonatedSigner(address);
}

describe("Security: who may call what", function () {
  it("updateRules: only the pool's governance; not its creator, the registry, a funder or a contributor", async function () {
    const signers = await ethers.getSigners();
    const governance = signers[19];
    const f = await deployPoolFixture(defaultRules(), governance.address);
    const registry = await impersonate(await f.registry.getAddress());
    const before = await snapshot(f);
    for (const caller of [f.deployer, f.stranger, f.funder, f.contributors[0], registry]) {
      await expect(f.pool.connect(caller).updateRules(defaultRules({ minParticipants: 5 })))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(caller.address);
    }
    await expectUnchanged(f, before);
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
    await expect(f.pool.connect(governance).updateRules(defaultRules({ minParticipants: 5 }))).to.emit(
      f.pool,
      "RulesVersionCreated",
    );
  });

  it("initialize: neither a clone nor the implementation can be (re)initialized, by anyone", async function () {
    const governance = (await ethers.getSigners())[19];
    const f = await deployPoolFixture(defaultRules(), governance.address);
    const registryAddress = await f.registry.getAddress();
    const registry = await impersonate(registryAddress);
    const implementation = await ethers.getContractAt("RoyaltyPool", await f.registry.poolImplementation());
    const payout = await f.payout.getAddress();
    const before = await snapshot(f);
    for (const target of [f.pool, implementation]) {
      for (const caller of [f.stranger, governance, f.deployer, registry]) {
        await expect(
          target.connect(caller).initialize("hijack", payout, defaultRules(), caller.address),
        ).to.be.revertedWithCustomError(f.pool, "InvalidInitialization");
      }
    }
    await expectUnchanged(f, before);
    expect(await f.pool.governance()).to.equal(governance.address);
    expect(await f.pool.registry()).to.equal(registryAddress);
    expect(await implementation.registry()).to.equal(ethers.ZeroAddress);
  });

  it("claimFor: only the registry; not the contributor, their governance or a stranger", async function () {
    const governance = (await ethers.getSigners())[19];
    const f = await deployPoolFixture(defaultRules(), governance.address);
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const before = await snapshot(f, [alice.address, f.stranger.address]);
    for (const caller of [alice, governance, f.stranger, f.deployer]) {
      await expect(f.pool.connect(caller).claimFor(1, alice.address, caller.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(caller.address);
    }
    await expectUnchanged(f, before, [alice.address, f.stranger.address]);
  });

  it("the registry claims only for its caller: a batch naming someone else's pairs pays nobody", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const pairs = [{ modelId: 1n, epochId: 1n }];
    const accounts = [alice.address, f.stranger.address];
    const before = await snapshot(f, accounts);
    await expect(f.registry.connect(f.stranger).claimMany(pairs, f.stranger.address))
      .to.emit(f.registry, "BatchPairSkipped")
      .withArgs(f.stranger.address, 1n, 1n);
    await expect(f.registry.connect(f.stranger).syncEarnings(pairs)).to.not.emit(f.registry, "EarningsSynced");
    await expectUnchanged(f, before, accounts);
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(false);
    expect(await f.registry.earningsOf(f.stranger.address, await f.payout.getAddress())).to.equal(ethers.ZeroHash);
  });

  it("syncEarnings counts a share once, skips unclaimed pairs and refuses oversized batches", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice, bob] = f.contributors;
    const pairs = [{ modelId: 1n, epochId: 1n }];
    const payout = await f.payout.getAddress();
    // bob has not claimed: nothing to sync.
    await expect(f.registry.connect(bob).syncEarnings(pairs)).to.not.emit(f.registry, "EarningsSynced");
    expect(await f.registry.earningsOf(bob.address, payout)).to.equal(ethers.ZeroHash);
    await claimAll(f, 1n, 1);
    await expect(f.registry.connect(alice).syncEarnings(pairs)).to.emit(f.registry, "EarningsSynced");
    const once = await f.registry.earningsOf(alice.address, payout);
    await expect(f.registry.connect(alice).syncEarnings([...pairs, ...pairs])).to.not.emit(
      f.registry,
      "EarningsSynced",
    );
    expect(await f.registry.earningsOf(alice.address, payout)).to.equal(once);
    const share = await decrypt(await f.pool.shareOf(1, alice.address), f.poolAddress, alice);
    expect(await decrypt(once, await f.registry.getAddress(), alice)).to.equal(share);

    const max = await f.registry.maxClaimsPerTransaction();
    const tooMany = Array.from({ length: Number(max) + 1 }, () => pairs[0]);
    await expect(f.registry.connect(alice).syncEarnings(tooMany))
      .to.be.revertedWithCustomError(f.registry, "ModelRegistryBatchTooLarge")
      .withArgs(max + 1n, max);
  });

  it("governance: the timelock and the governor obey only passed proposals", async function () {
    const [deployer, , stranger, alice] = await ethers.getSigners();
    const gov = await deployGovernance(deployer, {
      tokenName: "Votes",
      tokenSymbol: "V",
      holders: [alice.address],
      amounts: [10n ** 18n],
      votingDelay: 1,
      votingPeriod: 10,
      quorumPercent: 40,
      timelockDelay: 3600n,
    });
    const timelock = gov.timelock;
    const timelockAddress = await timelock.getAddress();
    const f = await deployPoolFixture(defaultRules(), timelockAddress);
    const call = f.pool.interface.encodeFunctionData("updateRules", [defaultRules({ minParticipants: 5 })]);
    const salt = ethers.ZeroHash;
    await expect(timelock.connect(stranger).schedule(f.poolAddress, 0, call, ethers.ZeroHash, salt, 3600))
      .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
      .withArgs(stranger.address, await timelock.PROPOSER_ROLE());
    // Anyone may execute, but only an operation that was scheduled and is ready.
    await expect(
      timelock.connect(stranger).execute(f.poolAddress, 0, call, ethers.ZeroHash, salt),
    ).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
    await expect(timelock.connect(stranger).updateDelay(0))
      .to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller")
      .withArgs(stranger.address);
    for (const [fn, args] of [
      ["setVotingPeriod", [1]],
      ["setVotingDelay", [0]],
      ["updateQuorumNumerator", [1]],
      ["updateTimelock", [stranger.address]],
      ["relay", [f.poolAddress, 0, call]],
    ] as const) {
      await expect(gov.governor.connect(stranger).getFunction(fn)(...args))
        .to.be.revertedWithCustomError(gov.governor, "GovernorOnlyExecutor")
        .withArgs(stranger.address);
    }
    // The governor itself is not the rule setter either: only the timelock is.
    const governor = await impersonate(await gov.governor.getAddress());
    await expect(f.pool.connect(governor).updateRules(defaultRules({ minParticipants: 5 })))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
      .withArgs(governor.address);
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
  });
});
