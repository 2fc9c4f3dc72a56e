import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { deployGovernance } from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { claimVia, decrypt, modelIdOf, pushVia, vaultBalance, vaultOf, withdrawAmount } from "../helpers/fhe";
import { THREE, closeAndRevealLate, expectUnchanged, fundAndSubmit, snapshot } from "./helpers";

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
    const aggregator = await f.registry.metricAggregator();
    const before = await snapshot(f);
    for (const target of [f.pool, implementation]) {
      for (const caller of [f.stranger, governance, f.deployer, registry]) {
        await expect(
          target
            .connect(caller)
            .initialize("hijack", payout, defaultRules(), caller.address, aggregator, caller.address),
        ).to.be.revertedWithCustomError(f.pool, "InvalidInitialization");
      }
    }
    await expectUnchanged(f, before);
    expect(await f.pool.governance()).to.equal(governance.address);
    expect(await f.pool.payoutVault()).to.equal(await f.registry.payoutVault());
    expect(await implementation.payoutVault()).to.equal(ethers.ZeroAddress);
    const vault = await vaultOf(f);
    expect(await vault.registry()).to.equal(registryAddress);
  });

  it("claimFor: only the payout vault; not the contributor, the registry, their governance or a stranger", async function () {
    const governance = (await ethers.getSigners())[19];
    const f = await deployPoolFixture(defaultRules(), governance.address);
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const registry = await impersonate(await f.registry.getAddress());
    const accounts = [alice.address, f.stranger.address];
    const before = await snapshot(f, accounts);
    for (const caller of [alice, registry, governance, f.stranger, f.deployer]) {
      for (const afterWindow of [false, true]) {
        await expect(f.pool.connect(caller).claimFor(1, alice.address, afterWindow))
          .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotPayoutVault")
          .withArgs(caller.address);
      }
    }
    await expectUnchanged(f, before, accounts);
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(false);
    // The vault itself may: a claim through it is the one path.
    await claimVia(f, alice, 1n);
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(true);
  });

  it("the vault claims only for its caller: a batch naming someone else's pairs credits nobody", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const vault = await vaultOf(f);
    const modelId = await modelIdOf(f);
    const pairs = [{ modelId, epochId: 1n }];
    const accounts = [alice.address, f.stranger.address];
    const before = await snapshot(f, accounts);
    await expect(vault.connect(f.stranger).claimMany(pairs))
      .to.emit(vault, "PairSkipped")
      .withArgs(f.stranger.address, modelId, 1n)
      .and.not.to.emit(vault, "ShareCredited");
    await expect(vault.connect(f.stranger).claim(modelId, 1n))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNoContribution")
      .withArgs(1n, f.stranger.address);
    await expectUnchanged(f, before, accounts);
    expect(await f.pool.hasClaimed(1, alice.address)).to.equal(false);
  });

  it("a push credits the contributor, never the caller; a withdrawal spends only the caller's own balance", async function () {
    const f = await deployPoolFixture(defaultRules({ claimWindow: 24n * 3600n }));
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const vault = await vaultOf(f);
    const payout = await f.payout.getAddress();
    await time.increase(24n * 3600n);
    await pushVia(f, f.stranger, 1n, alice.address);
    const share = await vaultBalance(vault, alice, payout);
    expect(share).to.be.gt(0n);
    expect(await vault.balanceOf(f.stranger.address, payout)).to.equal(ethers.ZeroHash);
    await expect(decrypt(await vault.balanceOf(alice.address, payout), await vault.getAddress(), f.stranger)).to.be
      .rejected;
    const accounts = [alice.address, f.stranger.address];
    const before = await snapshot(f, accounts);
    // Sent one at a time (each a thunk), so no rejection waits unhandled.
    for (const refused of [
      () => vault.connect(f.stranger).withdraw(payout, f.stranger.address),
      () => vault.connect(f.stranger).withdrawUnwrapped(payout, f.stranger.address),
      () => withdrawAmount(vault, f.stranger, payout, f.stranger.address, 1n),
      () => withdrawAmount(vault, f.stranger, payout, f.stranger.address, 1n, true),
    ]) {
      await expect(refused())
        .to.be.revertedWithCustomError(vault, "PayoutVaultNoBalance")
        .withArgs(f.stranger.address, payout);
    }
    await expectUnchanged(f, before, accounts);
    expect(await vaultBalance(vault, alice, payout)).to.equal(share);
  });

  it("the vault pays only its registry's models: an unknown model id reverts, changing nothing", async function () {
    const f = await deployPoolFixture();
    await fundAndSubmit(f, 10n, THREE);
    await closeAndRevealLate(f);
    const [alice] = f.contributors;
    const vault = await vaultOf(f);
    // A second registry's model 1 is not this vault's model 1's pool.
    const other = await deployPoolFixture();
    expect(await other.registry.payoutVault()).to.not.equal(await vault.getAddress());
    const before = await snapshot(f, [alice.address]);
    for (const modelId of [0n, 2n, 999n]) {
      await expect(vault.connect(alice).claim(modelId, 1n))
        .to.be.revertedWithCustomError(f.registry, "ModelRegistryUnknownModel")
        .withArgs(modelId);
      await expect(vault.connect(alice).claimMany([{ modelId, epochId: 1n }]))
        .to.be.revertedWithCustomError(f.registry, "ModelRegistryUnknownModel")
        .withArgs(modelId);
    }
    await expectUnchanged(f, before, [alice.address]);
    // Another registry's vault is not this pool's vault: it cannot claim from it.
    const otherVault = await impersonate(await other.registry.payoutVault());
    await expect(f.pool.connect(otherVault).claimFor(1n, alice.address, false))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotPayoutVault")
      .withArgs(otherVault.address);
    await expectUnchanged(f, before, [alice.address]);
  });

  it("governance: the timelock and the governor obey only passed proposals", async function () {
    const [deployer, , stranger, alice] = await ethers.getSigners();
    const gov = await deployGovernance(
      { signer: deployer },
      {
        tokenName: "Votes",
        tokenSymbol: "V",
        holders: [alice.address],
        amounts: [10n ** 18n],
        votingDelay: 1,
        votingPeriod: 10,
        quorumPercent: 40,
        timelockDelay: 3600n,
      },
    );
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
