/**
 * What any observer sees, without a wallet: models, epochs, pool sizes, revealed totals (only past
 * k-anonymity), participant counts, the rules in force and their history, and the audit of each
 * epoch. Nothing here is about one contributor.
 */
import { ZeroAddress } from "ethers";
import { useEffect, useState } from "react";

import { describeRulesChange } from "../../../src/governance";
import { sybilWarning } from "../../../src/privacy";
import type { RulesInfo } from "../../../src/actions/read";
import type { AggregateStatus } from "../../../src/actions/aggregates";
import type { AppChain } from "../chain";
import { NETWORK } from "../config";
import { BarChart } from "../components/BarChart";
import { ErrorBanner } from "../components/Banners";
import { SafeName, TokenBadge, UnreadableCard } from "../components/Untrusted";
import { chainNow, isUnreadable, loadAggregatesOrNone, loadPublicModels } from "../data";
import type { EpochView, ModelView, UnreadableModel } from "../data";
import { describeError } from "../errors";
import type { ErrorReport } from "../errors";
import { dateTime, duration, plural, shortAddress, tokens } from "../format";
import { publicStatus } from "../status";
import { displayText } from "../untrusted";

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

function AuditCell({ epoch }: { epoch: EpochView }) {
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

function ModelSection({ view, now }: { view: ModelView; now: bigint }) {
  const { model, token, epochs, rules, history, audit } = view;
  const current = epochs[0];
  const paid = epochs.filter((e) => e.state === "Revealed").reduce((sum, e) => sum + e.pool, 0n);
  const chronological = [...epochs].reverse();
  return (
    <section className="card model" data-testid={`public-model-${model.modelId}`}>
      <header className="model-head">
        <h2>
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
          <div className="muted small">k = {rules.minParticipants.toString()}</div>
        </div>
        <div className="tile">
          <div className="tile-label">pools revealed for claims</div>
          <div className="tile-value">{tokens(paid, token)}</div>
        </div>
      </div>

      <h3>Epochs</h3>
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
                <td className="num">{epoch.state === "Revealed" ? `${epoch.claims} / ${epoch.participants}` : "—"}</td>
                <td>
                  <AuditCell epoch={epoch} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <div className="two-columns">
        <BarChart
          title={`Pool per epoch (${token.symbol})`}
          testId={`public-chart-${model.modelId}`}
          bars={chronological.map((e) => ({
            label: `#${e.epochId}`,
            value: e.pool,
            caption: tokens(e.pool, token).replace(` ${token.symbol}`, ""),
          }))}
        />
        <div>
          <h3>Audit</h3>
          {"error" in audit ? (
            <p className="fail">The audit could not run: {audit.error}</p>
          ) : (
            <div data-testid={`public-audit-${model.modelId}`}>
              <p className={audit.ok ? "ok" : "fail"}>
                {audit.ok ? "✓ Passed" : "✗ Failed"}: blocks {audit.fromBlock}–{audit.toBlock}, every epoch's hash chain
                rebuilt from the events{audit.settlements.length > 0 ? ", settlements checked" : ""} and every reveal's
                KMS proof re-verified.
              </p>
              {audit.findings.length > 0 && (
                <ul className="findings">
                  {audit.findings.map((f, i) => (
                    <li key={i}>
                      epoch {f.epochId.toString()}, {f.step}: {f.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      </div>

      <h3>Rules in force (version {rules.version.toString()})</h3>
      <RulesTable rules={rules} />

      <h3>Rules history</h3>
      <table className="compact" data-testid={`public-rules-history-${model.modelId}`}>
        <thead>
          <tr>
            <th>version</th>
            <th>applied to epochs</th>
            <th>change</th>
          </tr>
        </thead>
        <tbody>
          {history.map((version, i) => (
            <tr key={version.version.toString()}>
              <td>v{version.version.toString()}</td>
              <td>
                {version.epochs.length > 0 ? version.epochs.map((e) => `#${e}`).join(", ") : "from the next epoch"}
              </td>
              <td className="small">
                {i === 0 ? "initial rules" : changesBetween(model.pool, history[i - 1], version)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AggregatesSection({ aggregates }: { aggregates: AggregateStatus[] }) {
  if (aggregates.length === 0) return null;
  return (
    <section className="card" data-testid="aggregates">
      <h2>Metrics across models</h2>
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
      ))}
    </section>
  );
}

export function PublicView({ chain, block }: { chain: AppChain; block: number }) {
  const [models, setModels] = useState<(ModelView | UnreadableModel)[]>();
  const [aggregates, setAggregates] = useState<AggregateStatus[]>([]);
  const [now, setNow] = useState<bigint>(0n);
  const [error, setError] = useState<ErrorReport>();

  useEffect(() => {
    let stale = false;
    Promise.all([loadPublicModels(chain), chainNow(chain.provider), loadAggregatesOrNone(chain)])
      .then(([loaded, time, sums]) => {
        if (stale) return;
        setModels(loaded);
        setAggregates(sums);
        setNow(time);
        setError(undefined);
      })
      .catch((caught: unknown) => !stale && setError(describeError(caught)));
    return () => {
      stale = true;
    };
  }, [chain, block]);

  return (
    <div data-testid="public-view">
      <p className="intro">
        Public record of every model: pool sizes, epoch totals (revealed only once enough contributors took part),
        participant counts and rules. Individual metrics, scores, shares and balances stay encrypted and never appear
        here.
      </p>
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
      {models?.map((view) =>
        isUnreadable(view) ? (
          <UnreadableCard key={view.model.pool} entry={view} testId={`public-model-${view.model.modelId}`} />
        ) : (
          <ModelSection key={view.model.pool} view={view} now={now} />
        ),
      )}
      <AggregatesSection aggregates={aggregates} />
    </div>
  );
}
