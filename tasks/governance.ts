/** Governance tasks: deploy a model's DAO, propose a rules change, vote, queue, execute, rules history. */
import { types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { GovernanceClient, RulesChange } from "../src";
import { fail, parseAddress, parseBlock, parseMetricSchema, parseNamedValues } from "./args";
import {
  action,
  deployedAddress,
  getPoolClient,
  getSigner,
  isoTime,
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

/** The governor a governance task goes through, and the client of the account acting on it. */
interface GovernorTarget {
  client: GovernanceClient;
  governor: string;
}

async function getGovernor(
  hre: HardhatRuntimeEnvironment,
  args: GovernorArgs,
  account: number,
): Promise<GovernorTarget> {
  const governor =
    args.governor === undefined
      ? await deployedAddress(hre, "RoyaltyGovernor")
      : parseAddress(args.governor, "--governor");
  const signer = await getSigner(hre, account);
  return { client: { runner: signer, provider: hre.ethers.provider, signer }, governor };
}

function parseProposalId(text: string): bigint {
  if (!/^\d+$/.test(text.trim())) fail(`--proposal must be the proposal id printed by propose-rules; got "${text}".`);
  return BigInt(text.trim());
}

/** A proposal of the governor, with its actions read back from its ProposalCreated event. */
async function findProposal({ client, governor }: GovernorTarget, proposalId: bigint) {
  const { getProposal } = await import("../src/actions/proposals");
  return getProposal(client, { governor, proposalId });
}

/** Formats votes (token base units) in whole tokens of the governor's voting token. */
async function votesFormatter({ client, governor }: GovernorTarget): Promise<(votes: bigint) => string> {
  const { formatAmount, governanceToken } = await import("../src");
  const token = await governanceToken(client, { governor });
  const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
  return (votes) => `${formatAmount(votes, Number(decimals))} ${symbol}`;
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
      const dao = await deployGovernance(
        { signer: signer },
        {
          tokenName: "Royalty Votes",
          tokenSymbol: "RVOTE",
          holders: entries.map((e) => e.address),
          amounts: entries.map((e) => e.amount),
          votingDelay: args.votingDelay,
          votingPeriod: args.votingPeriod,
          quorumPercent: args.quorum,
          timelockDelay: BigInt(args.timelockDelay),
        },
      );
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
          "Holders must delegate their votes before a proposal's snapshot: npx hardhat royalties delegate --account <i>.",
        ].join("\n"),
      );
    }),
  );

interface ProposeArgs extends PoolArgs, GovernorArgs, Partial<EpochRuleArgs> {
  metrics?: string;
  weights?: string;
  caps?: string;
  attestors?: string;
  bonus?: string;
  attestationRequired?: boolean;
}

/** A comma-separated list, or "none" for an empty one. */
const listOrNone = (text: string) => (text.trim().toLowerCase() === "none" ? [] : text.split(","));

/** The rules change propose-rules' options name: every option given, nothing else. */
function rulesChangeOf(args: ProposeArgs): RulesChange {
  const change: RulesChange = {
    metrics: args.metrics === undefined ? undefined : parseMetricSchema(args.metrics),
    weights: args.weights === undefined ? undefined : parseNamedValues(args.weights, "--weights"),
    caps: args.caps === undefined ? undefined : parseNamedValues(args.caps, "--caps"),
    epochLength: args.epochLength === undefined ? undefined : BigInt(args.epochLength),
    minParticipants: args.minParticipants,
    maxSubmissionsPerContributor: args.maxSubmissions,
    claimWindow: args.claimWindow === undefined ? undefined : BigInt(args.claimWindow),
    noiseBits: args.noiseBits,
    attestationRequired: args.attestationRequired,
    attestors:
      args.attestors === undefined ? undefined : listOrNone(args.attestors).map((a) => parseAddress(a, "--attestors")),
    bonusMultipliers: args.bonus === undefined ? undefined : listOrNone(args.bonus).map((b) => parseBonus(b)),
  };
  if (Object.values(change).every((value) => value === undefined)) {
    fail(
      "propose-rules needs at least one change: --weights name:w,…, --caps name:c,…, --metrics name:weight:cap,… " +
        "(the whole schema), --epoch-length, --min-participants, --max-submissions, --claim-window, --noise-bits, " +
        "--attestors a,b|none, --bonus 2,3|none or --attestation-required true|false. Every rule not named keeps " +
        "the pool's latest rules version.",
    );
  }
  return change;
}

function parseBonus(text: string): bigint {
  if (!/^\d+$/.test(text.trim()) || BigInt(text.trim()) === 0n) {
    fail(`--bonus must be whole multipliers ≥ 1 separated by commas (or none), e.g. --bonus 2,3; got "${text}".`);
  }
  return BigInt(text.trim());
}

withEpochRuleOptions(
  withPoolOptions(
    royalties.task(
      "propose-rules",
      "Propose a rules change of a governed pool (applies from the next epoch): only the rules named change",
    ),
  ),
  false,
)
  .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
  .addOptionalParam("weights", "New weights of existing metrics as name:weight,…")
  .addOptionalParam("caps", "New caps of existing metrics as name:cap,…")
  .addOptionalParam("metrics", "A whole new metric schema as name:weight:cap,… (to add, remove or reorder metrics)")
  .addOptionalParam("attestors", "Attestor addresses, comma-separated, or none")
  .addOptionalParam("bonus", "Bonus class multipliers, comma-separated (e.g. 2,3), or none")
  .addOptionalParam(
    "attestationRequired",
    "true: attested contributions only; false: self-reports too",
    undefined,
    types.boolean,
  )
  .setAction(
    action(async (args: ProposeArgs, hre) => {
      const change = rulesChangeOf(args);
      const { governor } = await getGovernor(hre, args, args.account);
      const client = await getPoolClient(hre, args, "signer");
      const { proposeRulesChange } = await import("../src");
      const proposal = await proposeRulesChange(client, { governor, change });
      output(args.json, { proposalId: proposal.proposalId, description: proposal.description }, () =>
        [
          `Proposal ${proposal.proposalId}`,
          `"${proposal.description}"`,
          "Next: vote once the voting delay has passed (royalties proposals shows when).",
        ].join("\n"),
      );
    }),
  );

interface ProposalArgs extends GovernorArgs {
  proposal: string;
  support?: string;
}

/** A proposal's state, votes (whole tokens) and schedule, as data and as a table; its id without separators. */
async function proposalSummary(governor: GovernorTarget, proposalId: bigint) {
  const p = await findProposal(governor, proposalId);
  const { summarizeProposal } = await import("../src/actions/proposals");
  const votes = await votesFormatter(governor);
  const table = recordTable([
    ["proposal", proposalId.toString()],
    ["state", p.state],
    ["for", votes(p.forVotes)],
    ["against", votes(p.againstVotes)],
    ["abstain", votes(p.abstainVotes)],
    ["snapshot block", p.snapshot.toString()],
    ["deadline block", p.deadline.toString()],
    ["eta", p.eta === 0n ? "—" : isoTime(p.eta)],
  ]);
  return { proposal: p, data: summarizeProposal(p), table };
}

withCommonOptions(royalties.task("vote", "Vote on a proposal with the votes delegated to the signer at its snapshot"))
  .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
  .addParam("proposal", "Proposal id")
  .addOptionalParam("support", "for | against | abstain", "for")
  .setAction(
    action(async (args: ProposalArgs, hre) => {
      const { voteOnProposal } = await import("../src");
      const { toVoteSupport } = await import("../src/actions/proposals");
      const support = toVoteSupport(args.support ?? "for");
      if (support === undefined) fail(`--support must be for, against or abstain; got "${args.support}".`);
      const governor = await getGovernor(hre, args, args.account);
      const proposalId = parseProposalId(args.proposal);
      const { weight } = await voteOnProposal(governor.client, { governor: governor.governor, proposalId, support });
      const summary = await proposalSummary(governor, proposalId);
      const votes = await votesFormatter(governor);
      output(args.json, { ...summary.data, weight }, () =>
        [`Voted ${support} with ${votes(weight)}.`, summary.table].join("\n"),
      );
    }),
  );

for (const [name, description] of [
  ["queue", "Queue a passed proposal in the timelock"],
  ["execute", "Execute a queued proposal once the timelock delay has passed"],
  ["proposal", "Show a proposal's state, votes and ETA"],
] as const) {
  withCommonOptions(royalties.task(name, description))
    .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
    .addParam("proposal", "Proposal id")
    .setAction(
      action(async (args: ProposalArgs, hre) => {
        const governor = await getGovernor(hre, args, args.account);
        const proposalId = parseProposalId(args.proposal);
        const actions = await findProposal(governor, proposalId);
        const { executeProposal, queueProposal } = await import("../src");
        if (name === "queue") await queueProposal(governor.client, { governor: governor.governor, ...actions });
        if (name === "execute") await executeProposal(governor.client, { governor: governor.governor, ...actions });
        const summary = await proposalSummary(governor, proposalId);
        output(args.json, summary.data, () => [`"${actions.description}"`, summary.table].join("\n"));
      }),
    );
}

interface ProposalsArgs extends GovernorArgs {
  fromBlock?: string;
}

withCommonOptions(royalties.task("proposals", "List the governor's proposals: id, state, votes, ETA"))
  .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
  .addOptionalParam("fromBlock", "First block to read proposals from (default: 0)")
  .setAction(
    action(async (args: ProposalsArgs, hre) => {
      const governor = await getGovernor(hre, args, args.account);
      const { formatTable, listProposals } = await import("../src");
      const fromBlock = args.fromBlock === undefined ? undefined : parseBlock(args.fromBlock, "--from-block");
      const proposals = await listProposals(governor.client, { governor: governor.governor, fromBlock });
      const votes = await votesFormatter(governor);
      const block = await hre.ethers.provider.getBlockNumber();
      output(
        args.json,
        proposals.map(({ targets: _t, values: _v, calldatas: _c, ...p }) => p),
        () =>
          proposals.length === 0
            ? "No proposals yet: make one with royalties propose-rules."
            : [
                formatTable(
                  ["id", "state", "for", "against", "abstain", "snapshot", "deadline", "eta", "description"],
                  proposals.map((p) => [
                    p.proposalId.toString(),
                    p.state,
                    votes(p.forVotes),
                    votes(p.againstVotes),
                    votes(p.abstainVotes),
                    p.snapshot.toString(),
                    p.deadline.toString(),
                    p.eta === 0n ? "—" : isoTime(p.eta),
                    p.description.length > 60 ? `${p.description.slice(0, 59)}…` : p.description,
                  ]),
                ),
                "",
                `Current block ${block}. Votes count as delegated at each proposal's snapshot block.`,
              ].join("\n"),
      );
    }),
  );

interface DelegateArgs extends GovernorArgs {
  to?: string;
}

withCommonOptions(royalties.task("delegate", "Delegate the signer's voting tokens (to itself by default)"))
  .addOptionalParam("governor", "Governor address (default: the deployed RoyaltyGovernor)")
  .addOptionalParam("to", "Address receiving the votes (default: the signer itself)")
  .setAction(
    action(async (args: DelegateArgs, hre) => {
      const to = args.to === undefined ? undefined : parseAddress(args.to, "--to");
      const governor = await getGovernor(hre, args, args.account);
      const { delegateVotes } = await import("../src");
      const result = await delegateVotes(governor.client, { governor: governor.governor, to });
      const votes = await votesFormatter(governor);
      const data = {
        delegator: result.delegator,
        delegatee: result.delegatee,
        votes: result.votes,
        fromBlock: result.fromBlock,
      };
      output(args.json, data, () =>
        [
          `Votes of ${result.delegator} delegated to ${result.delegatee === result.delegator ? "itself" : result.delegatee}.`,
          `${result.delegatee} now has ${votes(result.votes)} of voting power, counted for proposals whose ` +
            `snapshot block is at or after block ${result.fromBlock}.`,
        ].join("\n"),
      );
    }),
  );

interface AdvanceTimeArgs extends CommonArgs {
  seconds: number;
  blocks: number;
}

withCommonOptions(royalties.task("advance-time", "Local networks only: move the node's clock forward and mine blocks"))
  .addOptionalParam("seconds", "Seconds to add to the clock (e.g. an epoch length or the timelock delay)", 0, types.int)
  .addOptionalParam("blocks", "Blocks to mine (e.g. a voting delay or period); at least one is mined", 1, types.int)
  .setAction(
    action(async (args: AdvanceTimeArgs, hre) => {
      const chainId = (await hre.ethers.provider.getNetwork()).chainId;
      const { isLocalNetwork, networkConfig } = await import("../src/networks");
      if (!isLocalNetwork(hre.network.name) || chainId !== networkConfig(hre.network.name)?.chainId) {
        fail(`advance-time only moves a local node's clock (--network hardhat or localhost), not ${hre.network.name}.`);
      }
      if (!Number.isInteger(args.seconds) || args.seconds < 0) fail(`--seconds must be ≥ 0; got ${args.seconds}.`);
      if (!Number.isInteger(args.blocks) || args.blocks < 1) fail(`--blocks must be ≥ 1; got ${args.blocks}.`);
      if (args.seconds > 0) await hre.ethers.provider.send("evm_increaseTime", [args.seconds]);
      await hre.ethers.provider.send("hardhat_mine", [`0x${args.blocks.toString(16)}`]);
      const block = await hre.ethers.provider.getBlock("latest");
      const data = { block: block?.number ?? 0, timestamp: block?.timestamp ?? 0 };
      output(args.json, data, () => `Now at block ${data.block}, ${isoTime(BigInt(data.timestamp))}.`);
    }),
  );

withPoolOptions(
  royalties.task("rules-history", "Every rules version of a pool and the epochs it applied to"),
).setAction(
  action(async (args: PoolArgs, hre) => {
    const client = await getPoolClient(hre, args, "reader");
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
