import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { GovernanceRevertError, deployGovernance, toRoyaltiesError } from "../../src";
import type { Governance } from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { runTask } from "../helpers/tasks";

const VOTING_DELAY = 1;
const VOTING_PERIOD = 10;
const TIMELOCK_DELAY = 60;
const tokens = (whole: bigint) => whole * 10n ** 18n;

/** The message a task fails with (runTask rethrows inside tests). */
async function failure(task: string, args: Record<string, unknown>): Promise<string> {
  try {
    await runTask(task, args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`royalties ${task} did not fail`);
}

describe("governance from the terminal: propose-rules, delegate, proposals, vote, decoded errors", function () {
  let signers: HardhatEthersSigner[];
  let dao: Governance;
  let governor: string;
  let f: PoolFixture;
  /** Account indexes of the holders: alice 600, bob 300, carol 100 tokens; dave holds none. */
  const [ALICE, BOB, CAROL, DAVE] = [3, 4, 5, 6];

  beforeEach(async function () {
    signers = await ethers.getSigners();
    dao = await deployGovernance(
      { signer: signers[0] },
      {
        tokenName: "Royalty Votes",
        tokenSymbol: "RVOTE",
        holders: [signers[ALICE].address, signers[BOB].address, signers[CAROL].address],
        amounts: [tokens(600n), tokens(300n), tokens(100n)],
        votingDelay: VOTING_DELAY,
        votingPeriod: VOTING_PERIOD,
        quorumPercent: 40,
        timelockDelay: BigInt(TIMELOCK_DELAY),
      },
    );
    governor = await dao.governor.getAddress();
    const rules = defaultRules({
      minParticipants: 5,
      noiseBits: 8,
      claimWindow: 172800n,
      attestationRequired: true,
      attestors: [signers[15].address],
      bonusMultipliers: [2n],
    });
    f = await deployPoolFixture(rules, await dao.timelock.getAddress());
  });

  /** Proposes with the task (as alice) and returns the id and description it printed as JSON. */
  const propose = async (options: Record<string, unknown>) =>
    JSON.parse(
      await runTask("propose-rules", { pool: f.poolAddress, governor, account: ALICE, json: true, ...options }),
    ) as {
      proposalId: string;
      description: string;
    };

  /** The rules a proposal would set, decoded from its calldata. */
  const proposedRules = async (proposalId: string) => {
    const created = (await dao.governor.queryFilter(dao.governor.filters.ProposalCreated())).find(
      (e) => e.args.proposalId === BigInt(proposalId),
    )!;
    return f.pool.interface.decodeFunctionData("updateRules", created.args.calldatas[0])[0] as {
      metrics: { name: string; weight: bigint; cap: bigint }[];
      minParticipants: bigint;
      noiseBits: bigint;
      claimWindow: bigint;
      attestationRequired: boolean;
      attestors: string[];
      bonusMultipliers: bigint[];
      epochLength: bigint;
      maxSubmissionsPerContributor: bigint;
    };
  };

  const delegateAll = async () => {
    for (const account of [ALICE, BOB, CAROL]) await runTask("delegate", { governor, account });
  };

  it("propose-rules changes only the named weight: every other rule of the pool stays, the description lists one change", async function () {
    const { proposalId, description } = await propose({ weights: "computeUnits:4" });
    expect(description).to.equal(
      `Change royalty rules of pool ${f.poolAddress} from the next epoch: weight of computeUnits 3 → 4.`,
    );
    const rules = await proposedRules(proposalId);
    expect(rules.metrics.map((m) => [m.name, m.weight, m.cap])).to.deep.equal([
      ["computeUnits", 4n, 1_000_000n],
      ["dataSamples", 1n, 500_000n],
      ["qualityScore", 5n, 100n],
    ]);
    expect(rules.minParticipants).to.equal(5n);
    expect(rules.noiseBits).to.equal(8n);
    expect(rules.claimWindow).to.equal(172800n);
    expect(rules.attestationRequired).to.equal(true);
    expect(rules.attestors).to.deep.equal([signers[15].address]);
    expect(rules.bonusMultipliers).to.deep.equal([2n]);
  });

  it("propose-rules lists exactly the changes of several options, and refuses no option or no actual change", async function () {
    const { description } = await propose({ caps: "qualityScore:200", minParticipants: 6, bonus: "none" });
    expect(description.slice(description.indexOf(": ") + 2)).to.equal(
      "cap of qualityScore 100 → 200; minParticipants 5 → 6; bonus multipliers 2 → none.",
    );
    expect(await failure("propose-rules", { pool: f.poolAddress, governor, account: ALICE })).to.match(
      /^propose-rules needs at least one change: --weights name:w/,
    );
    expect(
      await failure("propose-rules", { pool: f.poolAddress, governor, account: ALICE, minParticipants: 5 }),
    ).to.equal(
      `The proposal changes nothing: rules version 1 of pool ${f.poolAddress} already has every value it names.`,
    );
    expect(
      await failure("propose-rules", { pool: f.poolAddress, governor, account: ALICE, weights: "gpuHours:2" }),
    ).to.equal('No metric "gpuHours" in the rules (computeUnits, dataSamples, qualityScore): check the weight change.');
  });

  it("delegate, proposals, vote, queue, execute; a second proposal starts from the latest rules version", async function () {
    await delegateAll();
    const delegated = await runTask("delegate", { governor, account: BOB, to: signers[CAROL].address });
    expect(delegated).to.contain(`Votes of ${signers[BOB].address} delegated to ${signers[CAROL].address}.`);
    expect(delegated).to.contain("now has 400 RVOTE of voting power");

    const first = await propose({ weights: "computeUnits:4" });
    expect(first.proposalId).to.match(/^\d{20,}$/);
    const listed = await runTask("proposals", { governor });
    expect(listed).to.contain(first.proposalId); // no thousands separators in the id
    expect(listed).to.match(/Pending\s+0 RVOTE\s+0 RVOTE\s+0 RVOTE/);

    await mine(VOTING_DELAY + 1);
    const voted = await runTask("vote", { governor, proposal: first.proposalId, account: ALICE, support: "for" });
    expect(voted).to.contain("Voted for with 600 RVOTE.");
    expect(voted).to.match(new RegExp(`proposal\\s+${first.proposalId}\\n`));
    await runTask("vote", { governor, proposal: first.proposalId, account: CAROL, support: "against" });
    const json = JSON.parse(await runTask("proposals", { governor, json: true })) as {
      proposalId: string;
      state: string;
      forVotes: string;
      againstVotes: string;
      eta: string;
    }[];
    expect(json).to.have.length(1);
    expect(json[0]).to.include({ proposalId: first.proposalId, state: "Active", forVotes: tokens(600n).toString() });
    expect(json[0].againstVotes).to.equal(tokens(400n).toString());

    await mine(VOTING_PERIOD);
    expect(await runTask("queue", { governor, proposal: first.proposalId })).to.match(/state\s+Queued/);
    const queued = await runTask("proposals", { governor });
    expect(queued).to.match(/Queued\s+600 RVOTE\s+400 RVOTE\s+0 RVOTE\s+\d+\s+\d+\s+\d{4}-\d\d-\d\dT/);
    await runTask("advance-time", { seconds: TIMELOCK_DELAY + 1 });
    expect(await runTask("execute", { governor, proposal: first.proposalId })).to.match(/state\s+Executed/);
    expect(await f.pool.rulesVersionCount()).to.equal(2n);

    // The current epoch still runs under version 1; the next proposal starts from version 2.
    const second = await propose({ caps: "computeUnits:2000000" });
    expect(second.description).to.match(/: cap of computeUnits 1000000 → 2000000\.$/);
    const rules = await proposedRules(second.proposalId);
    expect([rules.metrics[0].weight, rules.metrics[0].cap]).to.deep.equal([4n, 2_000_000n]);
  });

  it("voting with no votes at the snapshot is refused before sending, saying to delegate before the snapshot", async function () {
    const { proposalId } = await propose({ weights: "computeUnits:4" }); // nobody delegated yet
    await mine(VOTING_DELAY + 1);
    const nonceBefore = await ethers.provider.getTransactionCount(signers[ALICE].address);
    const message = await failure("vote", { governor, proposal: proposalId, account: ALICE });
    expect(message).to.equal(
      `${signers[ALICE].address} had no votes at proposal ${proposalId}'s snapshot (block ${await dao.governor.proposalSnapshot(proposalId)}), ` +
        "although it holds voting tokens: they were not delegated: votes count only when delegated before the snapshot. " +
        "Delegate now (royalties delegate) to vote on proposals made from the next block on.",
    );
    expect(await ethers.provider.getTransactionCount(signers[ALICE].address)).to.equal(nonceBefore);
    expect(await failure("vote", { governor, proposal: proposalId, account: DAVE })).to.match(
      /had no votes at proposal \d+'s snapshot \(block \d+\): votes count only when delegated before the snapshot/,
    );
  });

  it("Governor and Timelock errors come back as one sentence with the next step", async function () {
    await delegateAll();
    const { proposalId } = await propose({ weights: "computeUnits:4" });
    expect(await failure("vote", { governor, proposal: proposalId, account: ALICE })).to.equal(
      `Proposal ${proposalId} is Pending, this needs it Active: its vote has not started: wait until its snapshot ` +
        "block has passed (royalties proposals shows it), then vote.",
    );
    await mine(VOTING_DELAY + 1);
    expect(
      await failure("propose-rules", { pool: f.poolAddress, governor, account: ALICE, weights: "computeUnits:4" }),
    ).to.equal(
      `Proposal ${proposalId} already exists (Active): its vote is still open: wait until its deadline block has ` +
        "passed, then queue it (royalties queue).",
    );
    await runTask("vote", { governor, proposal: proposalId, account: ALICE });
    expect(await failure("vote", { governor, proposal: proposalId, account: ALICE })).to.equal(
      `${signers[ALICE].address} already voted on this proposal: an account votes once; see the tally with royalties proposals.`,
    );
    expect(await failure("queue", { governor, proposal: proposalId })).to.match(
      new RegExp(
        `^Proposal ${proposalId} is Active, this needs it Succeeded: its vote is still open: wait until its deadline`,
      ),
    );
    await mine(VOTING_PERIOD);
    await runTask("queue", { governor, proposal: proposalId });
    expect(await failure("execute", { governor, proposal: proposalId })).to.match(
      /^Timelock operation 0x[0-9a-f]{64} is not Ready: the timelock delay has not passed: wait until the proposal's ETA/,
    );
    expect(await failure("proposal", { governor, proposal: "123" })).to.equal(
      "No proposal 123 on this governor: check --proposal (royalties proposals lists them) and --governor.",
    );
    // The same decoder serves library callers.
    const raw = await dao.governor
      .connect(signers[ALICE])
      .castVote(proposalId, 1)
      .catch((e: unknown) => e);
    const decoded = toRoyaltiesError(raw);
    expect(decoded).to.be.instanceOf(GovernanceRevertError);
    expect((decoded as GovernanceRevertError).errorName).to.equal("GovernorUnexpectedProposalState");
    expect((decoded as Error).message).to.contain("is Queued, this needs it Active: it waits in the timelock");
  });

  it("advance-time moves the clock and mines blocks on a local network", async function () {
    const before = await ethers.provider.getBlock("latest");
    const out = JSON.parse(await runTask("advance-time", { seconds: 3600, blocks: 3, json: true })) as {
      block: number;
      timestamp: number;
    };
    expect(out.block).to.equal(before!.number + 3);
    expect(out.timestamp).to.be.gte(before!.timestamp + 3600);
    expect(await failure("advance-time", { blocks: 0 })).to.equal("--blocks must be ≥ 1; got 0.");
    expect(await time.latest()).to.equal(out.timestamp);
  });
});
