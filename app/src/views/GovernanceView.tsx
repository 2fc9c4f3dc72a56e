/**
 * Governance in the browser (what Tally is for OpenZeppelin Governor): for each governed model, its
 * proposals with state, votes, quorum, ETA and description; delegating votes; proposing a rules
 * change from the current rules with a preview of exactly what changes; voting, queueing and
 * executing. Every button is enabled only when the Governor would accept it now, and otherwise says
 * why (see governanceGates.ts). Transactions go through the client library (`src/actions/governance/`).
 */
import { OperationBanners, ErrorBanner } from "../components/Banners";
import { useGovernanceActions } from "../hooks/useGovernanceActions";
import { useGovernedModels } from "../hooks/useGovernedModels";
import { GovernedModelCard } from "./governance/GovernedModelCard";
import type { WalletViewProps } from "./props";

export function GovernanceView({ chain, block, wallet, walletPanel }: WalletViewProps) {
  const { views, now, chainBlock, loadError, ops, refresh } = useGovernedModels(chain, block, wallet);
  const act = useGovernanceActions(chain, wallet, ops, refresh);
  const shared = { wallet, block: chainBlock, now, ops, act };

  return (
    <div data-testid="governance-view">
      <p className="intro">
        Each governed model has its own DAO: holders of its voting token delegate, propose rules changes, vote, and a
        timelock applies what passed from the model&apos;s next epoch. Votes count as delegated at each proposal&apos;s
        snapshot block.
      </p>
      {walletPanel}
      <OperationBanners ops={ops} />
      {loadError && <ErrorBanner error={loadError} />}
      {views === undefined && !loadError && <p className="muted">Loading the governed models…</p>}
      {views !== undefined && views.length === 0 && (
        <div className="card">
          <p>
            No model is governed: every model&apos;s rules are fixed. Create a governed one with{" "}
            <code>npx hardhat royalties deploy-governance</code> and{" "}
            <code>royalties deploy-model --governance &lt;timelock&gt;</code>.
          </p>
        </div>
      )}
      {views?.map((view) => (
        <GovernedModelCard key={view.model.pool} view={view} {...shared} />
      ))}
    </div>
  );
}
