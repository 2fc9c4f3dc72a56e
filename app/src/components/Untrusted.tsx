/** Showing values read from the chain, which anyone can set: names, token symbols, unreadable models. */
import type { TokenInfo, UnreadableModel } from "../data";
import { shortAddress } from "../format";
import { displayText } from "../untrusted";

/** A name from the chain: invisible characters shown as \u{…}, long names cut, look-alikes flagged. */
export function SafeName({ value, max, testId }: { value: string; max?: number; testId?: string }) {
  const { text, warnings } = displayText(value, max);
  return (
    <span className="safe-name" data-testid={testId}>
      {text}
      {warnings.length > 0 && (
        <span className="warn-badge" title={`This name ${warnings.join("; ")}.`} data-testid="name-warning">
          {" "}
          ⚠ unusual name: {warnings.join("; ")}
        </span>
      )}
    </span>
  );
}

/** The payout token's symbol, and whether it is the deployment's own payout token. */
export function TokenBadge({ token }: { token: TokenInfo }) {
  return (
    <span className="token-badge" data-testid="payout-token">
      {token.symbol}
      {token.official ? (
        <span className="muted" title={token.address}>
          {" "}
          (the deployment's payout token)
        </span>
      ) : (
        <span className="warn-badge" title={token.address}>
          {" "}
          ⚠ not this deployment's payout token ({shortAddress(token.address)}): its symbol and amounts are its own
          claims
        </span>
      )}
    </span>
  );
}

/** A model whose contracts answered nonsense or nothing: named, explained and otherwise skipped. */
export function UnreadableCard({ entry, testId }: { entry: UnreadableModel; testId: string }) {
  const { model } = entry;
  return (
    <section className="card model unreadable" data-testid={testId}>
      <header className="model-head">
        <h2>
          <SafeName value={model.name} /> <span className="muted">#{model.modelId.toString()}</span>{" "}
          <span className="pill unreadable-pill">unreadable</span>
        </h2>
        <div className="muted small">
          pool <code title={model.pool}>{shortAddress(model.pool)}</code>
        </div>
      </header>
      <p className="fail small">
        This model cannot be shown: <span data-testid="unreadable-reason">{entry.unreadable}</span>. It is skipped; the
        other models are not affected.
      </p>
    </section>
  );
}
