/**
 * Reads the public record from the Ponder indexer (indexer/) over GraphQL: browser-safe, `fetch` only.
 * An indexer is a convenience, not a source of truth: the audit reads its raw pool logs and checks
 * them against each epoch's on-chain digest and log length ({@link auditPoolWithIndexer}).
 */
import { Interface, ZeroHash, getAddress } from "ethers";
import type { Provider } from "ethers";

import { RoyaltyPool__factory } from "../types";
import { EPOCH_STATES } from "./actions/read";
import type { EpochInfo, EpochStateName } from "./actions/read";
import type { ModelInfo } from "./actions/registry";
import { auditEvents, decodeEvents, providerChainView } from "./audit/audit";
import type { AuditReport, PoolEvent, RawLog } from "./audit/audit";
import { RoyaltiesError } from "./errors";

/** The indexer did not answer, answered an error, or has not indexed the block asked for. */
export class IndexerError extends RoyaltiesError {}

/** Rows per GraphQL page (Ponder's maximum is 1000). */
const PAGE = 1000;

/**
 * Runs a GraphQL query against the indexer at `url` (its base URL, e.g. http://localhost:42069).
 * @example
 * const data = await indexerQuery<{ models: { items: { name: string }[] } }>(url, "{ models { items { name } } }");
 */
export async function indexerQuery<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL("/graphql", url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new IndexerError(`The indexer at ${url} did not answer (${String(error)}): is npm run indexer running?`);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors !== undefined || body.data === undefined) {
    const reason = body.errors?.map((e) => e.message).join("; ") ?? `HTTP ${response.status}`;
    throw new IndexerError(`The indexer at ${url} refused the query: ${reason}`);
  }
  return body.data;
}

/** Ponder's status (its /status endpoint, or `_meta { status }` in GraphQL): per chain, the last indexed block. */
type IndexerStatus = Record<string, { block?: { number?: number } }> | null;

function statusBlock(status: IndexerStatus): number | undefined {
  const block = Object.values(status ?? {})[0]?.block?.number;
  return typeof block === "number" ? block : undefined;
}

/** The last block the indexer at `url` has indexed (from its /status endpoint). */
export async function indexerBlock(url: string): Promise<number> {
  try {
    const response = await fetch(new URL("/status", url));
    const block = statusBlock((await response.json()) as IndexerStatus);
    if (block !== undefined) return block;
  } catch {
    // reported below
  }
  throw new IndexerError(`The indexer at ${url} reports no indexed block yet: wait for it to sync.`);
}

interface Page<T> {
  items: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every row of a paginated collection: `field` is the plural query name, `where` its filter. */
export async function indexerRows<T>(
  url: string,
  field: string,
  where: Record<string, unknown>,
  selection: string,
): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  for (;;) {
    const query = `query($where: ${whereType(field)}, $after: String) {
      ${field}(where: $where, limit: ${PAGE}, after: $after) { items { ${selection} } pageInfo { hasNextPage endCursor } }
    }`;
    const data: Record<string, Page<T>> = await indexerQuery<Record<string, Page<T>>>(url, query, { where, after });
    rows.push(...data[field].items);
    if (!data[field].pageInfo.hasNextPage) return rows;
    after = data[field].pageInfo.endCursor;
  }
}

/** Ponder's filter type name of a plural field: `poolLogs` → `poolLogFilter`. */
function whereType(field: string): string {
  return `${field.slice(0, -1)}Filter`;
}

interface PoolLogRow {
  blockNumber: string;
  logIndex: number;
  transactionHash: string;
  topics: string[];
  data: string;
}

/** A pool's raw logs up to `toBlock`, as the indexer stored them, in chain order. */
export async function indexerPoolLogs(url: string, pool: string, toBlock: number): Promise<RawLog[]> {
  const rows = await indexerRows<PoolLogRow>(
    url,
    "poolLogs",
    { pool: pool.toLowerCase(), blockNumber_lte: String(toBlock) },
    "blockNumber logIndex transactionHash topics data",
  );
  return rows
    .map((row): RawLog => ({
      blockNumber: Number(row.blockNumber),
      index: row.logIndex,
      transactionHash: row.transactionHash,
      topics: row.topics,
      data: row.data,
    }))
    .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}

const poolInterface = new Interface(RoyaltyPool__factory.abi);

/** A pool's decoded events up to `toBlock`, read from the indexer instead of the RPC. */
export async function indexerPoolEvents(url: string, pool: string, toBlock: number): Promise<PoolEvent[]> {
  return decodeEvents(poolInterface, await indexerPoolLogs(url, pool, toBlock));
}

export interface AuditPoolWithIndexerParameters {
  pool: string;
  /** Base URL of the indexer. */
  indexer: string;
  /** The audited block; default: the last block the indexer has indexed. */
  toBlock?: number;
}

/**
 * Audits a pool with its events read from an indexer and everything else from the chain. Trustless:
 * each epoch's events must rebuild the digest and log length the pool itself stores on-chain, so an
 * indexer that drops, adds, reorders or alters an event fails the audit.
 * @example
 * const report = await auditPoolWithIndexer(provider, { pool, indexer: "http://localhost:42069" });
 */
export async function auditPoolWithIndexer(
  provider: Provider,
  { pool, indexer, toBlock }: AuditPoolWithIndexerParameters,
): Promise<AuditReport> {
  const indexed = await indexerBlock(indexer);
  const block = toBlock ?? Math.min(indexed, await provider.getBlockNumber());
  if (block > indexed) {
    throw new IndexerError(
      `The indexer has reached block ${indexed}, not ${block}: wait for it or audit an earlier block.`,
    );
  }
  if ((await provider.getCode(pool)) === "0x") {
    throw new RoyaltiesError(`No contract at ${pool}: check the pool address and the network.`);
  }
  const events = await indexerPoolEvents(indexer, pool, block);
  const chain = await providerChainView(provider, pool, block);
  return auditEvents(events, chain, { pool, fromBlock: 0, toBlock: block });
}

/** The epochs of `pool` a contributor submitted to, with the block of their last submission, from the indexer. */
export async function indexerSubmittedEpochs(
  url: string,
  pool: string,
  contributor: string,
): Promise<Map<bigint, number>> {
  const rows = await indexerRows<{ epochId: string; lastBlock: string; submissions: number }>(
    url,
    "participants",
    { pool: pool.toLowerCase(), contributor: contributor.toLowerCase() },
    "epochId lastBlock submissions",
  );
  return new Map(rows.filter((r) => r.submissions > 0).map((r) => [BigInt(r.epochId), Number(r.lastBlock)]));
}

interface ModelRow {
  modelId: string;
  pool: string;
  name: string;
  paymentToken: string;
  payoutToken: string;
  governance: string;
  creator: string;
  createdTimestamp: string;
}

/** A model row as Ponder stores it (addresses in lower case) → the shape `listModels` returns (checksummed). */
function modelFromRow(row: ModelRow): ModelInfo {
  return {
    modelId: BigInt(row.modelId),
    name: row.name,
    pool: getAddress(row.pool),
    paymentToken: getAddress(row.paymentToken),
    payoutToken: getAddress(row.payoutToken),
    governance: getAddress(row.governance),
    creator: getAddress(row.creator),
    createdAt: BigInt(row.createdTimestamp),
  };
}

const MODEL_FIELDS = "modelId pool name paymentToken payoutToken governance creator createdTimestamp";

/** Every model of the registry, oldest first, as the indexer recorded `ModelCreated` (same shape as `listModels`). */
export async function indexerModels(url: string): Promise<ModelInfo[]> {
  const rows = await indexerRows<ModelRow>(url, "models", {}, MODEL_FIELDS);
  return rows.map(modelFromRow).sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
}

interface EpochRow {
  epochId: string;
  state: string;
  start: string;
  end: string;
  rulesVersion: number;
  participants: number;
  submissions: string;
  claims: number;
  poolUnits: string;
  revealedTotal: string | null;
  shareShift: number | null;
  totalHandle: string | null;
}

const EPOCH_FIELDS =
  "epochId state start end rulesVersion participants submissions claims poolUnits revealedTotal shareShift totalHandle";

/** An epoch row → the shape of `getEpoch` except `settled`; `url` names the indexer in the error. */
function epochFromRow(url: string, row: EpochRow): Omit<EpochInfo, "settled"> {
  if (!(EPOCH_STATES as readonly string[]).includes(row.state)) {
    throw new IndexerError(`The indexer at ${url} returned an unknown epoch state "${row.state}": update it.`);
  }
  return {
    epochId: BigInt(row.epochId),
    state: row.state as EpochStateName,
    start: BigInt(row.start),
    end: BigInt(row.end),
    rulesVersion: BigInt(row.rulesVersion),
    participants: BigInt(row.participants),
    submissions: BigInt(row.submissions),
    claims: BigInt(row.claims),
    pool: BigInt(row.poolUnits),
    revealedTotal: BigInt(row.revealedTotal ?? 0),
    shareShift: BigInt(row.shareShift ?? 0),
    totalHandle: row.totalHandle ?? ZeroHash,
  };
}

/**
 * The epochs of `pool` with ids in `[fromEpochId, toEpochId]` the indexer holds, keyed by id, in the shape of
 * `getEpoch` except `settled` (a pool-wide fact the caller reads once from `settlementStatus`).
 */
export async function indexerEpochs(
  url: string,
  pool: string,
  fromEpochId: bigint,
  toEpochId: bigint,
): Promise<Map<bigint, Omit<EpochInfo, "settled">>> {
  const rows = await indexerRows<EpochRow>(
    url,
    "epochs",
    { pool: pool.toLowerCase(), epochId_gte: String(fromEpochId), epochId_lte: String(toEpochId) },
    EPOCH_FIELDS,
  );
  const epochs = new Map<bigint, Omit<EpochInfo, "settled">>();
  for (const row of rows) epochs.set(BigInt(row.epochId), epochFromRow(url, row));
  return epochs;
}

/** An epoch as the public view shows it: `getEpoch`'s shape plus how many times it was extended for lack of participants. */
export interface IndexedEpoch extends EpochInfo {
  extensions: number;
}

/** One model of the public record, as the indexer holds it: not audited (see {@link indexerPublicRecord}). */
export interface IndexedModel {
  model: ModelInfo;
  /** The newest epoch the indexer holds (0 before the pool's first epoch). */
  currentEpochId: bigint;
  /** The newest epochs, newest first. */
  epochs: IndexedEpoch[];
}

/** The public record (every model and its newest epochs) as of the last block the indexer indexed. */
export interface IndexedPublicRecord {
  /** The last block the indexer had indexed when it answered. */
  block: number;
  models: IndexedModel[];
}

/** One model row of {@link PUBLIC_RECORD_QUERY}: the model, its newest epochs, its latest settlement. */
export interface PublicRecordModelRow extends ModelRow {
  epochs: { items: (EpochRow & { extensions: number })[] };
  /** At most one: the settled settlement with the highest `toEpochId` (every epoch up to it is settled). */
  settlements: { items: { toEpochId: string }[] };
}

/** What {@link PUBLIC_RECORD_QUERY} returns for one page of models. */
export interface PublicRecordPage {
  _meta: { status: IndexerStatus } | null;
  models: Page<PublicRecordModelRow>;
}

/**
 * The whole public view in one query per page of {@link PAGE} models: each model with its newest `$epochs` epochs
 * (the model → epochs relation) and its latest settled settlement (model → settlements, by pool), plus the indexer's
 * status. The pool's `settledThroughEpochId` is the `toEpochId` of its last `PoolSettled`, so that one row says which
 * epochs are settled, as `getEpoch` does.
 */
export const PUBLIC_RECORD_QUERY = `query PublicRecord($epochs: Int!, $after: String) {
  _meta { status }
  models(orderBy: "modelId", orderDirection: "asc", limit: ${PAGE}, after: $after) {
    items {
      ${MODEL_FIELDS}
      epochs(orderBy: "epochId", orderDirection: "desc", limit: $epochs) { items { ${EPOCH_FIELDS} extensions } }
      settlements(where: { settledBlock_not: null }, orderBy: "toEpochId", orderDirection: "desc", limit: 1) {
        items { toEpochId }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * Maps one model row of {@link PUBLIC_RECORD_QUERY} to the public view's shape (epochs newest first); `url` names the
 * indexer in errors. Pure: what the indexer says, unchecked.
 */
export function indexedModelFromRow(url: string, row: PublicRecordModelRow): IndexedModel {
  const settledThrough = BigInt(row.settlements.items[0]?.toEpochId ?? 0);
  const epochs = row.epochs.items
    .map((epochRow) => ({
      ...epochFromRow(url, epochRow),
      settled: BigInt(epochRow.epochId) <= settledThrough,
      extensions: epochRow.extensions,
    }))
    .sort((a, b) => (a.epochId > b.epochId ? -1 : a.epochId < b.epochId ? 1 : 0));
  return { model: modelFromRow(row), currentEpochId: epochs[0]?.epochId ?? 0n, epochs };
}

export interface IndexerPublicRecordParameters {
  /** Newest epochs per model (at most {@link PAGE}); default 50. */
  maxEpochs?: number;
}

/**
 * The public record — every model with its newest epochs, state, participants, submissions, pool, revealed total,
 * claims, settlement and extensions — in one GraphQL query (one per {@link PAGE} models), with nothing decoded.
 * WARNING: untrusted until audited. Show it as the indexer's, and check it against the chain (the pool's digests
 * through {@link auditPoolWithIndexer}, its epochs through `getEpoch`) before calling it verified.
 * @example
 * const { block, models } = await indexerPublicRecord("http://localhost:42069");
 */
export async function indexerPublicRecord(
  url: string,
  { maxEpochs = 50 }: IndexerPublicRecordParameters = {},
): Promise<IndexedPublicRecord> {
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1 || maxEpochs > PAGE) {
    throw new RangeError(`maxEpochs must be an integer from 1 to ${PAGE} (got ${maxEpochs}).`);
  }
  const models: IndexedModel[] = [];
  let block: number | undefined;
  let after: string | null = null;
  for (;;) {
    const page: PublicRecordPage = await indexerQuery<PublicRecordPage>(url, PUBLIC_RECORD_QUERY, {
      epochs: maxEpochs,
      after,
    });
    // The first page's block. Rows of later pages may be a few blocks newer: the audit's row check says so.
    block ??= statusBlock(page._meta?.status ?? null);
    models.push(...page.models.items.map((row) => indexedModelFromRow(url, row)));
    if (!page.models.pageInfo.hasNextPage) break;
    after = page.models.pageInfo.endCursor;
  }
  if (block === undefined) {
    throw new IndexerError(`The indexer at ${url} reports no indexed block yet: wait for it to sync.`);
  }
  return { block, models };
}
