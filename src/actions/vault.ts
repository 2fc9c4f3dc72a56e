import type { ContractTransactionReceipt } from "ethers";

import { PayoutVault__factory } from "../../types";
import type { PayoutVault } from "../../types";
import { baseClient } from "../client";
import type { PoolClient, RoyaltiesClient } from "../client";
import { RoyaltiesError, withRoyaltiesErrors } from "../errors";
import { parseEvents } from "../events";
import type { EventName, ParsedEvent } from "../events";

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

/** No contract is deployed at the address given as a payout vault. */
export class VaultNotFoundError extends RoyaltiesError {
  constructor(address: string) {
    super(`No contract at ${address}: check the payout vault address (registry.payoutVault()) and the --network.`);
  }
}

/**
 * Binds the registry's payout vault to a client (checking code at its address).
 * @example
 * const vault = await connectVault(client);
 */
export async function connectVault(parent: RoyaltiesClient, params: ConnectVaultParameters = {}): Promise<VaultClient> {
  const client = baseClient(parent);
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

/**
 * Runs a vault call, translating its custom errors with the one decoder: the vault's own come back as
 * `VaultRevertError`, the pool's (which a claim bubbles up) as `PoolRevertError`. The vault is named so that an error
 * both declare (a batch claim's `SenderNotAllowedToUseHandle`) is read as the vault's.
 */
export async function withVaultErrors<T>(call: () => Promise<T>): Promise<T> {
  return withRoyaltiesErrors(call, "PayoutVault");
}

/** Events `name` the vault emitted in a receipt, with TypeChain-typed arguments. */
export function vaultEvents<K extends EventName<PayoutVault>>(
  client: VaultClient,
  receipt: ContractTransactionReceipt,
  name: K,
): ParsedEvent<PayoutVault, K>[] {
  return parseEvents(client.vault, receipt, name);
}
