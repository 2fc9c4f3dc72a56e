import { formatAmount } from "../../format";
import { formatDate, formatDuration } from "../render";
import { big, hint, text } from "./types";
import type { RevertText, RevertTexts } from "./types";

/** Governor proposal states, as OpenZeppelin numbers them. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

/** TimelockController operation states, as OpenZeppelin numbers them. */
const OPERATION_STATES = ["Unset", "Waiting", "Ready", "Done"] as const;

/** What to do next about a proposal in each state, when a call needed another one. */
const NEXT_STEP_BY_PROPOSAL_STATE: Record<(typeof PROPOSAL_STATES)[number], string> = {
  Pending:
    "its vote has not started: wait until its snapshot block has passed (royalties proposals shows it), then vote.",
  Active: "its vote is still open: wait until its deadline block has passed, then queue it (royalties queue).",
  Canceled: "it was cancelled: make a new proposal (royalties propose-rules / the Propose button).",
  Defeated: "it did not pass (quorum or majority): make a new proposal if the change is still wanted.",
  Succeeded: "it passed but is not queued: queue it (royalties queue), then execute it after the timelock delay.",
  Queued: "it waits in the timelock: execute it once its ETA has passed (royalties execute).",
  Expired: "it expired before execution: make a new proposal.",
  Executed: "it is already executed: nothing is left to do.",
};

/** The states set in an OpenZeppelin `bytes32` state bitmap (bit i = state i). */
function statesOf<T extends string>(bitmap: unknown, names: readonly T[]): T[] {
  const bits = big(bitmap);
  return names.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n);
}

function proposalState(value: unknown): (typeof PROPOSAL_STATES)[number] {
  return PROPOSAL_STATES[Number(big(value))] ?? "Pending";
}

/** Voting power in whole votes (the voting token has 18 decimals). */
const votes = (value: unknown) => formatAmount(big(value), 18);

/** A text whose sentence and hint are both functions of the arguments. */
function said(sentence: RevertText["hint"], next: RevertText["hint"]): RevertText {
  return { sentence, hint: next };
}

/** Governor, timelock and voting-token errors (OpenZeppelin's Governor, TimelockController, ERC20Votes). */
export const GOVERNANCE_TEXTS: RevertTexts = {
  GovernorUnexpectedProposalState: said(
    ([id, current, expected]) => {
      const needed = statesOf(expected, PROPOSAL_STATES).join(" or ");
      // No expected state: the call needed the proposal not to exist (the same actions and description).
      return needed === ""
        ? `Proposal ${text(id)} already exists (${proposalState(current)})`
        : `Proposal ${text(id)} is ${proposalState(current)}, this needs it ${needed}`;
    },
    ([, current]) => NEXT_STEP_BY_PROPOSAL_STATE[proposalState(current)],
  ),
  GovernorInsufficientProposerVotes: said(
    ([proposer, held, threshold]) =>
      `${text(proposer)} has ${votes(held)} votes, the proposal threshold is ${votes(threshold)}`,
    ([, held, threshold]) =>
      `get at least ${votes(big(threshold) - big(held))} more votes delegated to the proposer ` +
      "(royalties delegate / the Delegate button) before proposing.",
  ),
  GovernorAlreadyCastVote: said(
    ([voter]) => `${text(voter)} already voted on this proposal`,
    () => "an account votes once; see the tally with royalties proposals.",
  ),
  GovernorNonexistentProposal: said(
    ([id]) => `No proposal ${text(id)} on this governor`,
    () => "check the id (royalties proposals lists them) and --governor.",
  ),
  GovernorInvalidVoteType: said(
    () => "Unknown vote type",
    () => "vote for, against or abstain (royalties vote --support, or the Vote for / against / abstain buttons).",
  ),
  GovernorUnableToCancel: said(
    ([id, account]) => `${text(account)} cannot cancel proposal ${text(id)}`,
    () => "only its proposer can, and only before its vote starts (royalties proposals shows when).",
  ),
  GovernorRestrictedProposer: said(
    ([proposer]) => `${text(proposer)} may not make this proposal (restricted by its description)`,
    () => "propose from the account the description names (royalties propose-rules --account).",
  ),
  GovernorAlreadyQueuedProposal: said(
    ([id]) => `Proposal ${text(id)} is already queued`,
    () => "execute it once its ETA has passed (royalties execute / the Execute button).",
  ),
  GovernorOnlyExecutor: said(
    ([account]) => `Only the governance executor (the timelock) may call this, not ${text(account)}`,
    () => "make a proposal instead (royalties propose-rules / the Propose button).",
  ),
  GovernorDisabledDeposit: hint(() => "the governor accepts no ETH: send the transaction again without a value."),
  GovernorInvalidProposalLength: hint(
    ([targets, calldatas, values]) =>
      `a proposal with ${text(targets)} targets, ${text(calldatas)} calldatas and ${text(values)} values is malformed: ` +
      "build it with royalties propose-rules, which lists one action per change.",
  ),
  GovernorInvalidSignature: hint(
    ([voter]) =>
      `the vote signature is not ${text(voter)}'s: vote from the voter's own account (royalties vote --account).`,
  ),
  GovernorInvalidVoteParams: hint(
    () => "this governor counts simple votes without parameters: vote with royalties vote or the Vote buttons.",
  ),
  GovernorInvalidVotingPeriod: hint(
    ([period]) =>
      `a voting period of ${text(period)} blocks is not allowed (it must be at least 1): redeploy with another ` +
      "--voting-period (royalties deploy-governance).",
  ),
  GovernorProposalQueueingFailed: hint(
    ([id]) =>
      `the timelock refused to queue proposal ${text(id)}: check its state with royalties proposals, then queue again (royalties queue).`,
  ),
  GovernorProposalQueueingNotRequired: hint(
    ([id]) => `proposal ${text(id)} needs no queueing: execute it directly (royalties execute / the Execute button).`,
  ),
  GovernorInvalidQuorumFraction: hint(
    ([numerator, denominator]) =>
      `a quorum of ${text(numerator)}/${text(denominator)} is above 100 %: pick a fraction up to ${text(denominator)} ` +
      "(royalties deploy-governance --quorum).",
  ),
  TimelockUnexpectedOperationState: said(
    ([operation, expected]) =>
      `Timelock operation ${text(operation)} is not ${statesOf(expected, OPERATION_STATES).join(" or ")}`,
    ([, expected]) => {
      const needed = statesOf(expected, OPERATION_STATES);
      if (needed.includes("Ready")) {
        return "the timelock delay has not passed: wait until the proposal's ETA (royalties proposals shows it), then execute.";
      }
      if (needed.includes("Unset"))
        return "it is already scheduled: execute it once its ETA has passed (royalties execute).";
      return "check the proposal's state with royalties proposals.";
    },
  ),
  TimelockInsufficientDelay: said(
    ([delay, minDelay]) =>
      `A timelock delay of ${formatDuration(big(delay))} is below the minimum of ${formatDuration(big(minDelay))}`,
    ([, minDelay]) =>
      `schedule with a delay of at least ${formatDuration(big(minDelay))}: queue through the governor (royalties queue / the Queue button), which uses the timelock's own delay.`,
  ),
  TimelockInvalidOperationLength: hint(
    ([targets, payloads, values]) =>
      `an operation with ${text(targets)} targets, ${text(payloads)} payloads and ${text(values)} values is ` +
      "malformed: queue the proposal as it was made (royalties queue).",
  ),
  TimelockUnexecutedPredecessor: said(
    ([predecessor]) => `Timelock operation ${text(predecessor)} must be executed first`,
    () => "execute it (royalties execute), then retry.",
  ),
  TimelockUnauthorizedCaller: said(
    ([caller]) => `${text(caller)} may not execute timelock operations`,
    () => "execute through the governor (royalties execute / the Execute button).",
  ),
  AccessControlUnauthorizedAccount: said(
    ([account, role]) => `${text(account)} lacks timelock role ${text(role)}`,
    () => "only the governor schedules and cancels; go through a proposal (royalties propose-rules).",
  ),
  AccessControlBadConfirmation: hint(
    () => "a role can only be renounced by its holder: renounce from that account, or go through a proposal.",
  ),
  ERC5805FutureLookup: said(
    ([timepoint, clock]) => `Block ${text(timepoint)} is not mined yet (now ${text(clock)})`,
    ([timepoint]) => `votes at a snapshot can be read once block ${text(timepoint)} has passed (royalties proposals).`,
  ),
  ERC6372InconsistentClock: hint(
    () => "the voting token and governor disagree on their clock: deploy them together (royalties deploy-governance).",
  ),
  CheckpointUnorderedInsertion: hint(
    () => "a vote checkpoint went back in time (a node clock problem): mine a block and retry (royalties delegate).",
  ),
  VotesExpiredSignature: hint(
    ([expiry]) =>
      `the signed delegation expired at ${formatDate(big(expiry))}: delegate directly (royalties delegate / the Delegate button).`,
  ),
  ERC2612ExpiredSignature: hint(
    ([deadline]) =>
      `the permit expired at ${formatDate(big(deadline))}: sign a new one, or approve directly from the holder's account.`,
  ),
  ERC2612InvalidSigner: hint(
    ([signer, owner]) =>
      `the permit was signed by ${text(signer)}, not by the owner ${text(owner)}: sign it with the owner's wallet.`,
  ),
  ERC20ExceededSafeSupply: hint(
    ([supply, cap]) =>
      `a voting supply of ${votes(supply)} would exceed the ${votes(cap)} votes can count: mint less ` +
      "(royalties deploy-governance --holders).",
  ),
  GovernanceTokenLengthMismatch: hint(
    ([holders, amounts]) =>
      `${text(holders)} holders but ${text(amounts)} amounts: give one amount per holder (royalties deploy-governance).`,
  ),
};
