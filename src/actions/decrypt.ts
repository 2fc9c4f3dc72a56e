import { ZeroHash } from "ethers";

import { ConfidentialPayoutToken__factory } from "../../types";
import { requireFhe, requireSigner } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";

/** The handle is empty: the value was never written for this account. */
export class NothingToDecryptError extends RoyaltiesError {}

async function decryptPoolHandle(client: PoolClient, action: string, handle: string, what: string): Promise<bigint> {
  if (handle === ZeroHash) throw new NothingToDecryptError(`No ${what} recorded yet.`);
  return requireFhe(client, action).userDecryptUint64(handle, client.address, requireSigner(client, action));
}

export interface DecryptEpochValueParameters {
  epochId: bigint;
}

/** The clear value, in the pool's units (score units or confidential payout units). */
export type DecryptEpochValueReturnType = bigint;

/**
 * Decrypts the signer's own encrypted score for an epoch, with the signer's key.
 * @example
 * const score = await decryptScore(aliceClient, { epochId: 1n });
 */
export async function decryptScore(
  client: PoolClient,
  { epochId }: DecryptEpochValueParameters,
): Promise<DecryptEpochValueReturnType> {
  const handle = await client.pool.scoreOf(epochId, await requireSigner(client, "decryptScore").getAddress());
  return decryptPoolHandle(client, "decryptScore", handle, `score for epoch ${epochId} (submit a contribution first)`);
}

/**
 * Decrypts the signer's own claimed share for an epoch.
 * @example
 * const share = await decryptShare(aliceClient, { epochId: 1n });
 */
export async function decryptShare(
  client: PoolClient,
  { epochId }: DecryptEpochValueParameters,
): Promise<DecryptEpochValueReturnType> {
  const handle = await client.pool.shareOf(epochId, await requireSigner(client, "decryptShare").getAddress());
  return decryptPoolHandle(client, "decryptShare", handle, `share for epoch ${epochId} (claim it first)`);
}

/** The signer's confidential payout-token balance, in confidential units. */
export type DecryptPayoutBalanceReturnType = bigint;

/**
 * Decrypts the signer's confidential payout-token balance (in confidential units).
 * @example
 * const balance = await decryptPayoutBalance(aliceClient);
 */
export async function decryptPayoutBalance(client: PoolClient): Promise<DecryptPayoutBalanceReturnType> {
  const signer = requireSigner(client, "decryptPayoutBalance");
  const fhe = requireFhe(client, "decryptPayoutBalance");
  const tokenAddress = await client.pool.payoutToken();
  const token = ConfidentialPayoutToken__factory.connect(tokenAddress, signer);
  const handle = await token.confidentialBalanceOf(await signer.getAddress());
  if (handle === ZeroHash) return 0n;
  return fhe.userDecryptUint64(handle, tokenAddress, signer);
}
