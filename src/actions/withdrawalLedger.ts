/**
 * The signed withdrawals a machine has handed out and that may still wait for a relayer, kept so that two
 * withdrawals signed in a row never share a nonce (the vault accepts one withdrawal per nonce, in order):
 * which entries to trust, which nonce to sign with, which entries to forget. Pure functions over the
 * ledger's text and entries; the caller reads and writes the file (the `sign-withdrawal` task keeps it in
 * Hardhat's cache folder).
 */
import { RoyaltiesError } from "../errors";
import { nextWithdrawalNonce } from "./withdrawalAuthorization";

/** One signed withdrawal of the ledger; numbers as decimal strings, as stored in JSON. */
export interface PendingWithdrawal {
  chainId: string;
  vault: string;
  contributor: string;
  nonce: string;
  deadline: string;
  /** The file the signed withdrawal was written to: deleting it frees the nonce. */
  file: string;
}

/** Whose withdrawals an operation looks at: one contributor of one vault on one chain. */
export interface LedgerOwner {
  chainId: bigint;
  vault: string;
  contributor: string;
}

/** The nonce asked for was already used on-chain. */
export class WithdrawalNonceUsedError extends RoyaltiesError {}

const UINT = /^\d{1,78}$/;

/**
 * The ledger's entries, from its JSON text: a hand-edited or corrupt entry is dropped, never trusted, and
 * an unreadable ledger is empty (the vault's nonce is the floor anyway).
 * @example
 * const ledger = parseWithdrawalLedger(fs.readFileSync(file, "utf8"));
 */
export function parseWithdrawalLedger(text: string): PendingWithdrawal[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (c: unknown): c is PendingWithdrawal =>
      typeof c === "object" &&
      c !== null &&
      ["chainId", "vault", "contributor", "file"].every((k) => typeof (c as Record<string, unknown>)[k] === "string") &&
      ["nonce", "deadline"].every((k) => UINT.test(String((c as Record<string, unknown>)[k]))),
  );
}

/** Whether a ledger entry is one of `owner`'s withdrawals. */
export function isLedgerEntryOf(entry: PendingWithdrawal, owner: LedgerOwner): boolean {
  return (
    entry.chainId === owner.chainId.toString() && entry.vault === owner.vault && entry.contributor === owner.contributor
  );
}

export interface ChooseWithdrawalNonceParameters {
  /** A nonce the user asked for; refused when the vault already used it. */
  requested?: bigint;
  /** The vault's next nonce for the contributor. */
  onChain: bigint;
  /** The contributor's withdrawals signed here whose files still hold them. */
  pending: readonly { nonce: bigint; deadline: bigint }[];
  now: bigint;
  contributor: string;
}

/**
 * The nonce to sign a withdrawal with: the one asked for (when the vault has not used it), else the
 * vault's next nonce skipping those held by withdrawals signed here, neither relayed nor expired.
 * @example
 * const nonce = chooseWithdrawalNonce({ onChain: await vault.nonces(me), pending, now, contributor: me });
 */
export function chooseWithdrawalNonce({
  requested,
  onChain,
  pending,
  now,
  contributor,
}: ChooseWithdrawalNonceParameters): bigint {
  if (requested === undefined) return nextWithdrawalNonce({ onChain, pending, now });
  if (requested < onChain) {
    throw new WithdrawalNonceUsedError(
      `--nonce ${requested} is already used: the vault's next nonce for ${contributor} is ${onChain}.`,
    );
  }
  return requested;
}

/**
 * The ledger without `owner`'s entries that no longer hold a nonce: relayed (below the vault's nonce) or
 * expired. Other owners' entries are kept as they are.
 * @example
 * const kept = pruneWithdrawalLedger(ledger, owner, { onChain, now });
 */
export function pruneWithdrawalLedger(
  ledger: readonly PendingWithdrawal[],
  owner: LedgerOwner,
  { onChain, now }: { onChain: bigint; now: bigint },
): PendingWithdrawal[] {
  return ledger.filter((c) => !isLedgerEntryOf(c, owner) || (BigInt(c.nonce) >= onChain && BigInt(c.deadline) >= now));
}
