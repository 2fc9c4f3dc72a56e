/** Submitting encrypted metrics to a model's current epoch. */
import { useEffect, useState } from "react";
import { contributionScore } from "../../../../src";
import { checkMetrics, parseMetricValue } from "../../../../src";
import { SafeName } from "../../components/Untrusted";
import { plural } from "../../format";
import { submitGate, whenIdle } from "../../guards";
import { countedMetrics } from "../../untrusted";
import type { ModelCardProps } from "./common";

/** The encrypted submission form of a model (or why its rules accept attestors' submissions only). */
export function SubmitForm({ view, now, busy, act }: Omit<ModelCardProps, "decrypted" | "verifications">) {
  const { rules, currentEpochId, epochs, model } = view;
  const current = epochs[0];
  const [values, setValues] = useState<string[]>(() => rules.metrics.map(() => ""));
  const [problem, setProblem] = useState<string>();
  // The view reloads every block: only a new schema (another rules version or model) or a counted
  // submission (the card is read again after it) clears the form.
  const schema = `${model.pool}:${rules.version}:${rules.metrics.length}:${view.currentSubmissions}`;
  useEffect(() => setValues(Array.from({ length: Number(schema.split(":")[2]) }, () => "")), [schema]);

  // The library's check (the one the submit task and submitContribution apply): nothing invalid is encrypted.
  const check = checkMetrics(values, rules.metrics);
  const preview = check.ok ? contributionScore(check.metrics, rules.metrics) : undefined;
  const left = rules.maxSubmissionsPerContributor - view.currentSubmissions;
  const gate = whenIdle(submitGate(current, now, left), busy);
  // What the pool will count for each metric: min(value, cap), shown before anything is sent.
  const counted = countedMetrics(
    values.map((v) => parseMetricValue(v) ?? 0n),
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
        if (!check.ok) {
          act.dismiss();
          setProblem("Enter a whole number (0 or more, below 2^64) for every metric.");
          return;
        }
        setProblem(undefined);
        act.submit(view, check.metrics);
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
