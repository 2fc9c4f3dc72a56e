import type { ContractTransactionReceipt } from "ethers";

import { confirmed, findPoolEvent } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError, withPoolErrors } from "../errors";

export interface ClaimRoyaltyParameters {
  epochId: bigint;
  /** Who receives the confidential payout; the signer when omitted. */
  recipient?: string;
}

export interface ClaimRoyaltyReturnType {
  shareHandle: string;
  recipient: string;
  receipt: ContractTransactionReceipt;
}

/**
 * Claims the signer's encrypted share of a revealed epoch, paid as a confidential transfer.
 * @example
 * const { shareHandle } = await claimRoyalty(aliceClient, { epochId: 1n, recipient: coldWallet });
 */
export async function claimRoyalty(
  client: PoolClient,
  { epochId, recipient }: ClaimRoyaltyParameters,
): Promise<ClaimRoyaltyReturnType> {
  const to = recipient ?? (await client.signer.getAddress());
  const receipt = await withPoolErrors(() => confirmed(client.pool.claim(epochId, to)));
  const event = findPoolEvent(client, receipt, "RoyaltyClaimed");
  if (event === undefined) throw new RoyaltiesError("The claim emitted no RoyaltyClaimed event.");
  return { shareHandle: event.args.share as string, recipient: to, receipt };
}

/**
 * After an epoch's claim window, pushes a contributor's unclaimed share to the contributor's own
 * address (anyone may call): absent contributors then neither block settlement nor lose their share.
 * @example
 * await pushUnclaimed(operatorClient, { epochId: 1n, contributor: carol });
 */
export async function pushUnclaimed(
  client: PoolClient,
  { epochId, contributor }: { epochId: bigint; contributor: string },
): Promise<ClaimRoyaltyReturnType> {
  const receipt = await withPoolErrors(() => confirmed(client.pool.pushUnclaimed(epochId, contributor)));
  const event = findPoolEvent(client, receipt, "RoyaltyClaimed");
  if (event === undefined) throw new RoyaltiesError("The push emitted no RoyaltyClaimed event.");
  return { shareHandle: event.args.share as string, recipient: contributor, receipt };
}
