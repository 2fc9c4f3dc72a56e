/** The contributor view's state and reads. */
import { useCallback, useEffect, useMemo, useState } from "react";
import { connectVault, withSigner } from "../../../src";
import type { VaultClient } from "../../../src";
import type { ShareVerification } from "../../../src";
import { RoyaltiesError } from "../../../src";
import type { AppChain } from "../chain";
import { chainNow, loadContributorModel, loadContributorModels, loadVaultState } from "../data";
import type { ContributorModelView, UnreadableModel, VaultState } from "../data";
import { lazyFheBackend } from "../fhe";
import { useOperations, withPhases } from "../operation";
import type { Report } from "../operation";
import type { Wallet } from "../wallet";
import type { DecryptedPayouts } from "../views/PayoutsCard";
import { tokenAddresses } from "../views/contributor/common";
import type { Decrypted } from "../views/contributor/common";
import { useChainRead } from "./useChainRead";

/**
 * What the contributor view shows and keeps: the wallet's models (read at each block, not while an operation runs),
 * the vault state, the values decrypted so far, and the reads an operation runs before its notice shows.
 */
export function useContributorState(chain: AppChain, block: number, wallet: Wallet | undefined) {
  const [models, setModels] = useState<(ContributorModelView | UnreadableModel)[]>();
  const [now, setNow] = useState(0n);
  const [decrypted, setDecrypted] = useState<Decrypted>({});
  const [verifications, setVerifications] = useState<Record<string, ShareVerification>>({});
  const [vaultState, setVaultState] = useState<VaultState>();
  const [payouts, setPayouts] = useState<Record<string, DecryptedPayouts>>({});
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const ops = useOperations(reload);
  const fhe = useMemo(() => (wallet ? lazyFheBackend(wallet.eip1193) : undefined), [wallet]);

  useEffect(() => {
    setDecrypted({});
    setVerifications({});
    setModels(undefined);
    setVaultState(undefined);
    setPayouts({});
  }, [wallet]);

  const loadError = useChainRead(
    wallet === undefined || fhe === undefined
      ? undefined
      : async () => {
          const [loaded, time] = await Promise.all([
            loadContributorModels(chain, wallet.signer, fhe),
            chainNow(chain.provider),
          ]);
          return { loaded, time, vault: await loadVaultState(chain, wallet.address, tokenAddresses(loaded)) };
        },
    ({ loaded, time, vault }) => {
      setModels(loaded);
      setVaultState(vault);
      setNow(time);
    },
    [chain, wallet, fhe, block, reloads],
    ops.busy,
  );

  const remember = (entries: Decrypted) => setDecrypted((previous) => ({ ...previous, ...entries }));
  const rememberPayout = (token: string, entry: DecryptedPayouts) =>
    setPayouts((previous) => ({ ...previous, [token]: { ...previous[token], ...entry } }));
  /** Decrypted payout values of `token` that a transaction just changed: shown as encrypted again. */
  const forgetPayouts = (token: string, what: (keyof DecryptedPayouts)[]) =>
    setPayouts((previous) => {
      const entry = { ...previous[token] };
      for (const field of what) delete entry[field];
      return { ...previous, [token]: entry };
    });

  /** Reads which vault balances exist again (after a claim or a withdrawal). */
  const refreshVault = async (loaded: readonly (ContributorModelView | UnreadableModel)[]) => {
    if (wallet === undefined) return;
    setVaultState(await loadVaultState(chain, wallet.address, tokenAddresses(loaded)));
  };

  /** Reads the model again after one of the contributor's transactions, before its notice shows. */
  const refresh = async (view: ContributorModelView, report: Report) => {
    if (wallet === undefined || fhe === undefined) return;
    report("Mined: reading the model's new state…");
    const [fresh, time] = await Promise.all([
      loadContributorModel(chain, wallet.signer, fhe, view.model),
      chainNow(chain.provider),
    ]);
    const next = (models ?? []).map((m) => (m.model.pool === view.model.pool ? fresh : m));
    setModels((previous) => previous?.map((m) => (m.model.pool === view.model.pool ? fresh : m)));
    setNow(time);
    await refreshVault(next);
  };

  /** Reads every model again (after a transaction that spans models). */
  const refreshAll = async (report: Report) => {
    if (wallet === undefined || fhe === undefined) return;
    report("Mined: reading your models' new state…");
    const [loaded, time] = await Promise.all([
      loadContributorModels(chain, wallet.signer, fhe),
      chainNow(chain.provider),
    ]);
    setModels(loaded);
    setNow(time);
    await refreshVault(loaded);
  };

  /** The registry's payout vault, acting as the wallet; each FHE step shows as a phase of the operation. */
  const walletVault = async (report: Report): Promise<VaultClient> => {
    if (wallet === undefined || fhe === undefined) throw new RoyaltiesError("Connect a wallet first.");
    const address = vaultState?.address ?? (await chain.registry.payoutVault());
    return connectVault({ ...withSigner(chain, wallet.signer), fhe: withPhases(fhe, report) }, { address });
  };

  return {
    ops,
    models,
    now,
    loadError,
    decrypted,
    verifications,
    vaultState,
    payouts,
    remember,
    rememberPayout,
    forgetPayouts,
    setVerifications,
    refresh,
    refreshAll,
    walletVault,
  };
}

export type ContributorState = ReturnType<typeof useContributorState>;
