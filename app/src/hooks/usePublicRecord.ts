/**
 * The public view's record of every model, drawn before it is audited and audited after: the indexer's rows come
 * in one query and are shown at once ("auditing…"), then each model's audit runs in the background.
 */
import { useRef, useState } from "react";

import type { AppChain } from "../chain";
import { chainNow, isAudited, isUnreadable, loadPublicSummaries, verifyIndexedModel } from "../data";
import type { ModelSummary, ModelView, UnreadableModel } from "../data";
import type { ErrorReport } from "../errors";
import { epochMismatches } from "../recordCheck";
import { useChainRead } from "./useChainRead";

export type ShownModel = ModelSummary | UnreadableModel;

export interface PublicRecord {
  /** Undefined until the first read. */
  models: ShownModel[] | undefined;
  /** The chain's time and head block at the last read. */
  now: bigint;
  head: bigint;
  error: ErrorReport | undefined;
}

type JudgedView = ModelView & Required<Pick<ModelView, "indexedEpochs">>;

/** An audited view of the indexer's rows (not a chain read): its verdict stands until newer rows are audited. */
function isJudged(view: ShownModel | undefined): view is JudgedView {
  return view !== undefined && !isUnreadable(view) && isAudited(view) && view.indexedEpochs !== undefined;
}

/** Whether `view` is a verdict on indexer rows equal to `summary`'s (the same rows would get the same verdict). */
function judgesSameRows(view: ShownModel | undefined, summary: ModelSummary): view is JudgedView {
  return isJudged(view) && epochMismatches(summary.epochs, view.indexedEpochs).length === 0;
}

/**
 * Reads the record at every block (`block` > 0: a read started before the app knows the head would be dropped).
 *
 * The rules that keep it honest, model by model:
 * - a first record is shown unaudited, and its audit starts;
 * - a verdict stays while the indexer repeats the rows it judged (so a caught lie stays caught, not shown as
 *   "auditing…" again at the next block);
 * - changed rows are audited before they replace an audited view, so the screen never goes back to unaudited;
 * - one audit at a time per pool; its verdict is shown when it ends even if newer rows came meanwhile (it is true
 *   as of its block, and on a busy chain an audit can take longer than a block), then the newest rows are audited;
 * - a verdict never replaces a view audited at a later block (a chain read while the indexer was down).
 */
export function usePublicRecord(chain: AppChain, block: number): PublicRecord {
  const [models, setModels] = useState<ShownModel[]>();
  const [now, setNow] = useState(0n);
  const [head, setHead] = useState(0n);
  // Every change goes through `shown` first, so that decisions made between renders see the latest record.
  const shown = useRef<ShownModel[] | undefined>(undefined);
  const show = (next: ShownModel[]) => {
    shown.current = next;
    setModels(next);
  };
  const pending = useRef(new Map<string, ModelSummary>());
  const auditing = useRef(new Set<string>());

  const audit = (pool: string) => {
    const entry = pending.current.get(pool);
    if (entry === undefined || auditing.current.has(pool)) return;
    pending.current.delete(pool);
    auditing.current.add(pool);
    const settle = (verdict: ShownModel) => {
      auditing.current.delete(pool);
      const newer = (old: ShownModel) => !isUnreadable(old) && isAudited(old) && old.toBlock > entry.toBlock;
      show((shown.current ?? []).map((old) => (old.model.pool === pool && !newer(old) ? verdict : old)));
      audit(pool);
    };
    verifyIndexedModel(chain, entry).then(settle, (caught: unknown) => {
      const reason = caught instanceof Error ? caught.message : String(caught);
      console.warn(`Model #${entry.model.modelId} (${pool}) could not be audited: ${reason}`);
      settle({ model: entry.model, unreadable: `its audit could not read the chain: ${reason}` });
    });
  };

  const error = useChainRead(
    block === 0
      ? undefined
      : () => Promise.all([loadPublicSummaries(chain), chainNow(chain.provider), chain.provider.getBlockNumber()]),
    ([loaded, time, headBlock]) => {
      const previous = shown.current;
      const next = loaded.map((entry) => {
        const pool = entry.model.pool;
        if (isUnreadable(entry) || isAudited(entry)) {
          pending.current.delete(pool);
          return entry;
        }
        const old = previous?.find((p) => p.model.pool === pool);
        if (judgesSameRows(old, entry)) return old;
        pending.current.set(pool, entry);
        return isJudged(old) ? old : entry;
      });
      show(next);
      for (const pool of [...pending.current.keys()]) audit(pool);
      setNow(time);
      setHead(BigInt(headBlock));
    },
    [chain, block],
  );
  return { models, now, head, error };
}
