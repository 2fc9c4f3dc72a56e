/** Reading the governed models for the governance view. */
import { useCallback, useState } from "react";
import { listModels } from "../../../src";
import type { AppChain } from "../chain";
import { chainNow } from "../data";
import { useChainRead } from "./useChainRead";
import { loadGovernedModels } from "../governanceData";
import type { GovernedModelView } from "../governanceData";
import { useOperations } from "../operation";
import type { Wallet } from "../wallet";

/**
 * The governed models as the governance view shows them, read again at each block (not while an operation runs)
 * and after each transaction (`refresh`, before the operation's notice shows); `ops` runs the view's operations.
 */
export function useGovernedModels(chain: AppChain, block: number, wallet: Wallet | undefined) {
  const [views, setViews] = useState<GovernedModelView[]>();
  const [now, setNow] = useState(0n);
  const [chainBlock, setChainBlock] = useState(0n);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const ops = useOperations(reload);

  const load = useCallback(async () => {
    const [models, time, head] = await Promise.all([
      listModels(chain),
      chainNow(chain.provider),
      chain.provider.getBlockNumber(),
    ]);
    const loaded = await loadGovernedModels(chain, models, wallet?.address);
    return { loaded, time, head };
  }, [chain, wallet]);

  const show = ({ loaded, time, head }: Awaited<ReturnType<typeof load>>) => {
    setViews(loaded);
    setNow(time);
    setChainBlock(BigInt(head));
  };
  const loadError = useChainRead(load, show, [load, block, reloads], ops.busy);

  /** Reads every governed model again after a transaction, before its notice shows. */
  const refresh = async (report: (phase: string) => void) => {
    report("Mined: reading the new state…");
    show(await load());
  };

  return { views, now, chainBlock, loadError, ops, refresh };
}
