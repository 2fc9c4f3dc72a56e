import { ZeroAddress, getAddress, id } from "ethers";
import type { ContractTransactionReceipt, Provider, Signer } from "ethers";

import {
  GovernanceToken__factory,
  RoyaltyGovernor__factory,
  RoyaltyPool__factory,
  RoyaltyTimelock__factory,
} from "../types";
import type { GovernanceToken, RoyaltyGovernor, RoyaltyTimelock } from "../types";
import type { PoolClient } from "./client";
import { confirmed } from "./client";
import { toRulesStruct } from "./deploy";
import type { RulesParameters } from "./deploy";
import { PROPOSAL_STATES, RoyaltiesError, withPoolErrors } from "./errors";
import { readDecodedEvents } from "./audit/audit";
import { getRules } from "./actions/read";
import type { RulesInfo } from "./actions/read";

export interface DeployGovernanceParameters {
  tokenName: string;
  tokenSymbol: string;
  holders: readonly string[];
  amounts: readonly bigint[];
  /** Blocks between a proposal and the start of its vote. */
  votingDelay: number;
  /** Blocks the vote lasts. */
  votingPeriod: number;
  /** Percent of the voting supply needed (for + abstain) for a proposal to pass. */
  quorumPercent: number;
  /** Seconds between queueing and executing a passed proposal. */
  timelockDelay: bigint;
}

export interface Governance {
  token: GovernanceToken;
  timelock: RoyaltyTimelock;
  governor: RoyaltyGovernor;
}

/**
 * Deploys a model's governance: an ERC20Votes token minted to the initial holders, a timelock and
 * a Governor. The governor is the timelock's only proposer and canceller, anyone may execute a
 * ready operation, and the deployer renounces the timelock's admin role, keeping no power at all.
 * @example
 * const { timelock } = await deployGovernance(deployer, { tokenName: "Subnet 7 Votes", ... });
 * await createModel(registry, { ..., governance: await timelock.getAddress() });
 */
export async function deployGovernance(signer: Signer, params: DeployGovernanceParameters): Promise<Governance> {
  const deployer = await signer.getAddress();
  const token = await new GovernanceToken__factory(signer).deploy(
    params.tokenName,
    params.tokenSymbol,
    [...params.holders],
    [...params.amounts],
  );
  await token.waitForDeployment();
  const anyone = "0x0000000000000000000000000000000000000000";
  const timelock = await new RoyaltyTimelock__factory(signer).deploy(params.timelockDelay, [], [anyone], deployer);
  await timelock.waitForDeployment();
  const governor = await new RoyaltyGovernor__factory(signer).deploy(
    await token.getAddress(),
    await timelock.getAddress(),
    params.votingDelay,
    params.votingPeriod,
    params.quorumPercent,
  );
  await governor.waitForDeployment();
  const governorAddress = await governor.getAddress();
  await confirmed(timelock.grantRole(await timelock.PROPOSER_ROLE(), governorAddress));
  await confirmed(timelock.grantRole(await timelock.CANCELLER_ROLE(), governorAddress));
  await confirmed(timelock.renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), deployer));
  return { token, timelock, governor };
}

const list = (values: readonly (string | bigint)[]) => (values.length === 0 ? "none" : values.join(", "));

/**
 * A human-readable description of a rules change: every field that differs, old → new.
 * @example
 * describeRulesChange(current, proposed) // "Change rules of pool 0x…: weight of computeUnits 3 → 4; …"
 */
export function describeRulesChange(pool: string, current: RulesInfo, proposed: RulesParameters): string {
  const changes = rulesChanges(current, proposed);
  const summary = changes.length === 0 ? "no change" : changes.join("; ");
  return `Change royalty rules of pool ${pool} from the next epoch: ${summary}.`;
}

/** Every field of `proposed` that differs from `current`, as "old → new" phrases (empty: no change). */
export function rulesChanges(current: RulesInfo, proposed: RulesParameters): string[] {
  const changes: string[] = [];
  const before = new Map(current.metrics.map((m) => [m.name, m]));
  for (const metric of proposed.metrics) {
    const old = before.get(metric.name);
    if (old === undefined) {
      changes.push(`add metric ${metric.name} (weight ${metric.weight}, cap ${metric.cap})`);
      continue;
    }
    if (old.weight !== metric.weight) changes.push(`weight of ${metric.name} ${old.weight} → ${metric.weight}`);
    if (old.cap !== metric.cap) changes.push(`cap of ${metric.name} ${old.cap} → ${metric.cap}`);
  }
  for (const name of before.keys()) {
    if (!proposed.metrics.some((m) => m.name === name)) changes.push(`remove metric ${name}`);
  }
  const order = (names: string[]) => names.join(",");
  if (
    changes.length === 0 &&
    order(current.metrics.map((m) => m.name)) !== order(proposed.metrics.map((m) => m.name))
  ) {
    changes.push(`reorder metrics to ${proposed.metrics.map((m) => m.name).join(", ")}`);
  }
  if (current.epochLength !== proposed.epochLength)
    changes.push(`epoch length ${current.epochLength}s → ${proposed.epochLength}s`);
  if (current.minParticipants !== BigInt(proposed.minParticipants)) {
    changes.push(`minParticipants ${current.minParticipants} → ${proposed.minParticipants}`);
  }
  if (current.maxSubmissionsPerContributor !== BigInt(proposed.maxSubmissionsPerContributor)) {
    changes.push(
      `submissions per contributor ${current.maxSubmissionsPerContributor} → ${proposed.maxSubmissionsPerContributor}`,
    );
  }
  if (current.attestationRequired !== (proposed.attestationRequired ?? false)) {
    changes.push(proposed.attestationRequired ? "require attestation" : "allow self-reported contributions");
  }
  const attestors = [...(proposed.attestors ?? [])];
  if (list(current.attestors) !== list(attestors))
    changes.push(`attestors ${list(current.attestors)} → ${list(attestors)}`);
  const multipliers = [...(proposed.bonusMultipliers ?? [])];
  if (list(current.bonusMultipliers) !== list(multipliers)) {
    changes.push(`bonus multipliers ${list(current.bonusMultipliers)} → ${list(multipliers)}`);
  }
  if (current.claimWindow !== (proposed.claimWindow ?? 0n)) {
    changes.push(`claim window ${current.claimWindow}s → ${proposed.claimWindow ?? 0n}s`);
  }
  if (current.noiseBits !== (proposed.noiseBits ?? 0)) {
    changes.push(`total noise ${current.noiseBits} → ${proposed.noiseBits ?? 0} bits`);
  }
  return changes;
}

/**
 * A rules change: only the fields given change, everything else keeps the pool's latest rules version.
 * `metrics` replaces the whole schema (to add, remove or reorder metrics); `weights` and `caps` change
 * existing metrics by name.
 */
export interface RulesChange extends Partial<RulesParameters> {
  weights?: Readonly<Record<string, bigint>>;
  caps?: Readonly<Record<string, bigint>>;
}

/** A proposal that would change nothing: the pool's latest rules already have every value it names. */
export class NoRulesChangeError extends RoyaltiesError {}

/** A `weights`/`caps` entry names a metric the pool's rules do not have. */
export class UnknownMetricError extends RoyaltiesError {}

/**
 * The rules `current` becomes under `change`: the fields `change` names, the rest of `current` as is.
 * @example
 * applyRulesChange(await getRules(pool), { weights: { computeUnits: 4n } }) // only that weight differs
 */
export function applyRulesChange(current: RulesInfo, change: RulesChange): RulesParameters {
  const metrics = (change.metrics ?? current.metrics).map((m) => ({ name: m.name, weight: m.weight, cap: m.cap }));
  for (const [field, values] of [
    ["weight", change.weights],
    ["cap", change.caps],
  ] as const) {
    for (const [name, value] of Object.entries(values ?? {})) {
      const metric = metrics.find((m) => m.name === name);
      if (metric === undefined) {
        throw new UnknownMetricError(
          `No metric "${name}" in the rules (${metrics.map((m) => m.name).join(", ")}): check the ${field} change.`,
        );
      }
      metric[field] = value;
    }
  }
  return {
    metrics,
    epochLength: change.epochLength ?? current.epochLength,
    minParticipants: change.minParticipants ?? Number(current.minParticipants),
    maxSubmissionsPerContributor: change.maxSubmissionsPerContributor ?? Number(current.maxSubmissionsPerContributor),
    attestationRequired: change.attestationRequired ?? current.attestationRequired,
    attestors: [...(change.attestors ?? current.attestors)],
    bonusMultipliers: [...(change.bonusMultipliers ?? current.bonusMultipliers)],
    claimWindow: change.claimWindow ?? current.claimWindow,
    noiseBits: change.noiseBits ?? current.noiseBits,
  };
}

export interface RulesProposal {
  proposalId: bigint;
  description: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  receipt: ContractTransactionReceipt;
}

/**
 * Proposes a rules change of a governed pool, starting from its latest rules version: only what
 * `change` names changes, and the description lists exactly those changes. A change that changes
 * nothing is refused ({@link NoRulesChangeError}) before anything is sent.
 * @example
 * const { proposalId, description } = await proposeRulesChange(governor, pool, { weights: { computeUnits: 4n } });
 * // description: "Change royalty rules of pool 0x… from the next epoch: weight of computeUnits 3 → 4."
 */
export async function proposeRulesChange(
  governor: RoyaltyGovernor,
  pool: PoolClient,
  change: RulesChange,
): Promise<RulesProposal> {
  const timelock = await governor.timelock();
  if ((await pool.pool.governance()).toLowerCase() !== timelock.toLowerCase()) {
    throw new RoyaltiesError(`Pool ${pool.address} is not governed by this governor's timelock ${timelock}.`);
  }
  const current = await getRules(pool, { version: await pool.pool.rulesVersionCount() });
  const rules = applyRulesChange(current, change);
  if (rulesChanges(current, rules).length === 0) {
    throw new NoRulesChangeError(
      `The proposal changes nothing: rules version ${current.version} of pool ${pool.address} already has every value it names.`,
    );
  }
  const description = describeRulesChange(pool.address, current, rules);
  const calldata = RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [toRulesStruct(rules)]);
  const targets = [pool.address];
  const values = [0n];
  const calldatas = [calldata];
  const receipt = await confirmed(governor.propose(targets, values, calldatas, description));
  const proposalId = await governor.hashProposal(targets, values, calldatas, id(description));
  return { proposalId, description, targets, values, calldatas, receipt };
}

/** Queues a passed proposal in the timelock. */
export async function queueProposal(
  governor: RoyaltyGovernor,
  proposal: Omit<RulesProposal, "receipt" | "proposalId">,
) {
  return confirmed(governor.queue(proposal.targets, proposal.values, proposal.calldatas, id(proposal.description)));
}

/** Executes a queued proposal once the timelock delay has passed. */
export async function executeProposal(
  governor: RoyaltyGovernor,
  proposal: Omit<RulesProposal, "receipt" | "proposalId">,
) {
  return confirmed(governor.execute(proposal.targets, proposal.values, proposal.calldatas, id(proposal.description)));
}

export { PROPOSAL_STATES } from "./errors";

/** The voting token of a governor, connected with the governor's runner. */
export async function governanceToken(governor: RoyaltyGovernor): Promise<GovernanceToken> {
  return GovernanceToken__factory.connect(await governor.token(), governor.runner);
}

export interface DelegateVotesParameters {
  /** Who receives the signer's votes; default: the signer itself. */
  to?: string;
}

export interface DelegateVotesReturnType {
  delegator: string;
  delegatee: string;
  /** The delegatee's voting power after the delegation, in token base units. */
  votes: bigint;
  /** Votes count for proposals whose snapshot is at or after this block. */
  fromBlock: number;
  receipt: ContractTransactionReceipt;
}

/**
 * Delegates the signer's voting tokens (to itself by default): ERC20Votes counts no vote that is not
 * delegated, and a proposal counts the delegations made before its snapshot block.
 * @example
 * await delegateVotes(governor.connect(holder)); // to self
 */
export async function delegateVotes(
  governor: RoyaltyGovernor,
  params: DelegateVotesParameters = {},
): Promise<DelegateVotesReturnType> {
  const token = await governanceToken(governor);
  const signer = governor.runner;
  if (signer === null || !("getAddress" in signer)) {
    throw new RoyaltiesError("Delegating needs a governor connected with a signer.");
  }
  const delegator = await (signer as Signer).getAddress();
  const delegatee = params.to ?? delegator;
  const receipt = await confirmed(token.delegate(delegatee));
  return { delegator, delegatee, votes: await token.getVotes(delegatee), fromBlock: receipt.blockNumber, receipt };
}

/** A proposal as listed: its actions, state, votes (token base units) and schedule. */
export interface ProposalInfo {
  proposalId: bigint;
  proposer: string;
  state: (typeof PROPOSAL_STATES)[number];
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  /** Votes count as delegated at this block; voting opens after it. */
  snapshot: bigint;
  /** Last block of the vote. */
  deadline: bigint;
  /** Unix time from which a queued proposal can be executed (0 when not queued). */
  eta: bigint;
  /**
   * Votes (for + abstain) needed to pass: the quorum at the snapshot, or, while the snapshot is still
   * ahead, at the last mined block (the same unless the voting supply changes before the snapshot).
   */
  quorum: bigint;
  description: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
}

/**
 * Every proposal of a governor (or only `proposalId`), oldest first, read from its ProposalCreated
 * events (in bounded block ranges) with its current state, votes and ETA.
 * @example
 * for (const p of await listProposals(governor)) console.log(p.proposalId, p.state);
 */
export async function listProposals(
  governor: RoyaltyGovernor,
  params: { fromBlock?: number; toBlock?: number; blockRange?: number; proposalId?: bigint } = {},
): Promise<ProposalInfo[]> {
  const provider = governor.runner?.provider;
  if (provider == null) throw new RoyaltiesError("Listing proposals needs a governor connected to a provider.");
  const toBlock = params.toBlock ?? (await provider.getBlockNumber());
  const events = await readDecodedEvents(
    provider,
    await governor.getAddress(),
    governor.interface,
    params.fromBlock ?? 0,
    toBlock,
    params.blockRange,
  );
  const proposals: ProposalInfo[] = [];
  for (const { name, args } of events) {
    const proposalId = args.proposalId as bigint;
    if (name !== "ProposalCreated" || (params.proposalId !== undefined && proposalId !== params.proposalId)) continue;
    const [[againstVotes, forVotes, abstainVotes], state, snapshot, deadline, eta] = await Promise.all([
      governor.proposalVotes(proposalId),
      governor.state(proposalId),
      governor.proposalSnapshot(proposalId),
      governor.proposalDeadline(proposalId),
      governor.proposalEta(proposalId),
    ]);
    // The quorum is a past lookup: a snapshot not yet mined uses the last mined block instead.
    const quorum = await governor.quorum(snapshot < BigInt(toBlock) ? snapshot : BigInt(Math.max(toBlock - 1, 0)));
    proposals.push({
      proposalId,
      proposer: args.proposer as string,
      state: PROPOSAL_STATES[Number(state)],
      forVotes,
      againstVotes,
      abstainVotes,
      snapshot,
      deadline,
      eta,
      quorum,
      description: args.description as string,
      targets: [...(args.targets as string[])],
      values: [...(args.values as bigint[])],
      calldatas: [...(args.calldatas as string[])],
    });
  }
  return proposals;
}

/** The voter had no votes delegated to it at the proposal's snapshot: a vote would count nothing. */
export class NoVotingPowerError extends RoyaltiesError {}

/** How to vote, as the Governor counts it (GovernorCountingSimple). */
export const VOTE_SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

export interface VoteParameters {
  proposalId: bigint;
  support: keyof typeof VOTE_SUPPORT;
}

/**
 * Votes on an active proposal with the signer's votes at its snapshot. Refuses, before sending, a
 * vote that would count nothing (no votes delegated to the signer before the snapshot).
 * @example
 * await voteOnProposal(governor.connect(holder), { proposalId, support: "for" });
 */
export async function voteOnProposal(
  governor: RoyaltyGovernor,
  params: VoteParameters,
): Promise<{ weight: bigint; receipt: ContractTransactionReceipt }> {
  const signer = governor.runner;
  if (signer === null || !("getAddress" in signer)) {
    throw new RoyaltiesError("Voting needs a governor connected with a signer.");
  }
  const voter = await (signer as Signer).getAddress();
  const state = PROPOSAL_STATES[Number(await governor.state(params.proposalId))];
  let weight = 0n;
  if (state === "Active") {
    const snapshot = await governor.proposalSnapshot(params.proposalId);
    weight = await governor.getVotes(voter, snapshot);
    if (weight === 0n) {
      const token = await governanceToken(governor);
      const balance = await token.balanceOf(voter);
      throw new NoVotingPowerError(
        `${voter} had no votes at proposal ${params.proposalId}'s snapshot (block ${snapshot})` +
          (balance > 0n ? ", although it holds voting tokens: they were not delegated" : "") +
          ": votes count only when delegated before the snapshot. Delegate now (royalties delegate) to vote on " +
          "proposals made from the next block on.",
      );
    }
  }
  const receipt = await confirmed(governor.castVote(params.proposalId, VOTE_SUPPORT[params.support]));
  return { weight, receipt };
}

/**
 * Every rules version of a pool, with the epochs it applied to, oldest first.
 * @example
 * for (const v of await rulesHistory(client)) console.log(v.version, v.firstEpochId);
 */
export async function rulesHistory(client: PoolClient): Promise<(RulesInfo & { epochs: bigint[] })[]> {
  const count = await client.pool.rulesVersionCount();
  const current = await client.pool.currentEpochId();
  const epochsByVersion = new Map<bigint, bigint[]>();
  for (let epochId = 1n; epochId <= current; epochId++) {
    const version = (await client.pool.getEpoch(epochId)).rulesVersion;
    epochsByVersion.set(version, [...(epochsByVersion.get(version) ?? []), epochId]);
  }
  const history: (RulesInfo & { epochs: bigint[] })[] = [];
  for (let version = 1n; version <= count; version++) {
    history.push({ ...(await getRules(client, { version })), epochs: epochsByVersion.get(version) ?? [] });
  }
  return history;
}

/**
 * The governor that proposes to `timelock`: the holder of its PROPOSER_ROLE (granted with a
 * `RoleGranted` event) that names this timelock as its own; undefined when there is none (a model's
 * governance may be any address, e.g. a multisig or a foreign contract).
 * @example
 * const governor = await findGovernor(provider, model.governance);
 */
export async function findGovernor(
  provider: Provider,
  timelock: string,
  params: { fromBlock?: number; toBlock?: number; blockRange?: number } = {},
): Promise<string | undefined> {
  if ((await provider.getCode(timelock)) === "0x") return undefined;
  const contract = RoyaltyTimelock__factory.connect(timelock, provider);
  const proposerRole = id("PROPOSER_ROLE");
  const toBlock = params.toBlock ?? (await provider.getBlockNumber());
  const events = await readDecodedEvents(
    provider,
    timelock,
    contract.interface,
    params.fromBlock ?? 0,
    toBlock,
    params.blockRange,
  );
  const candidates = events
    .filter((e) => e.name === "RoleGranted" && e.args.role === proposerRole)
    .map((e) => getAddress(e.args.account as string))
    .reverse();
  for (const account of new Set(candidates)) {
    try {
      const [holds, itsTimelock] = await Promise.all([
        contract.hasRole(proposerRole, account),
        RoyaltyGovernor__factory.connect(account, provider).timelock(),
      ]);
      if (holds && itsTimelock.toLowerCase() === timelock.toLowerCase()) return account;
    } catch {
      // not a governor: the next candidate
    }
  }
  return undefined;
}

/** What one action of a proposal does: a rules update of a pool, or a call the library does not know. */
export type ProposalAction =
  | { target: string; value: bigint; kind: "updateRules"; rules: RulesParameters }
  | { target: string; value: bigint; kind: "other"; selector: string };

/**
 * Decodes a proposal's actions from its calldata, so that what it does can be shown beside (and
 * checked against) its description, which the proposer wrote.
 * @example
 * const [action] = decodeProposalActions(proposal);
 * if (action.kind === "updateRules") rulesChanges(current, action.rules);
 */
export function decodeProposalActions(
  proposal: Pick<ProposalInfo, "targets" | "values" | "calldatas">,
): ProposalAction[] {
  const iface = RoyaltyPool__factory.createInterface();
  return proposal.targets.map((target, i) => {
    const data = proposal.calldatas[i] ?? "0x";
    const value = proposal.values[i] ?? 0n;
    try {
      const parsed = iface.parseTransaction({ data });
      if (parsed?.name === "updateRules") {
        const r = parsed.args[0] as unknown as {
          metrics: { name: string; weight: bigint; cap: bigint }[];
          epochLength: bigint;
          minParticipants: bigint;
          maxSubmissionsPerContributor: bigint;
          attestationRequired: boolean;
          attestors: string[];
          bonusMultipliers: bigint[];
          claimWindow: bigint;
          noiseBits: bigint;
        };
        const rules: RulesParameters = {
          metrics: r.metrics.map((m) => ({ name: m.name, weight: m.weight, cap: m.cap })),
          epochLength: r.epochLength,
          minParticipants: Number(r.minParticipants),
          maxSubmissionsPerContributor: Number(r.maxSubmissionsPerContributor),
          attestationRequired: r.attestationRequired,
          attestors: [...r.attestors],
          bonusMultipliers: [...r.bonusMultipliers],
          claimWindow: r.claimWindow,
          noiseBits: Number(r.noiseBits),
        };
        return { target, value, kind: "updateRules", rules };
      }
    } catch {
      // not a pool call
    }
    return { target, value, kind: "other", selector: data.slice(0, 10) };
  });
}

/**
 * Checks, without sending anything, that the pool would accept `rules` from its governance now (the
 * same call the timelock makes at execution): throws the pool's error (e.g. a bound the rules break),
 * so that a proposal that could only fail at execution is not put to a vote.
 * @example
 * await checkRulesUpdate(client, applyRulesChange(current, { caps: { computeUnits: 2n ** 62n } })); // throws
 */
export async function checkRulesUpdate(pool: PoolClient, rules: RulesParameters): Promise<void> {
  const provider = pool.pool.runner?.provider;
  if (provider == null) throw new RoyaltiesError("Checking rules needs a pool client connected to a provider.");
  const governance = await pool.pool.governance();
  if (governance === ZeroAddress)
    throw new RoyaltiesError(`Pool ${pool.address} has fixed rules: nobody can change them.`);
  const data = RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [toRulesStruct(rules)]);
  await withPoolErrors(() => provider.call({ from: governance, to: pool.address, data }));
}

/** A voter's voting token position, and their votes on given proposals. */
export interface VoterStatus {
  voter: string;
  /** Voting tokens held (base units). */
  balance: bigint;
  /** Who the holder's tokens vote through: the zero address until the holder delegates. */
  delegate: string;
  /** Votes delegated to the voter now (base units). */
  votes: bigint;
  /** Per proposal id: whether the voter voted, and the votes it has (or would have) on it. */
  proposals: Record<string, { hasVoted: boolean; weight: bigint }>;
}

/**
 * A voter's balance, delegate and votes, and for each proposal whether they voted and with how many
 * votes (the votes at its snapshot, or their votes now while the snapshot is still ahead).
 * @example
 * const me = await getVoterStatus(governor, { voter, proposals: await listProposals(governor) });
 */
export async function getVoterStatus(
  governor: RoyaltyGovernor,
  params: { voter: string; proposals?: readonly Pick<ProposalInfo, "proposalId" | "snapshot">[] },
): Promise<VoterStatus> {
  const token = await governanceToken(governor);
  const { voter } = params;
  const [balance, delegate, votes, clock] = await Promise.all([
    token.balanceOf(voter),
    token.delegates(voter),
    token.getVotes(voter),
    governor.clock(),
  ]);
  const entries = await Promise.all(
    (params.proposals ?? []).map(async (p) => {
      const [hasVoted, weight] = await Promise.all([
        governor.hasVoted(p.proposalId, voter),
        p.snapshot < clock ? governor.getVotes(voter, p.snapshot) : Promise.resolve(votes),
      ]);
      return [p.proposalId.toString(), { hasVoted, weight }] as const;
    }),
  );
  return { voter, balance, delegate, votes, proposals: Object.fromEntries(entries) };
}
