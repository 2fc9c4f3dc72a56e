import { Interface } from "ethers";
import type { ContractTransactionReceipt, Signer } from "ethers";

import { PayoutVault__factory } from "../../types";
import type { PayoutVault } from "../../types";
import { baseClient, createRoyaltiesClient } from "../client";
import type { PoolClient, RoyaltiesClient } from "../client";
import { ContractRevertError, RoyaltiesError, parseRevert, toRoyaltiesError } from "../errors";
import { parseEvents } from "../events";
import type { EventName, ParsedEvent } from "../events";
import type { FheBackend } from "../fhe/backend";

/**
 * A client with the registry's payout vault bound: every claim credits an encrypted balance there, and
 * withdrawals pay balances out.
 */
export interface VaultClient extends RoyaltiesClient {
  readonly vault: PayoutVault;
  /** The vault's address. */
  readonly address: string;
}

export interface ConnectVaultParameters {
  /** The vault's address; default the registry's payout vault. */
  address?: string;
}

/** The pre-client form: a vault address, the signer acting on it and the FHE backend of its network. */
export interface ConnectVaultLegacyParameters {
  address: string;
  signer: Signer;
  fhe: FheBackend;
}

/** No contract is deployed at the address given as a payout vault. */
export class VaultNotFoundError extends RoyaltiesError {
  constructor(address: string) {
    super(`No contract at ${address}: check the payout vault address (registry.payoutVault()) and the --network.`);
  }
}

/**
 * Binds the registry's payout vault to a client (checking code at its address). The pre-client form
 * `connectVault({ address, signer, fhe })` finds the registry through the vault.
 * @example
 * const vault = await connectVault(client);
 */
export async function connectVault(client: RoyaltiesClient, params?: ConnectVaultParameters): Promise<VaultClient>;
export async function connectVault(params: ConnectVaultLegacyParameters): Promise<VaultClient>;
export async function connectVault(
  first: RoyaltiesClient | ConnectVaultLegacyParameters,
  params: ConnectVaultParameters = {},
): Promise<VaultClient> {
  if (!("registry" in first)) {
    const { address, signer, fhe } = first;
    const provider = signer.provider;
    if (provider === null) throw new RoyaltiesError("The signer has no provider: connect it to a network first.");
    if ((await provider.getCode(address)) === "0x") throw new VaultNotFoundError(address);
    const registry = await PayoutVault__factory.connect(address, provider).registry();
    return bindVault(await createRoyaltiesClient({ signer, fhe, registry }), address);
  }
  const client = baseClient(first);
  const address = params.address ?? (await client.registry.payoutVault());
  if ((await client.provider.getCode(address)) === "0x") throw new VaultNotFoundError(address);
  return bindVault(client, address);
}

function bindVault(client: RoyaltiesClient, address: string): VaultClient {
  return { ...client, vault: PayoutVault__factory.connect(address, client.runner), address };
}

/**
 * The vault that pays a pool's contributors, bound to the same signer and FHE backend.
 * @example
 * const vault = await vaultOfPool(aliceClient);
 */
export async function vaultOfPool(client: PoolClient): Promise<VaultClient> {
  return bindVault(baseClient(client), await client.pool.payoutVault());
}

/** The registry's model id of a pool (claims name a model and an epoch). */
export async function modelIdOfPool(client: PoolClient): Promise<bigint> {
  const modelId = await client.registry.modelIdOf(client.address);
  if (modelId === 0n) throw new RoyaltiesError(`Pool ${client.address} was not created by its registry.`);
  return modelId;
}

/** What to do after each custom error of the vault (hints name tasks and buttons, not functions). */
const VAULT_NEXT_STEP: Record<string, string> = {
  PayoutVaultUnauthorized: "only the registry's own pools can be paid through its vault.",
  PayoutVaultBatchTooLarge: "claim fewer pairs per transaction (the library splits batches for you).",
  PayoutVaultBatchTooExpensive: "split the batch at the named pair (the library splits batches for you).",
  PayoutVaultNoBalance: "claim a revealed epoch first (royalties claim); a full withdrawal empties a balance.",
  PayoutVaultInvalidRecipient: "name a recipient address (--to).",
  PayoutVaultZeroAmount: "withdraw a positive amount, or everything (omit --amount).",
  PayoutVaultEpochNotFinal: "disclose an epoch once it is closed (royalties close).",
  PayoutVaultNoScore: "you can only disclose epochs you contributed to.",
  PayoutVaultInvalidViewer: "name a viewer other than yourself and the zero address.",
  PayoutVaultTooManyViewers: "this epoch already has the maximum number of viewers (8).",
  PayoutVaultOmnibusUnsupported: "this payout token has no omnibus transfers: withdraw to an address instead.",
  PayoutVaultInvalidOmnibus: "name the omnibus account's address (not zero, not the vault).",
  PayoutVaultSignatureExpired: "ask the contributor to sign the withdrawal again with a later deadline.",
  PayoutVaultInvalidSigner: "the signature is not the contributor's: sign with the contributor's wallet.",
  PayoutVaultWrongRelayer: "submit it from the relayer the authorization names, or sign one for this relayer.",
  PayoutVaultRelayerRequired: "an omnibus withdrawal must name its relayer (--relayer).",
  InvalidAccountNonce: "that signed withdrawal was used already or is out of order: sign a new one.",
};

const vaultInterface: Interface = new Interface(PayoutVault__factory.abi);

/** A transaction the vault rejected with one of its own custom errors. */
export class VaultRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    super(errorName, args, VAULT_NEXT_STEP);
  }
}

/** Runs a vault call, translating the vault's custom errors (and the pool's, which a claim bubbles up). */
export async function withVaultErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw (
      parseRevert(error, vaultInterface, (name, args) => new VaultRevertError(name, args)) ?? toRoyaltiesError(error)
    );
  }
}

/** Events `name` the vault emitted in a receipt, with TypeChain-typed arguments. */
export function vaultEvents<K extends EventName<PayoutVault>>(
  client: VaultClient,
  receipt: ContractTransactionReceipt,
  name: K,
): ParsedEvent<PayoutVault, K>[] {
  return parseEvents(client.vault, receipt, name);
}
