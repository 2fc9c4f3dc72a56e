/**
 * The contributor role: each epoch, read the period's metrics from the source, encrypt them locally and submit
 * before the epoch ends (optionally over several submissions); claim every revealed epoch; withdraw on a schedule
 * or threshold.
 *
 * No data is lost or sent twice: a cursor (chain time) marks what is submitted, every submission covers
 * `[cursor, now)`, and a transaction is written down as pending before it is sent, so that after a crash the chain
 * (the account's submission count) says whether it landed.
 */
import { getEpoch, getRules } from "../actions/read";
import type { EpochInfo } from "../actions/read";
import { submitContribution } from "../actions/contribute";
import { formatAmount } from "../format";
import type { AgentContext, ModelRuntime } from "./context";
import { capsOf, logCapped, logOnce, logSkipped, recordLanded, reportFailure, sourceFor } from "./context";
import { claimEpochs, withdrawPayout } from "./payouts";
import { SourceProblem, toMetricVector } from "./sources";
import type { PendingAction } from "./state";

/** Seconds before the epoch's end when the last submission is due: the configured lead, or 5% of the epoch (≥ 60 s). */
export function leadSeconds(configured: number | undefined, length: bigint): bigint {
  const lead = configured !== undefined ? BigInt(configured) : length / 20n > 60n ? length / 20n : 60n;
  return lead < length / 2n ? lead : length / 2n;
}

/** When slice k of n of `[start, end)` is due: at k/n of the epoch, the last one `lead` seconds before the end. */
export function sliceDue(start: bigint, end: bigint, k: number, n: number, lead: bigint): bigint {
  const at = start + ((end - start) * BigInt(k)) / BigInt(n);
  if (k < n) return at;
  const last = end - lead;
  const previous = start + ((end - start) * BigInt(n - 1)) / BigInt(n);
  return last > previous ? last : previous;
}

function commitSubmission(ctx: AgentContext, model: ModelRuntime, pending: PendingAction, tx?: string): void {
  const state = model.store.state;
  const epochId = BigInt(pending.epochId);
  const record = model.store.epoch(epochId);
  state.cursor = pending.to;
  if (pending.checkpoint !== undefined) state.checkpoint = pending.checkpoint;
  record.submissions += 1;
  record.slicesDone = Math.max(record.slicesDone, pending.slice);
  delete record.problem;
  delete state.pending;
  recordLanded(ctx, model, epochId, {
    counter: "submissions",
    metric: "royalties_agent_submissions_total",
    action: "submit",
    message: `submitted the encrypted metrics of [${pending.from}, ${pending.to})`,
    fields: { slice: pending.slice, ...(tx === undefined ? {} : { tx }) },
  });
}

/** After a restart: a submission sent but not recorded either landed (record it) or not (send it again later). */
async function recoverPending(ctx: AgentContext, model: ModelRuntime): Promise<void> {
  const pending = model.store.state.pending;
  if (pending === undefined || pending.kind !== "submit") return;
  const count = Number(await model.client.pool.submissionsOf(BigInt(pending.epochId), ctx.account));
  if (count > pending.before) {
    ctx.logger.log({
      level: "info",
      action: "recover",
      model: model.label,
      epoch: BigInt(pending.epochId),
      message: "the submission interrupted by the last stop is on chain: recorded, not sent again",
    });
    commitSubmission(ctx, model, pending);
    return;
  }
  delete model.store.state.pending;
  model.store.save();
  ctx.logger.log({
    level: "info",
    action: "recover",
    model: model.label,
    epoch: BigInt(pending.epochId),
    message: "the submission interrupted by the last stop did not land: it will be sent again",
  });
}

/** Epochs that ended while the source had a problem: their window is given up (logged), never sent later. */
async function giveUpFailedEpochs(ctx: AgentContext, model: ModelRuntime, current: EpochInfo): Promise<void> {
  const state = model.store.state;
  for (const [id, record] of Object.entries(model.store.state.epochs)) {
    const epochId = BigInt(id);
    if (record.problem === undefined || epochId >= current.epochId) continue;
    const ended = await getEpoch(model.client, { epochId });
    const from = state.cursor ?? ended.start.toString();
    if (BigInt(from) < ended.end) state.cursor = ended.end.toString();
    const source = sourceFor(ctx, model, await getRules(model.client, { version: ended.rulesVersion }));
    if (source.start !== undefined) state.checkpoint = (await source.start()) ?? undefined;
    ctx.logger.log({
      level: "warn",
      action: "skip",
      model: model.label,
      epoch: epochId,
      message: `epoch ended without a submission (${record.problem}): the data of [${from}, ${ended.end}) are not submitted`,
    });
    delete record.problem;
    model.store.save();
  }
}

async function maybeSubmit(ctx: AgentContext, model: ModelRuntime, current: EpochInfo, now: bigint): Promise<void> {
  const { client, store } = model;
  const epochId = current.epochId;
  const record = store.epoch(epochId);
  const rules = await getRules(client, { version: current.rulesVersion });
  const allowed = Number(rules.maxSubmissionsPerContributor);
  // An epoch extended for k-anonymity gets one more slice for its extension.
  const slicesOf = () => (record.planStart === undefined ? planSlices(model, allowed) : 1);
  if (record.planEnd !== undefined && BigInt(record.planEnd) !== current.end && record.slicesDone >= slicesOf()) {
    record.slicesDone = 0;
    record.planStart = record.planEnd;
  }
  record.planEnd = current.end.toString();
  const start = BigInt(record.planStart ?? current.start.toString());
  const slices = slicesOf();
  const lead = leadSeconds(model.config.leadSeconds, current.end - current.start);
  let due = 0;
  for (let k = 1; k <= slices; k++) if (now >= sliceDue(start, current.end, k, slices, lead)) due = k;
  if (due <= record.slicesDone) return;

  const before = Number(await client.pool.submissionsOf(epochId, ctx.account));
  if (before >= allowed) {
    logOnce(model, `full:${epochId}`, () =>
      ctx.logger.log({
        level: "warn",
        action: "submit",
        model: model.label,
        epoch: epochId,
        message: `the account already made the ${allowed} submissions the rules allow: the data wait for the next epoch`,
      }),
    );
    return;
  }
  const from = BigInt(store.state.cursor ?? current.start.toString());
  const window = { from, to: now, epochId, model: model.label };
  const source = sourceFor(ctx, model, rules);
  const problem = (text: string) => {
    record.problem = text;
    store.save();
    logSkipped(
      ctx,
      model,
      `problem:${epochId}:${text}`,
      epochId,
      `nothing submitted: ${text} (${source.description}, window [${from}, ${now})); retrying until the epoch ends`,
    );
  };
  let reading;
  try {
    reading = await source.read(window, store.state.checkpoint);
  } catch (error) {
    if (error instanceof SourceProblem) return problem(error.message);
    throw error;
  }
  if (reading.rows === 0) return problem("the source produced no data");
  const values = reading.records.find((r) => r.contributor === undefined)?.values ?? reading.records[0]?.values ?? {};
  const vector = toMetricVector(rules.metrics, values, capsOf(model));
  if (!vector.ok) return problem(vector.problem);
  logCapped(
    ctx,
    model,
    epochId,
    vector.capped,
    (metric, cap) => `${metric} is above its cap ${formatAmount(cap, 0)}: submitting the cap, ${formatAmount(cap, 0)}`,
  );

  const pending: PendingAction = {
    kind: "submit",
    epochId: epochId.toString(),
    before,
    from: from.toString(),
    to: now.toString(),
    slice: due,
    checkpoint: reading.checkpoint,
  };
  store.state.pending = pending;
  store.save();
  let tx: string | undefined;
  try {
    tx = await ctx.retry(model, "submit", async () => {
      // Safe to run again: a submission that landed before a transient failure is not sent twice.
      if (Number(await client.pool.submissionsOf(epochId, ctx.account)) > before) return undefined;
      return (await submitContribution(client, { metrics: vector.metrics })).receipt.hash;
    });
  } catch (error) {
    delete store.state.pending;
    store.save();
    reportFailure(ctx, model, "submit", epochId, error, "the data stay unsubmitted and are retried at the next tick");
    return;
  }
  await ctx.hooks.afterSend?.("submit");
  commitSubmission(ctx, model, pending, tx);
}

function planSlices(model: ModelRuntime, allowed: number): number {
  return Math.max(1, Math.min(model.config.submissions, allowed));
}

/** Claims every revealed epoch the account submitted to; notices shares pushed to it by a keeper. */
async function claimDue(ctx: AgentContext, model: ModelRuntime, currentId: bigint): Promise<void> {
  if (!model.config.claim) return;
  const { client, store } = model;
  const due: bigint[] = [];
  for (const [id, record] of Object.entries(store.state.epochs)) {
    const epochId = BigInt(id);
    if (record.submissions === 0 || record.claimed === true || epochId >= currentId) continue;
    const epoch = await client.pool.getEpoch(epochId);
    if (Number(epoch.state) !== 3) continue; // not revealed yet
    if (await client.pool.claimable(epochId, ctx.account)) {
      due.push(epochId);
      continue;
    }
    record.claimed = true;
    const pushed = await client.pool.hasClaimed(epochId, ctx.account);
    if (pushed) store.state.withdraw.claimsSince += 1;
    store.save();
    ctx.logger.log({
      level: "info",
      action: "claim",
      model: model.label,
      epoch: epochId,
      message: pushed ? "the share was already paid (pushed after the claim window)" : "nothing to claim in this epoch",
    });
  }
  if (due.length === 0) return;
  try {
    await ctx.retry(model, "claim", () =>
      claimEpochs(client, { epochIds: due.filter((id) => store.epoch(id).claimed !== true) }, ({ epochId, tx }) => {
        store.epoch(epochId).claimed = true;
        store.state.withdraw.claimsSince += 1;
        store.count("claims");
        store.save();
        ctx.metrics.inc("royalties_agent_claims_total", { model: model.label });
        ctx.logger.log({
          level: "info",
          action: "claim",
          model: model.label,
          epoch: epochId,
          message: "share claimed",
          fields: { tx },
        });
      }),
    );
  } catch (error) {
    reportFailure(ctx, model, "claim", undefined, error, "the claim is retried at the next tick");
  }
}

/** Withdraws when the operator's threshold (claimed epochs waiting) or schedule (seconds since the last) says so. */
async function withdrawDue(ctx: AgentContext, model: ModelRuntime, now: bigint): Promise<void> {
  const rule = model.config.withdraw;
  const state = model.store.state;
  if (rule === undefined) return;
  if (state.withdraw.lastAt === undefined) {
    state.withdraw.lastAt = now.toString();
    model.store.save();
  }
  const waiting = state.withdraw.claimsSince;
  const byCount = rule.minClaims !== undefined && waiting >= rule.minClaims;
  const byTime = rule.everySeconds !== undefined && now - BigInt(state.withdraw.lastAt) >= BigInt(rule.everySeconds);
  if (waiting === 0 || !(byCount || byTime)) return;
  try {
    const result = await ctx.retry(model, "withdraw", () =>
      withdrawPayout(model.client, { to: rule.to, unwrap: rule.unwrap }),
    );
    if (result.sent) ctx.metrics.inc("royalties_agent_withdrawals_total", { model: model.label });
    state.withdraw = { claimsSince: result.sent ? 0 : waiting, lastAt: now.toString() };
    model.store.save();
    // Nothing to send is said once per number of waiting epochs, not every tick.
    if (!result.sent && model.logged.has(`withdraw:${waiting}`)) return;
    model.logged.add(`withdraw:${waiting}`);
    ctx.logger.log({
      level: result.sent ? "info" : "warn",
      action: "withdraw",
      model: model.label,
      message: `${byCount ? `${waiting} claimed epochs waiting` : "schedule"}: ${result.note}`,
      fields: result.tx === undefined ? {} : { tx: result.tx },
    });
  } catch (error) {
    reportFailure(ctx, model, "withdraw", undefined, error, "the withdrawal is retried at the next tick");
  }
}

/** One contributor tick for one model. */
export async function contributorTick(ctx: AgentContext, model: ModelRuntime): Promise<void> {
  await recoverPending(ctx, model);
  const now = await ctx.now();
  const current = await getEpoch(model.client);
  const state = model.store.state;
  if (state.cursor === undefined) {
    state.cursor = current.start.toString();
    const source = sourceFor(ctx, model, await getRules(model.client, { version: current.rulesVersion }));
    if (source.start !== undefined) state.checkpoint = (await source.start()) ?? undefined;
    model.store.save();
    ctx.logger.log({
      level: "info",
      action: "start",
      model: model.label,
      epoch: current.epochId,
      message: `first run on this key: data from ${current.start} (the current epoch's start) on are submitted`,
    });
  }
  await giveUpFailedEpochs(ctx, model, current);
  if (current.state === "Open" && now < current.end) await maybeSubmit(ctx, model, current, now);
  await claimDue(ctx, model, current.epochId);
  await withdrawDue(ctx, model, now);
  ctx.metrics.set("royalties_agent_pending_balance_count", { model: model.label }, state.withdraw.claimsSince);
}
