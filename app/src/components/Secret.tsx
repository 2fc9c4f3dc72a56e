/** An encrypted value: a decrypt button (the wallet signs a decryption permit) until it is decrypted. */

export function LockIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" className="lock">
      <path
        fill="currentColor"
        d="M4 7V5a4 4 0 0 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4zm2 0h4V5a2 2 0 1 0-4 0v2z"
      />
    </svg>
  );
}

/**
 * Shows `value` once known (test id `testId`); before that, a button (test id `decrypt-<testId>`) that runs
 * `onDecrypt`, or a dash when there is nothing to decrypt. `disabledReason` disables the button and says why.
 */
export function Secret({
  value,
  format,
  onDecrypt,
  busy,
  testId,
  label,
  disabledReason,
}: {
  value: bigint | undefined;
  format: (v: bigint) => string;
  onDecrypt?: () => void;
  busy: boolean;
  testId: string;
  label: string;
  disabledReason?: string;
}) {
  if (value !== undefined) {
    return (
      <span className="decrypted" data-testid={testId}>
        {format(value)}
      </span>
    );
  }
  if (onDecrypt === undefined) return <span className="muted">—</span>;
  return (
    <button
      className="secondary small"
      disabled={busy || disabledReason !== undefined}
      title={disabledReason}
      onClick={onDecrypt}
      data-testid={`decrypt-${testId}`}
    >
      <LockIcon /> {label}
    </button>
  );
}
