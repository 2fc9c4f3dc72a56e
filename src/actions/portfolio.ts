import { ZeroHash } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { requireFhe, requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";
import type { ClaimPair } from "./claimAll";
import { submittedEpochs } from "./contributor";
import { getEarnings } from "./earnings";
import { EPOCH_STATES } from "./read";
import type { EpochStateName } from "./read";
import { listModels } from "./listModels";
import { connectVault } from "./vault";

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

/** What a contributor earned in one payout token, across every model paying in it. */
export interface PortfolioTotal {
  payoutToken: string;
  /** Sum of the decrypted shares of the portfolio's claimed entries. */
  sumOfShares: bigint;
  /** Vault balance, withdrawable now. */
  balance: bigint;
  /** Already withdrawn from the vault. */
  withdrawn: bigint;
  /** `balance + withdrawn` ({@link getEarnings}): equals `sumOfShares` when every credited share is listed. */
  earnings: bigint;
}

export interface Portfolio {
  contributor: string;
  entries: PortfolioEntry[];
  /** Per payout token the contributor has an entry in. */
  totals: PortfolioTotal[];
}

/**
 * Every model and epoch a contributor took part in across the registry, with claim status and —
 * decrypted with the contributor's own key — score, share, and per payout token the vault balance and the
 * cross-model earnings ({@link getEarnings}: balance plus withdrawals).
 * @example
 * const portfolio = await getPortfolio(aliceClient);
 */
export interface GetPortfolioParameters {
  /** First block to scan for the contributor's submissions. */
  fromBlock?: number;
  /** Base URL of a Ponder indexer to read the submissions from; the chain's logs when omitted. */
  indexer?: string;
}

export type GetPortfolioReturnType = Portfolio;

export async function getPortfolio(
  client: RoyaltiesClient,
  { fromBlock = 0, indexer }: GetPortfolioParameters = {},
): Promise<GetPortfolioReturnType> {
  const signer = requireSigner(client, "getPortfolio");
  const fhe = requireFhe(client, "getPortfolio");
  const contributor = await signer.getAddress();
  const entries: PortfolioEntry[] = [];
  for (const model of await listModels(client)) {
    const pool = RoyaltyPool__factory.connect(model.pool, signer);
    const submitted = await submittedEpochs(pool, contributor, { fromBlock, indexer });
    const epochIds = [...submitted.keys()].sort((a, b) => (a < b ? -1 : 1));
    for (const epochId of epochIds) {
      const [epoch, scoreHandle, shareHandle, claimed, claimable] = await Promise.all([
        pool.getEpoch(epochId),
        pool.scoreOf(epochId, contributor),
        pool.shareOf(epochId, contributor),
        pool.hasClaimed(epochId, contributor),
        pool.claimable(epochId, contributor),
      ]);
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
        share:
          claimed && shareHandle !== ZeroHash
            ? await fhe.userDecryptUint64(shareHandle, model.pool, signer)
            : undefined,
      });
    }
  }
  const vault = await connectVault(client);
  const tokens = [...new Set(entries.map((e) => e.payoutToken))];
  const totals: PortfolioTotal[] = [];
  // One token at a time: concurrent user decryptions trip the FHE mock's event replay.
  for (const payoutToken of tokens) {
    const { balance, withdrawn, earnings } = await getEarnings(vault, { token: payoutToken, fromBlock });
    const sumOfShares = entries
      .filter((e) => e.payoutToken === payoutToken)
      .reduce((sum, e) => sum + (e.share ?? 0n), 0n);
    totals.push({ payoutToken, sumOfShares, balance, withdrawn, earnings });
  }
  return { contributor, entries, totals };
}

/** The pairs of a portfolio that can be claimed now. */
export function claimablePairs(portfolio: Portfolio): ClaimPair[] {
  return portfolio.entries.filter((e) => e.claimable).map((e) => ({ modelId: e.modelId, epochId: e.epochId }));
}
