import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";
import { exactShare, expectedShare } from "../math";
import { decryptScore, decryptShare } from "./decrypt";
import { getEpoch } from "./read";

export interface ShareVerification {
  epochId: bigint;
  score: bigint;
  share: bigint;
  pool: bigint;
  total: bigint;
  /** floor(score · pool / total). */
  exact: bigint;
  /** What the pool's factor method pays: exact, or one unit less. */
  expected: bigint;
  ok: boolean;
}

export interface VerifyShareParameters {
  epochId: bigint;
  /** The share to check; default the signer's own, decrypted. */
  share?: bigint;
}

export type VerifyShareReturnType = ShareVerification;

/**
 * A contributor checks their own share against the public total and pool: decrypts their score and
 * share with their key and verifies share = floor(score·pool/total), or one unit less by the
 * documented rounding, never more.
 * @example
 * const check = await verifyShare(aliceClient, { epochId: 1n });
 * console.log(check.ok ? "share verified" : "share does not match");
 */
export async function verifyShare(
  client: PoolClient,
  { epochId, share: givenShare }: VerifyShareParameters,
): Promise<VerifyShareReturnType> {
  const epoch = await getEpoch(client, { epochId });
  if (epoch.state !== "Revealed") {
    throw new RoyaltiesError(`Epoch ${epochId} is ${epoch.state}: a share can be verified once its total is revealed.`);
  }
  const score = await decryptScore(client, { epochId });
  const share = givenShare ?? (await decryptShare(client, { epochId }));
  const exact = exactShare(score, epoch.pool, epoch.revealedTotal);
  const expected = expectedShare(score, epoch.pool, epoch.revealedTotal);
  return {
    epochId,
    score,
    share,
    pool: epoch.pool,
    total: epoch.revealedTotal,
    exact,
    expected,
    ok: share === expected && (share === exact || share + 1n === exact),
  };
}
