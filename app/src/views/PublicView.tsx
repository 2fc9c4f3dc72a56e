/**
 * The public explorer, without a wallet: across models, funded and paid per payout token and the
 * cross-model aggregate rounds; per model, its epochs over time (participants, pool, revealed total,
 * claims, settlement) with charts, the rules in force and their history as diffs, its proposals, and
 * the audit of each epoch; a search by model name or pool address. Nothing here is about one
 * contributor. The figures come from already-loaded public records (explorer.ts), whatever their source.
 */
import { ZeroAddress } from "ethers";
import { useEffect, useState } from "react";

import { describeRulesChange, sybilWarning } from "../../../src";
import type { RulesInfo, AggregateStatus } from "../../../src";
import type { AppChain } from "../chain";
import { NETWORK } from "../config";
import { BarChart } from "../components/BarChart";
import { GroupedBarChart } from "../components/GroupedBarChart";
import { ErrorBanner } from "../components/Banners";
import { SafeName, TokenBadge, UnreadableCard } from "../components/Untrusted";
import { auditPassed, isAudited, isUnreadable, loadAggregatesOrNone } from "../data";
import type { EpochView, ModelSummary } from "../data";
import { epochSeries, matchesSearch, totalsByToken } from "../explorer";
import type { TokenTotals } from "../explorer";
import { dateTime, duration, plural, shortAddress, tokens } from "../format";
import { daoOf, loadGovernedModels } from "../governanceData";
import type { GovernedModelView } from "../governanceData";
import { usePublicRecord } from "../hooks/usePublicRecord";
import { publicStatus } from "../status";
import { displayText } from "../untrusted";
import { ProposalList } from "./governance/ProposalCard";

function changesBetween(pool: string, before: RulesInfo, after: RulesInfo): string {
  const text = describeRulesChange(pool, before, {
    metrics: after.metrics,
    epochLength: after.epochLength,
    minParticipants: Number(after.minParticipants),
    maxSubmissionsPerContributor: Number(after.maxSubmissionsPerContributor),
    attestationRequired: after.attestationRequired,
    attestors: after.attestors,
    bonusMultipliers: after.bonusMultipliers,
    claimWindow: after.claimWindow,
    noiseBits: after.noiseBits,
  });
  return displayText(text.slice(text.indexOf(": ") + 2), 400).text;
}

export function RulesTable({ rules }: { rules: RulesInfo }) {
  return (
    <div className="rules">
      <table className="compact">
        <thead>
          <tr>
            <th>metric</th>
            <th className="num">weight</th>
            <th className="num">cap</th>
          </tr>
        </thead>
        <tbody>
          {rules.metrics.map((m, i) => (
            <tr key={i}>
              <td>
                <SafeName value={m.name} max={32} />
              </td>
              <td className="num">{m.weight.toLocaleString("en-US")}</td>
              <td className="num">{m.cap.toLocaleString("en-US")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts">
        <dt>score of a submission</dt>
        <dd>Σ weight · min(metric, cap), at most {rules.maxSubmissionScore.toLocaleString("en-US")}</dd>
        <dt>epoch length (minimum)</dt>
        <dd>{duration(rules.epochLength)}</dd>
        <dt>k-anonymity</dt>
        <dd>a total is revealed only with ≥ {rules.minParticipants.toString()} distinct contributors</dd>
        <dt>revealed total</dt>
        <dd>
          {rules.noiseBits === 0
            ? "exact"
            : `plus encrypted random noise below 2^${rules.noiseBits} (what it holds back is carried forward)`}
        </dd>
        {sybilWarning(rules) === undefined ? null : (
          <dd className="warn-badge" data-testid="sybil-warning">
            Self-reported and without noise: k − 1 addresses of one person submitting zeros make a revealed total equal
            one contributor&apos;s exact score. This model does not protect against Sybils.
          </dd>
        )}
        <dt>submissions</dt>
        <dd>at most {rules.maxSubmissionsPerContributor.toString()} per contributor and epoch</dd>
        <dt>who submits</dt>
        <dd>
          {rules.attestationRequired
            ? `attestors only (${rules.attestors.length})`
            : rules.attestors.length > 0
              ? `contributors and ${plural(rules.attestors.length, "attestor")}`
              : "contributors (self-reported)"}
        </dd>
      </dl>
    </div>
  );
}

function AuditCell({ epoch, pending }: { epoch: EpochView; pending: boolean }) {
  if (pending) {
    return (
      <span className="muted" data-testid="audit-pending">
        auditing…
      </span>
    );
  }
  const audit = epoch.audit;
  if (audit === undefined) return <span className="muted">no events</span>;
  const digest = audit.digestMatchesChain;
  const proof = audit.revealProofValid;
  const ok = digest && proof !== false;
  return (
    <span className={ok ? "ok" : "fail"} title={`log of ${audit.logLength} entries`}>
      {digest ? "✓ log" : "✗ log"}
      {proof === undefined ? "" : proof ? " · ✓ KMS proof" : " · ✗ KMS proof"}
    </span>
  );
}

function ModelSection({
  view,
  now,
  block,
  governed,
}: {
  view: ModelSummary;
  now: bigint;
  block: bigint;
  governed?: GovernedModelView;
}) {
  const { model, token, epochs } = view;
  // The indexer's record is drawn before its audit: rules, history and verdict come with it.
  const details = isAudited(view) ? view : undefined;
  const current = epochs[0];
  const paid = epochs.filter((e) => e.state === "Revealed").reduce((sum, e) => sum + e.pool, 0n);
  const series = epochSeries(view);
  const dao = governed === undefined ? undefined : daoOf(governed);
  return (
    <section
      className="card model"
      id={`model-${model.modelId}`}
      aria-labelledby={`model-title-${model.modelId}`}
      data-testid={`public-model-${model.modelId}`}
    >
      <header className="model-head">
        <h2 id={`model-title-${model.modelId}`}>
          <SafeName value={model.name} /> <span className="muted">#{model.modelId.toString()}</span>
        </h2>
        <div className="muted small">
          pool <code title={model.pool}>{shortAddress(model.pool)}</code> · paid in <TokenBadge token={token} /> ·
          created {dateTime(model.createdAt)} ·{" "}
          {model.governance === ZeroAddress ? "fixed rules" : `governed by ${shortAddress(model.governance)}`}
        </div>
      </header>

      <div className="tiles">
        <div className="tile">
          <div className="tile-label">current epoch</div>
          <div className="tile-value">{current ? `#${current.epochId}` : "—"}</div>
          {current && <div className="muted small">{publicStatus(current, now).text}</div>}
        </div>
        <div className="tile">
          <div className="tile-label">current pool</div>
          <div className="tile-value">{current ? tokens(current.pool, token) : "—"}</div>
        </div>
        <div className="tile">
          <div className="tile-label">contributors this epoch</div>
          <div className="tile-value">{current ? current.participants.toString() : "—"}</div>
          {details && <div className="muted small">k = {details.rules.minParticipants.toString()}</div>}
        </div>
        <div className="tile">
          <div className="tile-label">pools revealed for claims</div>
          <div className="tile-value">{tokens(paid, token)}</div>
        </div>
      </div>

      <h3>Epochs</h3>
      <div className="table-scroll">
        <table data-testid={`public-epochs-${model.modelId}`}>
          <thead>
            <tr>
              <th>epoch</th>
              <th>status</th>
              <th>period</th>
              <th className="num">contributors</th>
              <th className="num">submissions</th>
              <th className="num">pool</th>
              <th className="num">revealed total score</th>
              <th className="num">claims</th>
              <th>settlement</th>
              <th>audit</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((epoch) => {
              const status = publicStatus(epoch, now);
              return (
                <tr key={epoch.epochId.toString()} data-testid={`public-epoch-${model.modelId}-${epoch.epochId}`}>
                  <td>#{epoch.epochId.toString()}</td>
                  <td>
                    <span className={`pill ${status.tone}`}>{status.text}</span>
                  </td>
                  <td className="small">
                    {dateTime(epoch.start)} → {dateTime(epoch.end)}
                    {epoch.state === "Open" && now < epoch.end && (
                      <div className="muted">ends in {duration(epoch.end - now)}</div>
                    )}
                  </td>
                  <td className="num">{epoch.participants.toString()}</td>
                  <td className="num">{epoch.submissions.toString()}</td>
                  <td className="num">{tokens(epoch.pool, token)}</td>
                  <td className="num" data-testid={`public-total-${model.modelId}-${epoch.epochId}`}>
                    {epoch.state === "Revealed" ? (
                      epoch.revealedTotal.toLocaleString("en-US")
                    ) : epoch.state === "Closed" ? (
                      <span className="muted">being revealed</span>
                    ) : (
                      <span className="muted">encrypted</span>
                    )}
                  </td>
                  <td className="num">
                    {epoch.state === "Revealed" ? `${epoch.claims} / ${epoch.participants}` : "—"}
                  </td>
                  <td className="small">{epoch.state !== "Revealed" ? "—" : epoch.settled ? "settled" : "not yet"}</td>
                  <td>
                    <AuditCell epoch={epoch} pending={details === undefined} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div className="two-columns">
        <BarChart
          title="Contributors per epoch"
          testId={`public-participants-chart-${model.modelId}`}
          bars={series.map((e) => ({
            label: `#${e.epochId}`,
            value: e.participants,
            caption: e.participants.toString(),
          }))}
        />
        <BarChart
          title={`Pool per epoch (${token.symbol})`}
          testId={`public-chart-${model.modelId}`}
          bars={series.map((e) => ({
            label: `#${e.epochId}`,
            value: e.pool,
            caption: tokens(e.pool, token).replace(` ${token.symbol}`, ""),
          }))}
        />
      </div>
      <div>
        <div>
          <h3>Audit</h3>
          {details === undefined ? (
            <p className="muted" data-testid={`public-audit-pending-${model.modelId}`}>
              Auditing… The epochs above are the indexer&apos;s record, not yet checked against the chain&apos;s digests
              and epochs.
            </p>
          ) : "error" in details.audit ? (
            <p className="fail">The audit could not run: {details.audit.error}</p>
          ) : (
            <div data-testid={`public-audit-${model.modelId}`}>
              <p className={details.audit.ok ? "ok" : "fail"}>
                {details.audit.ok ? "✓ Passed" : "✗ Failed"}: blocks {details.audit.fromBlock}–{details.audit.toBlock},
                every epoch&apos;s hash chain rebuilt from the events
                {details.audit.settlements.length > 0 ? ", settlements checked" : ""} and every reveal&apos;s KMS proof
                re-verified.
              </p>
              {details.audit.findings.length > 0 && (
                <ul className="findings">
                  {details.audit.findings.map((f, i) => (
                    <li key={i}>
                      epoch {f.epochId.toString()}, {f.step}: {f.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {details !== undefined && details.rowMismatches.length > 0 && (
            <div className="fail" data-testid={`public-row-mismatches-${model.modelId}`}>
              <p>✗ The indexer&apos;s epochs differ from the chain&apos;s; the table now shows the chain&apos;s:</p>
              <ul className="findings">
                {details.rowMismatches.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>

      {details === undefined ? (
        <p className="muted small">Reading the rules…</p>
      ) : (
        <>
          <h3>Rules in force (version {details.rules.version.toString()})</h3>
          <RulesTable rules={details.rules} />
        </>
      )}

      {details !== undefined && (
        <>
          <h3>Rules history</h3>
          <div className="table-scroll">
            <table className="compact" data-testid={`public-rules-history-${model.modelId}`}>
              <thead>
                <tr>
                  <th>version</th>
                  <th>applied to epochs</th>
                  <th>change</th>
                </tr>
              </thead>
              <tbody>
                {details.history.map((version, i) => (
                  <tr key={version.version.toString()}>
                    <td>v{version.version.toString()}</td>
                    <td>
                      {version.epochs.length > 0
                        ? version.epochs.map((e) => `#${e}`).join(", ")
                        : "from the next epoch"}
                    </td>
                    <td className="small">
                      {i === 0 ? "initial rules" : changesBetween(model.pool, details.history[i - 1], version)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {governed !== undefined && (
        <>
          <h3>Proposals</h3>
          {dao === undefined ? (
            <p className="muted small">
              Governed by {shortAddress(model.governance)}, whose proposals cannot be read:{" "}
              {"unreadable" in governed.dao ? governed.dao.unreadable : ""}.
            </p>
          ) : dao.proposals.length === 0 ? (
            <p className="muted small">No proposal yet.</p>
          ) : (
            <ProposalList
              view={governed}
              dao={dao}
              block={block}
              now={now}
              busy={false}
              testId={`public-proposals-${model.modelId}`}
            />
          )}
          <p className="small">
            <a href="#/governance">Vote, propose or delegate in the governance view →</a>
          </p>
        </>
      )}
    </section>
  );
}

/** Across models: funded and paid per payout token, with a chart. */
function OverviewSection({
  totals,
  models,
  auditing,
}: {
  totals: TokenTotals[];
  models: ModelSummary[];
  /** Some rows are the indexer's, not yet audited: the totals say so. */
  auditing: boolean;
}) {
  const epochs = models.reduce((n, m) => n + m.epochs.length, 0);
  const contributions = models.reduce((n, m) => n + m.epochs.reduce((s, e) => s + Number(e.participants), 0), 0);
  return (
    <section className="card" data-testid="explorer-overview" aria-labelledby="overview-title">
      <h2 id="overview-title">All models</h2>
      <p className="muted small">
        {plural(models.length, "readable model")} · {plural(epochs, "epoch")} · {contributions.toLocaleString("en-US")}{" "}
        contributor-epochs (a contributor counts once per epoch). Paid = the pools of revealed epochs, which their
        contributors claim; rounding dust and noise hold-back go back to later pools through settlements (returned).
      </p>
      {auditing && (
        <p className="muted small" data-testid="explorer-totals-auditing">
          Auditing: these totals include the indexer&apos;s rows that are not yet checked against the chain.
        </p>
      )}
      <div className="table-scroll">
        <table data-testid="explorer-totals">
          <thead>
            <tr>
              <th>payout token</th>
              <th className="num">models</th>
              <th className="num">funded</th>
              <th className="num">paid</th>
              <th className="num">returned</th>
              <th className="num">in open pools</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((t) => (
              <tr
                key={t.token.address}
                data-testid={`explorer-token-${t.token.official ? "official" : t.token.address}`}
              >
                <td>
                  <TokenBadge token={t.token} />
                </td>
                <td className="num">{t.models}</td>
                <td className="num">{t.funded === undefined ? "—" : tokens(t.funded, t.token)}</td>
                <td className="num">
                  {tokens(t.paid, t.token)}
                  <div className="muted small">{plural(t.revealedEpochs, "revealed epoch")}</div>
                </td>
                <td className="num">{tokens(t.returned, t.token)}</td>
                <td className="num">{tokens(t.pending, t.token)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <GroupedBarChart
        title="Funded vs paid, per payout token"
        series={["funded", "paid"]}
        testId="explorer-funded-paid-chart"
        groups={totals.map((t) => ({
          label: t.token.official ? t.token.symbol : `${t.token.symbol} (${shortAddress(t.token.address)})`,
          values: [t.funded, t.paid],
          captions: [
            t.funded === undefined ? "unknown" : tokens(t.funded, t.token).replace(` ${t.token.symbol}`, ""),
            tokens(t.paid, t.token).replace(` ${t.token.symbol}`, ""),
          ],
        }))}
      />
    </section>
  );
}

function AggregatesSection({ aggregates }: { aggregates: AggregateStatus[] }) {
  if (aggregates.length === 0) return null;
  return (
    <section className="card" data-testid="aggregates">
      <h2>Metrics across models</h2>
      <p className="small" data-testid="aggregate-summary">
        {aggregates
          .map(
            (a) =>
              `${displayText(a.name, 32).text}: ${plural(a.rounds.length, "round")}, ${a.rounds.filter((r) => r.revealed).length} published`,
          )
          .join(" · ")}
      </p>
      <p className="muted small">
        Each round sums a metric over the models the aggregate governance approved. Rounds end on a fixed daily grid (a
        round still below k at its end runs one more day); a round&apos;s sum is published only after its end, once at
        least k distinct contributors fed it, plus random noise, and the next round starts from zero, so no public sum
        can be narrowed to anyone.
      </p>
      {aggregates.map((a) => (
        <div key={a.name}>
          <h3>
            <SafeName value={a.name} max={32} /> — published so far: {a.cumulative.toLocaleString("en-US")} (k ={" "}
            {a.minContributors.toString()}, each sum + noise below 2^{a.noiseBits.toString()})
          </h3>
          <div className="table-scroll">
            <table className="compact">
              <thead>
                <tr>
                  <th className="num">round</th>
                  <th className="num">contributors</th>
                  <th className="num">submissions</th>
                  <th>ends</th>
                  <th>state</th>
                  <th className="num">sum + noise</th>
                </tr>
              </thead>
              <tbody>
                {a.rounds.map((r) => (
                  <tr key={r.round.toString()}>
                    <td className="num">{r.round.toString()}</td>
                    <td className="num">{r.contributors.toString()}</td>
                    <td className="num">{r.submissions.toString()}</td>
                    <td>
                      {r.end === 0n ? "—" : new Date(Number(r.end) * 1000).toISOString().slice(0, 16).replace("T", " ")}
                    </td>
                    <td>{r.revealed ? "published" : r.closed ? "sealed, awaiting the KMS" : "open"}</td>
                    <td className="num">{r.value === undefined ? "encrypted" : r.value.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </section>
  );
}

export function PublicView({ chain, block }: { chain: AppChain; block: number }) {
  const { models, now, head: chainBlock, error } = usePublicRecord(chain, block);
  const [governed, setGoverned] = useState<GovernedModelView[]>([]);
  const [aggregates, setAggregates] = useState<AggregateStatus[]>([]);
  const [query, setQuery] = useState("");

  // The proposals of the governed models and the cross-model aggregates never hold back the epochs.
  const pools = (models ?? []).filter((v): v is ModelSummary => !isUnreadable(v)).map((v) => v.model);
  const poolKey = pools.map((m) => m.pool).join(",");
  useEffect(() => {
    let stale = false;
    void loadAggregatesOrNone(chain).then((sums) => !stale && setAggregates(sums));
    if (pools.length > 0) {
      loadGovernedModels(chain, pools).then(
        (daos) => !stale && setGoverned(daos),
        () => undefined, // an unreadable DAO is said per model
      );
    }
    return () => {
      stale = true;
    };
    // `pools` is a new array at every render: `poolKey` names it.
  }, [chain, block, poolKey]);

  const readable = (models ?? []).filter((v): v is ModelSummary => !isUnreadable(v));
  const shown = models?.filter((v) => matchesSearch(v.model, query));
  const unaudited = readable.some((v) => !isAudited(v));
  const failed = readable.some((v) => isAudited(v) && !auditPassed(v));

  return (
    <div data-testid="public-view">
      <p className="intro">
        Public record of every model: pool sizes, epoch totals (revealed only once enough contributors took part),
        participant counts, rules and proposals. Individual metrics, scores, shares and balances stay encrypted and
        never appear here.
      </p>
      {readable.length > 0 && (
        <p className="muted small" data-testid="record-source">
          {readable[0].source === "indexer"
            ? `Source: the indexer at ${chain.indexerUrl ?? "?"} — ${
                unaudited
                  ? "auditing against the chain's digests and epochs…"
                  : failed
                    ? "✗ its record failed the audit against the chain (see each model's audit)"
                    : "✓ audited: its events rebuild the chain's digests and its epochs equal the chain's"
              }`
            : "Source: the chain's logs, read in pages"}
        </p>
      )}
      {error && <ErrorBanner error={error} />}
      {models === undefined && !error && <p className="muted">Loading the models…</p>}
      {models !== undefined && models.length === 0 && (
        <div className="card">
          <p>
            The registry has no model yet. Create one with{" "}
            <code>
              npx hardhat royalties deploy-model --network {NETWORK.name} --name my-model --metrics
              computeUnits:3:1000000
            </code>
            .
          </p>
        </div>
      )}
      {readable.length > 0 && (
        <OverviewSection totals={totalsByToken(readable)} models={readable} auditing={unaudited} />
      )}
      {models !== undefined && models.length > 0 && (
        <section className="card search" role="search" aria-label="Search models">
          <label className="field" htmlFor="model-search">
            Search by model name, #id or pool address
          </label>
          <input
            id="model-search"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="e.g. subnet, #3 or 0x5FbD…"
            spellCheck={false}
            data-testid="explorer-search"
          />
          <span className="muted small" aria-live="polite" data-testid="explorer-search-count">
            {query.trim() === ""
              ? `${plural(models.length, "model")}`
              : `${plural(shown?.length ?? 0, "model")} of ${models.length} match`}
          </span>
        </section>
      )}
      {shown?.map((view) =>
        isUnreadable(view) ? (
          <UnreadableCard key={view.model.pool} entry={view} testId={`public-model-${view.model.modelId}`} />
        ) : (
          <ModelSection
            key={view.model.pool}
            view={view}
            now={now}
            block={chainBlock}
            governed={governed.find((g) => g.model.pool === view.model.pool)}
          />
        ),
      )}
      {query.trim() === "" && <AggregatesSection aggregates={aggregates} />}
    </div>
  );
}
