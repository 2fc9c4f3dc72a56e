import { ZeroHash } from "ethers";
import type { ContractTransactionReceipt, Signer } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import type { ModelRegistry } from "../../types";
import { confirmed } from "../client";
import { RoyaltiesError, withPoolErrors } from "../errors";
import type { FheBackend } from "../fhe/backend";
import { submittedEpochs } from "./contributor";
import { EPOCH_STATES } from "./read";
import type { EpochStateName } from "./read";
import { listModels } from "./registry";

/** One (model, epoch) pair a contributor can claim. */
export interface ClaimPair {
  modelId: bigint;
  epochId: bigint;
}

export interface ClaimAllReturnType {
  /** Pairs paid (pairs already claimed or not claimable are skipped by the registry). */
  claimed: number;
  /** One receipt per transaction: the batch is split at the registry's maxClaimsPerTransaction. */
  receipts: ContractTransactionReceipt[];
  maxPairsPerTransaction: number;
}

/**
 * Claims many (model, epoch) pairs through the registry, as many per transaction as fit the fhEVM
 * per-transaction limits, splitting larger batches automatically.
 * @example
 * const { claimed } = await claimAll(registry.connect(alice), { pairs: await claimablePairs(registry, alice.address) });
 */
export async function claimAll(
  registry: ModelRegistry,
  { pairs, recipient }: { pairs: readonly ClaimPair[]; recipient?: string },
): Promise<ClaimAllReturnType> {
  const runner = registry.runner as Signer | null;
  if (runner === null || typeof runner.getAddress !== "function") {
    throw new RoyaltiesError("Connect the registry to the contributor's signer to claim.");
  }
  const to = recipient ?? (await runner.getAddress());
  const maxPairs = Number(await registry.maxClaimsPerTransaction());
  const receipts: ContractTransactionReceipt[] = [];
  let claimed = 0;
  for (let start = 0; start < pairs.length; start += maxPairs) {
    const chunk = pairs.slice(start, start + maxPairs).map((p) => ({ modelId: p.modelId, epochId: p.epochId }));
    const receipt = await withPoolErrors(() => confirmed(registry.claimMany(chunk, to)));
    receipts.push(receipt);
    claimed += receipt.logs.filter((log) => registry.interface.parseLog(log)?.name === "BatchPairClaimed").length;
  }
  return { claimed, receipts, maxPairsPerTransaction: maxPairs };
}

/** One epoch of one model a contributor took part in, with what only they can decrypt. */
export interface PortfolioEntry {
  modelId: bigint;
  model: string;
  pool: string;
  payoutToken: string;
  epochId: bigint;
  state: EpochStateName;
  claimed: boolean;
  claimable: boolean;
  score: bigint;
  /** Undefined until claimed. */
  share?: bigint;
}

export interface Portfolio {
  contributor: string;
  entries: PortfolioEntry[];
  /** Per payout token: the sum of decrypted shares, and the registry's encrypted running total decrypted. */
  totals: { payoutToken: string; sumOfShares: bigint; registryEarnings: bigint }[];
}

/**
 * Every model and epoch a contributor took part in across the registry, with claim status and —
 * decrypted with the contributor's own key — score, share and earnings per payout token.
 * @example
 * const portfolio = await getPortfolio(registry, { signer: alice, fhe });
 */
export async function getPortfolio(
  registry: ModelRegistry,
  { signer, fhe, fromBlock = 0 }: { signer: Signer; fhe: FheBackend; fromBlock?: number },
): Promise<Portfolio> {
  const contributor = await signer.getAddress();
  const entries: PortfolioEntry[] = [];
  for (const model of await listModels(registry)) {
    const pool = RoyaltyPool__factory.connect(model.pool, signer);
    const submitted = await submittedEpochs(pool, contributor, { fromBlock });
    const epochIds = [...submitted.keys()].sort((a, b) => (a < b ? -1 : 1));
    for (const epochId of epochIds) {
      const [epoch, scoreHandle, shareHandle, claimable] = await Promise.all([
        pool.getEpoch(epochId),
        pool.scoreOf(epochId, contributor),
        pool.shareOf(epochId, contributor),
        pool.claimable(epochId, contributor),
      ]);
      const claimed = shareHandle !== ZeroHash;
      entries.push({
        modelId: model.modelId,
        model: model.name,
        pool: model.pool,
        payoutToken: model.payoutToken,
        epochId,
        state: EPOCH_STATES[Number(epoch.state)],
        claimed,
        claimable,
        score: await fhe.userDecryptUint64(scoreHandle, model.pool, signer),
        share: claimed ? await fhe.userDecryptUint64(shareHandle, model.pool, signer) : undefined,
      });
    }
  }
  const registryAddress = await registry.getAddress();
  const tokens = [...new Set(entries.map((e) => e.payoutToken))];
  const totals = await Promise.all(
    tokens.map(async (payoutToken) => {
      const handle = await registry.earningsOf(contributor, payoutToken);
      const registryEarnings = handle === ZeroHash ? 0n : await fhe.userDecryptUint64(handle, registryAddress, signer);
      const sumOfShares = entries
        .filter((e) => e.payoutToken === payoutToken)
        .reduce((sum, e) => sum + (e.share ?? 0n), 0n);
      return { payoutToken, sumOfShares, registryEarnings };
    }),
  );
  return { contributor, entries, totals };
}

/** The pairs of a portfolio that can be claimed now. */
export function claimablePairs(portfolio: Portfolio): ClaimPair[] {
  return portfolio.entries.filter((e) => e.claimable).map((e) => ({ modelId: e.modelId, epochId: e.epochId }));
}
