/** A model's card in the contributor view. */
import { BarChart } from "../../components/BarChart";
import { OperationBanners } from "../../components/Banners";
import { GatedButton } from "../../components/GatedButton";
import { SafeName, TokenBadge } from "../../components/Untrusted";
import { dateTime, duration, plural, shortAddress, tokens } from "../../format";
import { closeGate, whenIdle } from "../../guards";
import type { Operations } from "../../operation";
import { contributorStatus, publicStatus } from "../../status";
import { RulesTable } from "../PublicView";
import { EpochTable } from "./EpochTable";
import { SubmitForm } from "./SubmitForm";
import { key, tokenAmount } from "./common";
import type { ModelCardProps } from "./common";

/** One model the contributor may take part in: its epoch bar, submission form, epochs, chart and rules. */
export function ModelCard({
  view,
  now,
  busy,
  decrypted,
  verifications,
  act,
  ops,
}: ModelCardProps & { ops: Operations }) {
  const { model, token, epochs, mine, rules } = view;
  const current = epochs[0];
  const closeable = whenIdle(closeGate(current, now), busy);
  const closed = epochs.filter((e) => e.state === "Closed");
  const epochOf = (id: bigint) => epochs.find((e) => e.epochId === id);
  const chronological = [...mine].reverse();
  const claimedCount = mine.filter((m) => m.claimed).length;
  const undecryptedShares = mine.filter(
    (m) => m.claimed && decrypted[key(model.pool, m.epochId, "share")] === undefined,
  );

  return (
    <section className="card model" data-testid={`model-${model.modelId}`}>
      <OperationBanners ops={ops} scope={model.pool} />
      <header className="model-head">
        <h2>
          <SafeName value={model.name} /> <span className="muted">#{model.modelId.toString()}</span>
        </h2>
        <div className="muted small">
          {mine.length > 0
            ? `You took part in ${plural(mine.length, "epoch")}: ${chronological.map((m) => `#${m.epochId}`).join(", ")}`
            : "You have not contributed to this model yet."}{" "}
          · paid in <TokenBadge token={token} /> · pool <code title={model.pool}>{shortAddress(model.pool)}</code>
        </div>
      </header>

      {current && (
        <div className="epoch-bar">
          <div>
            <strong>Epoch #{current.epochId.toString()}</strong>{" "}
            <span className={`pill ${publicStatus(current, now).tone}`}>{publicStatus(current, now).text}</span>
            <div className="muted small">
              {current.participants.toString()} of k = {rules.minParticipants.toString()} contributors · pool{" "}
              {tokens(current.pool, token)} ·{" "}
              {now < current.end ? `ends in ${duration(current.end - now)}` : `ended ${dateTime(current.end)}`}
            </div>
          </div>
          <div className="action">
            <GatedButton
              className="secondary"
              gate={closeable}
              testId={`close-${model.modelId}`}
              title="Anyone may close an ended epoch; with fewer than k contributors it rolls over instead."
              onClick={() => act.close(view)}
            >
              Close epoch #{current.epochId.toString()}
            </GatedButton>
          </div>
        </div>
      )}
      {closed.map((epoch) => (
        <div className="epoch-bar" key={epoch.epochId.toString()}>
          <div>
            <strong>Epoch #{epoch.epochId.toString()}</strong> <span className="pill closed">closed</span>
            <div className="muted small">Its total is publicly decryptable: reveal it so that everyone can claim.</div>
          </div>
          <button
            disabled={busy}
            data-testid={`reveal-${model.modelId}-${epoch.epochId}`}
            onClick={() => act.reveal(view, epoch.epochId)}
          >
            Reveal total of #{epoch.epochId.toString()}
          </button>
        </div>
      ))}

      <h3>Submit a contribution</h3>
      <SubmitForm view={view} now={now} busy={busy} act={act} />

      <h3>Your epochs</h3>
      {mine.length === 0 ? (
        <p className="muted">Nothing yet: your epochs appear here after your first submission.</p>
      ) : (
        <EpochTable view={view} busy={busy} decrypted={decrypted} verifications={verifications} act={act} />
      )}

      {mine.length > 0 && (
        <div className="chart-row">
          <BarChart
            title={`Your royalties per epoch (${token.symbol})`}
            testId={`chart-${model.modelId}`}
            bars={chronological.map((m) => {
              const share = decrypted[key(model.pool, m.epochId, "share")];
              if (share !== undefined)
                return { label: `#${m.epochId}`, value: share, caption: tokenAmount(share, token) };
              if (m.claimed) return { label: `#${m.epochId}`, caption: "encrypted" };
              return { label: `#${m.epochId}`, value: 0n, caption: contributorStatus(m, epochOf(m.epochId)).text };
            })}
          />
          {claimedCount > 0 && undecryptedShares.length > 0 && (
            <button className="secondary" disabled={busy} onClick={() => act.decryptAllShares(view)}>
              Decrypt {plural(undecryptedShares.length, "share")} for the chart
            </button>
          )}
        </div>
      )}

      <details>
        <summary>Rules of the current epoch (version {rules.version.toString()})</summary>
        <RulesTable rules={rules} />
      </details>
    </section>
  );
}
