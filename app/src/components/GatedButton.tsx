/** Buttons and forms that the chain's public state gates (see guards.ts): disabled with the reason beside them. */
import type { ReactNode } from "react";

import type { Gate } from "../guards";

/** Why a gate is closed (test id and element id `id`; the gated controls name it in `aria-describedby`). */
export function GateReason({ gate, id }: { gate: Gate; id: string }) {
  if (gate.open) return null;
  return (
    <span className="muted small gate-reason" id={id} data-testid={id}>
      {gate.reason}
    </span>
  );
}

/** A button with its gate: disabled with the reason beside it (and announced to screen readers). */
export function GatedButton({
  gate,
  testId,
  onClick,
  children,
  className,
  title,
  type = "button",
}: {
  gate: Gate;
  testId: string;
  onClick?: () => void;
  children: ReactNode;
  className?: string;
  /** What the button does, shown on hover whether or not it is open. */
  title?: string;
  /** "submit" for a form's own button (the form's onSubmit acts, `onClick` is then left out). */
  type?: "button" | "submit";
}) {
  return (
    <span className="gated">
      <button
        type={type}
        className={className}
        title={title}
        disabled={!gate.open}
        onClick={onClick}
        data-testid={testId}
        aria-describedby={gate.open ? undefined : `${testId}-reason`}
      >
        {children}
      </button>
      <GateReason gate={gate} id={`${testId}-reason`} />
    </span>
  );
}

/** A form that runs `onSubmit` only while `gate` is open (the browser's own submission never happens). */
export function GatedForm({
  gate,
  onSubmit,
  className,
  testId,
  children,
}: {
  gate: Gate;
  onSubmit: () => void;
  className: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <form
      className={className}
      data-testid={testId}
      onSubmit={(event) => {
        event.preventDefault();
        if (gate.open) onSubmit();
      }}
    >
      {children}
    </form>
  );
}
