/** A contributor's epochs of one model, with what they can do with each. */
import { isAddress } from "ethers";
import { useState } from "react";
import { Secret } from "../../components/Secret";
import type { ContributorModelView } from "../../data";
import { shortAddress, tokens } from "../../format";
import { contributorStatus } from "../../status";
import { claimHint, key } from "./common";
import type { Actions, ModelCardProps } from "./common";

function ClaimControl({
  view,
  epochId,
  busy,
  act,
}: {
  view: ContributorModelView;
  epochId: bigint;
  busy: boolean;
  act: Actions;
}) {
  const id = `${view.model.modelId}-${epochId}`;
  return (
    <div className="claim">
      <button
        disabled={busy}
        data-testid={`claim-${id}`}
        title="Computes your share under FHE and credits it to your encrypted vault balance; withdraw it from Your payouts."
        onClick={() => act.claim(view, epochId)}
      >
        Claim
      </button>
    </div>
  );
}

/** Viewers of one epoch, and a form to grant one more (closed or revealed epochs only). */
function DisclosureCell({
  view,
  epochId,
  state,
  busy,
  act,
}: {
  view: ContributorModelView;
  epochId: bigint;
  state: string;
  busy: boolean;
  act: Actions;
}) {
  const [viewer, setViewer] = useState("");
  const [problem, setProblem] = useState<string>();
  const id = `${view.model.modelId}-${epochId}`;
  if (state !== "Closed" && state !== "Revealed") {
    return <span className="muted small">after the epoch closes</span>;
  }
  const granted = view.disclosures[epochId.toString()] ?? { viewers: [], shareClaimed: false };
  return (
    <div className="disclosure" data-testid={`disclosures-${id}`}>
      {granted.viewers.length === 0 ? (
        <div className="muted small">nobody</div>
      ) : (
        granted.viewers.map((v) => (
          <div key={v} className="small">
            <code title={v}>{shortAddress(v)}</code>{" "}
            <span className="muted">{granted.shareClaimed ? "score + share" : "score; share when claimed"}</span>
          </div>
        ))
      )}
      <input
        placeholder="auditor 0x…"
        value={viewer}
        data-testid={`viewer-${id}`}
        onChange={(event) => setViewer(event.target.value)}
      />
      <button
        className="secondary small"
        disabled={busy}
        data-testid={`disclose-${id}`}
        title="Lets this address decrypt your score and share of this epoch. Permanent: it cannot be revoked."
        onClick={() => {
          const to = viewer.trim();
          if (!isAddress(to)) {
            act.dismiss();
            setProblem("The viewer must be a 0x… address.");
            return;
          }
          setProblem(undefined);
          act.disclose(view, epochId, to);
        }}
      >
        Disclose
      </button>
      {problem && <div className="fail small">{problem}</div>}
    </div>
  );
}

/** The contributor's epochs of a model: status, encrypted score and share, claim, verification, disclosures. */
export function EpochTable({ view, busy, decrypted, verifications, act }: Omit<ModelCardProps, "now">) {
  const { model, token, epochs, mine } = view;
  const epochOf = (id: bigint) => epochs.find((e) => e.epochId === id);
  return (
    <table data-testid={`my-epochs-${model.modelId}`}>
      <thead>
        <tr>
          <th>epoch</th>
          <th>status</th>
          <th className="num">submissions</th>
          <th>your score</th>
          <th>your share</th>
          <th>actions</th>
          <th>disclosed to</th>
        </tr>
      </thead>
      <tbody>
        {mine.map((m) => {
          const epoch = epochOf(m.epochId);
          const status = contributorStatus(m, epoch);
          const id = `${model.modelId}-${m.epochId}`;
          const check = verifications[key(model.pool, m.epochId, "share")];
          return (
            <tr key={id} data-testid={`my-epoch-${id}`}>
              <td>#{m.epochId.toString()}</td>
              <td>
                <span className={`pill ${status.tone}`} data-testid={`status-${id}`}>
                  {status.text}
                </span>
              </td>
              <td className="num">{m.submissions.toString()}</td>
              <td>
                <Secret
                  value={decrypted[key(model.pool, m.epochId, "score")]}
                  format={(v) => v.toLocaleString("en-US")}
                  onDecrypt={() => act.decryptScore(view, m.epochId)}
                  busy={busy}
                  testId={`score-${id}`}
                  label="Decrypt score"
                />
              </td>
              <td>
                <Secret
                  value={decrypted[key(model.pool, m.epochId, "share")]}
                  format={(v) => tokens(v, token)}
                  onDecrypt={m.claimed ? () => act.decryptShare(view, m.epochId) : undefined}
                  busy={busy}
                  testId={`share-${id}`}
                  label="Decrypt share"
                />
                {check && (
                  <div className={check.ok ? "ok small" : "fail small"} data-testid={`verified-${id}`}>
                    {check.ok
                      ? `✓ verified: ⌊score ${check.score.toLocaleString("en-US")} × pool ${tokens(check.pool, token)} / total ${check.total.toLocaleString("en-US")}⌋ = ${tokens(check.exact, token)}${check.share === check.exact ? "" : ", paid 1 unit less (the documented rounding)"}`
                      : `✗ expected ${tokens(check.expected, token)}, got ${tokens(check.share, token)}`}
                  </div>
                )}
              </td>
              <td>
                {m.claimable && <ClaimControl view={view} epochId={m.epochId} busy={busy} act={act} />}
                {m.claimed && (
                  <button
                    className="secondary small"
                    disabled={busy}
                    data-testid={`verify-${id}`}
                    onClick={() => act.verify(view, m.epochId)}
                  >
                    Verify share
                  </button>
                )}
                {!m.claimable && !m.claimed && <span className="muted small">{claimHint(m.state)}</span>}
              </td>
              <td>
                <DisclosureCell view={view} epochId={m.epochId} state={m.state} busy={busy} act={act} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
