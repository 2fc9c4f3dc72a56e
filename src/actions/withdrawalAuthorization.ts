/**
 * Shared by the signed, relayed and omnibus withdrawals: the EIP-712 authorization types, the vault's domain, and
 * the checks every withdrawal passes before anything is signed or sent.
 */
import { getAddress, hexlify } from "ethers";
import { ZeroHash } from "ethers";
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";

import { requireFhe, requireSigner } from "../client";
import { RoyaltiesError } from "../errors";
import type { FheBackend } from "../fhe/backend";
import type { VaultClient } from "./vault";

/** The largest amount a `euint64` holds. */
export const MAX_AMOUNT = 2n ** 64n - 1n;

/** A withdrawal the contributor signs (EIP-712) for someone else to submit. */
export interface WithdrawAuthorization {
  contributor: string;
  /** The payout token (ERC7984 wrapper) of the balance. */
  token: string;
  recipient: string;
  /**
   * Handle (bytes32) of the encrypted amount, an input bound to (vault, relayer) whose proof travels beside the
   * signature; the zero hash withdraws the whole balance. The amount itself is never in clear.
   */
  amount: string;
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
  /** Handle of the encrypted amount, bound to (vault, relayer); the zero hash withdraws the whole balance. */
  amount: string;
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
  /** Input proof of `authorization.amount` ("0x" for the whole balance). */
  amountProof: string;
  signature: string;
}

/** A signed omnibus withdrawal with the input proof of its encrypted sub-account. */
export interface SignedOmnibusWithdrawal {
  vault: string;
  chainId: bigint;
  authorization: OmnibusWithdrawAuthorization;
  inputProof: string;
  /** Input proof of `authorization.amount` ("0x" for the whole balance). */
  amountProof: string;
  signature: string;
}

/** EIP-712 types of {@link WithdrawAuthorization}; must match PayoutVault.WITHDRAW_AUTHORIZATION_TYPEHASH. */
export const WITHDRAW_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  WithdrawAuthorization: [
    { name: "contributor", type: "address" },
    { name: "token", type: "address" },
    { name: "recipient", type: "address" },
    { name: "amount", type: "bytes32" },
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
    { name: "amount", type: "bytes32" },
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

/** The latest block's timestamp: deadlines are checked against chain time. */
export async function latestTimestamp(client: VaultClient): Promise<bigint> {
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

/** Refuses a partial amount of 0 or above 2^64 - 1 units; `undefined` means the whole balance. */
export function checkAmount(amount: bigint | undefined): void {
  if (amount !== undefined && (amount <= 0n || amount > MAX_AMOUNT)) {
    throw new WithdrawalBalanceError(`Withdraw a positive amount below 2^64 units (got ${amount}), or everything.`);
  }
}

export interface EncryptAmountParameters {
  /** The action encrypting, named in the error when the client has no FHE backend. */
  action: string;
  /** Who will submit the amount to the vault (the input is bound to it). */
  submitter: string;
  /** Units to withdraw; `undefined` for the whole balance. */
  amount: bigint | undefined;
}

/** Encrypts a partial amount for (vault, submitter); the whole balance needs no input (zero handle, empty proof). */
export async function encryptAmount(client: VaultClient, { action, submitter, amount }: EncryptAmountParameters) {
  if (amount === undefined) return { handle: ZeroHash, inputProof: "0x" };
  const encrypted = await requireFhe(client, action).encryptUint64(client.address, submitter, [amount]);
  return { handle: hexlify(encrypted.handles[0]), inputProof: hexlify(encrypted.inputProof) };
}

export interface CheckWithdrawableParameters {
  /** The action checking, named in the error when the client has no signer or FHE backend. */
  action: string;
  token: string;
  /** Units to withdraw; `undefined` for the whole balance. */
  amount: bigint | undefined;
}

/**
 * Refuses, before anything is signed or sent, a withdrawal the vault would not pay: a partial amount of 0 or above
 * 2^64 - 1 units, no balance in the token, or a partial amount above the balance (the vault would send nothing).
 * Decrypts the signer's own balance. Returns the signer and its (checksummed) address, the contributor.
 */
export async function checkWithdrawable(
  client: VaultClient,
  { action, token, amount }: CheckWithdrawableParameters,
): Promise<{ signer: Signer; contributor: string }> {
  const signer = requireSigner(client, action);
  const contributor = getAddress(await signer.getAddress());
  checkAmount(amount);
  const payoutToken = getAddress(token);
  const handle = await client.vault.balanceOf(contributor, payoutToken);
  if (handle === ZeroHash) {
    throw new WithdrawalBalanceError(
      `${contributor} has no balance in payout token ${payoutToken}: claim a revealed epoch first (royalties claim).`,
    );
  }
  if (amount === undefined) return { signer, contributor };
  const balance = await requireFhe(client, action).userDecryptUint64(handle, client.address, signer);
  if (amount > balance) {
    throw new WithdrawalBalanceError(
      `The balance of ${contributor} in ${payoutToken} is ${balance} units, less than the ${amount} asked: ` +
        "withdraw at most the balance, or everything (omit --amount).",
    );
  }
  return { signer, contributor };
}

/** What the signer of a withdrawal may set besides its content; each has a default. */
export interface AuthorizationTerms {
  /** The contributor's current vault nonce when omitted. */
  nonce?: bigint;
  /** Unix time; one day after the latest block when omitted. */
  deadline?: bigint;
}

/**
 * Completes an authorization with its nonce and deadline (given, or the defaults of {@link AuthorizationTerms}) and
 * signs it (EIP-712 `types`, the vault's domain): the vault, chain, authorization, `proofs` and signature, in the
 * order of a signed withdrawal file.
 */
export async function signAuthorization<A extends WithdrawAuthorization | OmnibusWithdrawAuthorization, P>(
  client: VaultClient,
  signer: Signer,
  types: Record<string, TypedDataField[]>,
  fields: Omit<A, "nonce" | "deadline">,
  { nonce, deadline }: AuthorizationTerms,
  proofs: P,
): Promise<{ vault: string; chainId: bigint; authorization: A } & P & { signature: string }> {
  const authorization = {
    ...fields,
    nonce: nonce ?? (await client.vault.nonces(fields.contributor)),
    deadline: deadline ?? (await latestTimestamp(client)) + DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  } as A;
  const domain = await withdrawalDomain(client);
  const signature = await signer.signTypedData(domain, types, authorization);
  return {
    vault: String(domain.verifyingContract),
    chainId: BigInt(domain.chainId ?? 0),
    authorization,
    ...proofs,
    signature,
  };
}

export interface EncryptSubAccountParameters {
  vault: string;
  /** Who will submit the sub-account to the vault (the input is bound to it). */
  user: string;
  subAccount: string;
}

/** Encrypts an omnibus sub-account for (vault, user); refuses a backend without address encryption. */
export async function encryptSubAccount(fhe: FheBackend, { vault, user, subAccount }: EncryptSubAccountParameters) {
  if (fhe.encryptAddress === undefined) throw new AddressEncryptionUnsupportedError();
  const encrypted = await fhe.encryptAddress(vault, user, getAddress(subAccount));
  return { handle: hexlify(encrypted.handles[0]), inputProof: hexlify(encrypted.inputProof) };
}

export interface NextWithdrawalNonceParameters {
  /** The vault's nonce for the contributor (`vault.nonces(contributor)`). */
  onChain: bigint;
  /** Withdrawals signed but maybe not relayed yet. */
  pending: readonly { nonce: bigint; deadline: bigint }[];
  /** Chain time, Unix seconds. */
  now: bigint;
}

/**
 * The nonce to sign a new withdrawal with: the vault's current nonce for the contributor, skipping every nonce held
 * by a signed withdrawal that is neither relayed nor expired (the vault accepts a contributor's nonces in order, so
 * those are relayed first). A signed withdrawal that expired unrelayed gives its nonce back.
 * @example
 * const nonce = nextWithdrawalNonce({ onChain: await vault.nonces(alice), pending: [{ nonce: 0n, deadline }], now });
 */
export function nextWithdrawalNonce({ onChain, pending, now }: NextWithdrawalNonceParameters): bigint {
  const held = new Set(pending.filter((p) => p.deadline >= now && p.nonce >= onChain).map((p) => p.nonce));
  let nonce = onChain;
  while (held.has(nonce)) nonce++;
  return nonce;
}
