/**
 * The explorer's figures, computed from public records that are already loaded (pure: the records may
 * come from the chain through data.ts today and from an indexer tomorrow). Nothing here is about one
 * contributor: only epoch aggregates, pools, rules and the audit's public sums.
 */
import type { ModelInfo } from "../../src";
import type { ModelSummary, ModelView, TokenInfo } from "./data";

/** A model's record, audited or not yet (the indexer's record before its audit has no `audit`). */
export type ExplorerModel = ModelSummary & Partial<Pick<ModelView, "audit">>;

/** What a payout token's models received and paid, in the token's confidential units. */
export interface TokenTotals {
  token: TokenInfo;
  models: number;
  /** Σ PoolFunded over the audited blocks; undefined when a model's audit could not run or has not yet. */
  funded?: bigint;
  /** Σ pools of revealed epochs: what their contributors claim (less rounding dust and noise hold-back). */
  paid: bigint;
  /** What settlements returned from revealed epochs to later pools (dust and hold-back, made public). */
  returned: bigint;
  /** Σ pools of epochs not revealed yet (open or being revealed). */
  pending: bigint;
  /** Epochs revealed, across the token's models. */
  revealedEpochs: number;
}

/** Funded, paid and pending per payout token, across `models`. */
export function totalsByToken(models: readonly ExplorerModel[]): TokenTotals[] {
  const byToken = new Map<string, TokenTotals>();
  for (const view of models) {
    const key = view.token.address.toLowerCase();
    const totals = byToken.get(key) ?? {
      token: view.token,
      models: 0,
      funded: 0n,
      paid: 0n,
      returned: 0n,
      pending: 0n,
      revealedEpochs: 0,
    };
    totals.models += 1;
    if (view.audit === undefined || "error" in view.audit || totals.funded === undefined) {
      totals.funded = undefined;
    } else {
      totals.funded += view.audit.epochs.reduce((sum, e) => sum + e.funded, 0n);
      totals.returned += view.audit.settlements.reduce((sum, s) => sum + s.released, 0n);
    }
    for (const epoch of view.epochs) {
      if (epoch.state === "Revealed") {
        totals.paid += epoch.pool;
        totals.revealedEpochs += 1;
      } else if (epoch.state === "Open" || epoch.state === "Closed") {
        totals.pending += epoch.pool;
      }
    }
    byToken.set(key, totals);
  }
  return [...byToken.values()];
}

/** One epoch as the explorer charts it (chronological). */
export interface EpochPoint {
  epochId: bigint;
  state: string;
  participants: bigint;
  submissions: bigint;
  pool: bigint;
  /** Undefined until the total is revealed. */
  revealedTotal?: bigint;
  claims: bigint;
  settled: boolean;
  /** Funded during the epoch (from the audit), when known. */
  funded?: bigint;
}

/** A model's epochs, oldest first, with what each one received. */
export function epochSeries(view: ExplorerModel): EpochPoint[] {
  const audits = view.audit === undefined || "error" in view.audit ? [] : view.audit.epochs;
  return [...view.epochs].reverse().map((e) => ({
    epochId: e.epochId,
    state: e.state,
    participants: e.participants,
    submissions: e.submissions,
    pool: e.pool,
    revealedTotal: e.state === "Revealed" ? e.revealedTotal : undefined,
    claims: e.claims,
    settled: e.settled,
    funded: audits.find((a) => a.epochId === e.epochId)?.funded,
  }));
}

/**
 * Whether a model matches a search: part of its name (case-insensitive), its id ("#3" or "3"), or
 * a prefix of its pool address (with or without 0x). An empty query matches every model.
 */
export function matchesSearch(model: Pick<ModelInfo, "modelId" | "name" | "pool">, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  if (model.name.toLowerCase().includes(q)) return true;
  if (/^#?\d+$/.test(q) && BigInt(q.replace("#", "")) === model.modelId) return true;
  const pool = model.pool.toLowerCase();
  const hex = q.startsWith("0x") ? q : `0x${q}`;
  return /^0x[0-9a-f]{2,40}$/.test(hex) && pool.startsWith(hex);
}
