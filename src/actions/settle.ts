import { ZeroHash } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { confirmed, findPoolEvent, requireFhe, requirePoolEvent } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError, withPoolErrors } from "../errors";
import { publicValue } from "../fhe/backend";
import { getEpoch } from "./read";

export interface CloseEpochReturnType {
  epochId: bigint;
  /** False when the epoch had fewer than `minParticipants` contributors and was extended instead. */
  closed: boolean;
  /** The epoch's end after the call (moved forward when extended). */
  end: bigint;
  receipt: ContractTransactionReceipt;
}

/**
 * Closes the current epoch after its end; under the k-anonymity threshold it is extended instead.
 * @example
 * const { closed } = await closeEpoch(client);
 */
export async function closeEpoch(client: PoolClient): Promise<CloseEpochReturnType> {
  const epochId = await client.pool.currentEpochId();
  const receipt = await withPoolErrors(() => confirmed(client.pool.closeEpoch()));
  const extended = findPoolEvent(client, receipt, "EpochExtended");
  const epoch = await getEpoch(client, { epochId });
  return { epochId, closed: extended === undefined, end: epoch.end, receipt };
}

export interface RevealEpochTotalReturnType {
  total: bigint;
  receipt: ContractTransactionReceipt;
}

/**
 * Fetches the public decryption of a closed epoch's total and records it with its KMS proof.
 * @example
 * const { total } = await revealEpochTotal(client, { epochId: 1n });
 */
export async function revealEpochTotal(
  client: PoolClient,
  { epochId }: { epochId: bigint },
): Promise<RevealEpochTotalReturnType> {
  const epoch = await getEpoch(client, { epochId });
  if (epoch.state !== "Closed") {
    throw new RoyaltiesError(`Epoch ${epochId} is ${epoch.state}; only a Closed epoch can be revealed.`);
  }
  const { value, proof } = await publicValue(requireFhe(client, "revealEpochTotal"), epoch.totalHandle);
  const receipt = await withPoolErrors(() => confirmed(client.pool.revealEpochTotal(epochId, value, proof)));
  return { total: value, receipt };
}

export interface SettlePoolReturnType {
  /** First and last epoch whose unpaid remainder this settlement carried forward. */
  fromEpochId: bigint;
  toEpochId: bigint;
  /**
   * The part of the remainder (rounding dust, noise hold-back, earlier hidden carry) moved into the public
   * pool of `intoEpochId`. With noise, the rest stays hidden in the pool (below 2^maskBits) and is released
   * by a later settlement: `pool − Σ shares` is never public, since it would give away the noise.
   */
  released: bigint;
  /** Width of the mask hiding the kept part (0: the whole remainder was released). */
  maskBits: number;
  intoEpochId: bigint;
  receipts: ContractTransactionReceipt[];
}

/**
 * Once every revealed epoch is fully claimed: releases the pool's unpaid remainder (masked when noise was
 * used) into the current epoch, requesting the settlement first if nobody has.
 * @example
 * const { released } = await settlePool(client);
 */
export async function settlePool(client: PoolClient): Promise<SettlePoolReturnType> {
  const receipts: ContractTransactionReceipt[] = [];
  let status = await client.pool.settlementStatus();
  if (status.pending.released === ZeroHash) {
    receipts.push(await withPoolErrors(() => confirmed(client.pool.requestSettlement())));
    status = await client.pool.settlementStatus();
  }
  const maskBits = Number(status.pending.maskBits);
  const { value, proof } = await publicValue(requireFhe(client, "settlePool"), status.pending.released);
  const receipt = await withPoolErrors(() => confirmed(client.pool.settle(value, proof)));
  receipts.push(receipt);
  const event = requirePoolEvent(client, receipt, "PoolSettled", "Settlement");
  return {
    fromEpochId: event.args.fromEpochId,
    toEpochId: event.args.toEpochId,
    released: event.args.released,
    maskBits,
    intoEpochId: event.args.intoEpochId,
    receipts,
  };
}
