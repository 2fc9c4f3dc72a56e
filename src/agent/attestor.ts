/**
 * The attestor role: for each contributor the source lists for the epoch, attest the evaluated metrics (to the
 * model's AttestationConsensus, or straight to the pool when the rules name this account an attestor), then
 * finalize each attested contributor once the consensus allows it.
 */
import { getAddress, isAddress } from "ethers";

import { attest } from "../actions/attest";
import { consensusStatus } from "../actions/consensusStatus";
import { finalize } from "../actions/finalize";
import { submitAttested } from "../actions/contribute";
import { getEpoch, getRules } from "../actions/read";
import type { AgentContext, ModelRuntime } from "./context";
import { capsOf, logCapped, logOnce, logSkipped, recordLanded, reportFailure, sourceFor } from "./context";
import { leadSeconds } from "./contributor";
import { SourceProblem, toMetricVector } from "./sources";
import type { SourceRecord } from "./sources";

/** Whether the attestation about `contributor` is on chain (the pool path compares submission counts). */
async function landed(ctx: AgentContext, model: ModelRuntime, epochId: bigint, contributor: string, before: number) {
  if (model.consensus !== undefined) return model.consensus.consensus.hasAttested(epochId, contributor, ctx.account);
  return Number(await model.client.pool.submissionsOf(epochId, contributor)) > before;
}

function recordAttested(ctx: AgentContext, model: ModelRuntime, epochId: bigint, contributor: string, tx?: string) {
  const record = model.store.epoch(epochId);
  record.attested = [...new Set([...(record.attested ?? []), contributor])];
  delete model.store.state.pending;
  recordLanded(ctx, model, epochId, {
    counter: "attestations",
    metric: "royalties_agent_attestations_total",
    action: "attest",
    message: `attested ${contributor}`,
    fields: tx === undefined ? {} : { tx },
  });
}

/** One attestor tick for one model. */
export async function attestorTick(ctx: AgentContext, model: ModelRuntime): Promise<void> {
  const { client, store } = model;
  const pending = store.state.pending;
  if (pending?.kind === "attest" && pending.contributor !== undefined) {
    const epochId = BigInt(pending.epochId);
    if (await landed(ctx, model, epochId, pending.contributor, pending.before)) {
      recordAttested(ctx, model, epochId, pending.contributor);
    } else {
      delete store.state.pending;
      store.save();
    }
  }
  const now = await ctx.now();
  const current = await getEpoch(client);
  if (current.state !== "Open" || now >= current.end) return;
  const epochId = current.epochId;
  const record = store.epoch(epochId);
  const rules = await getRules(client, { version: current.rulesVersion });
  const closesAt = model.consensus === undefined ? current.end : (await consensusStatus(model.consensus)).closesAt;
  const due = closesAt - leadSeconds(model.config.leadSeconds, current.end - current.start);

  if (now >= due && now < closesAt) {
    const source = sourceFor(ctx, model, rules);
    let records: SourceRecord[];
    try {
      const reading = await source.read({ from: current.start, to: now, epochId, model: model.label }, undefined);
      if (reading.rows === 0) throw new SourceProblem("the source produced no data");
      records = reading.records;
    } catch (error) {
      if (!(error instanceof SourceProblem)) throw error;
      logSkipped(
        ctx,
        model,
        `problem:${epochId}:${error.message}`,
        epochId,
        `nothing attested: ${error.message} (${source.description}); retrying until attesting closes`,
      );
      records = [];
    }
    for (const entry of records) {
      if (entry.contributor === undefined || !isAddress(entry.contributor)) {
        logOnce(model, `bad:${epochId}:${entry.contributor}`, () =>
          ctx.logger.log({
            level: "warn",
            action: "source",
            model: model.label,
            epoch: epochId,
            message: `"${String(entry.contributor)}" is not a contributor address: that row is not attested`,
          }),
        );
        continue;
      }
      const contributor = getAddress(entry.contributor);
      if (record.attested?.includes(contributor)) continue;
      const vector = toMetricVector(rules.metrics, entry.values, capsOf(model));
      if (!vector.ok) {
        logSkipped(
          ctx,
          model,
          `problem:${epochId}:${contributor}:${vector.problem}`,
          epochId,
          `${contributor} not attested: ${vector.problem}`,
        );
        continue;
      }
      logCapped(
        ctx,
        model,
        epochId,
        vector.capped,
        (metric, cap) => `${contributor}: ${metric} is above its cap ${cap}: attesting the cap, ${cap}`,
      );
      const before = Number(await client.pool.submissionsOf(epochId, contributor));
      store.state.pending = {
        kind: "attest",
        epochId: epochId.toString(),
        contributor,
        before,
        from: current.start.toString(),
        to: now.toString(),
        slice: 1,
      };
      store.save();
      try {
        const tx = await ctx.retry(model, "attest", async () => {
          if (await landed(ctx, model, epochId, contributor, before)) return undefined;
          const result =
            model.consensus === undefined
              ? await submitAttested(client, {
                  contributor,
                  metrics: vector.metrics,
                  bonusClass: model.config.bonusClass,
                })
              : await attest(model.consensus, { contributor, metrics: vector.metrics });
          return result.receipt.hash;
        });
        await ctx.hooks.afterSend?.("attest");
        recordAttested(ctx, model, epochId, contributor, tx);
      } catch (error) {
        delete store.state.pending;
        store.save();
        reportFailure(ctx, model, "attest", epochId, error, `${contributor} is attested again at the next tick`);
      }
    }
  }

  const consensus = model.consensus;
  if (consensus === undefined) return;
  for (const contributor of record.attested ?? []) {
    if (record.finalized?.includes(contributor)) continue;
    const status = (await consensusStatus(consensus, { contributor })).contributor;
    if (status === undefined || !(status.finalized || status.finalizable)) continue;
    try {
      let counted = status.counted;
      let tx: string | undefined;
      if (!status.finalized) {
        const result = await ctx.retry(model, "finalize", () => finalize(consensus, { contributor }));
        counted = result.counted;
        tx = result.receipt.hash;
        ctx.metrics.inc("royalties_agent_finalizations_total", { model: model.label });
      }
      record.finalized = [...(record.finalized ?? []), contributor];
      store.save();
      ctx.logger.log({
        level: "info",
        action: "finalize",
        model: model.label,
        epoch: epochId,
        message: `${contributor} finalized: ${counted ? "the medians count in the pool" : "too few attestations, nothing counted"}`,
        fields: tx === undefined ? {} : { tx },
      });
    } catch (error) {
      reportFailure(ctx, model, "finalize", epochId, error, "finalizing is retried at the next tick");
    }
  }
}
