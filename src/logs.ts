/**
 * The one paginated `eth_getLogs` reader every chain reader of the library goes through. RPC providers
 * refuse wide block ranges or large results ("block range too large", "query returned more than 10000
 * results", JSON-RPC -32005 / -32602), and fail transiently (timeouts, rate limits, 5xx). Reading
 * "deployment block to head" in one call therefore fails on a real network after a few weeks; this
 * reader asks in fixed chunks, halves the chunk when a provider refuses it, retries transient failures
 * with exponential backoff, and reports its progress.
 */
import type { Filter, Log, Provider } from "ethers";

import { RoyaltiesError } from "./errors";

/** Blocks per `eth_getLogs` request by default: RPC providers refuse larger ranges or truncate them. */
export const DEFAULT_LOG_BLOCK_RANGE = 5_000;
/** Retries of one request after a transient failure, by default. */
export const DEFAULT_LOG_RETRIES = 4;
/** First backoff delay in milliseconds; it doubles on each retry of the same request. */
export const DEFAULT_LOG_RETRY_DELAY_MS = 250;

/** How far a paginated read got: reported after every chunk. */
export interface LogReadProgress {
  fromBlock: number;
  toBlock: number;
  /** Last block read so far (`fromBlock - 1` before the first chunk). */
  scannedTo: number;
  /** Share of the block range read, from 0 to 1. */
  fraction: number;
  /** Logs read so far. */
  logs: number;
  /** The chunk size now in use (smaller than asked for once a provider refused a range). */
  blockRange: number;
}

export interface ReadLogsParameters {
  /** The emitting contract(s); any address when omitted. */
  address?: string | string[];
  /** Topic filter as in `eth_getLogs` (event selector first, then indexed arguments). */
  topics?: Filter["topics"];
  fromBlock: number;
  toBlock: number;
  /** Blocks per request to start with; default {@link DEFAULT_LOG_BLOCK_RANGE}. */
  blockRange?: number;
  /** Retries of one request after a transient failure; default {@link DEFAULT_LOG_RETRIES}. */
  retries?: number;
  /** First backoff delay in ms, doubled on each retry; default {@link DEFAULT_LOG_RETRY_DELAY_MS}. */
  retryDelayMs?: number;
  /** Called after each chunk. */
  onProgress?: (progress: LogReadProgress) => void;
}

/** The provider refused a range even one block wide, or failed past the retries: what happened and what to do. */
export class LogReadError extends RoyaltiesError {
  constructor(
    message: string,
    readonly fromBlock: number,
    readonly toBlock: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Whether a failed `eth_getLogs` says the range or its result is too large (then a smaller range may pass). */
export function isLogRangeRefusal(error: unknown): boolean {
  const { codes, text } = errorFacts(error);
  if (RATE_LIMITED.test(text) || codes.has(429)) return false;
  if (codes.has(-32005) || codes.has(-32602)) return true;
  return /block range|range (is )?too (large|wide|big)|too many (blocks|logs|results)|more than \d+ (results|logs)|exceed(s|ed)? (the )?(max|limit)|response size|limit exceeded|(is )?limited to|query timeout|log response size/i.test(
    text,
  );
}

/** A provider's rate limit: retried after a pause, never answered by a smaller range. */
const RATE_LIMITED = /rate limit|too many requests|request count exceeded/i;

/** Whether a failure is worth retrying as it is: the network, a timeout, a rate limit or a 5xx. */
export function isTransientFailure(error: unknown): boolean {
  const { codes, text, names } = errorFacts(error);
  for (const code of [429, 502, 503, 504, -32603, -32000]) {
    if (codes.has(code) && !isLogRangeRefusal(error)) return true;
  }
  if (RATE_LIMITED.test(text)) return true;
  if (names.has("TIMEOUT") || names.has("NETWORK_ERROR") || names.has("SERVER_ERROR")) return true;
  return /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up|timed? ?out|temporar|unavailable|bad gateway|fetch failed/i.test(
    text,
  );
}

/**
 * Reads logs in `[fromBlock, toBlock]` in chain order, in requests of at most `blockRange` blocks. A
 * refused range is halved (and the smaller chunk kept for the rest of the read); a transient failure
 * is retried after 250 ms, 500 ms, 1 s… up to `retries` times.
 * @example
 * const logs = await readLogs(provider, {
 *   address: pool,
 *   fromBlock: deploymentBlock,
 *   toBlock: await provider.getBlockNumber(),
 *   onProgress: (p) => console.log(`${Math.round(p.fraction * 100)} %`),
 * });
 */
export async function readLogs(provider: Provider, params: ReadLogsParameters): Promise<Log[]> {
  const { fromBlock, toBlock } = params;
  let blockRange = params.blockRange ?? DEFAULT_LOG_BLOCK_RANGE;
  const retries = params.retries ?? DEFAULT_LOG_RETRIES;
  const retryDelayMs = params.retryDelayMs ?? DEFAULT_LOG_RETRY_DELAY_MS;
  if (!Number.isSafeInteger(blockRange) || blockRange < 1) {
    throw new RoyaltiesError(`The log block range must be a whole number of blocks ≥ 1; got ${blockRange}.`);
  }
  if (!Number.isSafeInteger(fromBlock) || fromBlock < 0 || !Number.isSafeInteger(toBlock)) {
    throw new RoyaltiesError(`Log reads need block numbers ≥ 0; got ${fromBlock}..${toBlock}.`);
  }
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new RoyaltiesError(`Log read retries must be a whole number ≥ 0; got ${retries}.`);
  }
  const logs: Log[] = [];
  const total = Math.max(1, toBlock - fromBlock + 1);
  let start = fromBlock;
  let failures = 0;
  while (start <= toBlock) {
    const end = Math.min(toBlock, start + blockRange - 1);
    try {
      logs.push(
        ...(await provider.getLogs({ address: params.address, topics: params.topics, fromBlock: start, toBlock: end })),
      );
    } catch (error) {
      if (isLogRangeRefusal(error) && end > start) {
        blockRange = Math.ceil((end - start + 1) / 2);
        continue;
      }
      if (isTransientFailure(error) && failures < retries) {
        await sleep(retryDelayMs * 2 ** failures);
        failures++;
        continue;
      }
      throw new LogReadError(
        isLogRangeRefusal(error)
          ? `The RPC refused eth_getLogs even for block ${start} alone (${messageOf(error)}): use a provider without a result cap, or an indexer.`
          : `eth_getLogs for blocks ${start}..${end} failed${failures > 0 ? ` after ${failures} retries` : ""} (${messageOf(error)}): check the RPC URL and try again.`,
        start,
        end,
        error,
      );
    }
    failures = 0;
    start = end + 1;
    params.onProgress?.({
      fromBlock,
      toBlock,
      scannedTo: end,
      fraction: (end - fromBlock + 1) / total,
      logs: logs.length,
      blockRange,
    });
  }
  return logs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The numeric codes, string codes and messages of an error and of the errors it wraps, wherever ethers
 * or a JSON-RPC transport put them (`error`, `info.error`, `cause`, `data`).
 */
function errorFacts(error: unknown): { codes: Set<number>; names: Set<string>; text: string } {
  const codes = new Set<number>();
  const names = new Set<string>();
  const texts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || value === null || typeof value !== "object" || seen.has(value)) {
      if (typeof value === "string") texts.push(value);
      return;
    }
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.code === "number") codes.add(record.code);
    if (typeof record.code === "string") names.add(record.code);
    if (typeof record.status === "number") codes.add(record.status);
    if (typeof record.message === "string") texts.push(record.message);
    if (typeof record.shortMessage === "string") texts.push(record.shortMessage);
    for (const key of ["error", "info", "cause", "data", "response"]) visit(record[key], depth + 1);
  };
  visit(error, 0);
  return { codes, names, text: texts.join(" | ") };
}
