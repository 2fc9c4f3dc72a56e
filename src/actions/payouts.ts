import { Interface, ZeroAddress, getAddress, hexlify, isAddress } from "ethers";
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

/**
 * The share handle of a relayed claim, read only from the events of the contracts that must emit them:
 * the model's pool (its `RoyaltyClaimed` for this contributor and epoch) and the registry (its
 * `ClaimRelayed` with this nonce). Any contract can emit an event with the same signature, so an event
 * from another address proves nothing.
 */
function claimedShare(
  registry: ModelRegistry,
  pool: string,
  receipt: ContractTransactionReceipt,
  auth: ClaimAuthorization,
): string {
  const from = (address: string) => receipt.logs.filter((log) => getAddress(log.address) === getAddress(address));
  const relayed = from(registry.target.toString())
    .map((log) => registry.interface.parseLog(log))
    .some(
      (parsed) =>
        parsed?.name === "ClaimRelayed" &&
        getAddress(parsed.args.contributor as string) === getAddress(auth.contributor) &&
        (parsed.args.nonce as bigint) === auth.nonce,
    );
  for (const log of from(pool)) {
    const parsed = poolInterface.parseLog(log);
    if (
      relayed &&
      parsed?.name === "RoyaltyClaimed" &&
      (parsed.args.epochId as bigint) === auth.epochId &&
      getAddress(parsed.args.contributor as string) === getAddress(auth.contributor)
    ) {
      return parsed.args.share as string;
    }
  }
  throw new RoyaltiesError(
    `The transaction ${receipt.hash} carries no RoyaltyClaimed event of pool ${pool} and ClaimRelayed event of ` +
      `registry ${String(registry.target)} for ${auth.contributor}, epoch ${auth.epochId}: the claim is not paid.`,
  );
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
  const { pool } = await withPayoutErrors(() => registry.getModel(signed.authorization.modelId));
  const receipt = await withPayoutErrors(() =>
    confirmed(registry.claimWithSignature(signed.authorization, signed.signature)),
  );
  return { shareHandle: claimedShare(registry, pool, receipt, signed.authorization), receipt };
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

function omnibusResult(
  registry: ModelRegistry,
  receipt: ContractTransactionReceipt,
  { contributor, modelId, epochId }: { contributor: string; modelId: bigint; epochId: bigint },
): ClaimToOmnibusReturnType {
  // Only the registry's own event for this very (contributor, model, epoch) counts.
  const event = registryEvents(registry, receipt, "OmnibusClaimed").find(
    (e) =>
      e !== null &&
      getAddress(e.args.contributor as string) === getAddress(contributor) &&
      (e.args.modelId as bigint) === modelId &&
      (e.args.epochId as bigint) === epochId,
  );
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
  return omnibusResult(registry, receipt, { contributor, modelId, epochId });
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
  return omnibusResult(registry, receipt, signed.authorization);
}

/** Whether a parsed JSON file holds an omnibus claim. */
export function isOmnibusClaim(signed: SignedClaim | SignedOmnibusClaim): signed is SignedOmnibusClaim {
  return "inputProof" in signed;
}

/** Serializes a signed claim to JSON (bigints as decimal strings). */
export function serializeSignedClaim(signed: SignedClaim | SignedOmnibusClaim): string {
  return JSON.stringify(signed, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2);
}

const UINT256_MAX = 2n ** 256n - 1n;
/** Longest signature or input proof a file may hold (ERC-1271 signatures have no fixed length). */
const MAX_HEX_BYTES = 16_384;

function invalid(field: string, expected: string, value: unknown): never {
  const shown = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value)).slice(0, 48);
  throw new InvalidSignedClaimError(
    `The signed-claim file's ${field} must be ${expected} (got ${shown}): use the file royalties sign-claim wrote.`,
  );
}

function onlyFields(record: Record<string, unknown>, where: string, allowed: readonly string[]): void {
  const extra = Object.keys(record).find((key) => !allowed.includes(key));
  if (extra !== undefined) invalid(`${where}${extra}`, `absent (unknown field)`, record[extra]);
  const missing = allowed.find((key) => !(key in record));
  if (missing !== undefined) invalid(`${where}${missing}`, "present", undefined);
}

function addressField(record: Record<string, unknown>, field: string, where = ""): string {
  const value = record[field];
  if (typeof value !== "string" || !isAddress(value))
    invalid(`${where}${field}`, "an address (0x + 40 hex digits)", value);
  return getAddress(value);
}

function uintField(record: Record<string, unknown>, field: string, where = ""): bigint {
  const value = record[field];
  if (typeof value !== "string" || !/^\d{1,78}$/.test(value) || BigInt(value) > UINT256_MAX) {
    invalid(`${where}${field}`, "a whole number written as a decimal string", value);
  }
  return BigInt(value);
}

function hexField(record: Record<string, unknown>, field: string, bytes?: number): string {
  const value = record[field];
  const ok =
    typeof value === "string" &&
    /^0x([0-9a-fA-F]{2})+$/.test(value) &&
    (bytes === undefined ? value.length <= 2 + 2 * MAX_HEX_BYTES : value.length === 2 + 2 * bytes);
  if (!ok) invalid(field, bytes === undefined ? "0x-prefixed hex bytes" : `${bytes} bytes of 0x-prefixed hex`, value);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a file written by {@link serializeSignedClaim}, checking every field (addresses, whole numbers
 * below 2^256, hex byte strings, no missing or unknown field); throws {@link InvalidSignedClaimError}
 * with a one-line message naming the first bad field.
 * @example
 * const signed = parseSignedClaim(fs.readFileSync("claim.json", "utf8"));
 */
export function parseSignedClaim(json: string): SignedClaim | SignedOmnibusClaim {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new InvalidSignedClaimError("The signed-claim file is not JSON: use the file royalties sign-claim wrote.");
  }
  if (!isRecord(raw)) invalid("content", "a JSON object", raw);
  const omnibus = "inputProof" in raw;
  onlyFields(raw, "", ["registry", "chainId", "authorization", "signature", ...(omnibus ? ["inputProof"] : [])]);
  const registry = addressField(raw, "registry");
  const chainId = uintField(raw, "chainId");
  if (chainId === 0n) invalid("chainId", "a chain id above 0", raw.chainId);
  const signature = hexField(raw, "signature");
  const auth = raw.authorization;
  if (!isRecord(auth)) invalid("authorization", "an object", auth);
  const at = "authorization.";
  const common = {
    contributor: addressField(auth, "contributor", at),
    modelId: uintField(auth, "modelId", at),
    epochId: uintField(auth, "epochId", at),
  };
  const tail = { nonce: uintField(auth, "nonce", at), deadline: uintField(auth, "deadline", at) };
  if (omnibus) {
    onlyFields(
      auth,
      at,
      OMNIBUS_CLAIM_AUTHORIZATION_TYPES.OmnibusClaimAuthorization.map((f) => f.name),
    );
    const recipient = auth.recipient;
    if (typeof recipient !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(recipient)) {
      invalid(`${at}recipient`, "the 32-byte handle of the encrypted sub-account", recipient);
    }
    const relayer = addressField(auth, "relayer", at);
    if (relayer === ZeroAddress) invalid(`${at}relayer`, "the relayer's address (an omnibus claim names it)", relayer);
    const authorization: OmnibusClaimAuthorization = {
      ...common,
      omnibus: addressField(auth, "omnibus", at),
      recipient,
      relayer,
      ...tail,
    };
    return { registry, chainId, authorization, inputProof: hexField(raw, "inputProof"), signature };
  }
  onlyFields(
    auth,
    at,
    CLAIM_AUTHORIZATION_TYPES.ClaimAuthorization.map((f) => f.name),
  );
  const authorization: ClaimAuthorization = {
    ...common,
    recipient: addressField(auth, "recipient", at),
    relayer: addressField(auth, "relayer", at),
    ...tail,
  };
  return { registry, chainId, authorization, signature };
}

/**
 * The nonce to sign a new claim with: the registry's current nonce for the contributor, skipping every
 * nonce already held by a signed claim that is neither relayed nor expired (the registry accepts a
 * contributor's nonces in order, so those claims are relayed first). A signed claim that expired
 * unrelayed gives its nonce back.
 * @example
 * const nonce = nextClaimNonce({ onChain: await registry.nonces(alice), pending: [{ nonce: 0n, deadline }], now });
 */
export function nextClaimNonce({
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
