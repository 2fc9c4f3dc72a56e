/**
 * Governor-bound actions: each takes a client (a signer to delegate or vote, a provider to read) and the address of
 * the model's RoyaltyGovernor in its parameters. The registry records a model's governance (its timelock), not the
 * governor that proposes to it: {@link findGovernor} finds that governor from the timelock, and the tasks default to
 * the deployed RoyaltyGovernor.
 */
import type { ContractTransactionReceipt } from "ethers";

import { GovernanceToken__factory, RoyaltyGovernor__factory } from "../../../types";
import type { GovernanceToken, RoyaltyGovernor } from "../../../types";
import { confirmed, requireSigner } from "../../client";
import type { RoyaltiesClient } from "../../client";
import { PROPOSAL_STATES, RoyaltiesError } from "../../errors";

/** What a governance action needs of a client: what to connect the governor with, and the signer when it acts. */
export type GovernanceClient = Pick<RoyaltiesClient, "runner" | "provider" | "signer">;

/** The governor a governance action goes through. */
export interface GovernorParameters {
  /** Address of the model's RoyaltyGovernor (`findGovernor` finds it from the model's timelock). */
  governor: string;
}

/**
 * The governor at `governor`, connected with the client's runner.
 * @example
 * const governor = connectGovernor(client, { governor: address });
 */
export function connectGovernor(client: GovernanceClient, { governor }: GovernorParameters): RoyaltyGovernor {
  return RoyaltyGovernor__factory.connect(governor, client.runner);
}

export type GovernanceTokenParameters = GovernorParameters;
export type GovernanceTokenReturnType = GovernanceToken;

/**
 * The voting token of a governor, connected with the client's runner.
 * @example
 * const token = await governanceToken(client, { governor });
 */
export async function governanceToken(
  client: GovernanceClient,
  params: GovernanceTokenParameters,
): Promise<GovernanceTokenReturnType> {
  return GovernanceToken__factory.connect(await connectGovernor(client, params).token(), client.runner);
}

export interface DelegateVotesParameters extends GovernorParameters {
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
 * await delegateVotes(holderClient, { governor }); // to self
 */
export async function delegateVotes(
  client: GovernanceClient,
  params: DelegateVotesParameters,
): Promise<DelegateVotesReturnType> {
  const delegator = await requireSigner(client, "delegateVotes").getAddress();
  const token = await governanceToken(client, params);
  const delegatee = params.to ?? delegator;
  const receipt = await confirmed(token.delegate(delegatee));
  return { delegator, delegatee, votes: await token.getVotes(delegatee), fromBlock: receipt.blockNumber, receipt };
}

/** The voter had no votes delegated to it at the proposal's snapshot: a vote would count nothing. */
export class NoVotingPowerError extends RoyaltiesError {}

/** How to vote, as the Governor counts it (GovernorCountingSimple). */
export const VOTE_SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

export interface VoteParameters extends GovernorParameters {
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
 * await voteOnProposal(holderClient, { governor, proposalId, support: "for" });
 */
export async function voteOnProposal(
  client: GovernanceClient,
  params: VoteParameters,
): Promise<VoteOnProposalReturnType> {
  const voter = await requireSigner(client, "voteOnProposal").getAddress();
  const governor = connectGovernor(client, params);
  const state = PROPOSAL_STATES[Number(await governor.state(params.proposalId))];
  let weight = 0n;
  if (state === "Active") {
    const snapshot = await governor.proposalSnapshot(params.proposalId);
    weight = await governor.getVotes(voter, snapshot);
    if (weight === 0n) {
      const token = await governanceToken(client, params);
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
