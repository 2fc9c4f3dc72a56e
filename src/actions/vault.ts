import type { ContractTransactionReceipt, Signer } from "ethers";

import { ModelRegistry__factory, PayoutVault__factory } from "../../types";
import type { PayoutVault } from "../../types";
import type { PoolClient } from "../client";
import { RoyaltiesError, withRoyaltiesErrors } from "../errors";
import type { FheBackend } from "../fhe/backend";

/**
 * The registry's payout vault bound to the signer acting on it and the FHE backend of its network: every claim
 * credits an encrypted balance there, and withdrawals pay balances out.
 */
export interface VaultClient {
  readonly vault: PayoutVault;
  readonly address: string;
  readonly signer: Signer;
  readonly fhe: FheBackend;
}

export interface ConnectVaultParameters {
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
 * Connects to a deployed PayoutVault.
 * @example
 * const vault = await connectVault({ address: await registry.payoutVault(), signer: alice, fhe });
 */
export async function connectVault({ address, signer, fhe }: ConnectVaultParameters): Promise<VaultClient> {
  const provider = signer.provider;
  if (provider === null) throw new RoyaltiesError("The signer has no provider: connect it to a network first.");
  if ((await provider.getCode(address)) === "0x") throw new VaultNotFoundError(address);
  return { vault: PayoutVault__factory.connect(address, signer), address, signer, fhe };
}

/**
 * The vault that pays a pool's contributors, bound to the same signer and FHE backend.
 * @example
 * const vault = await vaultOfPool(aliceClient);
 */
export async function vaultOfPool(client: PoolClient): Promise<VaultClient> {
  return connectVault({ address: await client.pool.payoutVault(), signer: client.signer, fhe: client.fhe });
}

/** The registry's model id of a pool (claims name a model and an epoch). */
export async function modelIdOfPool(client: PoolClient): Promise<bigint> {
  const vault = PayoutVault__factory.connect(await client.pool.payoutVault(), client.signer);
  const registry = ModelRegistry__factory.connect(await vault.registry(), client.signer);
  const modelId = await registry.modelIdOf(client.address);
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

/** Events `name` the vault emitted in a receipt. */
export function vaultEvents(client: VaultClient, receipt: ContractTransactionReceipt, name: string) {
  const found = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== client.address.toLowerCase()) continue;
    const parsed = client.vault.interface.parseLog(log);
    if (parsed?.name === name) found.push(parsed);
  }
  return found;
}
