/**
 * Governor-bound actions: each takes the model's RoyaltyGovernor connected to the acting account (a signer to
 * delegate or vote, a provider to read) as its client.
 */
import type { ContractRunner, ContractTransactionReceipt, Signer } from "ethers";

import { GovernanceToken__factory } from "../../../types";
import type { GovernanceToken, RoyaltyGovernor } from "../../../types";
import { confirmed } from "../../client";
import { PROPOSAL_STATES, RoyaltiesError } from "../../errors";

function isSigner(runner: ContractRunner | null): runner is Signer {
  return runner !== null && "getAddress" in runner && "signTypedData" in runner;
}

/** The governor's signer, or an error saying the action needs one. */
function signerOf(governor: RoyaltyGovernor, action: string): Signer {
  if (!isSigner(governor.runner)) throw new RoyaltiesError(`${action} needs a governor connected with a signer.`);
  return governor.runner;
}

/**
 * The voting token of a governor, connected with the governor's runner.
 * @example
 * const token = await governanceToken(governor);
 */
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
  const delegator = await signerOf(governor, "Delegating").getAddress();
  const delegatee = params.to ?? delegator;
  const receipt = await confirmed(token.delegate(delegatee));
  return { delegator, delegatee, votes: await token.getVotes(delegatee), fromBlock: receipt.blockNumber, receipt };
}

/** The voter had no votes delegated to it at the proposal's snapshot: a vote would count nothing. */
export class NoVotingPowerError extends RoyaltiesError {}

/** How to vote, as the Governor counts it (GovernorCountingSimple). */
export const VOTE_SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

export interface VoteParameters {
  proposalId: bigint;
  support: keyof typeof VOTE_SUPPORT;
}

export interface VoteOnProposalReturnType {
  /** The votes counted (0 when the proposal was not active: the governor then refuses the vote). */
  weight: bigint;
  receipt: ContractTransactionReceipt;
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
): Promise<VoteOnProposalReturnType> {
  const voter = await signerOf(governor, "Voting").getAddress();
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
