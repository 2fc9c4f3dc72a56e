/** What the payouts card of the contributor view shows and sends. */
import { useMemo } from "react";
import { claimAll } from "../../../src";
import { decryptVaultBalance, getEarnings } from "../../../src";
import { decryptPayoutBalance } from "../../../src";
import { withdraw } from "../../../src";
import { RoyaltiesError } from "../../../src";
import type { AppChain } from "../chain";
import { isUnreadable } from "../data";
import type { ContributorModelView, TokenInfo } from "../data";
import { plural, shortAddress, tokens } from "../format";
import { assertWalletNetwork } from "../wallet";
import type { Wallet } from "../wallet";
import { PAYOUTS_SCOPE } from "../views/PayoutsCard";
import type { ClaimablePair, PayoutActions } from "../views/PayoutsCard";
import { nameOf, txLink, withReport } from "../views/contributor/common";
import type { ContributorState } from "./useContributorState";

/**
 * The payouts card's data (payout tokens, claimable pairs) and actions (claim all, decrypt, withdraw), across the
 * contributor's models.
 */
export function usePayoutActions(chain: AppChain, wallet: Wallet | undefined, state: ContributorState) {
  const { ops, models, vaultState, walletVault, rememberPayout, forgetPayouts, refreshAll } = state;
  /**
   * The tokens the contributor can hold payouts in: those of the readable models they took part in, and any other
   * they hold a vault balance in; each with whether that balance exists.
   */
  const payoutTokens = useMemo(() => {
    const seen = new Map<string, TokenInfo>();
    for (const view of models ?? []) {
      if (isUnreadable(view) || seen.has(view.token.address)) continue;
      if (view.mine.length > 0 || vaultState?.hasBalance[view.token.address] === true) {
        seen.set(view.token.address, view.token);
      }
    }
    return [...seen.values()].map((token) => ({ token, hasBalance: vaultState?.hasBalance[token.address] ?? false }));
  }, [models, vaultState]);

  /** Every (model, epoch) the contributor can claim now, across the readable models, oldest first. */
  const claimable = useMemo<ClaimablePair[]>(
    () =>
      (models ?? []).flatMap((view) =>
        isUnreadable(view)
          ? []
          : [...view.mine]
              .reverse()
              .filter((m) => m.claimable)
              .map((m) => ({ modelId: view.model.modelId, epochId: m.epochId, modelName: nameOf(view) })),
      ),
    [models],
  );

  const payoutActs: PayoutActions = {
    claimAll: (pairs) =>
      void ops.run(
        `Claiming ${plural(pairs.length, "epoch")}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          const vault = await walletVault(report);
          report("Sending the claims (your shares are computed under FHE) and waiting for them to be mined…");
          const result = await claimAll(vault, {
            pairs,
            onBatch: (batch) =>
              report(
                `Transaction ${batch.batch} of ${batch.batches} mined: ${batch.claimed} of ${plural(batch.pairs.length, "epoch")} credited` +
                  (batch.batch < batch.batches ? "; sending the next…" : "."),
              ),
          });
          for (const { token } of payoutTokens) forgetPayouts(token.address, ["vault", "earnings"]);
          await refreshAll(report);
          const skipped =
            result.skipped > 0 ? ` (${plural(result.skipped, "epoch")} skipped: no longer claimable)` : "";
          return `Claimed ${plural(result.claimed, "epoch")} in ${plural(result.receipts.length, "transaction")}${skipped}: your encrypted shares were credited to your vault balances. Decrypt a balance to see the amount.`;
        },
        PAYOUTS_SCOPE,
      ),
    decryptVault: (token) =>
      void ops.run(
        `Decrypting your ${token.symbol} vault balance`,
        async (report) => {
          const balance = await decryptVaultBalance(await walletVault(report), { token: token.address });
          rememberPayout(token.address, { vault: balance });
        },
        PAYOUTS_SCOPE,
      ),
    decryptEarnings: (token) =>
      void ops.run(
        `Adding up your ${token.symbol} earnings across models`,
        async (report) => {
          const earnings = await getEarnings(await walletVault(report), {
            token: token.address,
            fromBlock: chain.fromBlock,
          });
          rememberPayout(token.address, { earnings, vault: earnings.balance });
        },
        PAYOUTS_SCOPE,
      ),
    decryptWallet: (token) =>
      void ops.run(
        `Decrypting your ${token.symbol} wallet balance`,
        async (report) => {
          const view = (models ?? []).find(
            (m): m is ContributorModelView => !isUnreadable(m) && m.token.address === token.address,
          );
          if (view === undefined) throw new RoyaltiesError("No readable model pays in this token: reload the page.");
          rememberPayout(token.address, { wallet: await decryptPayoutBalance(withReport(view.client, report)) });
        },
        PAYOUTS_SCOPE,
      ),
    withdraw: (token, { amount, recipient, unwrap }) =>
      void ops.run(
        `Withdrawing ${amount === undefined ? "your whole" : tokens(amount, token) + " of your"} ${token.symbol} balance`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          const vault = await walletVault(report);
          report(
            amount === undefined
              ? "Sending the withdrawal and waiting for it to be mined…"
              : "Checking your balance covers the amount (decrypting it), then sending the withdrawal…",
          );
          const result = await withdraw(vault, { token: token.address, amount, recipient, unwrap });
          forgetPayouts(token.address, ["vault", "wallet", "earnings"]);
          await refreshAll(report);
          const to = recipient === undefined ? "your wallet" : shortAddress(result.recipient);
          const how = result.unwrapped ? " as the public ERC-20 (unwrapped)" : " as confidential tokens";
          const tx = result.receipts.map((r) => txLink(r.hash)).join(", ");
          return `Withdrew ${tokens(result.sent, token)} to ${to}${how} (tx ${tx}).`;
        },
        PAYOUTS_SCOPE,
      ),
    dismiss: ops.dismiss,
  };
  return { payoutTokens, claimable, payoutActs };
}
