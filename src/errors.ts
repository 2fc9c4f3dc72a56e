import { Interface } from "ethers";

import { formatAmount } from "./format";
import {
  GovernanceToken__factory,
  RoyaltyGovernor__factory,
  RoyaltyPool__factory,
  RoyaltyTimelock__factory,
} from "../types";

/** Base class of every error the library throws: `message` says what happened and what to do. */
export class RoyaltiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** What to do next after each custom error of the pool, keyed by error name. */
const NEXT_STEP: Record<string, string> = {
  RoyaltyPoolEpochEnded: "close the epoch first (closeEpoch), then submit to the new one.",
  RoyaltyPoolEpochNotEnded: "wait until the epoch's end time, then close it.",
  RoyaltyPoolWrongMetricCount: "send one encrypted value per metric of the pool's schema (see getRules).",
  RoyaltyPoolSubmissionLimitReached: "wait for the next epoch; this one has all your submissions.",
  RoyaltyPoolEpochCapacityReached: "wait for the next epoch; this one is full.",
  RoyaltyPoolAmountBelowUnit: "fund at least one confidential unit (rate() of the payment token).",
  RoyaltyPoolUnsupportedToken: "fee-on-transfer tokens cannot fund a pool; use a standard ERC20.",
  RoyaltyPoolUnexpectedEpochState: "check the epoch's state (getEpoch) and call the step it is waiting for.",
  RoyaltyPoolNoContribution: "only contributors of the epoch can claim it.",
  RoyaltyPoolAlreadyClaimed:
    "this epoch is already in your vault balance: see it with royalties balance, withdraw it with royalties withdraw.",
  RoyaltyPoolNothingToClaim: "the epoch's total or pool was zero; nothing is owed for it.",
  RoyaltyPoolEpochsOutstanding: "settlement waits until every closed epoch is revealed (royalties reveal).",
  RoyaltyPoolNotPayoutVault: "claims go through the payout vault: use royalties claim or royalties claim-all.",
  RoyaltyPoolNothingToSettle: "no epoch was revealed since the last settlement.",
  RoyaltyPoolMaskReserveShort:
    "a masked settlement borrows 2^maskBits units from the current pool: fund the current epoch with the difference, then settle again.",
  RoyaltyPoolSettlementPending: "a settlement is already requested: finish it with settle.",
  RoyaltyPoolNoPendingSettlement: "request a settlement first (requestSettlement).",
  RoyaltyPoolClaimWindowOpen: "only the contributor may claim until the claim window ends.",
};

const poolInterface: Interface = new Interface(RoyaltyPool__factory.abi);

/**
 * A transaction a contract rejected with one of its custom errors; the message adds what to do next.
 * `what` replaces the raw `Error(args)` text where a sentence reads better.
 */
export class ContractRevertError extends RoyaltiesError {
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    hints: Readonly<Record<string, string>>,
    what?: string,
  ) {
    const hint = hints[errorName];
    super(`${what ?? `${errorName}(${args.map(String).join(", ")})`}${hint ? `: ${hint}` : ""}`);
  }
}

/** A transaction the pool rejected with one of its custom errors. */
export class PoolRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    super(errorName, args, NEXT_STEP);
  }
}

/** Decodes a failed call's custom error with `iface` and builds the library error for it (undefined if none). */
export function parseRevert<E>(
  error: unknown,
  iface: Interface,
  make: (errorName: string, args: readonly unknown[]) => E,
): E | undefined {
  const data = revertData(error);
  const parsed = data === undefined ? null : iface.parseError(data);
  return parsed ? make(parsed.name, [...parsed.args]) : undefined;
}

/**
 * The revert data (custom error selector and arguments) carried by a failed call, wherever the
 * provider put it: ethers errors (`data`, `error`, `info`) or a JSON-RPC error of a `npx hardhat node`
 * (`data: { message, txHash, data }`).
 */
export function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    const nested = current as { error?: unknown; info?: unknown };
    current = nested.error ?? nested.info ?? (typeof data === "object" ? data : undefined);
  }
  return undefined;
}

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
  Canceled: "it was cancelled: make a new proposal (royalties propose-rules).",
  Defeated: "it did not pass (quorum or majority): make a new proposal if the change is still wanted.",
  Succeeded: "it passed but is not queued: queue it (royalties queue), then execute it after the timelock delay.",
  Queued: "it waits in the timelock: execute it once its ETA has passed (royalties execute).",
  Expired: "it expired before execution: make a new proposal.",
  Executed: "it is already executed: nothing is left to do.",
};

/** The states set in an OpenZeppelin `bytes32` state bitmap (bit i = state i). */
function statesOf<T extends string>(bitmap: unknown, names: readonly T[]): T[] {
  const bits = BigInt(String(bitmap));
  return names.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n);
}

/** Governor, timelock and voting-token errors as one-line sentences that end with the next step. */
const GOVERNANCE_MESSAGES: Record<string, (args: readonly unknown[]) => string> = {
  GovernorUnexpectedProposalState: ([id, current, expected]) => {
    const state = PROPOSAL_STATES[Number(current)];
    const needed = statesOf(expected, PROPOSAL_STATES).join(" or ");
    // No expected state: the call needed the proposal not to exist (the same actions and description).
    if (needed === "") return `Proposal ${String(id)} already exists (${state}): ${NEXT_STEP_BY_PROPOSAL_STATE[state]}`;
    return `Proposal ${String(id)} is ${state}, this needs it ${needed}: ${NEXT_STEP_BY_PROPOSAL_STATE[state]}`;
  },
  GovernorInsufficientProposerVotes: ([proposer, votes, threshold]) =>
    `${String(proposer)} has ${formatAmount(BigInt(String(votes)), 18)} votes, the proposal threshold is ` +
    `${formatAmount(BigInt(String(threshold)), 18)}: get votes delegated to the proposer (royalties delegate) ` +
    "before proposing.",
  GovernorAlreadyCastVote: ([voter]) =>
    `${String(voter)} already voted on this proposal: an account votes once; see the tally with royalties proposals.`,
  GovernorNonexistentProposal: ([id]) =>
    `No proposal ${String(id)} on this governor: check the id (royalties proposals lists them) and --governor.`,
  GovernorInvalidVoteType: () => "Unknown vote type: vote for, against or abstain.",
  GovernorUnableToCancel: ([id, account]) =>
    `${String(account)} cannot cancel proposal ${String(id)}: only its proposer can, and only before its vote starts.`,
  GovernorRestrictedProposer: ([proposer]) =>
    `${String(proposer)} may not make this proposal (restricted by its description): propose from the named account.`,
  GovernorAlreadyQueuedProposal: ([id]) =>
    `Proposal ${String(id)} is already queued: execute it once its ETA has passed (royalties execute).`,
  GovernorOnlyExecutor: ([account]) =>
    `Only the governance executor (the timelock) may call this, not ${String(account)}: make a proposal instead.`,
  TimelockUnexpectedOperationState: ([operation, expected]) => {
    const needed = statesOf(expected, OPERATION_STATES);
    const next = needed.includes("Ready")
      ? "the timelock delay has not passed: wait until the proposal's ETA (royalties proposals shows it), then execute."
      : needed.includes("Unset")
        ? "it is already scheduled: execute it once its ETA has passed (royalties execute)."
        : "check the proposal's state with royalties proposals.";
    return `Timelock operation ${String(operation)} is not ${needed.join(" or ")}: ${next}`;
  },
  TimelockInsufficientDelay: ([delay, minDelay]) =>
    `A timelock delay of ${String(delay)} s is below the minimum of ${String(minDelay)} s: schedule with a longer delay.`,
  TimelockUnexecutedPredecessor: ([predecessor]) =>
    `Timelock operation ${String(predecessor)} must be executed first: execute it, then retry.`,
  TimelockUnauthorizedCaller: ([caller]) =>
    `${String(caller)} may not execute timelock operations: execute through the governor (royalties execute).`,
  AccessControlUnauthorizedAccount: ([account, role]) =>
    `${String(account)} lacks timelock role ${String(role)}: only the governor schedules and cancels; go through a proposal.`,
  ERC5805FutureLookup: ([timepoint, clock]) =>
    `Block ${String(timepoint)} is not mined yet (now ${String(clock)}): votes at a snapshot can be read once it has passed.`,
};

function errorFragments(abis: readonly (readonly { type: string; name?: string }[])[]) {
  const seen = new Map<string, { type: string; name?: string }>();
  for (const fragment of abis.flat()) if (fragment.type === "error") seen.set(fragment.name ?? "", fragment);
  return [...seen.values()];
}

const governanceInterface: Interface = new Interface(
  errorFragments([RoyaltyGovernor__factory.abi, RoyaltyTimelock__factory.abi, GovernanceToken__factory.abi]),
);

/** A transaction the Governor, its timelock or its voting token rejected: one sentence with the next step. */
export class GovernanceRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    const message = GOVERNANCE_MESSAGES[errorName];
    super(errorName, args, {}, message?.(args));
  }
}

/**
 * The project's one error decoder: rethrows a pool custom error as a {@link PoolRevertError} and a
 * Governor / timelock / voting-token error as a {@link GovernanceRevertError}; anything else unchanged.
 */
export function toRoyaltiesError(error: unknown): unknown {
  return (
    parseRevert(error, poolInterface, (name, args) => new PoolRevertError(name, args)) ??
    parseRevert(error, governanceInterface, (name, args) => new GovernanceRevertError(name, args)) ??
    error
  );
}

/** Runs a contract call and translates pool custom errors. */
export async function withPoolErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRoyaltiesError(error);
  }
}

export { redactError, redactSecrets } from "./redact";
