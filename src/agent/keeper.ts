/**
 * The keeper duties, so that a model never waits for a volunteer: close ended epochs, reveal closed ones with the
 * KMS proof, push unclaimed shares once the claim window is over, request and complete settlements.
 * Every step re-reads the chain first, so two keepers (or a keeper and a person) only cost a failed call.
 */
import { ZeroHash } from "ethers";

import { DEFAULT_LOG_BLOCK_RANGE } from "../audit/audit";
import { pushUnclaimed } from "../actions/claim";
import { getEpoch, getRules } from "../actions/read";
import { closeEpoch, revealEpochTotal, settlePool } from "../actions/settle";
import { PoolRevertError } from "../errors";
import type { AgentContext, ModelRuntime } from "./context";
import { handled, logOnce, reportFailure } from "./context";

/** The pool's longest claim window (RulesValidation.MAX_CLAIM_WINDOW): what a window of 0 means. */
const MAX_CLAIM_WINDOW = 730n * 24n * 60n * 60n;
const REVEALED = 3;

function keeperDone(
  ctx: AgentContext,
  model: ModelRuntime,
  action: string,
  epochId: bigint,
  message: string,
  tx: string,
) {
  ctx.metrics.inc("royalties_agent_keeper_actions_total", { model: model.label, action });
  model.store.count(`keeper.${action}`);
  ctx.logger.log({ level: "info", action, model: model.label, epoch: epochId, message, fields: { tx } });
}

/** Contributors of an epoch, from its ContributionSubmitted events (scanned in bounded block ranges). */
async function contributorsOf(model: ModelRuntime, epochId: bigint): Promise<string[]> {
  const pool = model.client.pool;
  const latest = await model.client.provider.getBlockNumber();
  const found = new Set<string>();
  for (let from = model.config.fromBlock; from <= latest; from += DEFAULT_LOG_BLOCK_RANGE) {
    const to = Math.min(latest, from + DEFAULT_LOG_BLOCK_RANGE - 1);
    for (const event of await pool.queryFilter(pool.filters.ContributionSubmitted(epochId), from, to)) {
      found.add(event.args.contributor);
    }
  }
  return [...found];
}

/** One keeper tick for one model. */
export async function keeperTick(ctx: AgentContext, model: ModelRuntime): Promise<void> {
  const { client, store } = model;
  const keeper = store.state.keeper;
  const now = await ctx.now();
  const current = await getEpoch(client);

  if (current.state === "Open" && now >= current.end) {
    try {
      const result = await ctx.retry(model, "close", async () => {
        const fresh = await getEpoch(client, { epochId: current.epochId });
        return fresh.state === "Open" && fresh.epochId === (await client.pool.currentEpochId())
          ? closeEpoch(client)
          : undefined;
      });
      if (result !== undefined) {
        keeperDone(
          ctx,
          model,
          "close",
          result.epochId,
          result.closed
            ? `closed with ${current.participants} contributors`
            : `extended to ${result.end}: ${current.participants} contributors, below the rules' k`,
          result.receipt.hash,
        );
      }
    } catch (error) {
      reportFailure(ctx, model, "close", current.epochId, error, "closing is retried at the next tick");
    }
  }

  const currentId = await client.pool.currentEpochId();
  let revealedThrough = BigInt(keeper.revealedThrough ?? "0");
  for (let epochId = revealedThrough + 1n; epochId < currentId; epochId++) {
    const epoch = await getEpoch(client, { epochId });
    if (epoch.state === "Closed") {
      try {
        const { total, receipt } = await ctx.retry(model, "reveal", () => revealEpochTotal(client, { epochId }));
        keeperDone(ctx, model, "reveal", epochId, `total ${total} revealed with the KMS proof`, receipt.hash);
      } catch (error) {
        reportFailure(ctx, model, "reveal", epochId, error, "revealing is retried at the next tick");
        break;
      }
    } else if (epoch.state !== "Revealed") break;
    revealedThrough = epochId;
    keeper.revealedThrough = epochId.toString();
    handled(ctx, model, epochId);
    store.save();
  }

  // Unclaimed shares: pushed to their contributors once the epoch's claim window is over.
  let pushedThrough = BigInt(keeper.pushedThrough ?? "0");
  for (let epochId = pushedThrough + 1n; epochId <= revealedThrough; epochId++) {
    const epoch = await client.pool.getEpoch(epochId);
    if (Number(epoch.state) !== REVEALED) break;
    if (epoch.shareFactor !== 0n && epoch.claims < epoch.participants) {
      const window = (await getRules(client, { version: epoch.rulesVersion })).claimWindow;
      const endsAt = epoch.revealedAt + (window === 0n ? MAX_CLAIM_WINDOW : window);
      if (now < endsAt) break;
      let failed = false;
      for (const contributor of await contributorsOf(model, epochId)) {
        if (!(await client.pool.claimable(epochId, contributor))) continue;
        try {
          const { receipt } = await ctx.retry(model, "push", () => pushUnclaimed(client, { epochId, contributor }));
          keeperDone(ctx, model, "push", epochId, `unclaimed share pushed to ${contributor}`, receipt.hash);
        } catch (error) {
          failed = true;
          reportFailure(ctx, model, "push", epochId, error, "pushing is retried at the next tick");
        }
      }
      if (failed) break;
    }
    pushedThrough = epochId;
    keeper.pushedThrough = epochId.toString();
    store.save();
  }

  // Settlement: once every revealed epoch is fully claimed, carry the unpaid remainder forward.
  const status = await client.pool.settlementStatus();
  const pending = status.pending.released !== ZeroHash;
  if (pending || (status.outstandingEpochs === 0n && status.settledThroughEpochId + 1n < currentId)) {
    try {
      const settled = await ctx.retry(model, "settle", () => settlePool(client));
      keeperDone(
        ctx,
        model,
        "settle",
        settled.toEpochId,
        `epochs ${settled.fromEpochId}–${settled.toEpochId} settled: ${settled.released} units released into epoch ${settled.intoEpochId}`,
        settled.receipts[settled.receipts.length - 1].hash,
      );
    } catch (error) {
      if (error instanceof PoolRevertError && error.errorName === "RoyaltyPoolMaskReserveShort") {
        logOnce(model, `mask:${currentId}`, () =>
          ctx.logger.log({
            level: "warn",
            action: "settle",
            model: model.label,
            epoch: currentId,
            message: error.message,
          }),
        );
      } else reportFailure(ctx, model, "settle", currentId, error, "settling is retried at the next tick");
    }
  }
}
