/**
 * The public record, as tables. Public facts only: encrypted values appear as their opaque handles
 * (hex), exactly as the events carry them; nothing here is ever decrypted. Amounts are in the units the
 * events use (confidential units for pools, the ERC20's base units for `funding.amount`).
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** One model of the registry and its pool. */
export const model = onchainTable("model", (t) => ({
  modelId: t.bigint().primaryKey(),
  pool: t.hex().notNull(),
  name: t.text().notNull(),
  paymentToken: t.hex().notNull(),
  payoutToken: t.hex().notNull(),
  governance: t.hex().notNull(),
  creator: t.hex().notNull(),
  createdBlock: t.bigint().notNull(),
  createdTimestamp: t.bigint().notNull(),
}));

/** A pool's address → its model (pool events carry only the pool's address). */
export const pool = onchainTable("pool", (t) => ({
  address: t.hex().primaryKey(),
  modelId: t.bigint().notNull(),
  currentEpochId: t.bigint().notNull(),
  rulesVersionCount: t.integer().notNull(),
}));

export const rulesVersion = onchainTable(
  "rules_version",
  (t) => ({
    pool: t.hex().notNull(),
    version: t.integer().notNull(),
    maxSubmissionScore: t.bigint().notNull(),
    maxSubmissionsPerEpoch: t.bigint().notNull(),
    block: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.pool, table.version] }) }),
);

/**
 * One epoch of a pool. `state` is Open, Closed or Revealed; `pool` is the confidential units funded
 * (the figure EpochClosed / EpochTotalRevealed state once they happen); `revealedTotal` is the
 * KMS-revealed (noisy) total, null before the reveal.
 */
export const epoch = onchainTable(
  "epoch",
  (t) => ({
    pool: t.hex().notNull(),
    epochId: t.bigint().notNull(),
    modelId: t.bigint().notNull(),
    state: t.text().notNull(),
    start: t.bigint().notNull(),
    end: t.bigint().notNull(),
    rulesVersion: t.integer().notNull(),
    participants: t.integer().notNull(),
    submissions: t.bigint().notNull(),
    fundings: t.integer().notNull(),
    poolUnits: t.bigint().notNull(),
    extensions: t.integer().notNull(),
    noiseBits: t.integer(),
    totalHandle: t.hex(),
    revealedTotal: t.bigint(),
    shareFactor: t.bigint(),
    shareShift: t.integer(),
    claims: t.integer().notNull(),
    carriedForward: t.bigint(),
    carriedInto: t.bigint(),
    /** The settlement that released this epoch's dust and noise hold-back (its `toEpochId`), if any. */
    settledBy: t.text(),
    logLength: t.bigint().notNull(),
    logDigest: t.hex(),
    startBlock: t.bigint().notNull(),
    closedBlock: t.bigint(),
    revealedBlock: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.pool, table.epochId] }) }),
);

/** A distinct contributor of an epoch (public: that an address submitted to a model in an epoch). */
export const participant = onchainTable(
  "participant",
  (t) => ({
    pool: t.hex().notNull(),
    epochId: t.bigint().notNull(),
    contributor: t.hex().notNull(),
    submissions: t.integer().notNull(),
    lastBlock: t.bigint().notNull(),
    claimed: t.boolean().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.pool, table.epochId, table.contributor] }),
    contributorIdx: index().on(table.contributor),
  }),
);

export const submission = onchainTable(
  "submission",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    epochId: t.bigint().notNull(),
    contributor: t.hex().notNull(),
    attestor: t.hex().notNull(),
    bonusClass: t.integer().notNull(),
    rulesVersion: t.integer().notNull(),
    scoreHandle: t.hex().notNull(),
    totalHandle: t.hex().notNull(),
    block: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ epochIdx: index().on(table.pool, table.epochId), contributorIdx: index().on(table.contributor) }),
);

export const funding = onchainTable(
  "funding",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    epochId: t.bigint().notNull(),
    funder: t.hex().notNull(),
    amount: t.bigint().notNull(),
    units: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ epochIdx: index().on(table.pool, table.epochId) }),
);

/** A claimed share (the pool's RoyaltyClaimed event): who claimed which epoch, the share as a handle. */
export const claim = onchainTable(
  "claim",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    epochId: t.bigint().notNull(),
    contributor: t.hex().notNull(),
    shareHandle: t.hex().notNull(),
    block: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ epochIdx: index().on(table.pool, table.epochId) }),
);

export const settlement = onchainTable("settlement", (t) => ({
  id: t.text().primaryKey(),
  pool: t.hex().notNull(),
  fromEpochId: t.bigint().notNull(),
  toEpochId: t.bigint().notNull(),
  liability: t.bigint().notNull(),
  maskBits: t.integer().notNull(),
  lenderEpochId: t.bigint().notNull(),
  lent: t.bigint().notNull(),
  releasedHandle: t.hex().notNull(),
  keptHandle: t.hex().notNull(),
  /** Clear released amount and the epoch it went into, once settled. */
  released: t.bigint(),
  intoEpochId: t.bigint(),
  requestedBlock: t.bigint().notNull(),
  settledBlock: t.bigint(),
}));

/**
 * Every log of every pool, raw (topics and data) in chain order: what the audit reads from the indexer
 * instead of the RPC, decoding it itself and checking it against each epoch's on-chain digest and length.
 */
export const poolLog = onchainTable(
  "pool_log",
  (t) => ({
    id: t.text().primaryKey(),
    pool: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    transactionHash: t.hex().notNull(),
    topics: t.text().array().notNull(),
    data: t.hex().notNull(),
  }),
  (table) => ({ poolIdx: index().on(table.pool, table.blockNumber, table.logIndex) }),
);

/** A governor proposal; `state` follows its events: Created, Queued, Executed or Canceled. */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    governor: t.hex().notNull(),
    proposalId: t.bigint().notNull(),
    proposer: t.hex().notNull(),
    description: t.text().notNull(),
    targets: t.text().array().notNull(),
    calldatas: t.text().array().notNull(),
    voteStart: t.bigint().notNull(),
    voteEnd: t.bigint().notNull(),
    state: t.text().notNull(),
    forVotes: t.bigint().notNull(),
    againstVotes: t.bigint().notNull(),
    abstainVotes: t.bigint().notNull(),
    voters: t.integer().notNull(),
    eta: t.bigint(),
    createdBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.governor, table.proposalId] }) }),
);

/** A timelock operation of a model's governance: Scheduled, Executed or Cancelled. */
export const timelockOperation = onchainTable(
  "timelock_operation",
  (t) => ({
    timelock: t.hex().notNull(),
    callId: t.hex().notNull(),
    calls: t.integer().notNull(),
    executed: t.integer().notNull(),
    delay: t.bigint().notNull(),
    state: t.text().notNull(),
    scheduledBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.timelock, table.callId] }) }),
);

/** A contributor let `viewer` decrypt their score (and share) of a (model, epoch) pair. */
export const disclosure = onchainTable(
  "disclosure",
  (t) => ({
    contributor: t.hex().notNull(),
    viewer: t.hex().notNull(),
    modelId: t.bigint().notNull(),
    epochId: t.bigint().notNull(),
    applied: t.boolean().notNull(),
    grantedBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contributor, table.viewer, table.modelId, table.epochId] }) }),
);

export const aggregateMetric = onchainTable("aggregate_metric", (t) => ({
  metricKey: t.hex().primaryKey(),
  name: t.text().notNull(),
  tracked: t.boolean().notNull(),
}));

/** One round of a cross-model aggregate; `value` (noisy sum) only once revealed past k contributors. */
export const aggregateRound = onchainTable(
  "aggregate_round",
  (t) => ({
    metricKey: t.hex().notNull(),
    round: t.bigint().notNull(),
    end: t.bigint().notNull(),
    records: t.integer().notNull(),
    contributors: t.integer().notNull(),
    submissions: t.bigint(),
    state: t.text().notNull(),
    sumHandle: t.hex(),
    value: t.bigint(),
    cumulative: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.metricKey, table.round] }) }),
);

/** Attestations and finalizations of an attestation-consensus contract (handles stay opaque). */
export const attestation = onchainTable("attestation", (t) => ({
  id: t.text().primaryKey(),
  consensus: t.hex().notNull(),
  epochId: t.bigint().notNull(),
  contributor: t.hex().notNull(),
  attestor: t.hex().notNull(),
  count: t.integer().notNull(),
  block: t.bigint().notNull(),
}));

export const consensusFinalization = onchainTable("consensus_finalization", (t) => ({
  id: t.text().primaryKey(),
  consensus: t.hex().notNull(),
  epochId: t.bigint().notNull(),
  contributor: t.hex().notNull(),
  attestations: t.integer().notNull(),
  counted: t.boolean().notNull(),
  scoreHandle: t.hex().notNull(),
  block: t.bigint().notNull(),
}));

export const modelRelations = relations(model, ({ many }) => ({ epochs: many(epoch), settlements: many(settlement) }));
export const epochRelations = relations(epoch, ({ one }) => ({
  model: one(model, { fields: [epoch.modelId], references: [model.modelId] }),
}));
/** A model's settlements, by pool (what the dashboard reads to say which epochs are settled). */
export const settlementRelations = relations(settlement, ({ one }) => ({
  model: one(model, { fields: [settlement.pool], references: [model.pool] }),
}));
