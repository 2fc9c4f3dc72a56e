/**
 * Which epoch a contributor acts on by default, and which (model, epoch) pairs they can claim: the
 * decisions the `claim`, `reveal`, `verify`, `decrypt` and `claim-all` commands take when the user
 * names no epoch, in one place for the command line, the dashboard and scripts.
 */
import type { PoolClient, RoyaltiesClient } from "../client";
import { RoyaltiesError } from "../errors";
import type { ClaimPair } from "./claimAll";
import { claimablePairs, getPortfolio } from "./portfolio";

/** Nothing has closed yet: there is no epoch to reveal, claim or verify. */
export class NoClosedEpochError extends RoyaltiesError {
  constructor() {
    super("No epoch has closed yet: close the current one first (royalties close), or pass --epoch <id>.");
  }
}

/**
 * The last closed epoch: the one before the current epoch (epochs close in order, so every earlier
 * epoch is closed too). The default epoch to reveal, claim or verify.
 * @example
 * const epochId = await lastClosedEpochId(client); // 3 while epoch 4 is open
 */
export async function lastClosedEpochId(client: PoolClient): Promise<bigint> {
  const current = await client.pool.currentEpochId();
  if (current <= 1n) throw new NoClosedEpochError();
  return current - 1n;
}

/**
 * The default epoch to decrypt one's own values of: the last closed epoch, or epoch 1 while it is
 * still the current one (a contributor may read their score of an open epoch).
 * @example
 * const score = await decryptScore(client, { epochId: await decryptableEpochId(client) });
 */
export async function decryptableEpochId(client: PoolClient): Promise<bigint> {
  const current = await client.pool.currentEpochId();
  return current === 1n ? 1n : lastClosedEpochId(client);
}

export interface FindClaimablePairsParameters {
  /** Base URL of a Ponder indexer to read the submissions from; the chain's logs when omitted. */
  indexer?: string;
}

/**
 * Every (model, epoch) pair of the registry the client's signer can claim now: revealed, contributed to and
 * not yet claimed. Empty when there is nothing to claim.
 * @example
 * const pairs = await findClaimablePairs(client);
 * if (pairs.length > 0) await claimAll(await connectVault(client), { pairs });
 */
export async function findClaimablePairs(
  client: RoyaltiesClient,
  { indexer }: FindClaimablePairsParameters = {},
): Promise<ClaimPair[]> {
  return claimablePairs(await getPortfolio(client, { indexer }));
}
