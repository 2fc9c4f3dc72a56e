import { Interface, ZeroAddress, getAddress, hexlify } from "ethers";
import type { ContractTransactionReceipt, Signer, TypedDataDomain, TypedDataField } from "ethers";

import { ModelRegistry__factory, RoyaltyPool__factory } from "../../types";
import type { ModelRegistry } from "../../types";
import { confirmed } from "../client";
import { ContractRevertError, RoyaltiesError, parseRevert, toRoyaltiesError } from "../errors";
import type { FheBackend } from "../fhe/backend";

/** A claim the contributor signs (EIP-712) so that someone else submits it. */
export interface ClaimAuthorization {
  contributor: string;
  modelId: bigint;
  epochId: bigint;
  recipient: string;
  /** Only this address may submit the claim; the zero address lets anyone submit it. */
  relayer: string;
  nonce: bigint;
  /** Unix time after which the registry refuses the authorization. */
  deadline: bigint;
}

/** A signed claim that pays a sub-account of an omnibus; the sub-account is encrypted for the relayer. */
export interface OmnibusClaimAuthorization {
  contributor: string;
  modelId: bigint;
  epochId: bigint;
  omnibus: string;
  /** Handle of the encrypted sub-account (an external eaddress). */
  recipient: string;
  /** Required: the recipient's input proof is bound to (registry, relayer). */
  relayer: string;
  nonce: bigint;
  deadline: bigint;
}

/** Everything a relayer needs to submit a signed claim (what `royalties sign-claim` writes). */
export interface SignedClaim {
  registry: string;
  chainId: bigint;
  authorization: ClaimAuthorization;
  signature: string;
}

/** A signed omnibus claim with the input proof of its encrypted sub-account. */
export interface SignedOmnibusClaim {
  registry: string;
  chainId: bigint;
  authorization: OmnibusClaimAuthorization;
  inputProof: string;
  signature: string;
}

/** EIP-712 types of {@link ClaimAuthorization}; must match ModelRegistry.CLAIM_AUTHORIZATION_TYPEHASH. */
export const CLAIM_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  ClaimAuthorization: [
    { name: "contributor", type: "address" },
    { name: "modelId", type: "uint256" },
    { name: "epochId", type: "uint256" },
    { name: "recipient", type: "address" },
    { name: "relayer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** EIP-712 types of {@link OmnibusClaimAuthorization}; must match OMNIBUS_CLAIM_AUTHORIZATION_TYPEHASH. */
export const OMNIBUS_CLAIM_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  OmnibusClaimAuthorization: [
    { name: "contributor", type: "address" },
    { name: "modelId", type: "uint256" },
    { name: "epochId", type: "uint256" },
    { name: "omnibus", type: "address" },
    { name: "recipient", type: "bytes32" },
    { name: "relayer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** Default validity of a signed claim: one day. */
export const DEFAULT_CLAIM_VALIDITY_SECONDS = 24n * 60n * 60n;

/** What to do after each custom error of the payout and disclosure functions. */
const PAYOUT_NEXT_STEP: Record<string, string> = {
  ModelRegistryUnknownModel: "model ids run from 1 to modelCount().",
  ModelRegistryEpochNotFinal: "wait until the epoch is closed: an open epoch's score still changes.",
  ModelRegistryNoScore: "you can only disclose epochs you contributed to.",
  ModelRegistryInvalidViewer: "name a viewer address other than zero and yourself.",
  ModelRegistryTooManyViewers: "this epoch has the maximum number of viewers; grants cannot be revoked.",
  ModelRegistryShareNotClaimed: "claim the epoch first; grants are applied when the share exists.",
  ModelRegistryOmnibusUnsupported: "this model's payout token has no omnibus transfers: claim to an address.",
  ModelRegistryInvalidOmnibus: "name the omnibus account's address (not zero, not the registry).",
  ModelRegistrySignatureExpired: "ask the contributor for a new authorization (sign-claim).",
  ModelRegistryInvalidSigner: "the signature is not the contributor's for exactly these fields: sign again.",
  ModelRegistryWrongRelayer: "submit from the relayer address named in the authorization.",
  ModelRegistryRelayerRequired: "an omnibus authorization must name its relayer.",
  InvalidAccountNonce: "the nonce is used or out of order: sign again with the current nonce (nonces()).",
};

const registryInterface: Interface = new Interface(ModelRegistry__factory.abi);
const poolInterface: Interface = new Interface(RoyaltyPool__factory.abi);

/** A payout or disclosure the registry rejected with one of its custom errors. */
export class PayoutRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    super(errorName, args, PAYOUT_NEXT_STEP);
  }
}

/** The FHE backend cannot encrypt addresses (omnibus sub-accounts). */
export class AddressEncryptionUnsupportedError extends RoyaltiesError {
  constructor() {
    super("This FHE backend cannot encrypt addresses: use the Hardhat or relayer-SDK backend for omnibus claims.");
  }
}

/** A signed claim a relayer cannot submit as is. */
export class InvalidSignedClaimError extends RoyaltiesError {}

async function withPayoutErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw (
      parseRevert(error, registryInterface, (name, args) => new PayoutRevertError(name, args)) ??
      toRoyaltiesError(error)
    );
  }
}

function signerOf(registry: ModelRegistry, action: string): Signer {
  const runner = registry.runner as Signer | null;
  if (runner === null || typeof runner.getAddress !== "function") {
    throw new RoyaltiesError(`Connect the registry to a signer to ${action}.`);
  }
  return runner;
}

function registryEvents(registry: ModelRegistry, receipt: ContractTransactionReceipt, name: string) {
  const address = registry.target.toString().toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => registry.interface.parseLog(log))
    .filter((parsed) => parsed?.name === name);
}

function claimedShare(receipt: ContractTransactionReceipt): string {
  for (const log of receipt.logs) {
    const parsed = poolInterface.parseLog(log);
    if (parsed?.name === "RoyaltyClaimed") return parsed.args.share as string;
  }
  throw new RoyaltiesError("The claim emitted no RoyaltyClaimed event.");
}

/** The registry's EIP-712 domain, read from the contract (ERC-5267) so it can never drift. */
export async function claimDomain(registry: ModelRegistry): Promise<TypedDataDomain> {
  const domain = await registry.eip712Domain();
  return {
    name: domain.name,
    version: domain.version,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  };
}

async function latestTimestamp(registry: ModelRegistry): Promise<bigint> {
  const block = await registry.runner?.provider?.getBlock("latest");
  if (block === null || block === undefined) throw new RoyaltiesError("The registry's runner has no provider.");
  return BigInt(block.timestamp);
}

export interface SignClaimParameters {
  modelId: bigint;
  epochId: bigint;
  /** Who receives the payout; the contributor when omitted. */
  recipient?: string;
  /** Who may submit; anyone when omitted. */
  relayer?: string;
  /** The contributor's current registry nonce when omitted. */
  nonce?: bigint;
  /** Unix time; one day after the latest block when omitted. */
  deadline?: bigint;
}

/**
 * Signs (EIP-712, ethers `signTypedData`) a claim that someone else submits with {@link relayClaim}:
 * the relayer pays the gas and cannot change the recipient, the pair or the deadline.
 * @example
 * const signed = await signClaimAuthorization(registry, alice, { modelId: 1n, epochId: 3n, recipient: cold });
 */
export async function signClaimAuthorization(
  registry: ModelRegistry,
  signer: Signer,
  { modelId, epochId, recipient, relayer, nonce, deadline }: SignClaimParameters,
): Promise<SignedClaim> {
  const contributor = await signer.getAddress();
  const authorization: ClaimAuthorization = {
    contributor,
    modelId,
    epochId,
    recipient: getAddress(recipient ?? contributor),
    relayer: getAddress(relayer ?? ZeroAddress),
    nonce: nonce ?? (await registry.nonces(contributor)),
    deadline: deadline ?? (await latestTimestamp(registry)) + DEFAULT_CLAIM_VALIDITY_SECONDS,
  };
  const domain = await claimDomain(registry);
  const signature = await signer.signTypedData(domain, CLAIM_AUTHORIZATION_TYPES, authorization);
  return { registry: String(domain.verifyingContract), chainId: BigInt(domain.chainId ?? 0), authorization, signature };
}

export interface RelayClaimReturnType {
  /** Handle of the share; the relayer is not allowed to decrypt it. */
  shareHandle: string;
  receipt: ContractTransactionReceipt;
}

/** Checks what the registry would check, so a relayer gets a clear error before paying gas. */
async function checkRelayable(
  registry: ModelRegistry,
  signed: { registry: string; authorization: { relayer: string; deadline: bigint } },
  relayer: string,
): Promise<void> {
  if (getAddress(signed.registry) !== getAddress(await registry.getAddress())) {
    throw new InvalidSignedClaimError(`The authorization is for registry ${signed.registry}: connect to that one.`);
  }
  const { relayer: named, deadline } = signed.authorization;
  if (named !== ZeroAddress && getAddress(named) !== getAddress(relayer)) {
    throw new InvalidSignedClaimError(`Only ${named} may submit this authorization (you are ${relayer}).`);
  }
  if ((await latestTimestamp(registry)) > deadline) {
    throw new InvalidSignedClaimError(`The authorization expired at ${deadline}: ask the contributor to sign again.`);
  }
}

/**
 * Submits a signed claim as the registry's signer (the relayer), paying the signed recipient.
 * @example
 * const { shareHandle } = await relayClaim(registry.connect(relayer), signed);
 */
export async function relayClaim(registry: ModelRegistry, signed: SignedClaim): Promise<RelayClaimReturnType> {
  const relayer = await signerOf(registry, "relay a claim").getAddress();
  await checkRelayable(registry, signed, relayer);
  const receipt = await withPayoutErrors(() =>
    confirmed(registry.claimWithSignature(signed.authorization, signed.signature)),
  );
  return { shareHandle: claimedShare(receipt), receipt };
}

export interface OmnibusClaimParameters {
  modelId: bigint;
  epochId: bigint;
  /** The omnibus account (exchange, custodian) receiving the tokens. */
  omnibus: string;
  /** The contributor's sub-account at the omnibus; encrypted, only the omnibus can decrypt it. */
  subAccount: string;
}

export interface ClaimToOmnibusReturnType {
  /** Handle of the forwarded amount (equal to the share). */
  amountHandle: string;
  /** Handle of the encrypted sub-account. */
  recipientHandle: string;
  receipt: ContractTransactionReceipt;
}

async function encryptSubAccount(fhe: FheBackend, registry: string, user: string, subAccount: string) {
  if (fhe.encryptAddress === undefined) throw new AddressEncryptionUnsupportedError();
  const encrypted = await fhe.encryptAddress(registry, user, getAddress(subAccount));
  return { handle: hexlify(encrypted.handles[0]), inputProof: hexlify(encrypted.inputProof) };
}

function omnibusResult(registry: ModelRegistry, receipt: ContractTransactionReceipt): ClaimToOmnibusReturnType {
  const [event] = registryEvents(registry, receipt, "OmnibusClaimed");
  if (event === undefined || event === null) throw new RoyaltiesError("The claim emitted no OmnibusClaimed event.");
  return { amountHandle: event.args.amount as string, recipientHandle: event.args.recipient as string, receipt };
}

/**
 * Claims the signer's share and has the registry forward it to an omnibus for an encrypted sub-account:
 * observers see pool → registry → omnibus, never the final recipient or the amount.
 * @example
 * await claimToOmnibus(registry.connect(alice), fhe, { modelId: 1n, epochId: 2n, omnibus, subAccount });
 */
export async function claimToOmnibus(
  registry: ModelRegistry,
  fhe: FheBackend,
  { modelId, epochId, omnibus, subAccount }: OmnibusClaimParameters,
): Promise<ClaimToOmnibusReturnType> {
  const contributor = await signerOf(registry, "claim").getAddress();
  const encrypted = await encryptSubAccount(fhe, await registry.getAddress(), contributor, subAccount);
  const receipt = await withPayoutErrors(() =>
    confirmed(registry.claimToOmnibus(modelId, epochId, omnibus, encrypted.handle, encrypted.inputProof)),
  );
  return omnibusResult(registry, receipt);
}

export interface SignOmnibusClaimParameters extends OmnibusClaimParameters {
  /** The relayer that will submit (required: the sub-account is encrypted for it). */
  relayer: string;
  nonce?: bigint;
  deadline?: bigint;
}

/**
 * Encrypts the sub-account for (registry, relayer) and signs an omnibus claim only that relayer can submit.
 * @example
 * const signed = await signOmnibusClaimAuthorization(registry, alice, fhe, { modelId, epochId, omnibus, subAccount, relayer });
 */
export async function signOmnibusClaimAuthorization(
  registry: ModelRegistry,
  signer: Signer,
  fhe: FheBackend,
  { modelId, epochId, omnibus, subAccount, relayer, nonce, deadline }: SignOmnibusClaimParameters,
): Promise<SignedOmnibusClaim> {
  if (relayer === ZeroAddress) throw new InvalidSignedClaimError("An omnibus claim must name its relayer.");
  const contributor = await signer.getAddress();
  const registryAddress = await registry.getAddress();
  const encrypted = await encryptSubAccount(fhe, registryAddress, getAddress(relayer), subAccount);
  const authorization: OmnibusClaimAuthorization = {
    contributor,
    modelId,
    epochId,
    omnibus: getAddress(omnibus),
    recipient: encrypted.handle,
    relayer: getAddress(relayer),
    nonce: nonce ?? (await registry.nonces(contributor)),
    deadline: deadline ?? (await latestTimestamp(registry)) + DEFAULT_CLAIM_VALIDITY_SECONDS,
  };
  const domain = await claimDomain(registry);
  const signature = await signer.signTypedData(domain, OMNIBUS_CLAIM_AUTHORIZATION_TYPES, authorization);
  return {
    registry: String(domain.verifyingContract),
    chainId: BigInt(domain.chainId ?? 0),
    authorization,
    inputProof: encrypted.inputProof,
    signature,
  };
}

/**
 * Submits a signed omnibus claim as its named relayer.
 * @example
 * const { amountHandle } = await relayOmnibusClaim(registry.connect(relayer), signed);
 */
export async function relayOmnibusClaim(
  registry: ModelRegistry,
  signed: SignedOmnibusClaim,
): Promise<ClaimToOmnibusReturnType> {
  const relayer = await signerOf(registry, "relay a claim").getAddress();
  await checkRelayable(registry, signed, relayer);
  const receipt = await withPayoutErrors(() =>
    confirmed(registry.claimToOmnibusWithSignature(signed.authorization, signed.inputProof, signed.signature)),
  );
  return omnibusResult(registry, receipt);
}

/** Whether a parsed JSON file holds an omnibus claim. */
export function isOmnibusClaim(signed: SignedClaim | SignedOmnibusClaim): signed is SignedOmnibusClaim {
  return "inputProof" in signed;
}

/** Serializes a signed claim to JSON (bigints as decimal strings). */
export function serializeSignedClaim(signed: SignedClaim | SignedOmnibusClaim): string {
  return JSON.stringify(signed, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2);
}

const BIGINT_FIELDS = ["modelId", "epochId", "nonce", "deadline"] as const;

/** Parses a file written by {@link serializeSignedClaim}; throws {@link InvalidSignedClaimError} if malformed. */
export function parseSignedClaim(json: string): SignedClaim | SignedOmnibusClaim {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidSignedClaimError("The authorization file is not JSON: use the file `royalties sign-claim` wrote.");
  }
  const record = raw as {
    registry?: unknown;
    chainId?: unknown;
    signature?: unknown;
    authorization?: Record<string, unknown>;
  };
  const auth = record.authorization;
  if (
    typeof record.registry !== "string" ||
    typeof record.signature !== "string" ||
    typeof auth !== "object" ||
    auth === null
  ) {
    throw new InvalidSignedClaimError(
      "The authorization file lacks registry, signature or authorization: sign the claim again.",
    );
  }
  const authorization: Record<string, unknown> = { ...auth };
  for (const field of BIGINT_FIELDS) {
    if (typeof auth[field] !== "string") throw new InvalidSignedClaimError(`The authorization lacks ${field}.`);
    authorization[field] = BigInt(auth[field]);
  }
  const parsed: unknown = { ...record, chainId: BigInt(String(record.chainId)), authorization };
  return parsed as SignedClaim | SignedOmnibusClaim;
}

/** One (model, epoch) pair. */
export interface DisclosurePair {
  modelId: bigint;
  epochId: bigint;
}

export interface GrantDisclosureReturnType {
  /** Pairs newly granted (a pair granted to this viewer before is left as is). */
  granted: number;
  /** Share grants applied in the same transaction (pairs already claimed). */
  applied: number;
  receipt: ContractTransactionReceipt;
}

/**
 * Lets `viewer` (an auditor, a tax authority) decrypt the signer's score and share for chosen pairs.
 * Irrevocable: fhEVM ACL grants cannot be taken back; stop by not granting later epochs.
 * @example
 * await grantDisclosure(registry.connect(alice), { viewer: auditor, pairs: [{ modelId: 1n, epochId: 4n }] });
 */
export async function grantDisclosure(
  registry: ModelRegistry,
  { viewer, pairs }: { viewer: string; pairs: readonly DisclosurePair[] },
): Promise<GrantDisclosureReturnType> {
  signerOf(registry, "grant a disclosure");
  const list = pairs.map((p) => ({ modelId: p.modelId, epochId: p.epochId }));
  const receipt = await withPayoutErrors(() => confirmed(registry.grantDisclosure(viewer, list)));
  return {
    granted: registryEvents(registry, receipt, "DisclosureGranted").length,
    applied: registryEvents(registry, receipt, "DisclosureApplied").length,
    receipt,
  };
}

/**
 * Applies a contributor's recorded grants to a share claimed directly at the pool (anyone may call).
 * @example
 * const { applied } = await applyDisclosures(registry, { contributor: alice, modelId: 1n, epochId: 4n });
 */
export async function applyDisclosures(
  registry: ModelRegistry,
  { contributor, modelId, epochId }: { contributor: string } & DisclosurePair,
): Promise<{ applied: number; receipt: ContractTransactionReceipt }> {
  const receipt = await withPayoutErrors(() => confirmed(registry.applyDisclosures(contributor, modelId, epochId)));
  return { applied: registryEvents(registry, receipt, "DisclosureApplied").length, receipt };
}

/**
 * Viewers a contributor granted on a pair, and how many of them can decrypt the share already.
 * @example
 * const { viewers, applied } = await disclosureViewers(registry, { contributor, modelId: 1n, epochId: 4n });
 */
export async function disclosureViewers(
  registry: ModelRegistry,
  { contributor, modelId, epochId }: { contributor: string } & DisclosurePair,
): Promise<{ viewers: string[]; applied: number }> {
  const [viewers, applied] = await registry.disclosureViewers(contributor, modelId, epochId);
  return { viewers: [...viewers], applied: Number(applied) };
}
