import { useEffect, useState } from "react";

import type { ErrorReport } from "../errors";
import type { Operations, Progress } from "../operation";

function ProgressBanner({ progress }: { progress: Progress }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((Date.now() - progress.startedAt) / 1000);
  return (
    <div className="banner progress" role="status" aria-live="polite" data-testid="progress">
      <span className="spinner" aria-hidden="true" />
      <div>
        <strong>{progress.label}</strong>
        <div className="phase">
          {progress.phase} <span className="muted">({seconds} s)</span>
        </div>
      </div>
    </div>
  );
}

export function ErrorBanner({ error, onDismiss }: { error: ErrorReport; onDismiss?: () => void }) {
  return (
    <div className="banner error" role="alert" data-testid="error">
      <div>
        <strong>{error.title}</strong>
        <div>What to do: {error.hint}</div>
        {error.detail && <div className="muted small">{error.detail}</div>}
      </div>
      {onDismiss && (
        <button className="link" onClick={onDismiss} aria-label="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}

/**
 * The state of the running (or last) operation, where it belongs: a model card shows the banners of
 * operations on that model (`scope` = its pool) in its own flow, so that they never cover it; the
 * view shows the others.
 */
export function OperationBanners({ ops, scope }: { ops: Operations; scope?: string }) {
  if (ops.scope !== scope) return null;
  return (
    <div className="banners">
      {ops.progress && <ProgressBanner progress={ops.progress} />}
      {ops.error && <ErrorBanner error={ops.error} onDismiss={ops.dismiss} />}
      {ops.notice && (
        <div className="banner notice" role="status" data-testid="notice">
          <div>{ops.notice}</div>
          <button className="link" onClick={ops.dismiss} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
