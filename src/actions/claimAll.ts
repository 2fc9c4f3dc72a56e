import type { ContractTransactionReceipt } from "ethers";

import { ModelRegistry__factory, RoyaltyPool__factory } from "../../types";
import { confirmed, requireSigner } from "../client";
import { RoyaltiesError } from "../errors";
import { vaultEvents, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";

/** One (model, epoch) pair a contributor can claim. */
export interface ClaimPair {
  modelId: bigint;
  epochId: bigint;
}

/** A pair with the HCU its claim adds to a batch (0 when the vault will skip it). */
export interface PricedClaimPair extends ClaimPair {
  hcu: bigint;
}

export interface PlanClaimBatchesParameters {
  pairs: readonly PricedClaimPair[];
  /** Most pairs per transaction. */
  maxPairs: number;
  /** Most HCU per transaction (the fhEVM limit). */
  hcuLimit: bigint;
}

/** Progress of {@link claimAll}, reported after each transaction. */
export interface ClaimBatchProgress {
  /** 1-based index of the batch just sent. */
  batch: number;
  batches: number;
  pairs: ClaimPair[];
  /** Pairs of this batch the vault credited (the others were skipped: already claimed, not revealed...). */
  claimed: number;
  receipt: ContractTransactionReceipt;
}

export interface ClaimAllParameters {
  pairs: readonly ClaimPair[];
  /**
   * At most this many pairs per transaction (default and ceiling: the vault's maxClaimsPerTransaction). Smaller
   * batches keep each transaction's HCU low when blocks are busy (the per-block HCU cap).
   */
  maxPairsPerTransaction?: number;
  /** Called after each transaction (a task prints progress with it). */
  onBatch?: (progress: ClaimBatchProgress) => void;
}

export interface ClaimAllReturnType {
  /** Pairs credited to the signer's vault balances (pairs already claimed or not claimable are skipped). */
  claimed: number;
  /** Pairs the vault skipped. */
  skipped: number;
  /** One receipt per transaction. */
  receipts: ContractTransactionReceipt[];
  /** The pairs of each transaction, in order (duplicates removed). */
  batches: ClaimPair[][];
}

/** The pairs cannot be batched: an unknown model, a pair over the per-transaction HCU limit, or a bound below 1. */
export class InvalidClaimBatchError extends RoyaltiesError {}

/**
 * Splits pairs, in order, into batches of at most `maxPairs` pairs whose summed HCU stays within `hcuLimit`
 * (the vault reverts a batch over either bound). Pure: exported for tests and for callers that plan ahead.
 * @example
 * const batches = planClaimBatches({ pairs, maxPairs: 35, hcuLimit: 20_000_000n });
 */
export function planClaimBatches({ pairs, maxPairs, hcuLimit }: PlanClaimBatchesParameters): PricedClaimPair[][] {
  if (!Number.isSafeInteger(maxPairs) || maxPairs < 1) {
    throw new InvalidClaimBatchError(`maxPairs must be a positive integer; got ${maxPairs}.`);
  }
  const batches: PricedClaimPair[][] = [];
  let current: PricedClaimPair[] = [];
  let hcu = 0n;
  for (const pair of pairs) {
    if (pair.hcu > hcuLimit) {
      throw new InvalidClaimBatchError(
        `Pair (model ${pair.modelId}, epoch ${pair.epochId}) alone needs ${pair.hcu} HCU, over the ${hcuLimit} limit.`,
      );
    }
    if (current.length === maxPairs || hcu + pair.hcu > hcuLimit) {
      batches.push(current);
      current = [];
      hcu = 0n;
    }
    current.push(pair);
    hcu += pair.hcu;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Prices each pair for the signer: the vault's pairHcu of the epoch's share path (64- or 128-bit), or 0 for a pair the
 * vault will skip (not claimable by the signer). Reads each model's pool through the vault's registry.
 */
async function pricePairs(client: VaultClient, pairs: readonly ClaimPair[]): Promise<PricedClaimPair[]> {
  const signer = requireSigner(client, "claimAll");
  const owner = await signer.getAddress();
  const registry = ModelRegistry__factory.connect(await client.vault.registry(), signer);
  const [narrow, wide, models] = await Promise.all([
    client.vault.pairHcu(false),
    client.vault.pairHcu(true),
    registry.modelCount(),
  ]);
  const unknown = pairs.find(({ modelId }) => modelId < 1n || modelId > models);
  if (unknown !== undefined) {
    throw new InvalidClaimBatchError(
      `The registry has no model ${unknown.modelId} (ids run from 1 to ${models}): list them with royalties models.`,
    );
  }
  const pools = new Map<bigint, Promise<string>>();
  const poolOf = (modelId: bigint) => {
    let pool = pools.get(modelId);
    if (pool === undefined) {
      pool = registry.getModel(modelId).then((model) => model.pool);
      pools.set(modelId, pool);
    }
    return pool;
  };
  return Promise.all(
    pairs.map(async ({ modelId, epochId }) => {
      const pool = RoyaltyPool__factory.connect(await poolOf(modelId), signer);
      const [claimable, epoch] = await Promise.all([pool.claimable(epochId, owner), pool.getEpoch(epochId)]);
      return { modelId, epochId, hcu: !claimable ? 0n : epoch.wideShare ? wide : narrow };
    }),
  );
}

/**
 * Claims many (model, epoch) pairs of the signer into the signer's vault balances, as many per transaction as the
 * vault allows ({@link ClaimAllParameters.maxPairsPerTransaction}) and the fhEVM HCU limit fits (each pair priced
 * by its epoch's share path), splitting larger sets into several transactions. Within a transaction the shares of
 * one payout token are summed in a tree and added to the balance once. Duplicate pairs are claimed once.
 * @example
 * const vault = await connectVault(aliceClient);
 * const { claimed } = await claimAll(vault, { pairs: claimablePairs(await getPortfolio(aliceClient)) });
 */
export async function claimAll(
  client: VaultClient,
  { pairs, maxPairsPerTransaction, onBatch }: ClaimAllParameters,
): Promise<ClaimAllReturnType> {
  const seen = new Set<string>();
  const unique = pairs.filter(({ modelId, epochId }) => {
    const key = `${modelId}:${epochId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const [vaultMax, hcuLimit, priced] = await Promise.all([
    client.vault.maxClaimsPerTransaction(),
    client.vault.TX_HCU_LIMIT(),
    pricePairs(client, unique),
  ]);
  const maxPairs = Math.min(Number(vaultMax), maxPairsPerTransaction ?? Number(vaultMax));
  const planned = planClaimBatches({ pairs: priced, maxPairs, hcuLimit });
  const batches = planned.map((batch) => batch.map(({ modelId, epochId }) => ({ modelId, epochId })));

  const receipts: ContractTransactionReceipt[] = [];
  let claimed = 0;
  for (const [index, batch] of batches.entries()) {
    const receipt = await withVaultErrors(() => confirmed(client.vault.claimMany(batch)));
    const credited = vaultEvents(client, receipt, "ShareCredited").length;
    receipts.push(receipt);
    claimed += credited;
    onBatch?.({ batch: index + 1, batches: batches.length, pairs: batch, claimed: credited, receipt });
  }
  return { claimed, skipped: unique.length - claimed, receipts, batches };
}
