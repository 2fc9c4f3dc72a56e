/**
 * A contributor's dashboard: the models they take part in, a submission form per model (metrics
 * encrypted in the page), their epochs with status, decrypt-on-click of their own score and share, claims
 * (each credits the encrypted balance in the registry's payout vault), share verification, a chart of their
 * royalties, the auditors they let decrypt chosen epochs (selective disclosure), and their payouts (vault
 * balances, cross-model earnings, Claim all and Withdraw: see PayoutsCard).
 */
import { isAddress } from "ethers";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";

import {
  claimRoyalty,
  claimAll,
  submitContribution,
  decryptVaultBalance,
  getEarnings,
  grantDisclosure,
  decryptPayoutBalance,
  decryptScore,
  decryptShare,
  connectVault,
  vaultOfPool,
  withdraw,
  closeEpoch,
  revealEpochTotal,
  verifyShare,
  RoyaltiesError,
  contributionScore,
} from "../../../src";
import type { VaultClient, ShareVerification, PoolClient } from "../../../src";
import type { AppChain } from "../chain";
import { NETWORK } from "../config";
import { BarChart } from "../components/BarChart";
import { ErrorBanner, OperationBanners } from "../components/Banners";
import { Secret } from "../components/Secret";
import { SafeName, TokenBadge, UnreadableCard } from "../components/Untrusted";
import { chainNow, isUnreadable, loadContributorModel, loadContributorModels, loadVaultState } from "../data";
import type { ContributorModelView, TokenInfo, UnreadableModel, VaultState } from "../data";
import { describeError } from "../errors";
import type { ErrorReport } from "../errors";
import { lazyFheBackend } from "../fhe";
import { dateTime, duration, plural, shortAddress, tokens } from "../format";
import { closeGate, submitGate, whenIdle } from "../guards";
import { useOperations, withPhases } from "../operation";
import type { Operations, Report } from "../operation";
import { contributorStatus, publicStatus } from "../status";
import { countedMetrics, displayText } from "../untrusted";
import { assertWalletNetwork } from "../wallet";
import type { Wallet } from "../wallet";
import { PAYOUTS_SCOPE, PayoutsCard } from "./PayoutsCard";
import type { ClaimablePair, DecryptedPayouts, PayoutActions } from "./PayoutsCard";
import { RulesTable } from "./PublicView";

function withReport(client: PoolClient, report: Report): PoolClient {
  return client.fhe === undefined ? client : { ...client, fhe: withPhases(client.fhe, report) };
}

function txLink(hash: string): string {
  return NETWORK.explorer ? `${NETWORK.explorer}/tx/${hash}` : hash;
}

const WHOLE_NUMBER = /^\d+$/;

type Decrypted = Record<string, bigint>;
const key = (pool: string, epochId: bigint, what: "score" | "share") => `${pool}:${epochId}:${what}`;

interface ModelCardProps {
  view: ContributorModelView;
  now: bigint;
  busy: boolean;
  decrypted: Decrypted;
  verifications: Record<string, ShareVerification>;
  act: Actions;
}

interface Actions {
  submit(view: ContributorModelView, metrics: bigint[]): void;
  close(view: ContributorModelView): void;
  reveal(view: ContributorModelView, epochId: bigint): void;
  decryptScore(view: ContributorModelView, epochId: bigint): void;
  decryptShare(view: ContributorModelView, epochId: bigint): void;
  decryptAllShares(view: ContributorModelView): void;
  claim(view: ContributorModelView, epochId: bigint): void;
  verify(view: ContributorModelView, epochId: bigint): void;
  disclose(view: ContributorModelView, epochId: bigint, viewer: string): void;
  /** Clears the last notice and error (a form found a problem before sending anything). */
  dismiss(): void;
}

function SubmitForm({ view, now, busy, act }: Omit<ModelCardProps, "decrypted" | "verifications">) {
  const { rules, currentEpochId, epochs, model } = view;
  const current = epochs[0];
  const [values, setValues] = useState<string[]>(() => rules.metrics.map(() => ""));
  const [problem, setProblem] = useState<string>();
  // The view reloads every block: only a new schema (another rules version or model) or a counted
  // submission (the card is read again after it) clears the form.
  const schema = `${model.pool}:${rules.version}:${rules.metrics.length}:${view.currentSubmissions}`;
  useEffect(() => setValues(Array.from({ length: Number(schema.split(":")[2]) }, () => "")), [schema]);

  const parsed = values.map((v) => v.trim().replace(/_/g, ""));
  const valid = parsed.every((v) => WHOLE_NUMBER.test(v) && BigInt(v) < 2n ** 64n);
  const preview = valid ? contributionScore(parsed.map(BigInt), rules.metrics) : undefined;
  const left = rules.maxSubmissionsPerContributor - view.currentSubmissions;
  const gate = whenIdle(submitGate(current, now, left), busy);
  // What the pool will count for each metric: min(value, cap), shown before anything is sent.
  const counted = countedMetrics(
    parsed.map((v) => (WHOLE_NUMBER.test(v) && BigInt(v) < 2n ** 64n ? BigInt(v) : 0n)),
    rules.metrics.map((m) => m.cap),
  );

  if (rules.attestationRequired) {
    return (
      <p className="muted">
        This model's rules accept contributions from its attestors only: they submit metrics about you, and you claim
        and decrypt as usual.
      </p>
    );
  }
  return (
    <form
      className="submit-form"
      data-testid={`submit-form-${model.modelId}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) {
          act.dismiss();
          setProblem("Enter a whole number (0 or more, below 2^64) for every metric.");
          return;
        }
        setProblem(undefined);
        act.submit(view, parsed.map(BigInt));
      }}
    >
      <div className="metric-inputs">
        {rules.metrics.map((metric, i) => (
          <label key={i}>
            <SafeName value={metric.name} max={32} />
            <input
              inputMode="numeric"
              placeholder={`0 – ${metric.cap.toLocaleString("en-US")} counts`}
              value={values[i] ?? ""}
              data-testid={`metric-${model.modelId}-${metric.name}`}
              onChange={(event) => {
                const next = [...values];
                next[i] = event.target.value;
                setValues(next);
              }}
            />
            <span className="muted small">
              weight {metric.weight.toString()}, capped at {metric.cap.toLocaleString("en-US")}
            </span>
            {counted[i]?.capped && (
              <span className="warn-badge" data-testid={`capped-${model.modelId}-${i}`}>
                above the cap: {counted[i].counted.toLocaleString("en-US")} will be counted, not{" "}
                {counted[i].entered.toLocaleString("en-US")}
              </span>
            )}
          </label>
        ))}
      </div>
      <div className="submit-row">
        <button
          type="submit"
          disabled={!gate.open}
          title={gate.reason}
          aria-describedby={`submit-reason-${model.modelId}`}
          data-testid={`submit-${model.modelId}`}
        >
          Encrypt &amp; submit to epoch #{currentEpochId.toString()}
        </button>
        <span
          className="muted small"
          id={`submit-reason-${model.modelId}`}
          data-testid={`submit-reason-${model.modelId}`}
        >
          {preview !== undefined && `adds ${preview.toLocaleString("en-US")} to your encrypted score (after caps) · `}
          {gate.open || gate.reason === "another operation is running"
            ? left > 0n
              ? `${plural(left, "submission")} left this epoch`
              : "no submission left this epoch"
            : `cannot submit: ${gate.reason}`}
        </span>
      </div>
      {problem && <p className="fail small">{problem}</p>}
      <p className="muted small">
        The values are encrypted in this browser; the chain, the other contributors and the model's operators never see
        them.
      </p>
    </form>
  );
}

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

function ModelCard({ view, now, busy, decrypted, verifications, act, ops }: ModelCardProps & { ops: Operations }) {
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
            <button
              className="secondary"
              disabled={!closeable.open}
              data-testid={`close-${model.modelId}`}
              aria-describedby={`close-reason-${model.modelId}`}
              title="Anyone may close an ended epoch; with fewer than k contributors it rolls over instead."
              onClick={() => act.close(view)}
            >
              Close epoch #{current.epochId.toString()}
            </button>
            {!closeable.open && (
              <span
                className="muted small gate-reason"
                id={`close-reason-${model.modelId}`}
                data-testid={`close-reason-${model.modelId}`}
              >
                {closeable.reason}
              </span>
            )}
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

/** A model's name as banners show it (invisible characters escaped, long names cut). */
function nameOf(view: ContributorModelView): string {
  return displayText(view.model.name).text;
}

function tokenAmount(units: bigint, token: TokenInfo): string {
  return tokens(units, token).replace(` ${token.symbol}`, "");
}

/** The payout tokens of the readable models. */
function tokenAddresses(models: readonly (ContributorModelView | UnreadableModel)[]): string[] {
  return [...new Set(models.flatMap((m) => (isUnreadable(m) ? [] : [m.token.address])))];
}

function claimHint(state: string): string {
  if (state === "Open") return "claim once the epoch is closed and revealed";
  if (state === "Closed") return "claim once the total is revealed";
  return "nothing owed";
}

export function ContributorView({
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
  const [models, setModels] = useState<(ContributorModelView | UnreadableModel)[]>();
  const [now, setNow] = useState(0n);
  const [loadError, setLoadError] = useState<ErrorReport>();
  const [decrypted, setDecrypted] = useState<Decrypted>({});
  const [verifications, setVerifications] = useState<Record<string, ShareVerification>>({});
  const [vaultState, setVaultState] = useState<VaultState>();
  const [payouts, setPayouts] = useState<Record<string, DecryptedPayouts>>({});
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const ops = useOperations(reload);
  const fhe = useMemo(() => (wallet ? lazyFheBackend(wallet.eip1193) : undefined), [wallet]);

  useEffect(() => {
    setDecrypted({});
    setVerifications({});
    setModels(undefined);
    setVaultState(undefined);
    setPayouts({});
  }, [wallet]);

  useEffect(() => {
    if (wallet === undefined || fhe === undefined) return;
    // While an operation runs, the view keeps what it shows; the operation reloads when it ends.
    if (ops.busy) return;
    let stale = false;
    Promise.all([loadContributorModels(chain, wallet.signer, fhe), chainNow(chain.provider)])
      .then(async ([loaded, time]) => {
        const vault = await loadVaultState(chain, wallet.address, tokenAddresses(loaded));
        if (stale) return;
        setModels(loaded);
        setVaultState(vault);
        setNow(time);
        setLoadError(undefined);
      })
      .catch((caught: unknown) => !stale && setLoadError(describeError(caught)));
    return () => {
      stale = true;
    };
  }, [chain, wallet, fhe, block, reloads]);

  const remember = (entries: Decrypted) => setDecrypted((previous) => ({ ...previous, ...entries }));
  const rememberPayout = (token: string, entry: DecryptedPayouts) =>
    setPayouts((previous) => ({ ...previous, [token]: { ...previous[token], ...entry } }));
  /** Decrypted payout values of `token` that a transaction just changed: shown as encrypted again. */
  const forgetPayouts = (token: string, what: (keyof DecryptedPayouts)[]) =>
    setPayouts((previous) => {
      const entry = { ...previous[token] };
      for (const field of what) delete entry[field];
      return { ...previous, [token]: entry };
    });

  /** Reads which vault balances exist again (after a claim or a withdrawal). */
  const refreshVault = async (loaded: readonly (ContributorModelView | UnreadableModel)[]) => {
    if (wallet === undefined) return;
    setVaultState(await loadVaultState(chain, wallet.address, tokenAddresses(loaded)));
  };

  /** Reads the model again after one of the contributor's transactions, before its notice shows. */
  const refresh = async (view: ContributorModelView, report: Report) => {
    if (wallet === undefined || fhe === undefined) return;
    report("Mined: reading the model's new state…");
    const [fresh, time] = await Promise.all([
      loadContributorModel(chain, wallet.signer, fhe, view.model),
      chainNow(chain.provider),
    ]);
    const next = (models ?? []).map((m) => (m.model.pool === view.model.pool ? fresh : m));
    setModels((previous) => previous?.map((m) => (m.model.pool === view.model.pool ? fresh : m)));
    setNow(time);
    await refreshVault(next);
  };

  /** Reads every model again (after a transaction that spans models). */
  const refreshAll = async (report: Report) => {
    if (wallet === undefined || fhe === undefined) return;
    report("Mined: reading your models' new state…");
    const [loaded, time] = await Promise.all([
      loadContributorModels(chain, wallet.signer, fhe),
      chainNow(chain.provider),
    ]);
    setModels(loaded);
    setNow(time);
    await refreshVault(loaded);
  };

  /** The registry's payout vault, acting as the wallet; each FHE step shows as a phase of the operation. */
  const walletVault = async (report: Report): Promise<VaultClient> => {
    if (wallet === undefined || fhe === undefined) throw new RoyaltiesError("Connect a wallet first.");
    const address = vaultState?.address ?? (await chain.registry.payoutVault());
    return connectVault({ address, signer: wallet.signer, fhe: withPhases(fhe, report) });
  };

  const act: Actions = {
    submit: (view, metrics) =>
      void ops.run(
        `Submitting to ${nameOf(view)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          const result = await submitContribution(withReport(view.client, report), { metrics });
          await refresh(view, report);
          return `Your encrypted contribution was added to epoch #${result.epochId} of ${nameOf(view)} (tx ${txLink(result.receipt.hash)}).`;
        },
        view.model.pool,
      ),
    close: (view) =>
      void ops.run(
        `Closing epoch #${view.currentEpochId} of ${nameOf(view)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Sending the close transaction and waiting for it to be mined…");
          const result = await closeEpoch(view.client);
          await refresh(view, report);
          return result.closed
            ? `Epoch #${result.epochId} closed: its total is now publicly decryptable. Reveal it next.`
            : `Epoch #${result.epochId} has fewer than k = ${view.rules.minParticipants} contributors: it rolled over and stays open until ${dateTime(result.end)}.`;
        },
        view.model.pool,
      ),
    reveal: (view, epochId) =>
      void ops.run(
        `Revealing the total of epoch #${epochId}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          const result = await revealEpochTotal(withReport(view.client, report), { epochId });
          await refresh(view, report);
          return `Epoch #${epochId} revealed: total score ${result.total.toLocaleString("en-US")}. Contributors can claim now.`;
        },
        view.model.pool,
      ),
    decryptScore: (view, epochId) =>
      void ops.run(
        `Decrypting your score for epoch #${epochId}`,
        async (report) => {
          const score = await decryptScore(withReport(view.client, report), { epochId });
          remember({ [key(view.model.pool, epochId, "score")]: score });
        },
        view.model.pool,
      ),
    decryptShare: (view, epochId) =>
      void ops.run(
        `Decrypting your share of epoch #${epochId}`,
        async (report) => {
          const share = await decryptShare(withReport(view.client, report), { epochId });
          remember({ [key(view.model.pool, epochId, "share")]: share });
        },
        view.model.pool,
      ),
    decryptAllShares: (view) =>
      void ops.run(
        `Decrypting your shares in ${nameOf(view)}`,
        async (report) => {
          const client = withReport(view.client, report);
          for (const m of view.mine.filter((e) => e.claimed)) {
            const share = await decryptShare(client, { epochId: m.epochId });
            remember({ [key(view.model.pool, m.epochId, "share")]: share });
          }
        },
        view.model.pool,
      ),
    claim: (view, epochId) =>
      void ops.run(
        `Claiming epoch #${epochId} of ${nameOf(view)}`,
        async (report) => {
          if (wallet) await assertWalletNetwork(wallet);
          report("Sending the claim (your share is computed under FHE) and waiting for it to be mined…");
          const result = await claimRoyalty(view.client, { epochId });
          forgetPayouts(view.token.address, ["vault", "earnings"]);
          await refresh(view, report);
          return `Claimed epoch #${epochId}: your encrypted share was credited to your ${view.token.symbol} balance in the payout vault (tx ${txLink(result.receipt.hash)}). Decrypt it to see the amount; withdraw it from Your payouts.`;
        },
        view.model.pool,
      ),
    verify: (view, epochId) =>
      void ops.run(
        `Verifying your share of epoch #${epochId}`,
        async (report) => {
          const check = await verifyShare(withReport(view.client, report), { epochId });
          remember({
            [key(view.model.pool, epochId, "score")]: check.score,
            [key(view.model.pool, epochId, "share")]: check.share,
          });
          setVerifications((previous) => ({ ...previous, [key(view.model.pool, epochId, "share")]: check }));
          if (!check.ok) {
            throw new RoyaltiesError(
              `Your share ${check.share} does not match ⌊score·pool/total⌋ = ${check.exact}: report it to the model's auditors with the epoch number.`,
            );
          }
        },
        view.model.pool,
      ),
    disclose: (view, epochId, viewer) =>
      void ops.run(
        `Disclosing epoch #${epochId} of ${nameOf(view)}`,
        async (report) => {
          if (wallet === undefined) throw new RoyaltiesError("Connect a wallet first.");
          await assertWalletNetwork(wallet);
          report("Sending the disclosure grant and waiting for it to be mined…");
          const result = await grantDisclosure(await vaultOfPool(view.client), {
            viewer,
            pairs: [{ modelId: view.model.modelId, epochId }],
          });
          await refresh(view, report);
          return result.granted === 0
            ? `${shortAddress(viewer)} could already decrypt epoch #${epochId}.`
            : `${shortAddress(viewer)} can now decrypt your score${result.applied > 0 ? " and share" : " (and your share once claimed)"} of epoch #${epochId}. This cannot be revoked (tx ${txLink(result.receipt.hash)}).`;
        },
        view.model.pool,
      ),
    dismiss: ops.dismiss,
  };

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
