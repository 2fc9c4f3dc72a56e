import type { ContractTransactionReceipt, Signer } from "ethers";

import { RoyaltyPool__factory } from "../types";
import type { RoyaltyPool } from "../types";
import { RoyaltiesError } from "./errors";
import type { FheBackend } from "./fhe/backend";

/** A royalty pool bound to the signer acting on it and the FHE backend of its network. */
export interface PoolClient {
  readonly pool: RoyaltyPool;
  readonly address: string;
  readonly signer: Signer;
  readonly fhe: FheBackend;
}

export interface ConnectPoolParameters {
  address: string;
  signer: Signer;
  fhe: FheBackend;
}

/** No contract is deployed at the address given as a pool. */
export class PoolNotFoundError extends RoyaltiesError {
  constructor(address: string) {
    super(`No contract at ${address}: check the pool address and the --network you are on.`);
  }
}

/**
 * Connects to a deployed RoyaltyPool.
 * @example
 * const client = await connectPool({ address, signer: alice, fhe: createHardhatFheBackend(hre.fhevm) });
 */
export async function connectPool({ address, signer, fhe }: ConnectPoolParameters): Promise<PoolClient> {
  const provider = signer.provider;
  if (provider === null) throw new RoyaltiesError("The signer has no provider: connect it to a network first.");
  if ((await provider.getCode(address)) === "0x") throw new PoolNotFoundError(address);
  return { pool: RoyaltyPool__factory.connect(address, signer), address, signer, fhe };
}

/** Returns the same pool acting as another signer. */
export function withSigner(client: PoolClient, signer: Signer): PoolClient {
  return { ...client, pool: RoyaltyPool__factory.connect(client.address, signer), signer };
}

/** Waits for a transaction and fails loudly if it was dropped. */
export async function confirmed(
  tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new RoyaltiesError("The transaction was dropped: send it again.");
  return receipt;
}

/** Finds the first event `name` the pool emitted in a receipt. */
export function findPoolEvent(client: PoolClient, receipt: ContractTransactionReceipt, name: string) {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== client.address.toLowerCase()) continue;
    const parsed = client.pool.interface.parseLog(log);
    if (parsed?.name === name) return parsed;
  }
  return undefined;
}
