/** Reading a governor: its proposals (from its events) and a voter's position. */
import { PROPOSAL_STATES } from "../../errors";
import { DEFAULT_LOG_BLOCK_RANGE } from "../../audit/audit";
import { parseLog } from "../../events";
import { readLogs } from "../../logs";
import { connectGovernor, governanceToken } from "./governor";
import type { GovernanceClient, GovernorParameters } from "./governor";

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

export interface ListProposalsParameters extends GovernorParameters {
  fromBlock?: number;
  /** Default: the latest block. */
  toBlock?: number;
  /** Blocks per log request. */
  blockRange?: number;
  /** Only this proposal. */
  proposalId?: bigint;
}

export type ListProposalsReturnType = ProposalInfo[];

/**
 * Every proposal of a governor (or only `proposalId`), oldest first, read from its ProposalCreated
 * events (in bounded block ranges) with its current state, votes and ETA.
 * @example
 * for (const p of await listProposals(client, { governor })) console.log(p.proposalId, p.state);
 */
export async function listProposals(
  client: GovernanceClient,
  params: ListProposalsParameters,
): Promise<ListProposalsReturnType> {
  const { provider } = client;
  const governor = connectGovernor(client, params);
  const toBlock = params.toBlock ?? (await provider.getBlockNumber());
  const logs = await readLogs(provider, {
    address: params.governor,
    fromBlock: params.fromBlock ?? 0,
    toBlock,
    blockRange: params.blockRange ?? DEFAULT_LOG_BLOCK_RANGE,
  });
  const proposals: ProposalInfo[] = [];
  for (const log of logs) {
    const args = parseLog(governor, log, "ProposalCreated")?.args;
    if (args === undefined) continue;
    const { proposalId } = args;
    if (params.proposalId !== undefined && proposalId !== params.proposalId) continue;
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
      proposer: args.proposer,
      state: PROPOSAL_STATES[Number(state)],
      forVotes,
      againstVotes,
      abstainVotes,
      snapshot,
      deadline,
      eta,
      quorum,
      description: args.description,
      targets: [...args.targets],
      // By position: a Result is an Array, whose values() method shadows the event field named "values".
      values: [...args[3]],
      calldatas: [...args.calldatas],
    });
  }
  return proposals;
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

export interface GetVoterStatusParameters extends GovernorParameters {
  voter: string;
  /** Proposals to report the voter's vote on. */
  proposals?: readonly Pick<ProposalInfo, "proposalId" | "snapshot">[];
}

export type GetVoterStatusReturnType = VoterStatus;

/**
 * A voter's balance, delegate and votes, and for each proposal whether they voted and with how many
 * votes (the votes at its snapshot, or their votes now while the snapshot is still ahead).
 * @example
 * const me = await getVoterStatus(client, { governor, voter, proposals: await listProposals(client, { governor }) });
 */
export async function getVoterStatus(
  client: GovernanceClient,
  params: GetVoterStatusParameters,
): Promise<GetVoterStatusReturnType> {
  const governor = connectGovernor(client, params);
  const token = await governanceToken(client, params);
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
