/** Governance tasks: deploy a model's DAO, propose a rules change, vote, queue, execute, rules history. */
import { types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { RoyaltyGovernor } from "../types";
import { fail, parseAddress, parseMetricSchema } from "./args";
import {
  action,
  deployedAddress,
  epochRulesOf,
  getPoolClient,
  getReader,
  getSigner,
  output,
  recordTable,
  withCommonOptions,
  withEpochRuleOptions,
  withPoolOptions,
} from "./common";
import type { CommonArgs, EpochRuleArgs, PoolArgs } from "./common";
import { royalties } from "./scope";

interface GovernorArgs extends CommonArgs {
  governor?: string;
}

async function getGovernor(
  hre: HardhatRuntimeEnvironment,
  args: GovernorArgs,
  account: number,
): Promise<RoyaltyGovernor> {
  const { RoyaltyGovernor__factory } = await import("../types");
  const address =
    args.governor === undefined
      ? await deployedAddress(hre, "RoyaltyGovernor")
      : parseAddress(args.governor, "--governor");
  return RoyaltyGovernor__factory.connect(address, await getSigner(hre, account));
}

function parseProposalId(text: string): bigint {
  if (!/^\d+$/.test(text.trim())) fail(`--proposal must be the proposal id printed by propose-rules; got "${text}".`);
  return BigInt(text.trim());
}

/** The proposal's actions, read back from its ProposalCreated event (the Governor stores only their hash). */
async function proposalActions(governor: RoyaltyGovernor, proposalId: bigint) {
  const events = await governor.queryFilter(governor.filters.ProposalCreated());
  const created = events.find((e) => e.args.proposalId === proposalId);
  if (created === undefined) fail(`No proposal ${proposalId} on this governor: check --proposal and --governor.`);
  return {
    targets: [...created.args.targets],
    values: [...created.args[3]],
    calldatas: [...created.args.calldatas],
    description: created.args.description,
  };
}

interface DeployGovernanceArgs extends CommonArgs {
  holders: string;
  votingDelay: number;
  votingPeriod: number;
  quorum: number;
  timelockDelay: number;
}

withCommonOptions(royalties.task("deploy-governance", "Deploy a model's DAO: voting token, timelock, Governor"))
  .addParam("holders", "Initial voting-token holders as address:amount,… (whole tokens)")
  .addOptionalParam("votingDelay", "Blocks between a proposal and its vote", 1, types.int)
  .addOptionalParam("votingPeriod", "Blocks a vote lasts", 50, types.int)
  .addOptionalParam("quorum", "Percent of the supply needed to pass", 40, types.int)
  .addOptionalParam("timelockDelay", "Seconds between queue and execute", 3600, types.int)
  .setAction(
    action(async (args: DeployGovernanceArgs, hre) => {
      const entries = args.holders.split(",").map((entry) => {
        const [address, amount] = entry.split(":");
        if (amount === undefined || !/^\d+$/.test(amount)) {
          fail(`--holders entry "${entry}" is not address:amount, e.g. --holders 0xabc…:600,0xdef…:400.`);
        }
        return { address: parseAddress(address, "--holders"), amount: BigInt(amount) * 10n ** 18n };
      });
      const signer = await getSigner(hre, args.account);
      const { deployGovernance } = await import("../src");
      const dao = await deployGovernance(signer, {
        tokenName: "Royalty Votes",
        tokenSymbol: "RVOTE",
        holders: entries.map((e) => e.address),
        amounts: entries.map((e) => e.amount),
        votingDelay: args.votingDelay,
        votingPeriod: args.votingPeriod,
        quorumPercent: args.quorum,
        timelockDelay: BigInt(args.timelockDelay),
      });
      const saved: Record<string, string> = {};
      for (const [name, contract] of Object.entries({
        GovernanceToken: dao.token,
        RoyaltyTimelock: dao.timelock,
        RoyaltyGovernor: dao.governor,
      })) {
        const address = await contract.getAddress();
        const artifact = await hre.deployments.getExtendedArtifact(name);
        await hre.deployments.save(name, { address, ...artifact });
        saved[name] = address;
      }
      output(args.json, saved, () =>
        [
          "Governance deployed (the deployer renounced every timelock role):",
          recordTable(Object.entries(saved)),
          "",
          `Create a governed model: npx hardhat royalties deploy-model --governance ${saved.RoyaltyTimelock} …`,
          "Holders must delegate their votes before a proposal (token.delegate(self)).",
        ].join("\n"),
      );
    }),
  );

interface ProposeArgs extends PoolArgs, GovernorArgs, EpochRuleArgs {
  metrics: string;
  attestors?: string;
  bonus?: string;
  attestationRequired: boolean;
}

withEpochRuleOptions(
  withPoolOptions(royalties.task("propose-rules", "Propose new rules for a governed pool (apply from the next epoch)")),
)
  .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
  .addParam("metrics", "New metric schema as name:weight:cap,…")
  .addOptionalParam("attestors", "Attestor addresses, comma-separated")
  .addOptionalParam("bonus", "Bonus class multipliers, comma-separated, e.g. 2,3")
  .addFlag("attestationRequired", "Accept attested contributions only")
  .setAction(
    action(async (args: ProposeArgs, hre) => {
      const governor = await getGovernor(hre, args, args.account);
      const client = await getPoolClient(hre, args, await getSigner(hre, args.account));
      const { proposeRulesChange } = await import("../src");
      const proposal = await proposeRulesChange(governor, client, {
        metrics: parseMetricSchema(args.metrics),
        ...epochRulesOf(args),
        attestationRequired: args.attestationRequired,
        attestors:
          args.attestors === undefined ? [] : args.attestors.split(",").map((a) => parseAddress(a, "--attestors")),
        bonusMultipliers: args.bonus === undefined ? [] : args.bonus.split(",").map((b) => BigInt(b.trim())),
      });
      output(args.json, { proposalId: proposal.proposalId, description: proposal.description }, () =>
        [
          `Proposal ${proposal.proposalId}`,
          `"${proposal.description}"`,
          "Next: vote once the voting delay has passed.",
        ].join("\n"),
      );
    }),
  );

interface ProposalArgs extends GovernorArgs {
  proposal: string;
  support?: string;
}

const SUPPORT: Record<string, number> = { against: 0, for: 1, abstain: 2 };

/** A proposal's state and vote counts, as data and as a table. */
async function proposalSummary(governor: RoyaltyGovernor, proposalId: bigint) {
  const { PROPOSAL_STATES } = await import("../src");
  const [against, forVotes, abstain] = await governor.proposalVotes(proposalId);
  const state = PROPOSAL_STATES[Number(await governor.state(proposalId))];
  const table = recordTable([
    ["proposal", proposalId],
    ["state", state],
    ["for", forVotes],
    ["against", against],
    ["abstain", abstain],
  ]);
  return { data: { proposalId, state, for: forVotes, against, abstain }, table };
}

withCommonOptions(royalties.task("vote", "Vote on a proposal with the signer's delegated votes"))
  .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
  .addParam("proposal", "Proposal id")
  .addOptionalParam("support", "for | against | abstain", "for")
  .setAction(
    action(async (args: ProposalArgs, hre) => {
      const support = SUPPORT[(args.support ?? "for").toLowerCase()];
      if (support === undefined) fail(`--support must be for, against or abstain; got "${args.support}".`);
      const governor = await getGovernor(hre, args, args.account);
      const proposalId = parseProposalId(args.proposal);
      await (await governor.castVote(proposalId, support)).wait();
      const summary = await proposalSummary(governor, proposalId);
      output(args.json, summary.data, () => summary.table);
    }),
  );

for (const [name, description] of [
  ["queue", "Queue a passed proposal in the timelock"],
  ["execute", "Execute a queued proposal once the timelock delay has passed"],
  ["proposal", "Show a proposal's state and votes"],
] as const) {
  withCommonOptions(royalties.task(name, description))
    .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
    .addParam("proposal", "Proposal id")
    .setAction(
      action(async (args: ProposalArgs, hre) => {
        const governor = await getGovernor(hre, args, args.account);
        const proposalId = parseProposalId(args.proposal);
        const actions = await proposalActions(governor, proposalId);
        const { executeProposal, queueProposal } = await import("../src");
        if (name === "queue") await queueProposal(governor, actions);
        if (name === "execute") await executeProposal(governor, actions);
        const summary = await proposalSummary(governor, proposalId);
        output(args.json, { ...summary.data, description: actions.description }, () =>
          [`"${actions.description}"`, summary.table].join("\n"),
        );
      }),
    );
}

withPoolOptions(
  royalties.task("rules-history", "Every rules version of a pool and the epochs it applied to"),
).setAction(
  action(async (args: PoolArgs, hre) => {
    const client = await getPoolClient(hre, args, await getReader(hre, args.account));
    const { formatTable, rulesHistory } = await import("../src");
    const history = await rulesHistory(client);
    output(args.json, history, () =>
      formatTable(
        ["version", "epochs", "metrics (name×weight≤cap)", "k", "attestors", "bonus"],
        history.map((v) => [
          v.version.toString(),
          v.epochs.length === 0 ? "next" : v.epochs.join(","),
          v.metrics.map((m) => `${m.name}×${m.weight}≤${m.cap}`).join(" "),
          v.minParticipants.toString(),
          v.attestors.length.toString(),
          v.bonusMultipliers.length === 0 ? "none" : v.bonusMultipliers.join(","),
        ]),
      ),
    );
  }),
);
