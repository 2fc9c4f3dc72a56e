/** The file format of a signed withdrawal: what `royalties sign-withdrawal` writes and `relay-withdrawal` reads. */
import { ZeroAddress, ZeroHash, getAddress, isAddress } from "ethers";

import {
  InvalidSignedWithdrawalError,
  OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
  WITHDRAW_AUTHORIZATION_TYPES,
} from "./withdrawalAuthorization";
import type {
  OmnibusWithdrawAuthorization,
  SignedOmnibusWithdrawal,
  SignedWithdrawal,
  WithdrawAuthorization,
} from "./withdrawalAuthorization";

/**
 * Serializes a signed withdrawal to JSON (bigints as decimal strings).
 * @example
 * fs.writeFileSync("withdrawal.json", serializeSignedWithdrawal(signed));
 */
export function serializeSignedWithdrawal(signed: SignedWithdrawal | SignedOmnibusWithdrawal): string {
  return JSON.stringify(signed, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2);
}

const UINT256_MAX = 2n ** 256n - 1n;
/** Longest signature or input proof a file may hold (ERC-1271 signatures have no fixed length). */
const MAX_HEX_BYTES = 16_384;

function invalid(field: string, expected: string, value: unknown): never {
  const shown = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value)).slice(0, 48);
  throw new InvalidSignedWithdrawalError(
    `The signed-withdrawal file's ${field} must be ${expected} (got ${shown}): ` +
      "use the file royalties sign-withdrawal wrote.",
  );
}

function onlyFields(record: Record<string, unknown>, where: string, allowed: readonly string[]): void {
  const extra = Object.keys(record).find((key) => !allowed.includes(key));
  if (extra !== undefined) invalid(`${where}${extra}`, "absent (unknown field)", record[extra]);
  const missing = allowed.find((key) => !(key in record));
  if (missing !== undefined) invalid(`${where}${missing}`, "present", undefined);
}

function addressField(record: Record<string, unknown>, field: string, where = ""): string {
  const value = record[field];
  if (typeof value !== "string" || !isAddress(value)) {
    invalid(`${where}${field}`, "an address (0x + 40 hex digits)", value);
  }
  return getAddress(value);
}

function uintField(record: Record<string, unknown>, field: string, where = "", max = UINT256_MAX): bigint {
  const value = record[field];
  if (typeof value !== "string" || !/^\d{1,78}$/.test(value) || BigInt(value) > max) {
    const below = max === UINT256_MAX ? "2^256" : "2^64";
    invalid(`${where}${field}`, `a whole number below ${below} written as a decimal string`, value);
  }
  return BigInt(value);
}

function handleField(record: Record<string, unknown>, field: string, where: string, what: string): string {
  const value = record[field];
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) invalid(`${where}${field}`, what, value);
  return value;
}

function hexField(record: Record<string, unknown>, field: string, empty = false): string {
  const value = record[field];
  const bytes = empty ? /^0x([0-9a-fA-F]{2})*$/ : /^0x([0-9a-fA-F]{2})+$/;
  const ok = typeof value === "string" && bytes.test(value) && value.length <= 2 + 2 * MAX_HEX_BYTES;
  if (!ok) invalid(field, empty ? "0x-prefixed hex bytes (0x when empty)" : "0x-prefixed hex bytes", value);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a file written by {@link serializeSignedWithdrawal}, checking every field (addresses, whole numbers, 32-byte
 * handles, an amount proof exactly when the amount handle is not zero, a boolean unwrap, hex byte strings, no missing
 * or unknown field); throws
 * {@link InvalidSignedWithdrawalError} with a one-line message naming the first bad field.
 * @example
 * const signed = parseSignedWithdrawal(fs.readFileSync("withdrawal.json", "utf8"));
 */
export function parseSignedWithdrawal(json: string): SignedWithdrawal | SignedOmnibusWithdrawal {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidSignedWithdrawalError(
      "The signed-withdrawal file is not JSON: use the file royalties sign-withdrawal wrote.",
    );
  }
  if (!isRecord(raw)) invalid("content", "a JSON object", raw);
  const omnibus = "inputProof" in raw;
  onlyFields(raw, "", [
    "vault",
    "chainId",
    "authorization",
    "amountProof",
    "signature",
    ...(omnibus ? ["inputProof"] : []),
  ]);
  const vault = addressField(raw, "vault");
  const chainId = uintField(raw, "chainId");
  if (chainId === 0n) invalid("chainId", "a chain id above 0", raw.chainId);
  const signature = hexField(raw, "signature");
  const auth = raw.authorization;
  if (!isRecord(auth)) invalid("authorization", "an object", auth);
  const at = "authorization.";
  const types = omnibus
    ? OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES.OmnibusWithdrawAuthorization
    : WITHDRAW_AUTHORIZATION_TYPES.WithdrawAuthorization;
  onlyFields(
    auth,
    at,
    types.map((f) => f.name),
  );
  const contributor = addressField(auth, "contributor", at);
  const token = addressField(auth, "token", at);
  const amount = handleField(auth, "amount", at, "the 32-byte handle of the encrypted amount (zero for everything)");
  const amountProof = hexField(raw, "amountProof", true);
  if ((amount === ZeroHash) !== (amountProof === "0x")) {
    invalid("amountProof", "the amount's input proof, and 0x exactly when the amount handle is zero", amountProof);
  }
  const relayer = addressField(auth, "relayer", at);
  if (amount !== ZeroHash && relayer === ZeroAddress) {
    invalid(`${at}relayer`, "the relayer's address (a signed amount is encrypted for it)", relayer);
  }
  const nonce = uintField(auth, "nonce", at);
  const deadline = uintField(auth, "deadline", at);
  if (omnibus) {
    const recipient = handleField(auth, "recipient", at, "the 32-byte handle of the encrypted sub-account");
    if (relayer === ZeroAddress)
      invalid(`${at}relayer`, "the relayer's address (an omnibus withdrawal names it)", relayer);
    const authorization: OmnibusWithdrawAuthorization = {
      contributor,
      token,
      omnibus: addressField(auth, "omnibus", at),
      recipient,
      amount,
      relayer,
      nonce,
      deadline,
    };
    return { vault, chainId, authorization, inputProof: hexField(raw, "inputProof"), amountProof, signature };
  }
  const recipient = addressField(auth, "recipient", at);
  if (recipient === ZeroAddress) invalid(`${at}recipient`, "a non-zero address", recipient);
  if (typeof auth.unwrap !== "boolean") invalid(`${at}unwrap`, "true or false", auth.unwrap);
  const authorization: WithdrawAuthorization = {
    contributor,
    token,
    recipient,
    amount,
    unwrap: auth.unwrap,
    relayer,
    nonce,
    deadline,
  };
  return { vault, chainId, authorization, amountProof, signature };
}
