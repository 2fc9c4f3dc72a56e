/**
 * Withdrawals someone else submits (EIP-712 authorizations a relayer pays the gas for), withdrawals to an omnibus
 * sub-account, and selective disclosure: all of them go through the registry's payout vault, where every claim has
 * already credited the contributor's encrypted balance and applied their disclosure grants.
 */
import {
  Contract,
  TypedDataEncoder,
  ZeroAddress,
  ZeroHash,
  getAddress,
  hexlify,
  isAddress,
  verifyTypedData,
} from "ethers";
import type { ContractTransactionReceipt, Provider, TypedDataDomain, TypedDataField } from "ethers";

import { ModelRegistry__factory, RoyaltyPool__factory } from "../../types";
import type { RoyaltyPool } from "../../types";
import { confirmed, requireFhe, requireSigner } from "../client";
import { RoyaltiesError } from "../errors";
import type { FheBackend } from "../fhe/backend";
import { vaultEvents, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";

/** `amount` meaning "the whole balance" (PayoutVault.WITHDRAW_ALL). */
const ALL = 2n ** 64n - 1n;

/** A withdrawal the contributor signs (EIP-712) for someone else to submit. */
export interface WithdrawAuthorization {
  contributor: string;
  /** The payout token (ERC7984 wrapper) of the balance. */
  token: string;
  recipient: string;
  /** Confidential units, or 2^64 - 1 for the whole balance. */
  amount: bigint;
  /** The recipient receives the public ERC20 instead of confidential tokens. */
  unwrap: boolean;
  /** Only this address may submit it; the zero address lets anyone submit it. */
  relayer: string;
  nonce: bigint;
  /** Unix time after which the vault refuses the authorization. */
  deadline: bigint;
}

/** A signed withdrawal to a sub-account of an omnibus; the sub-account is encrypted for the relayer. */
export interface OmnibusWithdrawAuthorization {
  contributor: string;
  token: string;
  omnibus: string;
  /** Handle of the encrypted sub-account (an external eaddress). */
  recipient: string;
  amount: bigint;
  /** Required: the sub-account's input proof is bound to (vault, relayer). */
  relayer: string;
  nonce: bigint;
  deadline: bigint;
}

/** Everything a relayer needs to submit a signed withdrawal (what `royalties sign-withdrawal` writes). */
export interface SignedWithdrawal {
  vault: string;
  chainId: bigint;
  authorization: WithdrawAuthorization;
  signature: string;
}

/** A signed omnibus withdrawal with the input proof of its encrypted sub-account. */
export interface SignedOmnibusWithdrawal {
  vault: string;
  chainId: bigint;
  authorization: OmnibusWithdrawAuthorization;
  inputProof: string;
  signature: string;
}

/** EIP-712 types of {@link WithdrawAuthorization}; must match PayoutVault.WITHDRAW_AUTHORIZATION_TYPEHASH. */
export const WITHDRAW_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  WithdrawAuthorization: [
    { name: "contributor", type: "address" },
    { name: "token", type: "address" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "uint64" },
    { name: "unwrap", type: "bool" },
    { name: "relayer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** EIP-712 types of {@link OmnibusWithdrawAuthorization}; must match OMNIBUS_WITHDRAW_AUTHORIZATION_TYPEHASH. */
export const OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  OmnibusWithdrawAuthorization: [
    { name: "contributor", type: "address" },
    { name: "token", type: "address" },
    { name: "omnibus", type: "address" },
    { name: "recipient", type: "bytes32" },
    { name: "amount", type: "uint64" },
    { name: "relayer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** Default validity of a signed withdrawal: one day. */
export const DEFAULT_WITHDRAWAL_VALIDITY_SECONDS = 24n * 60n * 60n;

/** The FHE backend cannot encrypt addresses (omnibus sub-accounts). */
export class AddressEncryptionUnsupportedError extends RoyaltiesError {
  constructor() {
    super("This FHE backend cannot encrypt addresses: use the Hardhat or relayer-SDK backend for omnibus withdrawals.");
  }
}

/** A signed withdrawal a relayer must not submit as is (bad file, wrong vault, expired, used nonce...). */
export class InvalidSignedWithdrawalError extends RoyaltiesError {}

/** The contributor has no balance to withdraw, or less than the amount asked. */
export class WithdrawalBalanceError extends RoyaltiesError {}

/** The viewer was not granted the (contributor, model, epoch) pair. */
export class NotDisclosedError extends RoyaltiesError {}

/** The pair is disclosed but its share does not exist yet: the contributor has not claimed it. */
export class DisclosedShareNotClaimedError extends RoyaltiesError {}

async function latestTimestamp(client: VaultClient): Promise<bigint> {
  const block = await client.provider.getBlock("latest");
  if (block === null || block === undefined) throw new RoyaltiesError("The signer has no provider: connect it first.");
  return BigInt(block.timestamp);
}

/** The vault's EIP-712 domain, read from the contract (ERC-5267) so it can never drift. */
export async function withdrawalDomain(client: VaultClient): Promise<TypedDataDomain> {
  const domain = await client.vault.eip712Domain();
  return {
    name: domain.name,
    version: domain.version,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  };
}

function checkAmount(amount: bigint | undefined): bigint {
  if (amount === undefined) return ALL;
  if (amount <= 0n || amount >= ALL) {
    throw new WithdrawalBalanceError(`Withdraw a positive amount below 2^64 - 1 units (got ${amount}), or everything.`);
  }
  return amount;
}

/**
 * Refuses, before anything is signed or sent, a withdrawal the vault would not pay: no balance in the token, or a
 * partial amount above the balance (the vault would send nothing). Decrypts the signer's own balance.
 */
async function checkBalance(client: VaultClient, token: string, amount: bigint): Promise<void> {
  const contributor = await requireSigner(client, "checkBalance").getAddress();
  const handle = await client.vault.balanceOf(contributor, token);
  if (handle === ZeroHash) {
    throw new WithdrawalBalanceError(
      `${contributor} has no balance in payout token ${token}: claim a revealed epoch first (royalties claim).`,
    );
  }
  if (amount === ALL) return;
  const balance = await requireFhe(client, "checkBalance").userDecryptUint64(
    handle,
    client.address,
    requireSigner(client, "checkBalance"),
  );
  if (amount > balance) {
    throw new WithdrawalBalanceError(
      `The balance of ${contributor} in ${token} is ${balance} units, less than the ${amount} asked: ` +
        "withdraw at most the balance, or everything (omit --amount).",
    );
  }
}

async function encryptSubAccount(fhe: FheBackend, vault: string, user: string, subAccount: string) {
  if (fhe.encryptAddress === undefined) throw new AddressEncryptionUnsupportedError();
  const encrypted = await fhe.encryptAddress(vault, user, getAddress(subAccount));
  return { handle: hexlify(encrypted.handles[0]), inputProof: hexlify(encrypted.inputProof) };
}

export interface SignWithdrawalParameters {
  /** The payout token of the balance to withdraw from. */
  token: string;
  /** Who receives it; the contributor when omitted. */
  recipient?: string;
  /** Confidential units; the whole balance when omitted. */
  amount?: bigint;
  /** Pay the recipient in the public ERC20 (unwrapped). */
  unwrap?: boolean;
  /** Who may submit; anyone when omitted. */
  relayer?: string;
  /** The contributor's current vault nonce when omitted. */
  nonce?: bigint;
  /** Unix time; one day after the latest block when omitted. */
  deadline?: bigint;
}

/**
 * Signs (EIP-712) a withdrawal of the signer's balance that someone else submits with {@link relayWithdrawal}: the
 * relayer pays the gas and cannot change the recipient, the amount or the deadline. Refuses an amount above the
 * balance (decrypted with the signer's key) before signing.
 * @example
 * const signed = await signWithdrawAuthorization(aliceVault, { token: cMUD, recipient: cold, relayer });
 */
export async function signWithdrawAuthorization(
  client: VaultClient,
  { token, recipient, amount, unwrap, relayer, nonce, deadline }: SignWithdrawalParameters,
): Promise<SignedWithdrawal> {
  const contributor = getAddress(await requireSigner(client, "signWithdrawAuthorization").getAddress());
  const units = checkAmount(amount);
  const to = getAddress(recipient ?? contributor);
  if (to === ZeroAddress) throw new WithdrawalBalanceError("A withdrawal needs a recipient address (--to).");
  await checkBalance(client, getAddress(token), units);
  const authorization: WithdrawAuthorization = {
    contributor,
    token: getAddress(token),
    recipient: to,
    amount: units,
    unwrap: unwrap ?? false,
    relayer: getAddress(relayer ?? ZeroAddress),
    nonce: nonce ?? (await client.vault.nonces(contributor)),
    deadline: deadline ?? (await latestTimestamp(client)) + DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  };
  const domain = await withdrawalDomain(client);
  const signature = await requireSigner(client, "signWithdrawAuthorization").signTypedData(
    domain,
    WITHDRAW_AUTHORIZATION_TYPES,
    authorization,
  );
  return { vault: String(domain.verifyingContract), chainId: BigInt(domain.chainId ?? 0), authorization, signature };
}

const ERC1271_MAGIC = "0x1626ba7e";

/** Whether `signature` is the contributor's: an EOA's ECDSA signature or an ERC-1271 wallet's approval. */
async function signedByContributor(
  provider: Provider,
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  authorization: WithdrawAuthorization | OmnibusWithdrawAuthorization,
  signature: string,
): Promise<boolean> {
  const contributor = getAddress(authorization.contributor);
  if ((await provider.getCode(contributor)) !== "0x") {
    const wallet = new Contract(
      contributor,
      ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"],
      provider,
    );
    try {
      const digest = TypedDataEncoder.hash(domain, types, authorization);
      return (await wallet.getFunction("isValidSignature").staticCall(digest, signature)) === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }
  try {
    return getAddress(verifyTypedData(domain, types, authorization, signature)) === contributor;
  } catch {
    return false;
  }
}

/** What every relayed withdrawal must pass before the relayer pays gas for it. */
async function checkRelayable(
  client: VaultClient,
  registry: string,
  signed: SignedWithdrawal | SignedOmnibusWithdrawal,
  types: Record<string, TypedDataField[]>,
): Promise<void> {
  const provider = client.provider;
  const relayer = getAddress(await requireSigner(client, "checkRelayable").getAddress());
  const auth = signed.authorization;
  const fail = (message: string): never => {
    throw new InvalidSignedWithdrawalError(message);
  };
  // The transaction goes to the vault of the registry the relayer trusts, never to a contract the file names.
  if ((await provider.getCode(registry)) === "0x") fail(`No registry at ${registry}: check --registry and --network.`);
  const trusted = getAddress(await ModelRegistry__factory.connect(registry, provider).payoutVault());
  if (getAddress(client.address) !== trusted) {
    fail(`${client.address} is not the payout vault of registry ${registry} (${trusted} is): refused.`);
  }
  if (getAddress(signed.vault) !== trusted) {
    fail(`The withdrawal is signed for vault ${signed.vault}, not ${trusted} of registry ${registry}: refused.`);
  }
  const { chainId } = await provider.getNetwork();
  if (chainId !== signed.chainId) fail(`The withdrawal is for chain ${signed.chainId}, this network is ${chainId}.`);
  if (auth.relayer !== ZeroAddress && getAddress(auth.relayer) !== relayer) {
    fail(`Only ${auth.relayer} may submit this withdrawal (you are ${relayer}).`);
  }
  const now = await latestTimestamp(client);
  if (now > auth.deadline) fail(`The withdrawal expired at ${auth.deadline}: ask the contributor to sign it again.`);
  const domain = await withdrawalDomain(client);
  if (!(await signedByContributor(provider, domain, types, auth, signed.signature))) {
    fail(`The signature is not ${auth.contributor}'s for exactly these fields: ask the contributor to sign again.`);
  }
  const next = await client.vault.nonces(auth.contributor);
  if (auth.nonce < next)
    fail(`Nonce ${auth.nonce} of ${auth.contributor} is used already: this withdrawal was relayed.`);
  if (auth.nonce > next) {
    fail(
      `Nonce ${auth.nonce} is not next (${next} is): relay the withdrawals signed with ${next}..${auth.nonce - 1n} first.`,
    );
  }
  if ((await client.vault.balanceOf(auth.contributor, auth.token)) === ZeroHash) {
    fail(`${auth.contributor} has no balance in ${auth.token}: nothing to withdraw (royalties claim first).`);
  }
}

export interface RelayWithdrawalParameters {
  signed: SignedWithdrawal;
  /** The registry the relayer trusts: the withdrawal is sent only to its payout vault. */
  registry: string;
}

export interface RelayWithdrawalReturnType {
  /** Handle of what left the balance; the relayer is not allowed to decrypt it. */
  sentHandle: string;
  receipt: ContractTransactionReceipt;
}

/**
 * The amount handle of a relayed withdrawal, read only from the events of the vault itself (its `Withdrawn` or
 * `WithdrawnToOmnibus` for this contributor and token, and its `WithdrawalRelayed` with this nonce): any contract can
 * emit an event with the same signature, so an event from another address proves nothing.
 * @example
 * const sent = relayedWithdrawal(vault, receipt, signed.authorization);
 */
export function relayedWithdrawal(
  client: VaultClient,
  receipt: ContractTransactionReceipt,
  auth: WithdrawAuthorization | OmnibusWithdrawAuthorization,
): { sentHandle: string; recipientHandle?: string } {
  const contributor = getAddress(auth.contributor);
  const relayed = vaultEvents(client, receipt, "WithdrawalRelayed").some(
    (e) => getAddress(e.args.contributor as string) === contributor && (e.args.nonce as bigint) === auth.nonce,
  );
  const omnibus = "omnibus" in auth;
  const paid = vaultEvents(client, receipt, omnibus ? "WithdrawnToOmnibus" : "Withdrawn").find(
    (e) =>
      getAddress(e.args.contributor as string) === contributor &&
      getAddress(e.args.token as string) === getAddress(auth.token) &&
      (omnibus
        ? getAddress(e.args.omnibus as string) === getAddress(auth.omnibus)
        : getAddress(e.args.recipient as string) === getAddress(auth.recipient)),
  );
  if (!relayed || paid === undefined) {
    throw new RoyaltiesError(
      `The transaction ${receipt.hash} carries no ${omnibus ? "WithdrawnToOmnibus" : "Withdrawn"} and ` +
        `WithdrawalRelayed events of vault ${client.address} for ${contributor}: the withdrawal is not paid.`,
    );
  }
  return omnibus
    ? { sentHandle: paid.args.sent as string, recipientHandle: paid.args.recipient as string }
    : { sentHandle: paid.args.sent as string };
}

/**
 * Submits a signed withdrawal as the vault client's signer (the relayer), after checking what the vault would check
 * (signature, deadline, relayer, nonce, a balance) and that the vault is the trusted registry's own.
 * @example
 * const { sentHandle } = await relayWithdrawal(relayerVault, { signed, registry: registryAddress });
 */
export async function relayWithdrawal(
  client: VaultClient,
  { signed, registry }: RelayWithdrawalParameters,
): Promise<RelayWithdrawalReturnType> {
  await checkRelayable(client, registry, signed, WITHDRAW_AUTHORIZATION_TYPES);
  const receipt = await withVaultErrors(() =>
    confirmed(client.vault.withdrawWithSignature(signed.authorization, signed.signature)),
  );
  return { sentHandle: relayedWithdrawal(client, receipt, signed.authorization).sentHandle, receipt };
}

export interface WithdrawToOmnibusParameters {
  /** The payout token of the balance. */
  token: string;
  /** The omnibus account (exchange, custodian) receiving the tokens. */
  omnibus: string;
  /** The contributor's sub-account at the omnibus; encrypted, only the omnibus (and the contributor) can read it. */
  subAccount: string;
  /** Confidential units; the whole balance when omitted. */
  amount?: bigint;
}

export interface WithdrawToOmnibusReturnType {
  /** Handle of the amount sent (decryptable by the contributor and the omnibus). */
  sentHandle: string;
  /** Handle of the encrypted sub-account. */
  recipientHandle: string;
  receipt: ContractTransactionReceipt;
}

function omnibusResult(
  client: VaultClient,
  receipt: ContractTransactionReceipt,
  { contributor, token, omnibus }: { contributor: string; token: string; omnibus: string },
): WithdrawToOmnibusReturnType {
  const event = vaultEvents(client, receipt, "WithdrawnToOmnibus").find(
    (e) =>
      getAddress(e.args.contributor as string) === getAddress(contributor) &&
      getAddress(e.args.token as string) === getAddress(token) &&
      getAddress(e.args.omnibus as string) === getAddress(omnibus),
  );
  if (event === undefined) {
    throw new RoyaltiesError(`The transaction ${receipt.hash} emitted no WithdrawnToOmnibus event of the vault.`);
  }
  return { sentHandle: event.args.sent as string, recipientHandle: event.args.recipient as string, receipt };
}

/**
 * Withdraws the signer's balance (or part of it) to an omnibus for an encrypted sub-account: observers see
 * vault → omnibus, never the sub-account, the amount or which epochs it came from.
 * @example
 * await withdrawToOmnibus(aliceVault, { token: cMUD, omnibus: exchange, subAccount: deposit });
 */
export async function withdrawToOmnibus(
  client: VaultClient,
  { token, omnibus, subAccount, amount }: WithdrawToOmnibusParameters,
): Promise<WithdrawToOmnibusReturnType> {
  const contributor = await requireSigner(client, "withdrawToOmnibus").getAddress();
  const units = checkAmount(amount);
  await checkBalance(client, getAddress(token), units);
  const encrypted = await encryptSubAccount(
    requireFhe(client, "withdrawToOmnibus"),
    client.address,
    contributor,
    subAccount,
  );
  const receipt = await withVaultErrors(() =>
    confirmed(client.vault.withdrawToOmnibus(token, omnibus, encrypted.handle, encrypted.inputProof, units)),
  );
  return omnibusResult(client, receipt, { contributor, token, omnibus });
}

export interface SignOmnibusWithdrawalParameters extends WithdrawToOmnibusParameters {
  /** The relayer that will submit (required: the sub-account is encrypted for it). */
  relayer: string;
  nonce?: bigint;
  deadline?: bigint;
}

/**
 * Encrypts the sub-account for (vault, relayer) and signs an omnibus withdrawal only that relayer can submit.
 * @example
 * const signed = await signOmnibusWithdrawAuthorization(aliceVault, { token, omnibus, subAccount, relayer });
 */
export async function signOmnibusWithdrawAuthorization(
  client: VaultClient,
  { token, omnibus, subAccount, amount, relayer, nonce, deadline }: SignOmnibusWithdrawalParameters,
): Promise<SignedOmnibusWithdrawal> {
  if (!isAddress(relayer) || getAddress(relayer) === ZeroAddress) {
    throw new InvalidSignedWithdrawalError("An omnibus withdrawal must name its relayer (--relayer).");
  }
  const contributor = getAddress(await requireSigner(client, "signOmnibusWithdrawAuthorization").getAddress());
  const units = checkAmount(amount);
  await checkBalance(client, getAddress(token), units);
  const encrypted = await encryptSubAccount(
    requireFhe(client, "signOmnibusWithdrawAuthorization"),
    client.address,
    getAddress(relayer),
    subAccount,
  );
  const authorization: OmnibusWithdrawAuthorization = {
    contributor,
    token: getAddress(token),
    omnibus: getAddress(omnibus),
    recipient: encrypted.handle,
    amount: units,
    relayer: getAddress(relayer),
    nonce: nonce ?? (await client.vault.nonces(contributor)),
    deadline: deadline ?? (await latestTimestamp(client)) + DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  };
  const domain = await withdrawalDomain(client);
  const signature = await requireSigner(client, "signOmnibusWithdrawAuthorization").signTypedData(
    domain,
    OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
    authorization,
  );
  return {
    vault: String(domain.verifyingContract),
    chainId: BigInt(domain.chainId ?? 0),
    authorization,
    inputProof: encrypted.inputProof,
    signature,
  };
}

export interface RelayOmnibusWithdrawalParameters {
  signed: SignedOmnibusWithdrawal;
  /** The registry the relayer trusts: the withdrawal is sent only to its payout vault. */
  registry: string;
}

/**
 * Submits a signed omnibus withdrawal as its named relayer.
 * @example
 * const { sentHandle } = await relayOmnibusWithdrawal(relayerVault, { signed, registry: registryAddress });
 */
export async function relayOmnibusWithdrawal(
  client: VaultClient,
  { signed, registry }: RelayOmnibusWithdrawalParameters,
): Promise<WithdrawToOmnibusReturnType> {
  await checkRelayable(client, registry, signed, OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES);
  const receipt = await withVaultErrors(() =>
    confirmed(client.vault.withdrawToOmnibusWithSignature(signed.authorization, signed.inputProof, signed.signature)),
  );
  const { sentHandle, recipientHandle } = relayedWithdrawal(client, receipt, signed.authorization);
  return { sentHandle, recipientHandle: recipientHandle ?? signed.authorization.recipient, receipt };
}

/** Whether a parsed file holds an omnibus withdrawal. */
export function isOmnibusWithdrawal(
  signed: SignedWithdrawal | SignedOmnibusWithdrawal,
): signed is SignedOmnibusWithdrawal {
  return "inputProof" in signed;
}

/** Serializes a signed withdrawal to JSON (bigints as decimal strings). */
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

function amountField(record: Record<string, unknown>, where: string): bigint {
  const amount = uintField(record, "amount", where, ALL);
  if (amount === 0n) invalid(`${where}amount`, "a positive number of units (2^64 - 1 for everything)", "0");
  return amount;
}

function hexField(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  const ok = typeof value === "string" && /^0x([0-9a-fA-F]{2})+$/.test(value) && value.length <= 2 + 2 * MAX_HEX_BYTES;
  if (!ok) invalid(field, "0x-prefixed hex bytes", value);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a file written by {@link serializeSignedWithdrawal}, checking every field (addresses, whole numbers, an
 * amount below 2^64, a boolean unwrap, hex byte strings, no missing or unknown field); throws
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
  onlyFields(raw, "", ["vault", "chainId", "authorization", "signature", ...(omnibus ? ["inputProof"] : [])]);
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
  const amount = amountField(auth, at);
  const relayer = addressField(auth, "relayer", at);
  const nonce = uintField(auth, "nonce", at);
  const deadline = uintField(auth, "deadline", at);
  if (omnibus) {
    const recipient = auth.recipient;
    if (typeof recipient !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(recipient)) {
      invalid(`${at}recipient`, "the 32-byte handle of the encrypted sub-account", recipient);
    }
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
    return { vault, chainId, authorization, inputProof: hexField(raw, "inputProof"), signature };
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
  return { vault, chainId, authorization, signature };
}

/**
 * The nonce to sign a new withdrawal with: the vault's current nonce for the contributor, skipping every nonce held
 * by a signed withdrawal that is neither relayed nor expired (the vault accepts a contributor's nonces in order, so
 * those are relayed first). A signed withdrawal that expired unrelayed gives its nonce back.
 * @example
 * const nonce = nextWithdrawalNonce({ onChain: await vault.nonces(alice), pending: [{ nonce: 0n, deadline }], now });
 */
export function nextWithdrawalNonce({
  onChain,
  pending,
  now,
}: {
  onChain: bigint;
  pending: readonly { nonce: bigint; deadline: bigint }[];
  now: bigint;
}): bigint {
  const held = new Set(pending.filter((p) => p.deadline >= now && p.nonce >= onChain).map((p) => p.nonce));
  let nonce = onChain;
  while (held.has(nonce)) nonce++;
  return nonce;
}

// ---------------------------------------------------------------- selective disclosure

/** One (model, epoch) pair. */
export interface DisclosurePair {
  modelId: bigint;
  epochId: bigint;
}

export interface GrantDisclosureParameters {
  /** The auditor or authority allowed to decrypt. */
  viewer: string;
  pairs: readonly DisclosurePair[];
}

export interface GrantDisclosureReturnType {
  /** Pairs newly granted (a pair granted to this viewer before is left as is). */
  granted: number;
  /** Share grants applied in the same transaction (pairs already claimed; the others get theirs at the claim). */
  applied: number;
  receipt: ContractTransactionReceipt;
}

/**
 * Lets `viewer` (an auditor, a tax authority) decrypt the signer's score and share of chosen pairs: the score at
 * once, the share at once if claimed, otherwise by the claim itself (every claim applies the grants). Irrevocable:
 * fhEVM ACL grants cannot be taken back; stop by not granting later epochs.
 * @example
 * await grantDisclosure(aliceVault, { viewer: auditor, pairs: [{ modelId: 1n, epochId: 4n }] });
 */
export async function grantDisclosure(
  client: VaultClient,
  { viewer, pairs }: GrantDisclosureParameters,
): Promise<GrantDisclosureReturnType> {
  const list = pairs.map((p) => ({ modelId: p.modelId, epochId: p.epochId }));
  const receipt = await withVaultErrors(() => confirmed(client.vault.grantDisclosure(viewer, list)));
  return {
    granted: vaultEvents(client, receipt, "DisclosureGranted").length,
    applied: vaultEvents(client, receipt, "DisclosureApplied").length,
    receipt,
  };
}

/** The pool of a registry model, with a one-line error for an unknown id. */
async function poolOfModel(client: VaultClient, modelId: bigint): Promise<RoyaltyPool> {
  const registry = ModelRegistry__factory.connect(await client.vault.registry(), requireSigner(client, "poolOfModel"));
  const count = await registry.modelCount();
  if (modelId < 1n || modelId > count) {
    throw new RoyaltiesError(
      `Model ${modelId} does not exist (ids run from 1 to ${count}): list them with royalties models.`,
    );
  }
  return RoyaltyPool__factory.connect((await registry.getModel(modelId)).pool, requireSigner(client, "poolOfModel"));
}

export interface DisclosureQuery extends DisclosurePair {
  contributor: string;
}

export interface DisclosureViewersReturnType {
  /** The viewers, in grant order. */
  viewers: string[];
  /** Whether the share exists (claimed): every viewer can decrypt it then, and only the score before. */
  shareClaimed: boolean;
}

/**
 * Viewers a contributor granted on a pair, and whether they can decrypt the share yet (once it is claimed).
 * @example
 * const { viewers, shareClaimed } = await disclosureViewers(vault, { contributor, modelId: 1n, epochId: 4n });
 */
export async function disclosureViewers(
  client: VaultClient,
  { contributor, modelId, epochId }: DisclosureQuery,
): Promise<DisclosureViewersReturnType> {
  const pool = await poolOfModel(client, modelId);
  const [viewers, share] = await Promise.all([
    client.vault.disclosureViewers(contributor, modelId, epochId),
    pool.shareOf(epochId, contributor),
  ]);
  return { viewers: viewers.map((v) => getAddress(v)), shareClaimed: share !== ZeroHash };
}

export interface DecryptDisclosedParameters extends DisclosureQuery {
  /** Throw {@link DisclosedShareNotClaimedError} instead of leaving `share` out when it is not claimed yet. */
  requireShare?: boolean;
}

export interface DecryptDisclosedReturnType {
  score: bigint;
  /** Present once the contributor claimed the epoch. */
  share?: bigint;
}

/**
 * Decrypts, with the client's key (the viewer's), what a contributor disclosed to it of one pair: the score as soon as
 * it is granted, the share once the contributor has claimed it. Throws {@link NotDisclosedError} when the pair is not
 * disclosed to the signer.
 * @example
 * const { score, share } = await decryptDisclosed(auditorVault, { contributor: alice, modelId: 1n, epochId: 4n });
 */
export async function decryptDisclosed(
  client: VaultClient,
  { contributor, modelId, epochId, requireShare }: DecryptDisclosedParameters,
): Promise<DecryptDisclosedReturnType> {
  const viewer = getAddress(await requireSigner(client, "decryptDisclosed").getAddress());
  const owner = getAddress(contributor);
  const pool = await poolOfModel(client, modelId);
  const poolAddress = await pool.getAddress();
  const viewers = (await client.vault.disclosureViewers(owner, modelId, epochId)).map((v) => getAddress(v));
  if (viewer !== owner && !viewers.includes(viewer)) {
    throw new NotDisclosedError(
      `Epoch ${epochId} of model ${modelId} of ${owner} is not disclosed to you (${viewer}): ask the contributor to ` +
        `run royalties disclose --viewer ${viewer} --model ${modelId} --epochs ${epochId}.`,
    );
  }
  const [scoreHandle, shareHandle] = await Promise.all([pool.scoreOf(epochId, owner), pool.shareOf(epochId, owner)]);
  const score = await requireFhe(client, "decryptDisclosed").userDecryptUint64(
    scoreHandle,
    poolAddress,
    requireSigner(client, "decryptDisclosed"),
  );
  if (shareHandle === ZeroHash) {
    if (requireShare === true) {
      throw new DisclosedShareNotClaimedError(
        `${owner} has not claimed epoch ${epochId} of model ${modelId} yet: the share becomes visible to you when ` +
          "they claim it (royalties claim, or Claim all in the dashboard).",
      );
    }
    return { score };
  }
  return {
    score,
    share: await requireFhe(client, "decryptDisclosed").userDecryptUint64(
      shareHandle,
      poolAddress,
      requireSigner(client, "decryptDisclosed"),
    ),
  };
}
