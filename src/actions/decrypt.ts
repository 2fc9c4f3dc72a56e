import { ZeroHash } from "ethers";

import { ConfidentialPayoutToken__factory } from "../../types";
import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";

/** The handle is empty: the value was never written for this account. */
export class NothingToDecryptError extends RoyaltiesError {}

async function decryptPoolHandle(client: PoolClient, handle: string, what: string): Promise<bigint> {
  if (handle === ZeroHash) throw new NothingToDecryptError(`No ${what} recorded yet.`);
  return client.fhe.userDecryptUint64(handle, client.address, client.signer);
}

/**
 * Decrypts the signer's own encrypted score for an epoch, with the signer's key.
 * @example
 * const score = await decryptScore(aliceClient, { epochId: 1n });
 */
export async function decryptScore(client: PoolClient, { epochId }: { epochId: bigint }): Promise<bigint> {
  const handle = await client.pool.scoreOf(epochId, await client.signer.getAddress());
  return decryptPoolHandle(client, handle, `score for epoch ${epochId} (submit a contribution first)`);
}

/**
 * Decrypts the signer's own claimed share for an epoch.
 * @example
 * const share = await decryptShare(aliceClient, { epochId: 1n });
 */
export async function decryptShare(client: PoolClient, { epochId }: { epochId: bigint }): Promise<bigint> {
  const handle = await client.pool.shareOf(epochId, await client.signer.getAddress());
  return decryptPoolHandle(client, handle, `share for epoch ${epochId} (claim it first)`);
}

/**
 * Decrypts the signer's confidential payout-token balance (in confidential units).
 * @example
 * const balance = await decryptPayoutBalance(aliceClient);
 */
export async function decryptPayoutBalance(client: PoolClient): Promise<bigint> {
  const tokenAddress = await client.pool.payoutToken();
  const token = ConfidentialPayoutToken__factory.connect(tokenAddress, client.signer);
  const handle = await token.confidentialBalanceOf(await client.signer.getAddress());
  if (handle === ZeroHash) return 0n;
  return client.fhe.userDecryptUint64(handle, tokenAddress, client.signer);
}
