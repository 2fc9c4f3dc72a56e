/**
 * Reading one proposal of a model's governor and the choices of a vote: what the `vote`, `queue`,
 * `execute` and `proposal` commands (and the dashboard's governance view) decide before sending.
 */
import { RoyaltiesError } from "../errors";
import { VOTE_SUPPORT } from "./governance/governor";
import type { GovernanceClient, GovernorParameters } from "./governance/governor";
import { listProposals } from "./governance/proposals";
import type { ProposalInfo } from "./governance/proposals";

/** The governor has no proposal with that id. */
export class ProposalNotFoundError extends RoyaltiesError {
  constructor(readonly proposalId: bigint) {
    super(
      `No proposal ${proposalId} on this governor: check --proposal (royalties proposals lists them) and --governor.`,
    );
  }
}

export interface GetProposalParameters extends GovernorParameters {
  proposalId: bigint;
}

export type GetProposalReturnType = ProposalInfo;

/**
 * One proposal of the governor, with its actions read back from its ProposalCreated event.
 * @example
 * const proposal = await getProposal(client, { governor, proposalId });
 * await queueProposal(client, { governor, ...proposal });
 */
export async function getProposal(
  client: GovernanceClient,
  { governor, proposalId }: GetProposalParameters,
): Promise<GetProposalReturnType> {
  const [proposal] = await listProposals(client, { governor, proposalId });
  if (proposal === undefined) throw new ProposalNotFoundError(proposalId);
  return proposal;
}

/** How a vote counts: for, against or abstain. */
export type VoteSupport = keyof typeof VOTE_SUPPORT;

/**
 * The vote a user typed ("for", "Against", "ABSTAIN"), or `undefined` when it is none of the three.
 * @example
 * toVoteSupport("For"); // "for"
 */
export function toVoteSupport(text: string): VoteSupport | undefined {
  const support = text.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(VOTE_SUPPORT, support) ? (support as VoteSupport) : undefined;
}

/** A proposal's state, votes (token base units) and schedule, without its actions. */
export interface ProposalSummary {
  proposalId: bigint;
  state: ProposalInfo["state"];
  for: bigint;
  against: bigint;
  abstain: bigint;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
  description: string;
}

/**
 * The public summary of a proposal, as the `proposal`, `vote`, `queue` and `execute` commands print it.
 * @example
 * const { state, for: yes } = summarizeProposal(await getProposal(client, { governor, proposalId }));
 */
export function summarizeProposal(p: ProposalInfo): ProposalSummary {
  return {
    proposalId: p.proposalId,
    state: p.state,
    for: p.forVotes,
    against: p.againstVotes,
    abstain: p.abstainVotes,
    snapshot: p.snapshot,
    deadline: p.deadline,
    eta: p.eta,
    description: p.description,
  };
}
