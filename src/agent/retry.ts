/** Retries of transient RPC failures with exponential backoff; reverts are never retried. */
import { ContractRevertError, RoyaltiesError } from "../errors";

const TRANSIENT_CODES = new Set([
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TRANSIENT_TEXT =
  /socket hang up|other side closed|fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Too Many Requests|\b429\b|\b50[234]\b|rate limit/i;

/** True for failures worth retrying: the RPC was unreachable, timed out or answered 429/5xx; false for a revert. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ContractRevertError) return false;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, number, message } = current as { code?: unknown; number?: unknown; message?: unknown };
    if (code === "CALL_EXCEPTION" || code === "INSUFFICIENT_FUNDS" || code === "NONCE_EXPIRED") return false;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
    if (number === 108) return true; // Hardhat: cannot connect to the network
    if (error instanceof RoyaltiesError) return false;
    if (typeof message === "string" && TRANSIENT_TEXT.test(message)) return true;
    current = (current as { cause?: unknown; error?: unknown }).cause ?? (current as { error?: unknown }).error;
  }
  return false;
}

export interface RetryOptions {
  /** Tries in all (default 5). */
  attempts?: number;
  /** First delay in ms, doubled each time up to `maxDelayMs` (defaults 500 and 30 000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep: (ms: number) => Promise<void>;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `step` until it succeeds, retrying transient failures. `step` must be safe to run again: each one checks the
 * chain before it sends (a submission that landed is not sent twice).
 */
export async function withRetry<T>(step: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  let delay = options.baseDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      options.onRetry?.(error, attempt, delay);
      await options.sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 30_000);
    }
  }
}
