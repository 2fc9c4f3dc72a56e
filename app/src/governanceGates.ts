/**
 * What each governance button needs from the public state (pure, unit-tested without a browser): a
 * button is enabled only when the Governor would accept its transaction now, and otherwise says why
 * and when that changes (in blocks for the vote, as a readable time for the timelock).
 */
import { ZeroAddress } from "ethers";

import type { Gate } from "./guards";
import { dateTime, duration } from "./time";

const OPEN: Gate = { open: true };

/** The proposal facts the gates read (a `ProposalInfo` has them all). */
export interface ProposalFacts {
  state: string;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
}

/** The voter's position on one proposal. */
export interface VoterFacts {
  hasVoted: boolean;
  /** Votes at the proposal's snapshot (or now, while the snapshot is ahead). */
  weight: bigint;
}

const plural = (n: bigint, word: string) => `${n} ${word}${n === 1n ? "" : "s"}`;

/** Voting needs an Active proposal, a voter who has not voted, and votes delegated before the snapshot. */
export function voteGate(p: ProposalFacts, block: bigint, voter: VoterFacts | undefined): Gate {
  if (p.state === "Pending") {
    const wait = p.snapshot + 1n - block;
    return {
      open: false,
      reason: `voting opens after block ${p.snapshot}${wait > 0n ? ` (in ${plural(wait, "block")})` : ""}`,
    };
  }
  if (p.state !== "Active") return { open: false, reason: `voting is over: the proposal is ${p.state.toLowerCase()}` };
  if (voter === undefined) return { open: false, reason: "connect a wallet to vote" };
  if (voter.hasVoted) return { open: false, reason: "you already voted on this proposal" };
  if (voter.weight === 0n) {
    return {
      open: false,
      reason: `you had no votes delegated at its snapshot (block ${p.snapshot}): delegate now to vote on later proposals`,
    };
  }
  return OPEN;
}

/** Queueing needs a Succeeded proposal (its vote ended with the quorum and a majority for). */
export function queueGate(p: ProposalFacts, block: bigint): Gate {
  switch (p.state) {
    case "Succeeded":
      return OPEN;
    case "Pending":
    case "Active": {
      const wait = p.deadline + 1n - block;
      return {
        open: false,
        reason: `the vote ends after block ${p.deadline}${wait > 0n ? ` (in ${plural(wait, "block")})` : ""}`,
      };
    }
    case "Defeated":
      return { open: false, reason: "it did not pass (quorum or majority missing)" };
    case "Queued":
    case "Executed":
      return { open: false, reason: `already ${p.state.toLowerCase()}` };
    default:
      return { open: false, reason: `the proposal is ${p.state.toLowerCase()}` };
  }
}

/** Executing needs a Queued proposal whose timelock ETA has passed (anyone may execute it then). */
export function executeGate(p: ProposalFacts, now: bigint): Gate {
  if (p.state === "Queued") {
    if (now < p.eta) return { open: false, reason: `executable from ${dateTime(p.eta)} (in ${duration(p.eta - now)})` };
    return OPEN;
  }
  if (p.state === "Succeeded") return { open: false, reason: "queue it first" };
  if (p.state === "Executed") return { open: false, reason: "already executed" };
  if (p.state === "Pending" || p.state === "Active") return { open: false, reason: "the vote is not over" };
  return { open: false, reason: `the proposal is ${p.state.toLowerCase()}` };
}

/** The voter's token position the delegation gate reads. */
export interface DelegatorFacts {
  balance: bigint;
  delegate: string;
}

/** Delegating needs a wallet, tokens to delegate and a valid address that is not already the delegate. */
export function delegateGate(voter: DelegatorFacts | undefined, to: string | undefined, symbol: string): Gate {
  if (voter === undefined) return { open: false, reason: "connect a wallet to delegate" };
  if (voter.balance === 0n) return { open: false, reason: `you hold no ${symbol}: there is nothing to delegate` };
  if (to === undefined) return { open: false, reason: "enter the 0x… address that receives your votes" };
  if (voter.delegate !== ZeroAddress && voter.delegate.toLowerCase() === to.toLowerCase()) {
    return { open: false, reason: "your votes are already delegated there" };
  }
  return OPEN;
}

/** Proposing needs a wallet, the proposal threshold, and a change (the form starts from the current rules). */
export function proposeGate(params: {
  connected: boolean;
  votes: bigint;
  threshold: bigint;
  problems: readonly string[];
  changes: readonly string[];
  duplicate?: string;
  /** Formats votes (base units) for the reason. */
  format?: (votes: bigint) => string;
}): Gate {
  const format = params.format ?? ((votes: bigint) => votes.toString());
  if (!params.connected) return { open: false, reason: "connect a wallet to propose" };
  if (params.problems.length > 0) return { open: false, reason: params.problems[0] };
  if (params.changes.length === 0)
    return { open: false, reason: "change at least one value: the form starts from the current rules" };
  if (params.duplicate !== undefined) return { open: false, reason: params.duplicate };
  if (params.votes < params.threshold) {
    return {
      open: false,
      reason: `proposing needs ${format(params.threshold)} delegated to you; you have ${format(params.votes)}`,
    };
  }
  return OPEN;
}
