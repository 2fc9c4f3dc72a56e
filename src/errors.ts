import { Interface, LangEn } from "ethers";

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
  RoyaltyPoolAlreadyClaimed: "this epoch is already paid to you; decrypt your share with decryptShare.",
  RoyaltyPoolInvalidRecipient: "name a non-zero recipient address.",
  RoyaltyPoolNothingToClaim: "the epoch's total or pool was zero; nothing is owed for it.",
  RoyaltyPoolEpochsOutstanding: "settlement waits until every closed epoch is revealed and fully claimed.",
  RoyaltyPoolNothingToSettle: "no epoch was revealed since the last settlement.",
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

/** Environment variables whose values are secrets (keys, mnemonics, RPC URLs that embed API keys). */
const SECRET_VARIABLE = /(KEY|SECRET|TOKEN|PASSWORD|MNEMONIC|URL)$/i;
/** URLs: everything after the host (user info, path, query, fragment) may carry an API key. */
const URL_PATTERN = /\b(https?|wss?):\/\/([^\s"'<>`]+)/gi;
/** A 32-byte hex string right after a word that says it is a key. */
const LABELED_KEY = /((?:private|secret)[ _-]?key\W{0,12})(0x)?[0-9a-f]{64}\b/gi;
/** A BIP-39 mnemonic: 12 or more English wordlist words in a row. */
const WORD_RUN = /\b[a-z]+(?:\s+[a-z]+){11,}\b/g;

let bip39Words: Set<string> | undefined;
function isMnemonicWord(word: string): boolean {
  if (bip39Words === undefined) {
    const list = LangEn.wordlist();
    bip39Words = new Set(Array.from({ length: 2048 }, (_, i) => list.getWord(i)));
  }
  return bip39Words.has(word);
}

/** In a run of words, replaces every stretch of 12 or more BIP-39 words with "[redacted mnemonic]". */
function redactMnemonicWords(run: string): string {
  const parts = run.split(/(\s+)/); // words at even indexes, separators at odd ones
  const out: string[] = [];
  let stretch: string[] = [];
  const flush = () => {
    const words = stretch.filter((_, i) => i % 2 === 0).length;
    if (words >= 12) out.push("[redacted mnemonic]");
    else out.push(...stretch);
    stretch = [];
  };
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      if (stretch.length > 0) stretch.push(part);
      else out.push(part);
    } else if (isMnemonicWord(part)) {
      stretch.push(part);
    } else {
      if (stretch.length > 0 && stretch.length % 2 === 0) {
        const separator = stretch.pop() ?? "";
        flush();
        out.push(separator);
      } else flush();
      out.push(part);
    }
  });
  if (stretch.length % 2 === 0 && stretch.length > 0) {
    const separator = stretch.pop() ?? "";
    flush();
    out.push(separator);
  } else flush();
  return out.join("");
}

function environment(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** The parts of a URL that may be an API key on their own: user info, path segments, query values. */
function urlSecrets(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  return [
    url.username,
    url.password,
    ...url.pathname.split("/").map((part) => decodeURIComponent(part)),
    ...[...url.searchParams.values()],
  ].filter((part) => part.length >= 6);
}

function redactUrl(match: string, scheme: string, rest: string): string {
  const hostEnd = rest.search(/[/?#]/);
  const authority = hostEnd === -1 ? rest : rest.slice(0, hostEnd);
  const host = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  const tail = hostEnd === -1 ? "" : rest.slice(hostEnd);
  const hidden = authority !== host || (tail !== "" && tail !== "/");
  return hidden ? `${scheme}://${host}/[redacted]` : match;
}

/**
 * Removes secrets from a message before it is printed or returned: the values of secret environment
 * variables (`PRIVATE_KEY`, `MNEMONIC`, `SEPOLIA_RPC_URL`, any `…_KEY`, `…_TOKEN`, `…_URL`...), the path,
 * query and user info of every URL (where RPC providers put API keys), a 32-byte key after "private
 * key", and any run of 12 or more BIP-39 words. Addresses and transaction hashes stay readable.
 * @example
 * redactSecrets("could not reach https://eth-sepolia.g.alchemy.com/v2/abc123") // "… https://eth-sepolia.g.alchemy.com/[redacted]"
 */
export function redactSecrets(text: string, env: Record<string, string | undefined> = environment()): string {
  let result = text;
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_VARIABLE.test(name) || value === undefined || value.trim().length < 8) continue;
    if (/^0x[0-9a-fA-F]{40}$/.test(value.trim())) continue; // an address (PAYMENT_TOKEN) is public
    const variants = new Set([value, value.trim(), value.trim().replace(/^0x/i, ""), ...urlSecrets(value.trim())]);
    for (const variant of variants) {
      if (variant.length >= 6) result = result.split(variant).join(`[redacted ${name}]`);
    }
  }
  result = result.replace(URL_PATTERN, redactUrl);
  result = result.replace(LABELED_KEY, (_match, label: string) => `${label}[redacted]`);
  result = result.replace(WORD_RUN, redactMnemonicWords);
  return result;
}

/**
 * Redacts (with {@link redactSecrets}) the message, stack and short message of an error and of its
 * causes, in place, so that whoever prints it later prints no secret. Returns the same error.
 */
export function redactError<E>(error: E): E {
  const seen = new Set<object>();
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null && !seen.has(current); depth++) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const field of ["message", "stack", "shortMessage", "reason", "url"]) {
      const value = record[field];
      if (typeof value !== "string") continue;
      try {
        record[field] = redactSecrets(value);
      } catch {
        // a read-only field: leave it
      }
    }
    current = record.cause ?? record.error ?? record.parent;
  }
  return error;
}
