/** A proposal as the governance and public views show it: state, decoded actions, votes, schedule, buttons. */
import { decodeProposalActions, rulesChanges } from "../../../../src";
import type { ProposalInfo } from "../../../../src";
import { dateTime, duration, shortAddress } from "../../format";
import type { GovernanceInfo, GovernedModelView } from "../../governanceData";
import { executeGate, queueGate, voteGate } from "../../governanceGates";
import { whenIdle } from "../../guards";
import { displayText } from "../../untrusted";
import { GateReason, GatedButton } from "../../components/GatedButton";
import { shortProposalId, votes } from "./common";
import type { GovernanceActions } from "./common";

/** For / against / abstain as bars, with the quorum (for + abstain) marked. */
function VoteBars({ proposal, dao, testId }: { proposal: ProposalInfo; dao: GovernanceInfo; testId: string }) {
  const cast = proposal.forVotes + proposal.againstVotes + proposal.abstainVotes;
  const scale = dao.token.totalSupply > 0n ? dao.token.totalSupply : cast > 0n ? cast : 1n;
  const percent = (v: bigint) => Number((v * 10_000n) / scale) / 100;
  const counted = proposal.forVotes + proposal.abstainVotes;
  const reached = counted >= proposal.quorum;
  const rows: [string, bigint, string][] = [
    ["for", proposal.forVotes, "for"],
    ["against", proposal.againstVotes, "against"],
    ["abstain", proposal.abstainVotes, "abstain"],
  ];
  return (
    <div className="vote-bars" data-testid={testId}>
      {rows.map(([label, value, tone]) => (
        <div className="vote-row" key={label}>
          <span className="vote-label">{label}</span>
          <span className="vote-track" aria-hidden="true">
            <span className={`vote-fill ${tone}`} style={{ width: `${percent(value)}%` }} />
          </span>
          <span className="num small" data-testid={`${testId}-${label}`}>
            {votes(value, dao)}
          </span>
        </div>
      ))}
      <div className={`small ${reached ? "ok" : "muted"}`} data-testid={`${testId}-quorum`}>
        quorum {votes(proposal.quorum, dao)} ({dao.quorumPercent.toString()}% of the supply, for + abstain):{" "}
        {reached ? "✓ reached" : `${votes(proposal.quorum - counted, dao)} missing`}
      </div>
    </div>
  );
}

/** What a proposal's calldata does, compared with the latest rules (its description is the proposer's text). */
function ProposalActions({ proposal, view }: { proposal: ProposalInfo; view: GovernedModelView }) {
  const actions = decodeProposalActions(proposal);
  return (
    <ul className="actions small">
      {actions.map((action, i) => {
        const here = action.target.toLowerCase() === view.model.pool.toLowerCase();
        if (action.kind !== "updateRules") {
          return (
            <li key={i} className="warn-badge">
              calls {action.selector} on {shortAddress(action.target)}: not a rules change of this model
            </li>
          );
        }
        const changes = rulesChanges(view.rules, action.rules);
        return (
          <li key={i}>
            {here ? "sets this model's rules" : <span className="warn-badge">sets the rules of another pool</span>}
            {proposal.state === "Executed"
              ? " (done)"
              : changes.length === 0
                ? ": the same as the latest rules"
                : `; compared with the latest rules (v${view.rules.version}): ${displayText(changes.join("; "), 400).text}`}
          </li>
        );
      })}
    </ul>
  );
}

/** What every proposal of a model is shown with. */
interface ProposalContext {
  view: GovernedModelView;
  dao: GovernanceInfo;
  block: bigint;
  now: bigint;
  busy: boolean;
  /** The buttons' actions; without it the card is read-only (the public view). */
  act?: GovernanceActions;
}

/** A proposal: state, description, decoded actions, votes, schedule, and (with `act`) its buttons. */
export function ProposalCard({
  proposal,
  index,
  view,
  dao,
  block,
  now,
  busy,
  act,
}: ProposalContext & { proposal: ProposalInfo; index: number }) {
  const id = `${view.model.modelId}-${index}`;
  const mine = view.voter?.proposals[proposal.proposalId.toString()];
  const vote = whenIdle(voteGate(proposal, block, mine), busy);
  const queue = whenIdle(queueGate(proposal, block), busy);
  const execute = whenIdle(executeGate(proposal, now), busy);
  const untilDeadline = proposal.deadline - block;
  return (
    <article className="proposal" data-testid={`proposal-${id}`} aria-labelledby={`proposal-title-${id}`}>
      <header className="proposal-head">
        <h4 id={`proposal-title-${id}`}>
          Proposal {index} <code title={proposal.proposalId.toString()}>{shortProposalId(proposal.proposalId)}</code>
        </h4>
        <span className={`pill state-${proposal.state.toLowerCase()}`} data-testid={`proposal-state-${id}`}>
          {proposal.state}
        </span>
      </header>
      <p className="description">
        <span className="muted small">
          description (the proposer&apos;s text; the actions below are what executes):{" "}
        </span>
        <span data-testid={`proposal-description-${id}`}>{displayText(proposal.description, 500).text}</span>
      </p>
      <ProposalActions proposal={proposal} view={view} />
      <VoteBars proposal={proposal} dao={dao} testId={`proposal-votes-${id}`} />
      <dl className="facts small">
        <dt>proposer</dt>
        <dd>
          <code title={proposal.proposer}>{shortAddress(proposal.proposer)}</code>
        </dd>
        <dt>vote</dt>
        <dd>
          blocks {(proposal.snapshot + 1n).toString()}–{proposal.deadline.toString()}
          {proposal.state === "Pending" && ` (opens in ${proposal.snapshot + 1n - block} blocks)`}
          {proposal.state === "Active" && untilDeadline >= 0n && ` (ends in ${untilDeadline + 1n} blocks)`}
        </dd>
        <dt>ETA</dt>
        <dd data-testid={`proposal-eta-${id}`}>
          {proposal.eta === 0n
            ? "not queued"
            : `${dateTime(proposal.eta)}${now < proposal.eta ? ` (in ${duration(proposal.eta - now)})` : ""}`}
        </dd>
        {mine && (
          <>
            <dt>you</dt>
            <dd>
              {mine.hasVoted ? "voted" : "not voted"} · {votes(mine.weight, dao)} on this proposal
            </dd>
          </>
        )}
      </dl>
      {act && (
        <div className="proposal-buttons" role="group" aria-label={`Actions on proposal ${index}`}>
          <div className="row wrap">
            {(["for", "against", "abstain"] as const).map((support) => (
              <button
                key={support}
                type="button"
                className={support === "for" ? "" : "secondary"}
                disabled={!vote.open}
                aria-describedby={vote.open ? undefined : `vote-reason-${id}`}
                data-testid={`vote-${support}-${id}`}
                onClick={() => act.vote(view, dao, proposal, support)}
              >
                Vote {support}
              </button>
            ))}
          </div>
          <GateReason gate={vote} id={`vote-reason-${id}`} />
          <div className="row wrap">
            <GatedButton gate={queue} testId={`queue-${id}`} onClick={() => act.queue(view, dao, proposal)}>
              Queue
            </GatedButton>
            <GatedButton gate={execute} testId={`execute-${id}`} onClick={() => act.execute(view, dao, proposal)}>
              Execute
            </GatedButton>
          </div>
        </div>
      )}
    </article>
  );
}

/** A model's proposals, newest first, numbered in the order they were made. */
export function ProposalList({ testId, ...context }: ProposalContext & { testId?: string }) {
  return (
    <div className="proposals" data-testid={testId}>
      {context.dao.proposals
        .map((p, i) => ({ p, index: i + 1 }))
        .reverse()
        .map(({ p, index }) => (
          <ProposalCard key={p.proposalId.toString()} proposal={p} index={index} {...context} />
        ))}
    </div>
  );
}
