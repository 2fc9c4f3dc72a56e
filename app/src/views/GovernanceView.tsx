/**
 * Governance in the browser (what Tally is for OpenZeppelin Governor): for each governed model, its
 * proposals with state, votes, quorum, ETA and description; delegating votes; proposing a rules
 * change from the current rules with a preview of exactly what changes; voting, queueing and
 * executing. Every button is enabled only when the Governor would accept it now, and otherwise says
 * why (see governanceGates.ts). Transactions go through the client library (`src/governance.ts`).
 */
import { isAddress } from "ethers";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";

import { RoyaltyGovernor__factory, RoyaltyPool__factory } from "../../../types";
import {
  toRulesStruct,
  formatAmount,
  applyRulesChange,
  checkRulesUpdate,
  decodeProposalActions,
  delegateVotes,
  describeRulesChange,
  executeProposal,
  proposeRulesChange,
  queueProposal,
  rulesChanges,
  voteOnProposal,
  listModels,
} from "../../../src";
import type { ProposalInfo, RulesChange, VOTE_SUPPORT, RulesInfo } from "../../../src";
import type { AppChain } from "../chain";
import { OperationBanners, ErrorBanner } from "../components/Banners";
import { SafeName } from "../components/Untrusted";
import { chainNow, readOnlyPool } from "../data";
import { describeError } from "../errors";
import type { ErrorReport } from "../errors";
import { dateTime, duration, shortAddress } from "../format";
import { daoOf, loadGovernedModels } from "../governanceData";
import type { GovernanceInfo, GovernedModelView } from "../governanceData";
import { delegateGate, executeGate, proposeGate, queueGate, voteGate } from "../governanceGates";
import type { Gate } from "../guards";
import { whenIdle } from "../guards";
import { useOperations } from "../operation";
import type { Operations } from "../operation";
import { displayText } from "../untrusted";
import { assertWalletNetwork } from "../wallet";
import type { Wallet } from "../wallet";

type Support = keyof typeof VOTE_SUPPORT;

/** "12345678…9012": a proposal id is a 77-digit hash. */
export function shortProposalId(id: bigint): string {
  const text = id.toString();
  return text.length > 14 ? `${text.slice(0, 8)}…${text.slice(-4)}` : text;
}

function votes(units: bigint, dao: GovernanceInfo): string {
  return `${formatAmount(units, dao.token.decimals)} ${dao.token.symbol}`;
}

/** A button with its gate: disabled with the reason beside it (and announced to screen readers). */
export function GatedButton({
  gate,
  testId,
  onClick,
  children,
  className,
}: {
  gate: Gate;
  testId: string;
  onClick: () => void;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span className="gated">
      <button
        type="button"
        className={className}
        disabled={!gate.open}
        onClick={onClick}
        data-testid={testId}
        aria-describedby={gate.open ? undefined : `${testId}-reason`}
      >
        {children}
      </button>
      {!gate.open && (
        <span className="muted small gate-reason" id={`${testId}-reason`} data-testid={`${testId}-reason`}>
          {gate.reason}
        </span>
      )}
    </span>
  );
}

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
}: {
  proposal: ProposalInfo;
  index: number;
  view: GovernedModelView;
  dao: GovernanceInfo;
  block: bigint;
  now: bigint;
  busy: boolean;
  act?: GovernanceActions;
}) {
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
          {!vote.open && (
            <span className="muted small gate-reason" id={`vote-reason-${id}`} data-testid={`vote-reason-${id}`}>
              {vote.reason}
            </span>
          )}
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

interface GovernanceActions {
  delegate(view: GovernedModelView, dao: GovernanceInfo, to: string): void;
  propose(view: GovernedModelView, dao: GovernanceInfo, change: RulesChange, description: string): void;
  vote(view: GovernedModelView, dao: GovernanceInfo, proposal: ProposalInfo, support: Support): void;
  queue(view: GovernedModelView, dao: GovernanceInfo, proposal: ProposalInfo): void;
  execute(view: GovernedModelView, dao: GovernanceInfo, proposal: ProposalInfo): void;
}

function DelegateForm({
  view,
  dao,
  wallet,
  busy,
  act,
}: {
  view: GovernedModelView;
  dao: GovernanceInfo;
  wallet: Wallet | undefined;
  busy: boolean;
  act: GovernanceActions;
}) {
  const [target, setTarget] = useState<"self" | "other">("self");
  const [other, setOther] = useState("");
  const id = view.model.modelId.toString();
  const to = target === "self" ? wallet?.address : isAddress(other.trim()) ? other.trim() : undefined;
  const gate = whenIdle(delegateGate(view.voter, to, dao.token.symbol), busy);
  const voter = view.voter;
  return (
    <form
      className="delegate-form"
      data-testid={`delegate-form-${id}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (gate.open && to !== undefined) act.delegate(view, dao, to);
      }}
    >
      {voter && (
        <p className="small" data-testid={`voting-power-${id}`}>
          You hold {votes(voter.balance, dao)}; delegated to{" "}
          {voter.delegate === "0x0000000000000000000000000000000000000000"
            ? "nobody yet (undelegated tokens do not vote)"
            : voter.delegate.toLowerCase() === voter.voter.toLowerCase()
              ? "yourself"
              : shortAddress(voter.delegate)}
          ; your voting power: {votes(voter.votes, dao)}.
        </p>
      )}
      <fieldset>
        <legend>Delegate your votes to</legend>
        <label className="inline">
          <input
            type="radio"
            name={`delegate-target-${id}`}
            checked={target === "self"}
            onChange={() => setTarget("self")}
            data-testid={`delegate-self-${id}`}
          />{" "}
          yourself
        </label>
        <label className="inline">
          <input
            type="radio"
            name={`delegate-target-${id}`}
            checked={target === "other"}
            onChange={() => setTarget("other")}
            data-testid={`delegate-other-${id}`}
          />{" "}
          another address
        </label>
        {target === "other" && (
          <label className="field">
            Address receiving your votes
            <input
              value={other}
              onChange={(event) => setOther(event.target.value)}
              placeholder="0x…"
              spellCheck={false}
              data-testid={`delegate-to-${id}`}
            />
          </label>
        )}
      </fieldset>
      <span className="gated">
        <button
          type="submit"
          disabled={!gate.open}
          data-testid={`delegate-${id}`}
          aria-describedby={gate.open ? undefined : `delegate-${id}-reason`}
        >
          Delegate
        </button>
        {!gate.open && (
          <span className="muted small gate-reason" id={`delegate-${id}-reason`} data-testid={`delegate-${id}-reason`}>
            {target === "other" && other.trim() !== "" && to === undefined
              ? "the address must be 0x followed by 40 hexadecimal digits"
              : gate.reason}
          </span>
        )}
      </span>
    </form>
  );
}

const WHOLE = /^\d+$/;

interface RulesDraft {
  weights: string[];
  caps: string[];
  epochLength: string;
  minParticipants: string;
  maxSubmissions: string;
  noiseBits: string;
  claimWindow: string;
}

function draftOf(rules: RulesInfo): RulesDraft {
  return {
    weights: rules.metrics.map((m) => m.weight.toString()),
    caps: rules.metrics.map((m) => m.cap.toString()),
    epochLength: rules.epochLength.toString(),
    minParticipants: rules.minParticipants.toString(),
    maxSubmissions: rules.maxSubmissionsPerContributor.toString(),
    noiseBits: rules.noiseBits.toString(),
    claimWindow: rules.claimWindow.toString(),
  };
}

/** The rules change a draft describes (every field, starting from `rules`), or what is wrong with it. */
export function changeOf(rules: RulesInfo, draft: RulesDraft): { change?: RulesChange; problems: string[] } {
  const problems: string[] = [];
  const whole = (text: string, what: string, min = 0n): bigint => {
    const t = text.trim().replace(/_/g, "");
    if (!WHOLE.test(t) || BigInt(t) < min || BigInt(t) >= 2n ** 64n) {
      problems.push(`${what} must be a whole number${min > 0n ? ` ≥ ${min}` : ""}`);
      return 0n;
    }
    return BigInt(t);
  };
  const metrics = rules.metrics.map((m, i) => ({
    name: m.name,
    weight: whole(draft.weights[i] ?? "", `the weight of ${displayText(m.name, 32).text}`, 1n),
    cap: whole(draft.caps[i] ?? "", `the cap of ${displayText(m.name, 32).text}`, 1n),
  }));
  const change: RulesChange = {
    metrics,
    epochLength: whole(draft.epochLength, "the epoch length", 1n),
    minParticipants: Number(whole(draft.minParticipants, "k (minimum contributors)", 1n)),
    maxSubmissionsPerContributor: Number(whole(draft.maxSubmissions, "the submissions per contributor", 1n)),
    noiseBits: Number(whole(draft.noiseBits, "the noise bits")),
    claimWindow: whole(draft.claimWindow, "the claim window"),
  };
  return problems.length > 0 ? { problems } : { change, problems };
}

function NumberField({
  label,
  value,
  onChange,
  testId,
  hint,
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
      {hint && <span className="muted small">{hint}</span>}
    </label>
  );
}

function ProposeForm({
  view,
  dao,
  wallet,
  busy,
  act,
}: {
  view: GovernedModelView;
  dao: GovernanceInfo;
  wallet: Wallet | undefined;
  busy: boolean;
  act: GovernanceActions;
}) {
  const { rules, model } = view;
  const id = model.modelId.toString();
  const [draft, setDraft] = useState<RulesDraft>(() => draftOf(rules));
  // A new rules version (an executed proposal) restarts the form from it.
  const schema = `${model.pool}:${rules.version}`;
  useEffect(() => setDraft(draftOf(rules)), [schema]);
  const { change, problems } = changeOf(rules, draft);
  const proposed = change === undefined ? undefined : applyRulesChange(rules, change);
  const changes = proposed === undefined ? [] : rulesChanges(rules, proposed);
  const description = proposed === undefined ? "" : describeRulesChange(model.pool, rules, proposed);
  const duplicate = useMemo(() => {
    if (proposed === undefined || changes.length === 0) return undefined;
    const calldata = RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [
      toRulesStruct(proposed),
    ]);
    const same = dao.proposals.find(
      (p) => p.description === description && p.calldatas[0] === calldata && p.targets[0] === model.pool,
    );
    return same === undefined
      ? undefined
      : `the same proposal already exists (${shortProposalId(same.proposalId)}, ${same.state.toLowerCase()})`;
  }, [proposed, changes.length, dao.proposals, description, model.pool]);
  const gate = whenIdle(
    proposeGate({
      connected: wallet !== undefined,
      votes: view.voter?.votes ?? 0n,
      threshold: dao.proposalThreshold,
      problems,
      changes,
      duplicate,
      format: (v) => votes(v, dao),
    }),
    busy,
  );
  const set = (patch: Partial<RulesDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setAt = (field: "weights" | "caps", i: number, value: string) =>
    setDraft((d) => {
      const next = [...d[field]];
      next[i] = value;
      return { ...d, [field]: next };
    });
  return (
    <form
      className="propose-form"
      data-testid={`propose-form-${id}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (gate.open && change !== undefined) act.propose(view, dao, change, description);
      }}
    >
      <p className="muted small">
        The form starts from the latest rules (version {rules.version.toString()}); a passed change applies from the
        next epoch. Adding or removing metrics, attestors and bonus classes:{" "}
        <code>npx hardhat royalties propose-rules</code>.
      </p>
      <div className="table-scroll">
        <table className="compact">
          <caption className="sr-only">Metric weights and caps</caption>
          <thead>
            <tr>
              <th scope="col">metric</th>
              <th scope="col">weight</th>
              <th scope="col">cap</th>
            </tr>
          </thead>
          <tbody>
            {rules.metrics.map((m, i) => {
              const name = displayText(m.name, 32).text;
              return (
                <tr key={i}>
                  <th scope="row">
                    <SafeName value={m.name} max={32} />
                  </th>
                  <td>
                    <input
                      inputMode="numeric"
                      aria-label={`weight of ${name}`}
                      value={draft.weights[i] ?? ""}
                      onChange={(e) => setAt("weights", i, e.target.value)}
                      data-testid={`propose-weight-${id}-${m.name}`}
                      className="narrow"
                    />
                  </td>
                  <td>
                    <input
                      inputMode="numeric"
                      aria-label={`cap of ${name}`}
                      value={draft.caps[i] ?? ""}
                      onChange={(e) => setAt("caps", i, e.target.value)}
                      data-testid={`propose-cap-${id}-${m.name}`}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="fields">
        <NumberField
          label="Epoch length (seconds)"
          value={draft.epochLength}
          onChange={(v) => set({ epochLength: v })}
          testId={`propose-epoch-length-${id}`}
          hint={WHOLE.test(draft.epochLength.trim()) ? duration(BigInt(draft.epochLength.trim())) : undefined}
        />
        <NumberField
          label="k: minimum distinct contributors"
          value={draft.minParticipants}
          onChange={(v) => set({ minParticipants: v })}
          testId={`propose-k-${id}`}
        />
        <NumberField
          label="Submissions per contributor and epoch"
          value={draft.maxSubmissions}
          onChange={(v) => set({ maxSubmissions: v })}
          testId={`propose-max-submissions-${id}`}
        />
        <NumberField
          label="Noise on the total (bits, 0 = none)"
          value={draft.noiseBits}
          onChange={(v) => set({ noiseBits: v })}
          testId={`propose-noise-${id}`}
        />
        <NumberField
          label="Claim window (seconds, 0 = none)"
          value={draft.claimWindow}
          onChange={(v) => set({ claimWindow: v })}
          testId={`propose-claim-window-${id}`}
        />
      </div>
      <div className="preview" data-testid={`propose-preview-${id}`} aria-live="polite">
        <h4>Preview: what changes</h4>
        {problems.length > 0 ? (
          <ul className="fail small">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : changes.length === 0 ? (
          <p className="muted small">Nothing yet: edit a value above.</p>
        ) : (
          <>
            <ul className="diff">
              {changes.map((c) => (
                <li key={c} data-testid="propose-change">
                  {displayText(c, 200).text}
                </li>
              ))}
            </ul>
            <p className="small">
              Description of the proposal: <q>{displayText(description, 500).text}</q>
            </p>
          </>
        )}
      </div>
      <div className="row wrap">
        <span className="gated">
          <button
            type="submit"
            disabled={!gate.open}
            data-testid={`propose-${id}`}
            aria-describedby={gate.open ? undefined : `propose-${id}-reason`}
          >
            Propose
          </button>
          {!gate.open && (
            <span className="muted small gate-reason" id={`propose-${id}-reason`} data-testid={`propose-${id}-reason`}>
              {gate.reason}
            </span>
          )}
        </span>
        <button type="button" className="secondary" onClick={() => setDraft(draftOf(rules))} disabled={busy}>
          Reset to the current rules
        </button>
      </div>
    </form>
  );
}

function GovernedModelCard({
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
            <div className="proposals">
              {dao.proposals
                .map((p, i) => ({ p, index: i + 1 }))
                .reverse()
                .map(({ p, index }) => (
                  <ProposalCard
                    key={p.proposalId.toString()}
                    proposal={p}
                    index={index}
                    view={view}
                    dao={dao}
                    block={block}
                    now={now}
                    busy={ops.busy}
                    act={act}
                  />
                ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

export function GovernanceView({
  chain,
  block,
  wallet,
  walletPanel,
}: {
  chain: AppChain;
  block: number;
  wallet: Wallet | undefined;
  walletPanel: ReactNode;
}) {
  const [views, setViews] = useState<GovernedModelView[]>();
  const [now, setNow] = useState(0n);
  const [chainBlock, setChainBlock] = useState(0n);
  const [loadError, setLoadError] = useState<ErrorReport>();
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

  useEffect(() => {
    if (ops.busy) return;
    let stale = false;
    load()
      .then(({ loaded, time, head }) => {
        if (stale) return;
        setViews(loaded);
        setNow(time);
        setChainBlock(BigInt(head));
        setLoadError(undefined);
      })
      .catch((caught: unknown) => !stale && setLoadError(describeError(caught)));
    return () => {
      stale = true;
    };
  }, [load, block, reloads]);

  /** Reads every governed model again after a transaction, before its notice shows. */
  const refresh = async (report: (phase: string) => void) => {
    report("Mined: reading the new state…");
    const { loaded, time, head } = await load();
    setViews(loaded);
    setNow(time);
    setChainBlock(BigInt(head));
  };

  const signed = (dao: GovernanceInfo) => {
    if (wallet === undefined) throw new Error("Connect a wallet first.");
    return RoyaltyGovernor__factory.connect(dao.governor, wallet.signer);
  };
  const name = (view: GovernedModelView) => displayText(view.model.name).text;

  const act: GovernanceActions = {
    delegate: (view, dao, to) =>
      void ops.run(
        `Delegating your ${dao.token.symbol} votes`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Sending the delegation and waiting for it to be mined…");
          const result = await delegateVotes(signed(dao), { to });
          await refresh(report);
          const whom =
            result.delegatee.toLowerCase() === result.delegator.toLowerCase() ? "yourself" : shortAddress(to);
          return `Votes delegated to ${whom}: ${votes(result.votes, dao)} of voting power from block ${result.fromBlock}, counted for proposals made from the next block on.`;
        },
        view.model.pool,
      ),
    propose: (view, dao, change, description) =>
      void ops.run(
        `Proposing a rules change of ${name(view)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Checking the new rules against the pool (nothing is sent yet)…");
          const pool = await readOnlyPool(chain, view.model.pool);
          await checkRulesUpdate(pool, { rules: applyRulesChange(view.rules, change) });
          report("Sending the proposal and waiting for it to be mined…");
          const result = await proposeRulesChange(signed(dao), { pool, change });
          await refresh(report);
          return `Proposal ${shortProposalId(result.proposalId)} created: "${displayText(description, 300).text}" Voting opens in ${dao.votingDelay + 1n} blocks.`;
        },
        view.model.pool,
      ),
    vote: (view, dao, proposal, support) =>
      void ops.run(
        `Voting ${support} on proposal ${shortProposalId(proposal.proposalId)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Sending the vote and waiting for it to be mined…");
          const result = await voteOnProposal(signed(dao), { proposalId: proposal.proposalId, support });
          await refresh(report);
          return `Voted ${support} with ${votes(result.weight, dao)}.`;
        },
        view.model.pool,
      ),
    queue: (view, dao, proposal) =>
      void ops.run(
        `Queueing proposal ${shortProposalId(proposal.proposalId)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Sending the queue transaction and waiting for it to be mined…");
          await queueProposal(signed(dao), proposal);
          await refresh(report);
          return `Proposal ${shortProposalId(proposal.proposalId)} queued in the timelock: it can be executed in ${duration(dao.timelockDelay)}.`;
        },
        view.model.pool,
      ),
    execute: (view, dao, proposal) =>
      void ops.run(
        `Executing proposal ${shortProposalId(proposal.proposalId)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Sending the execute transaction and waiting for it to be mined…");
          await executeProposal(signed(dao), proposal);
          await refresh(report);
          return `Proposal ${shortProposalId(proposal.proposalId)} executed: the new rules apply from the next epoch of ${name(view)}.`;
        },
        view.model.pool,
      ),
  };

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
        <GovernedModelCard
          key={view.model.pool}
          view={view}
          wallet={wallet}
          block={chainBlock}
          now={now}
          ops={ops}
          act={act}
        />
      ))}
    </div>
  );
}
