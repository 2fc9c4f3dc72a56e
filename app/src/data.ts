/**
 * What the views show, read with the client library (`src/`). Public data only here: decryptions happen on
 * demand in the contributor view, with the contributor's own key. With an indexer configured
 * (`VITE_INDEXER_URL`, `chain.indexerUrl`) the public view draws its epochs from the indexer's record in one
 * GraphQL query and audits it afterwards ({@link loadPublicSummaries}, {@link verifyIndexedModel}); the contributor
 * view reads each pool's events and epochs and a contributor's submitted epochs from it. Otherwise, or when it does
 * not answer, everything comes from the chain's logs read in pages (`src/logs.ts`). The audit stays trustless
 * either way: it checks the events against the digests the pool itself stores, and the indexer's epoch rows against
 * the chain's.
 */
import { ZeroHash } from "ethers";
import type { Provider, Signer } from "ethers";

import { ConfidentialPayoutToken__factory } from "../../types";
import {
  auditEvents,
  providerChainView,
  readPoolEvents,
  connectPool,
  withSigner,
  getEpoch,
  getRules,
  getContributorStatus,
  disclosureViewers,
  connectVault,
  listModels,
  rulesHistory,
  connectAggregator,
  getAggregateStatus,
  IndexerError,
  indexerBlock,
  indexerEpochs,
  indexerModels,
  indexerPoolEvents,
  indexerPublicRecord,
  toEpochInfo,
} from "../../src";
import type {
  AuditReport,
  EpochAudit,
  PoolClient,
  PoolEvent,
  FheBackend,
  EpochInfo,
  RulesInfo,
  ContributorEpochStatus,
  VaultClient,
  ModelInfo,
  AggregateStatus,
} from "../../src";
import type { AppChain } from "./chain";
import { epochMismatches } from "./recordCheck";
import { UnreadableTokenError, unreadableReason, validateTokenMetadata, withTimeout } from "./untrusted";

export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
  /** True for the deployment's own payout token; any other token is flagged in the views. */
  official: boolean;
}

export interface EpochView extends EpochInfo {
  /** How many times the epoch was extended (rolled over) for lack of participants. */
  extensions: number;
  audit?: EpochAudit;
}

/** Where a view's public record was read from. */
export type RecordSource = "indexer" | "chain";

/** A model's public record as the public view first draws it: its epochs, before its rules and audit are read. */
export interface ModelSummary {
  model: ModelInfo;
  /** The indexer (`VITE_INDEXER_URL`) or the chain's logs read in pages. */
  source: RecordSource;
  token: TokenInfo;
  currentEpochId: bigint;
  /** Every epoch, newest first. */
  epochs: EpochView[];
  /** The block the record is read up to. */
  toBlock: number;
}

/** What the audit adds to a summary: the rules, their history and the verdict. */
export interface ModelDetails {
  rules: RulesInfo;
  history: (RulesInfo & { epochs: bigint[] })[];
  audit: AuditReport | { error: string };
  /**
   * Where the indexer's epoch rows differed from the chain's (the epochs are then shown as the chain has them).
   * Always empty for a record read from the chain.
   */
  rowMismatches: string[];
  /**
   * The indexer's own rows that this verdict judged (absent for a record read from the chain): a later record that
   * repeats them keeps the verdict, a lie included, instead of being shown unaudited again.
   */
  indexedEpochs?: EpochView[];
}

/** A model's public record, audited: the epochs are the chain's, or the indexer's once checked against the chain. */
export interface ModelView extends ModelSummary, ModelDetails {}

/** The summary carries its audit (a record read from the chain always does; the indexer's once verified). */
export function isAudited(view: ModelSummary): view is ModelView {
  return "audit" in view;
}

/** The audit passed and, for the indexer's record, its rows matched the chain's. */
export function auditPassed(view: ModelView): boolean {
  return !("error" in view.audit) && view.audit.ok && view.rowMismatches.length === 0;
}

/** A client that reads a pool through the public provider, without signer or FHE. */
export function readOnlyPool(chain: AppChain, address: string): Promise<PoolClient> {
  return connectPool(chain, { address });
}

const vaults = new WeakMap<AppChain, Promise<VaultClient>>();

/** The registry's payout vault read as nobody (no FHE): which balances exist, who may decrypt what. */
export function readOnlyVault(chain: AppChain): Promise<VaultClient> {
  let vault = vaults.get(chain);
  if (vault === undefined) {
    vault = connectVault(chain);
    vault.catch(() => vaults.delete(chain));
    vaults.set(chain, vault);
  }
  return vault;
}

/** How long one model may take to load before it is shown as unreadable. */
const MODEL_TIMEOUT_MS = 20_000;
/** Epochs read per model (newest first): a long-lived or hostile model must not cost thousands of calls. */
export const MAX_EPOCHS = 50;

/** A model whose data could not be read or validated: shown as unreadable, skipped everywhere else. */
export interface UnreadableModel {
  model: ModelInfo;
  unreadable: string;
}

export function isUnreadable<T extends object>(entry: T | UnreadableModel): entry is UnreadableModel {
  return "unreadable" in entry;
}

/** The deployment's own payout token, from deployments.json. */
export function officialPayoutToken(chain: AppChain): string | undefined {
  return chain.deployments.contracts.ConfidentialPayoutToken?.address;
}

const tokens = new Map<string, Promise<TokenInfo>>();

/** A payout token's symbol and decimals, validated: a token answering nonsense is refused, not shown. */
export function tokenInfo(provider: Provider, address: string, official?: string): Promise<TokenInfo> {
  let info = tokens.get(address);
  if (info === undefined) {
    const token = ConfidentialPayoutToken__factory.connect(address, provider);
    info = Promise.all([token.symbol(), token.decimals()])
      .catch((error: unknown) => {
        throw new UnreadableTokenError(`its symbol() or decimals() failed (${unreadableReason(error)})`);
      })
      .then(([symbol, decimals]) => ({
        address,
        ...validateTokenMetadata(symbol, decimals),
        official: official !== undefined && address.toLowerCase() === official.toLowerCase(),
      }));
    info.catch(() => tokens.delete(address));
    tokens.set(address, info);
  }
  return info;
}

/** Loads one model with `load`, or says why it cannot be read: one hostile model never fails the page. */
async function readable<T>(model: ModelInfo, load: () => Promise<T>): Promise<T | UnreadableModel> {
  try {
    return await withTimeout(load(), MODEL_TIMEOUT_MS, "the model's contracts");
  } catch (error) {
    const reason = unreadableReason(error);
    console.warn(`Model #${model.modelId} (${model.pool}) is unreadable: ${reason}`);
    return {
      model,
      unreadable:
        error instanceof UnreadableTokenError ? `its payout token ${model.payoutToken} is unusable: ${reason}` : reason,
    };
  }
}

/** Latest block time, or the wall clock if it is later (a local node mines only on demand). */
export async function chainNow(provider: Provider): Promise<bigint> {
  const block = await provider.getBlock("latest");
  const wall = BigInt(Math.floor(Date.now() / 1000));
  const chain = BigInt(block?.timestamp ?? 0);
  return chain > wall ? chain : wall;
}

/** The epochs `ids` of a pool, from the indexer when `indexer` is set (an epoch it lacks is read from the chain). */
async function readEpochs(client: PoolClient, ids: bigint[], indexer: string | undefined): Promise<EpochInfo[]> {
  if (indexer === undefined || ids.length === 0)
    return Promise.all(ids.map((epochId) => getEpoch(client, { epochId })));
  const [indexed, status] = await Promise.all([
    indexerEpochs(indexer, client.address, ids[0], ids[ids.length - 1]),
    client.pool.settlementStatus(),
  ]);
  return Promise.all(
    ids.map(async (epochId) => {
      const row = indexed.get(epochId);
      return row === undefined
        ? getEpoch(client, { epochId })
        : { ...row, settled: epochId <= status.settledThroughEpochId };
    }),
  );
}

/** The ids of a pool's newest {@link MAX_EPOCHS} epochs up to `currentEpochId`, oldest first. */
function recentEpochIds(currentEpochId: bigint): bigint[] {
  const first = currentEpochId > BigInt(MAX_EPOCHS) ? currentEpochId - BigInt(MAX_EPOCHS) + 1n : 1n;
  return Array.from({ length: Number(currentEpochId - first + 1n) }, (_, i) => first + BigInt(i));
}

/** A pool's events audited against the chain's digests and log lengths at `toBlock`; a failure is the verdict. */
async function auditModelEvents(
  chain: AppChain,
  pool: string,
  events: Promise<PoolEvent[]>,
  toBlock: number,
): Promise<AuditReport | { error: string }> {
  const { provider, fromBlock } = chain;
  return Promise.all([events, providerChainView(provider, pool, toBlock)])
    .then(([logged, view]) => auditEvents(logged, view, { pool, fromBlock, toBlock }))
    .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
}

/** How many times each epoch was extended (rolled over for lack of participants), from its `EpochExtended` events. */
function extensionCounts(events: readonly PoolEvent[]): Map<bigint, number> {
  const extensions = new Map<bigint, number>();
  for (const event of events) {
    if (event.name !== "EpochExtended") continue;
    const epochId = event.args.epochId as bigint;
    extensions.set(epochId, (extensions.get(epochId) ?? 0) + 1);
  }
  return extensions;
}

/** The epochs as the views show them, newest first: each with its extensions and the audit's verdict on it. */
function epochViews(
  infos: readonly EpochInfo[],
  extensions: ReadonlyMap<bigint, number>,
  audit: AuditReport | { error: string },
): EpochView[] {
  const audits = "error" in audit ? [] : audit.epochs;
  return infos
    .map((info) => ({
      ...info,
      extensions: extensions.get(info.epochId) ?? 0,
      audit: audits.find((a) => a.epochId === info.epochId),
    }))
    .reverse();
}

async function loadModel(chain: AppChain, model: ModelInfo, toBlock: number, indexer?: string): Promise<ModelView> {
  const { provider, fromBlock } = chain;
  const client = await readOnlyPool(chain, model.pool);
  const events: Promise<PoolEvent[]> =
    indexer === undefined
      ? readPoolEvents(provider, model.pool, fromBlock, toBlock)
      : indexerPoolEvents(indexer, model.pool, toBlock);
  const [token, currentEpochId, poolEvents] = await Promise.all([
    tokenInfo(provider, model.payoutToken, officialPayoutToken(chain)),
    client.pool.currentEpochId({ blockTag: toBlock }),
    events,
  ]);
  const [infos, rules, history, audit] = await Promise.all([
    readEpochs(client, recentEpochIds(currentEpochId), indexer),
    getRules(client),
    rulesHistory(client),
    auditModelEvents(chain, model.pool, events, toBlock),
  ]);
  const epochs = epochViews(infos, extensionCounts(poolEvents), audit);
  const source: RecordSource = indexer === undefined ? "chain" : "indexer";
  return { model, source, token, currentEpochId, epochs, toBlock, rules, history, audit, rowMismatches: [] };
}

/** Every metric the registry sums across models, with its rounds (sums public only past k). */
export async function loadAggregates(chain: AppChain): Promise<AggregateStatus[]> {
  const aggregator = await connectAggregator(chain);
  const names = await aggregator.trackedMetrics();
  return Promise.all(names.map((name) => getAggregateStatus(chain, { name })));
}

/** The aggregates, or none when they cannot be read (they never block the models). */
export function loadAggregatesOrNone(chain: AppChain): Promise<AggregateStatus[]> {
  return withTimeout(loadAggregates(chain), MODEL_TIMEOUT_MS, "the aggregator").catch((error: unknown) => {
    console.warn(`The cross-model aggregates are unreadable: ${unreadableReason(error)}`);
    return [];
  });
}

/**
 * The model list and the block the record is read up to: from the indexer when one is configured and answers
 * (up to the last block it indexed, never past the chain's head), otherwise from the registry and the head.
 */
async function recordScope(chain: AppChain): Promise<{ models: ModelInfo[]; toBlock: number; indexer?: string }> {
  const head = await chain.provider.getBlockNumber();
  const indexer = chain.indexerUrl;
  if (indexer !== undefined) {
    try {
      const [models, indexed] = await Promise.all([indexerModels(indexer), indexerBlock(indexer)]);
      return { models, toBlock: Math.min(head, indexed), indexer };
    } catch (error) {
      if (!(error instanceof IndexerError)) throw error;
      console.warn(`${error.message} Reading the chain's logs instead.`);
    }
  }
  return { models: await listModels(chain), toBlock: head };
}

/** Every model of the registry with its epochs, rules and audit, as any observer sees them. */
export async function loadPublicModels(chain: AppChain): Promise<(ModelView | UnreadableModel)[]> {
  const { models, toBlock, indexer } = await recordScope(chain);
  return Promise.all(models.map((model) => readable(model, () => loadModel(chain, model, toBlock, indexer))));
}

/**
 * The public view's first draw. With an indexer that answers: its record in one GraphQL query (plus each payout
 * token's symbol and decimals), nothing decoded and nothing audited yet — {@link verifyIndexedModel} follows.
 * Otherwise: every model read and audited from the chain's logs, as {@link loadPublicModels} does.
 */
export async function loadPublicSummaries(chain: AppChain): Promise<(ModelSummary | UnreadableModel)[]> {
  const { provider } = chain;
  const indexer = chain.indexerUrl;
  if (indexer !== undefined) {
    try {
      const record = await indexerPublicRecord(indexer, { maxEpochs: MAX_EPOCHS });
      // The rows are the indexer's state at its block: the audit reads the chain at that same block.
      const toBlock = record.block;
      return await Promise.all(
        record.models.map(({ model, currentEpochId, epochs }) =>
          readable(model, async () => ({
            model,
            source: "indexer" as const,
            token: await tokenInfo(provider, model.payoutToken, officialPayoutToken(chain)),
            currentEpochId,
            epochs,
            toBlock,
          })),
        ),
      );
    } catch (error) {
      if (!(error instanceof IndexerError)) throw error;
      console.warn(`${error.message} Reading the chain's logs instead.`);
    }
  }
  const [models, head] = await Promise.all([listModels(chain), provider.getBlockNumber()]);
  return Promise.all(models.map((model) => readable(model, () => loadModel(chain, model, head))));
}

/**
 * Audits a model drawn from the indexer's record: its events (read from the indexer) must rebuild every epoch's
 * on-chain digest and log length, and the epochs shown must equal the chain's own at the same block. Returns the
 * view with the chain's epochs, the rules, and the verdict; the caller shows "auditing…" until then.
 */
export async function verifyIndexedModel(chain: AppChain, summary: ModelSummary): Promise<ModelView> {
  const indexer = chain.indexerUrl;
  if (indexer === undefined) throw new IndexerError("No indexer is configured (VITE_INDEXER_URL): nothing to verify.");
  const { model, toBlock } = summary;
  await waitForBlock(chain.provider, toBlock);
  const client = await readOnlyPool(chain, model.pool);
  const blockTag = toBlock;
  const currentEpochId = await client.pool.currentEpochId({ blockTag });
  const ids = recentEpochIds(currentEpochId);
  const events = indexerPoolEvents(indexer, model.pool, toBlock);
  const [raw, status, rules, history, audit, poolEvents] = await Promise.all([
    Promise.all(ids.map((epochId) => client.pool.getEpoch(epochId, { blockTag }))),
    client.pool.settlementStatus({ blockTag }),
    getRules(client),
    rulesHistory(client),
    auditModelEvents(chain, model.pool, events, toBlock),
    events.catch(() => undefined),
  ]);
  // Extensions are counted from the audited events; without them the audit failed and says so.
  const extensions =
    poolEvents === undefined
      ? new Map(summary.epochs.map((e) => [e.epochId, e.extensions]))
      : extensionCounts(poolEvents);
  const infos = raw.map((e, i) => toEpochInfo(ids[i], e, status.settledThroughEpochId));
  const epochs = epochViews(infos, extensions, audit);
  const rowMismatches = epochMismatches(summary.epochs, epochs);
  return { ...summary, currentEpochId, epochs, rules, history, audit, rowMismatches, indexedEpochs: summary.epochs };
}

/** How long the audit waits for the RPC node to reach the indexer's block before saying the node is behind. */
const NODE_BEHIND_TIMEOUT_MS = 60_000;
const NODE_POLL_MS = 1_000;

/** Waits until `provider` has block `block`: an indexer may be a few blocks ahead of the dashboard's RPC node. */
async function waitForBlock(provider: Provider, block: number): Promise<void> {
  const deadline = Date.now() + NODE_BEHIND_TIMEOUT_MS;
  for (let head = await provider.getBlockNumber(); head < block; head = await provider.getBlockNumber()) {
    if (Date.now() > deadline) {
      throw new Error(
        `the RPC node is at block ${head}, behind the indexer's ${block}: check VITE_RPC_URL, or wait and reload.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, NODE_POLL_MS));
  }
}

/** One model as a contributor sees it: the public view plus their own (still encrypted) epochs. */
export interface ContributorModelView extends ModelView {
  client: PoolClient;
  /** The contributor's epochs in this model, newest first. */
  mine: ContributorEpochStatus[];
  /** Submissions the contributor made to the current epoch. */
  currentSubmissions: bigint;
  /** Viewers the contributor let decrypt each closed or revealed epoch, keyed by epoch id. */
  disclosures: Record<string, EpochDisclosures>;
}

/** Who may decrypt a contributor's score of an epoch, and whether they can decrypt the share yet (once claimed). */
export interface EpochDisclosures {
  viewers: string[];
  /** The share exists (the epoch is claimed): every viewer can decrypt it, since every claim applies the grants. */
  shareClaimed: boolean;
}

/** Reads the disclosure grants of a contributor's final (closed or revealed) epochs of one model. */
async function loadDisclosures(
  chain: AppChain,
  contributor: string,
  modelId: bigint,
  epochs: readonly ContributorEpochStatus[],
): Promise<Record<string, EpochDisclosures>> {
  const vault = await readOnlyVault(chain);
  const final = epochs.filter((e) => e.state === "Closed" || e.state === "Revealed");
  const entries = await Promise.all(
    final.map(
      async (e) =>
        [e.epochId.toString(), await disclosureViewers(vault, { contributor, modelId, epochId: e.epochId })] as const,
    ),
  );
  return Object.fromEntries(entries);
}

/** Adds a contributor's own (still encrypted) epochs to a model's public view. */
async function contributorView(
  chain: AppChain,
  contributor: string,
  signer: Signer,
  fhe: FheBackend,
  view: ModelView,
): Promise<ContributorModelView> {
  // The client reads through the public provider and signs with the wallet.
  const client = await connectPool({ ...withSigner(chain, signer), fhe }, { address: view.model.pool });
  const [status, currentSubmissions] = await Promise.all([
    getContributorStatus(await readOnlyPool(chain, view.model.pool), {
      contributor,
      fromBlock: chain.fromBlock,
      indexer: view.source === "indexer" ? chain.indexerUrl : undefined,
    }),
    client.pool.submissionsOf(view.currentEpochId, contributor),
  ]);
  const disclosures = await loadDisclosures(chain, contributor, view.model.modelId, status.epochs);
  return { ...view, client, mine: [...status.epochs].reverse(), currentSubmissions, disclosures };
}

/** The models for a connected contributor: `client` acts as `signer` with `fhe`. */
export async function loadContributorModels(
  chain: AppChain,
  signer: Signer,
  fhe: FheBackend,
): Promise<(ContributorModelView | UnreadableModel)[]> {
  const contributor = await signer.getAddress();
  const views = await loadPublicModels(chain);
  return Promise.all(
    views.map((view) =>
      isUnreadable(view) ? view : readable(view.model, () => contributorView(chain, contributor, signer, fhe, view)),
    ),
  );
}

/** One model for a connected contributor, read again (after one of their transactions). */
export async function loadContributorModel(
  chain: AppChain,
  signer: Signer,
  fhe: FheBackend,
  model: ModelInfo,
): Promise<ContributorModelView | UnreadableModel> {
  const [contributor, scope] = await Promise.all([signer.getAddress(), recordScope(chain)]);
  return readable(model, async () =>
    contributorView(chain, contributor, signer, fhe, await loadModel(chain, model, scope.toBlock, scope.indexer)),
  );
}

/** What the public state says about a contributor's payouts: the vault, and which balances exist. */
export interface VaultState {
  /** The registry's payout vault. */
  address: string;
  /** Per payout token address: the contributor holds a balance (a full withdrawal clears it). The amounts are encrypted. */
  hasBalance: Record<string, boolean>;
}

/** Reads which of `tokens` the contributor holds a vault balance in (public: whether the encrypted handle is set). */
export async function loadVaultState(
  chain: AppChain,
  contributor: string,
  tokenAddresses: readonly string[],
): Promise<VaultState> {
  const vault = await readOnlyVault(chain);
  const handles = await Promise.all(tokenAddresses.map((token) => vault.vault.balanceOf(contributor, token)));
  return {
    address: vault.address,
    hasBalance: Object.fromEntries(tokenAddresses.map((token, i) => [token, handles[i] !== ZeroHash])),
  };
}

/** One epoch of a contributor in a model, as a viewer (an auditor) sees it: public facts and who may decrypt it. */
export interface DisclosedEpoch {
  epochId: bigint;
  state: string;
  claimed: boolean;
  viewers: string[];
  /** The viewer is among the epoch's viewers (or is the contributor). */
  toViewer: boolean;
  shareClaimed: boolean;
}

/**
 * The contributor's final (closed or revealed) epochs in a model, each with its disclosure viewers: what `viewer` may
 * decrypt, read from public state only (the contributor's submission events and the vault's grants).
 */
export async function loadDisclosedEpochs(
  chain: AppChain,
  viewer: string,
  contributor: string,
  model: ModelInfo,
): Promise<DisclosedEpoch[]> {
  const pool = await readOnlyPool(chain, model.pool);
  const status = await getContributorStatus(pool, { contributor, fromBlock: chain.fromBlock });
  const disclosures = await loadDisclosures(chain, contributor, model.modelId, status.epochs);
  const me = viewer.toLowerCase();
  return status.epochs
    .filter((e) => disclosures[e.epochId.toString()] !== undefined)
    .map((e) => {
      const { viewers, shareClaimed } = disclosures[e.epochId.toString()];
      return {
        epochId: e.epochId,
        state: e.state,
        claimed: e.claimed,
        viewers,
        toViewer: me === contributor.toLowerCase() || viewers.some((v) => v.toLowerCase() === me),
        shareClaimed,
      };
    })
    .reverse();
}
