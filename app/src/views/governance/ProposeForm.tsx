/** Proposing a rules change: the draft, its validation and preview, and the Propose button. */
import { useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { RoyaltyPool__factory } from "../../../../types";
import { toRulesStruct } from "../../../../src";
import { applyRulesChange, describeRulesChange, rulesChanges } from "../../../../src";
import type { RulesChange } from "../../../../src";
import type { RulesInfo } from "../../../../src";
import { SafeName } from "../../components/Untrusted";
import { duration } from "../../format";
import { proposeGate } from "../../governanceGates";
import { whenIdle } from "../../guards";
import { displayText } from "../../untrusted";
import { GatedButton, GatedForm } from "../../components/GatedButton";
import { shortProposalId, votes } from "./common";
import type { GovernanceFormProps } from "./common";

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

/** The draft's single-value rules fields: field, label, test id. */
const SCALAR_FIELDS: readonly [Exclude<keyof RulesDraft, "weights" | "caps">, string, string][] = [
  ["epochLength", "Epoch length (seconds)", "epoch-length"],
  ["minParticipants", "k: minimum distinct contributors", "k"],
  ["maxSubmissions", "Submissions per contributor and epoch", "max-submissions"],
  ["noiseBits", "Noise on the total (bits, 0 = none)", "noise"],
  ["claimWindow", "Claim window (seconds, 0 = none)", "claim-window"],
];

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

/** A rules change drafted from the latest rules, previewed, checked against the gates, and proposed. */
export function ProposeForm({ view, dao, wallet, busy, act }: GovernanceFormProps) {
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
    <GatedForm
      gate={gate}
      className="propose-form"
      testId={`propose-form-${id}`}
      onSubmit={() => change !== undefined && act.propose(view, dao, change, description)}
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
                  {(["weight", "cap"] as const).map((what) => (
                    <td key={what}>
                      <input
                        inputMode="numeric"
                        aria-label={`${what} of ${name}`}
                        value={draft[`${what}s`][i] ?? ""}
                        onChange={(e) => setAt(`${what}s`, i, e.target.value)}
                        data-testid={`propose-${what}-${id}-${m.name}`}
                        className={what === "weight" ? "narrow" : undefined}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="fields">
        {SCALAR_FIELDS.map(([field, label, testId]) => (
          <NumberField
            key={field}
            label={label}
            value={draft[field]}
            onChange={(v) => set({ [field]: v })}
            testId={`propose-${testId}-${id}`}
            hint={
              field === "epochLength" && WHOLE.test(draft.epochLength.trim())
                ? duration(BigInt(draft.epochLength.trim()))
                : undefined
            }
          />
        ))}
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
        <GatedButton type="submit" gate={gate} testId={`propose-${id}`}>
          Propose
        </GatedButton>
        <button type="button" className="secondary" onClick={() => setDraft(draftOf(rules))} disabled={busy}>
          Reset to the current rules
        </button>
      </div>
    </GatedForm>
  );
}
