import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  connectPool,
  createHardhatFheBackend,
  createRoyaltiesClient,
  deployGovernance,
  executeProposal,
  proposeRulesChange,
  queueProposal,
  rulesHistory,
  withSigner,
} from "../../src/node";
import type { Governance, PoolClient, RulesParameters } from "../../src";
import { DEFAULT_METRICS, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { endCurrentEpoch, submit } from "../helpers/fhe";

const VOTING_DELAY = 1;
const VOTING_PERIOD = 20;
const TIMELOCK_DELAY = 3600n;
const FOR = 1;
const AGAINST = 0;
enum ProposalState {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

const newRules: RulesParameters = {
  metrics: [
    { name: "computeUnits", weight: 4n, cap: 2_000_000n },
    { name: "dataSamples", weight: 1n, cap: 500_000n },
    { name: "qualityScore", weight: 5n, cap: 100n },
  ],
  epochLength: 14n * 24n * 3600n,
  minParticipants: 4,
  maxSubmissionsPerContributor: 2,
};

describe("Governance of royalty rules", function () {
  let gov: Governance;
  let f: PoolFixture;
  let client: PoolClient;
  /** The pool client acting as the deployer: the account proposing, queueing and executing. */
  let deployerClient: PoolClient;
  let governor: string;

  beforeEach(async function () {
    const [deployer, , , alice, bob, carol] = await ethers.getSigners();
    gov = await deployGovernance(
      { signer: deployer },
      {
        tokenName: "Subnet Votes",
        tokenSymbol: "SV",
        holders: [alice.address, bob.address, carol.address],
        amounts: [600n, 300n, 100n].map((x) => x * 10n ** 18n),
        votingDelay: VOTING_DELAY,
        votingPeriod: VOTING_PERIOD,
        quorumPercent: 40,
        timelockDelay: TIMELOCK_DELAY,
      },
    );
    for (const holder of [alice, bob, carol]) await gov.token.connect(holder).delegate(holder.address);
    f = await deployPoolFixture(defaultRules(), await gov.timelock.getAddress());
    const registry = await f.registry.getAddress();
    const fhe = createHardhatFheBackend(fhevm);
    client = await connectPool(await createRoyaltiesClient({ signer: alice, fhe, registry }), {
      address: f.poolAddress,
    });
    deployerClient = withSigner(client, deployer);
    governor = await gov.governor.getAddress();
  });

  it("leaves the deployer no power: no timelock role, no rule setter, no minting", async function () {
    const { deployer } = f;
    const timelock = gov.timelock;
    for (const role of [
      await timelock.DEFAULT_ADMIN_ROLE(),
      await timelock.PROPOSER_ROLE(),
      await timelock.CANCELLER_ROLE(),
    ]) {
      expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
    }
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), await gov.governor.getAddress())).to.equal(true);
    expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), await timelock.getAddress())).to.equal(true);
    await expect(f.pool.connect(deployer).updateRules(defaultRules()))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
      .withArgs(deployer.address);
    const call = f.pool.interface.encodeFunctionData("updateRules", [defaultRules()]);
    await expect(
      timelock.connect(deployer).schedule(f.poolAddress, 0, call, ethers.ZeroHash, ethers.ZeroHash, TIMELOCK_DELAY),
    ).to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount");
    await expect(
      timelock.connect(deployer).grantRole(await timelock.PROPOSER_ROLE(), deployer.address),
    ).to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount");
    expect(await gov.token.totalSupply()).to.equal(1000n * 10n ** 18n);
    expect(gov.token.interface.fragments.some((fragment) => "name" in fragment && fragment.name === "mint")).to.equal(
      false,
    );
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
  });

  it("proposal → vote → queue → execute changes the rules from the next epoch, never the open one", async function () {
    const [alice, bob, carol] = f.contributors;
    await submit(f, alice, [1n, 1n, 1n]);
    const proposal = await proposeRulesChange(deployerClient, { governor, change: newRules });
    expect(proposal.description).to.contain("weight of computeUnits 3 → 4");
    expect(proposal.description).to.contain("cap of computeUnits 1000000 → 2000000");
    expect(proposal.description).to.contain("minParticipants 3 → 4");
    expect(await gov.governor.state(proposal.proposalId)).to.equal(ProposalState.Pending);
    await mine(VOTING_DELAY + 1);
    await gov.governor.connect(alice).castVote(proposal.proposalId, FOR);
    await gov.governor.connect(bob).castVote(proposal.proposalId, AGAINST);
    await mine(VOTING_PERIOD);
    expect(await gov.governor.state(proposal.proposalId)).to.equal(ProposalState.Succeeded);
    await queueProposal(deployerClient, { governor, ...proposal });
    await expect(executeProposal(deployerClient, { governor, ...proposal })).to.be.revertedWithCustomError(
      gov.timelock,
      "TimelockUnexpectedOperationState",
    );
    await time.increase(TIMELOCK_DELAY);
    await submit(f, bob, [1n, 1n, 1n]);
    await executeProposal(deployerClient, { governor, ...proposal });
    expect(await gov.governor.state(proposal.proposalId)).to.equal(ProposalState.Executed);
    expect(await f.pool.rulesVersionCount()).to.equal(2n);

    // The rule change landed while epoch 1 was open: epoch 1 keeps version 1 (k = 3 still).
    await submit(f, carol, [1n, 1n, 1n]);
    expect((await f.pool.getEpoch(1)).rulesVersion).to.equal(1n);
    await endCurrentEpoch(f);
    await expect(f.pool.closeEpoch()).to.emit(f.pool, "EpochClosed");
    const epoch2 = await f.pool.getEpoch(2);
    expect(epoch2.rulesVersion).to.equal(2n);
    expect(epoch2.end - epoch2.start).to.equal(newRules.epochLength);
    const history = await rulesHistory(client);
    expect(history.map((v) => v.epochs)).to.deep.equal([[1n], [2n]]);
    expect(history[1].metrics[0].weight).to.equal(4n);
  });

  it("a proposal short of quorum is defeated and cannot be queued", async function () {
    const [, , carol] = f.contributors;
    const proposal = await proposeRulesChange(deployerClient, { governor, change: newRules });
    await mine(VOTING_DELAY + 1);
    await gov.governor.connect(carol).castVote(proposal.proposalId, FOR); // 10 % of the supply < 40 % quorum
    await mine(VOTING_PERIOD);
    expect(await gov.governor.state(proposal.proposalId)).to.equal(ProposalState.Defeated);
    await expect(queueProposal(deployerClient, { governor, ...proposal })).to.be.revertedWithCustomError(
      gov.governor,
      "GovernorUnexpectedProposalState",
    );
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
  });

  it("a cancelled proposal can neither be voted nor executed", async function () {
    const [alice] = f.contributors;
    // Only the proposer may cancel, and only before the vote starts (OpenZeppelin Governor 5).
    const proposal = await proposeRulesChange(withSigner(client, alice), { governor, change: newRules });
    await gov.governor
      .connect(alice)
      .cancel(proposal.targets, proposal.values, proposal.calldatas, ethers.id(proposal.description));
    expect(await gov.governor.state(proposal.proposalId)).to.equal(ProposalState.Canceled);
    await mine(VOTING_DELAY + 1);
    await expect(gov.governor.connect(alice).castVote(proposal.proposalId, FOR)).to.be.revertedWithCustomError(
      gov.governor,
      "GovernorUnexpectedProposalState",
    );
    await expect(executeProposal(deployerClient, { governor, ...proposal })).to.be.revertedWithCustomError(
      gov.governor,
      "GovernorUnexpectedProposalState",
    );
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
  });

  it("an out-of-bounds rule passed by vote still fails at execution, naming the bound", async function () {
    const [alice, bob] = f.contributors;
    const overflow: RulesParameters = {
      ...newRules,
      metrics: [{ name: "computeUnits", weight: 2n, cap: 2n ** 62n }],
      bonusMultipliers: [4n],
    };
    const proposal = await proposeRulesChange(deployerClient, { governor, change: overflow });
    expect(proposal.description).to.contain("remove metric dataSamples");
    expect(proposal.description).to.contain("bonus multipliers none → 4");
    await mine(VOTING_DELAY + 1);
    await gov.governor.connect(alice).castVote(proposal.proposalId, FOR);
    await gov.governor.connect(bob).castVote(proposal.proposalId, FOR);
    await mine(VOTING_PERIOD);
    await queueProposal(deployerClient, { governor, ...proposal });
    await time.increase(TIMELOCK_DELAY);
    await expect(executeProposal(deployerClient, { governor, ...proposal }))
      .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSubmissionBoundOverflow")
      .withArgs(2n * 2n ** 62n * 4n, 2n ** 64n - 1n);
    expect(await f.pool.rulesVersionCount()).to.equal(1n);
    expect(DEFAULT_METRICS.length).to.equal(3);
  });
});
