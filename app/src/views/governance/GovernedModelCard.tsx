/** A governed model's card in the governance view. */
import { OperationBanners } from "../../components/Banners";
import { SafeName } from "../../components/Untrusted";
import { duration, shortAddress } from "../../format";
import { daoOf } from "../../governanceData";
import type { GovernedModelView } from "../../governanceData";
import type { Operations } from "../../operation";
import type { Wallet } from "../../wallet";
import { DelegateForm } from "./DelegateForm";
import { ProposalList } from "./ProposalCard";
import { ProposeForm } from "./ProposeForm";
import type { GovernanceActions } from "./common";

/** One governed model: its DAO, the wallet's votes, the propose form and the proposals. */
export function GovernedModelCard({
  view,
  wallet,
  block,
  now,
  ops,
  act,
}: {
  view: GovernedModelView;
  wallet: Wallet | undefined;
  block: bigint;
  now: bigint;
  ops: Operations;
  act: GovernanceActions;
}) {
  const { model } = view;
  const dao = daoOf(view);
  const id = model.modelId.toString();
  return (
    <section className="card model" data-testid={`gov-model-${id}`} aria-labelledby={`gov-title-${id}`}>
      <OperationBanners ops={ops} scope={model.pool} />
      <header className="model-head">
        <h2 id={`gov-title-${id}`}>
          <SafeName value={model.name} /> <span className="muted">#{id}</span>
        </h2>
        {dao && (
          <div className="muted small">
            governor <code title={dao.governor}>{shortAddress(dao.governor)}</code> · timelock{" "}
            <code title={dao.timelock}>{shortAddress(dao.timelock)}</code> · votes in {dao.token.symbol} · vote opens{" "}
            {dao.votingDelay.toString()} blocks after a proposal and lasts {dao.votingPeriod.toString()} blocks · quorum{" "}
            {dao.quorumPercent.toString()}% · timelock delay {duration(dao.timelockDelay)}
          </div>
        )}
      </header>
      {dao === undefined ? (
        <p className="fail small" data-testid={`gov-unreadable-${id}`}>
          This model&apos;s governance cannot be shown:{" "}
          {"unreadable" in view.dao ? view.dao.unreadable : "unknown reason"}.
        </p>
      ) : (
        <>
          <div className="two-columns">
            <div>
              <h3>Your votes</h3>
              {wallet === undefined ? (
                <p className="muted small">Connect a wallet above to delegate, propose and vote.</p>
              ) : (
                <DelegateForm view={view} dao={dao} wallet={wallet} busy={ops.busy} act={act} />
              )}
            </div>
            <div>
              <h3>Propose a rules change</h3>
              <ProposeForm view={view} dao={dao} wallet={wallet} busy={ops.busy} act={act} />
            </div>
          </div>
          <h3>Proposals</h3>
          {dao.proposals.length === 0 ? (
            <p className="muted" data-testid={`no-proposals-${id}`}>
              No proposal yet.
            </p>
          ) : (
            <ProposalList view={view} dao={dao} block={block} now={now} busy={ops.busy} act={act} />
          )}
        </>
      )}
    </section>
  );
}
