/**
 * A contributor's dashboard: the models they take part in, a submission form per model (metrics
 * encrypted in the page), their epochs with status, decrypt-on-click of their own score and share, claims
 * (each credits the encrypted balance in the registry's payout vault), share verification, a chart of their
 * royalties, the auditors they let decrypt chosen epochs (selective disclosure), and their payouts (vault
 * balances, cross-model earnings, Claim all and Withdraw: see PayoutsCard).
 */
import { ErrorBanner, OperationBanners } from "../components/Banners";
import { UnreadableCard } from "../components/Untrusted";
import { isUnreadable } from "../data";
import { PayoutsCard } from "./PayoutsCard";
import { useContributorActions } from "../hooks/useContributorActions";
import { useContributorState } from "../hooks/useContributorState";
import { usePayoutActions } from "../hooks/usePayoutActions";
import { ModelCard } from "./contributor/ModelCard";
import type { WalletViewProps } from "./props";

export function ContributorView({ chain, block, wallet, walletPanel }: WalletViewProps) {
  const state = useContributorState(chain, block, wallet);
  const act = useContributorActions(wallet, state);
  const { payoutTokens, claimable, payoutActs } = usePayoutActions(chain, wallet, state);
  const { ops, models, now, loadError, decrypted, verifications, payouts } = state;

  return (
    <div data-testid="contributor-view">
      {walletPanel}
      <OperationBanners ops={ops} />
      {wallet && (
        <>
          {models !== undefined && (
            <PayoutsCard payoutTokens={payoutTokens} pairs={claimable} decrypted={payouts} ops={ops} act={payoutActs} />
          )}
          {loadError && <ErrorBanner error={loadError} />}
          {models === undefined && !loadError && <p className="muted">Loading your models…</p>}
          {models !== undefined && models.length === 0 && (
            <div className="card">
              <p>The registry has no model yet: there is nothing to contribute to.</p>
            </div>
          )}
          {models?.map((view) =>
            isUnreadable(view) ? (
              <UnreadableCard key={view.model.pool} entry={view} testId={`model-${view.model.modelId}`} />
            ) : (
              <ModelCard
                key={view.model.pool}
                view={view}
                now={now}
                busy={ops.busy}
                decrypted={decrypted}
                verifications={verifications}
                act={act}
                ops={ops}
              />
            ),
          )}
        </>
      )}
    </div>
  );
}
