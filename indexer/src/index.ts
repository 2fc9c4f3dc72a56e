/**
 * One handler per event. Handlers only copy public facts from events into tables; encrypted values are
 * kept as their opaque handles. Disclosure grants live in ./disclosure.ts.
 */
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import {
  aggregateMetric,
  aggregateRound,
  attestation,
  claim,
  consensusFinalization,
  epoch,
  funding,
  model,
  participant,
  pool,
  poolLog,
  proposal,
  rulesVersion,
  settlement,
  submission,
  timelockOperation,
} from "ponder:schema";
import { eq } from "ponder";

import "./disclosure";

type Hex = `0x${string}`;

/** The raw log of a pool event, kept for the audit (see ponder.schema.ts `pool_log`). */
interface RawLog {
  address: Hex;
  topics: readonly (Hex | null)[];
  data: Hex;
  logIndex: number;
}

async function recordLog(
  context: Context,
  event: { id: string; log: RawLog; block: { number: bigint }; transaction: { hash: Hex } },
): Promise<void> {
  await context.db
    .insert(poolLog)
    .values({
      id: event.id,
      pool: event.log.address,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      transactionHash: event.transaction.hash,
      // Ponder's backfill pads absent topics with null.
      topics: event.log.topics.filter((topic): topic is Hex => topic !== null),
      data: event.log.data,
    })
    .onConflictDoNothing();
}

/** The model of a pool, or null while its ModelCreated (emitted after the pool's first events) is pending. */
async function modelOf(context: Context, address: Hex): Promise<bigint | null> {
  return (await context.db.find(pool, { address }))?.modelId ?? null;
}

// ---- Registry ----

ponder.on("ModelRegistry:ModelCreated", async ({ event, context }) => {
  const { modelId, pool: address, name, paymentToken, payoutToken, governance, creator } = event.args;
  await context.db.insert(model).values({
    modelId,
    pool: address,
    name,
    paymentToken,
    payoutToken,
    governance,
    creator,
    createdBlock: event.block.number,
    createdTimestamp: event.block.timestamp,
  });
  await context.db
    .insert(pool)
    .values({ address, modelId, currentEpochId: 0n, rulesVersionCount: 0 })
    .onConflictDoUpdate({ modelId });
  // The pool's own creation events (rules v1, epoch 1) come before ModelCreated in the same transaction.
  await context.db.sql.update(epoch).set({ modelId }).where(eq(epoch.pool, address));
});

// ---- Pools ----

ponder.on("RoyaltyPool:Initialized", async ({ event, context }) => {
  await recordLog(context, event);
});

ponder.on("RoyaltyPool:LogAppended", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, index, digest } = event.args;
  await context.db
    .update(epoch, { pool: event.log.address, epochId })
    .set({ logLength: BigInt(index) + 1n, logDigest: digest });
});

ponder.on("RoyaltyPool:RulesVersionCreated", async ({ event, context }) => {
  await recordLog(context, event);
  const { version, maxSubmissionScore, maxSubmissionsPerEpoch } = event.args;
  await context.db
    .insert(rulesVersion)
    .values({ pool: event.log.address, version, maxSubmissionScore, maxSubmissionsPerEpoch, block: event.block.number })
    .onConflictDoUpdate({ maxSubmissionScore, maxSubmissionsPerEpoch, block: event.block.number });
  await context.db
    .insert(pool)
    .values({ address: event.log.address, modelId: -1n, currentEpochId: 0n, rulesVersionCount: version })
    .onConflictDoUpdate((row) => ({ rulesVersionCount: Math.max(row.rulesVersionCount, version) }));
});

ponder.on("RoyaltyPool:EpochStarted", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, start, end, rulesVersion: version } = event.args;
  const modelId = await modelOf(context, event.log.address);
  await context.db.insert(epoch).values({
    pool: event.log.address,
    epochId,
    modelId: modelId ?? -1n,
    state: "Open",
    start,
    end,
    rulesVersion: version,
    participants: 0,
    submissions: 0n,
    fundings: 0,
    poolUnits: 0n,
    extensions: 0,
    claims: 0,
    logLength: 0n,
    startBlock: event.block.number,
  });
  await context.db
    .insert(pool)
    .values({ address: event.log.address, modelId: -1n, currentEpochId: epochId, rulesVersionCount: 0 })
    .onConflictDoUpdate({ currentEpochId: epochId });
});

ponder.on("RoyaltyPool:ContributionSubmitted", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, contributor, attestor, bonusClass, rulesVersion: version, score, total } = event.args;
  const address = event.log.address;
  await context.db.insert(submission).values({
    id: event.id,
    pool: address,
    epochId,
    contributor,
    attestor,
    bonusClass,
    rulesVersion: version,
    scoreHandle: score,
    totalHandle: total,
    block: event.block.number,
    transactionHash: event.transaction.hash,
  });
  const existing = await context.db.find(participant, { pool: address, epochId, contributor });
  await context.db
    .insert(participant)
    .values({ pool: address, epochId, contributor, submissions: 1, lastBlock: event.block.number, claimed: false })
    .onConflictDoUpdate((row) => ({ submissions: row.submissions + 1, lastBlock: event.block.number }));
  await context.db.update(epoch, { pool: address, epochId }).set((row) => ({
    submissions: row.submissions + 1n,
    participants: row.participants + (existing === null ? 1 : 0),
  }));
});

ponder.on("RoyaltyPool:PoolFunded", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, funder, amount, units } = event.args;
  await context.db.insert(funding).values({
    id: event.id,
    pool: event.log.address,
    epochId,
    funder,
    amount,
    units,
    block: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  await context.db
    .update(epoch, { pool: event.log.address, epochId })
    .set((row) => ({ fundings: row.fundings + 1, poolUnits: row.poolUnits + units }));
});

ponder.on("RoyaltyPool:EpochExtended", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, newEnd, rulesVersion: version } = event.args;
  await context.db
    .update(epoch, { pool: event.log.address, epochId })
    .set((row) => ({ end: newEnd, rulesVersion: version, extensions: row.extensions + 1 }));
});

ponder.on("RoyaltyPool:EpochRulesAdopted", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, toVersion } = event.args;
  await context.db.update(epoch, { pool: event.log.address, epochId }).set({ rulesVersion: toVersion });
});

ponder.on("RoyaltyPool:EpochTotalNoised", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, noiseBits } = event.args;
  await context.db.update(epoch, { pool: event.log.address, epochId }).set({ noiseBits });
});

ponder.on("RoyaltyPool:EpochClosed", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, participants, submissions, pool: units, total } = event.args;
  await context.db.update(epoch, { pool: event.log.address, epochId }).set({
    state: "Closed",
    participants,
    submissions,
    poolUnits: units,
    totalHandle: total,
    closedBlock: event.block.number,
  });
});

ponder.on("RoyaltyPool:EpochTotalRevealed", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, total, pool: units, shareFactor, shareShift } = event.args;
  await context.db.update(epoch, { pool: event.log.address, epochId }).set({
    state: "Revealed",
    revealedTotal: total,
    poolUnits: units,
    shareFactor,
    shareShift,
    revealedBlock: event.block.number,
  });
});

// Claims are counted from the pool's own RoyaltyClaimed event, whichever contract paid them.
ponder.on("RoyaltyPool:RoyaltyClaimed", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, contributor, share } = event.args;
  const address = event.log.address;
  await context.db.insert(claim).values({
    id: event.id,
    pool: address,
    epochId,
    contributor,
    shareHandle: share,
    block: event.block.number,
    transactionHash: event.transaction.hash,
  });
  await context.db.update(epoch, { pool: address, epochId }).set((row) => ({ claims: row.claims + 1 }));
  await context.db
    .insert(participant)
    .values({ pool: address, epochId, contributor, submissions: 0, lastBlock: event.block.number, claimed: true })
    .onConflictDoUpdate({ claimed: true });
});

ponder.on("RoyaltyPool:PoolCarriedForward", async ({ event, context }) => {
  await recordLog(context, event);
  const { epochId, amount, intoEpochId } = event.args;
  await context.db
    .update(epoch, { pool: event.log.address, epochId })
    .set({ carriedForward: amount, carriedInto: intoEpochId });
  await context.db
    .update(epoch, { pool: event.log.address, epochId: intoEpochId })
    .set((row) => ({ poolUnits: row.poolUnits + amount }));
});

ponder.on("RoyaltyPool:SettlementRequested", async ({ event, context }) => {
  await recordLog(context, event);
  const { fromEpochId, toEpochId, liability, maskBits, released, kept, lenderEpochId, lent } = event.args;
  await context.db.insert(settlement).values({
    id: `${event.log.address}-${toEpochId}`,
    pool: event.log.address,
    fromEpochId,
    toEpochId,
    liability,
    maskBits,
    lenderEpochId,
    lent,
    releasedHandle: released,
    keptHandle: kept,
    requestedBlock: event.block.number,
  });
});

ponder.on("RoyaltyPool:PoolSettled", async ({ event, context }) => {
  await recordLog(context, event);
  const { toEpochId, released, intoEpochId } = event.args;
  const id = `${event.log.address}-${toEpochId}`;
  await context.db.update(settlement, { id }).set({ released, intoEpochId, settledBlock: event.block.number });
  await context.db
    .update(epoch, { pool: event.log.address, epochId: intoEpochId })
    .set((row) => ({ poolUnits: row.poolUnits + released }));
});

// ---- Cross-model aggregates ----

ponder.on("MetricAggregator:MetricTracked", async ({ event, context }) => {
  const { metricKey, name } = event.args;
  await context.db
    .insert(aggregateMetric)
    .values({ metricKey, name, tracked: true })
    .onConflictDoUpdate({ tracked: true });
});

ponder.on("MetricAggregator:MetricUntracked", async ({ event, context }) => {
  await context.db.update(aggregateMetric, { metricKey: event.args.metricKey }).set({ tracked: false });
});

ponder.on("MetricAggregator:RoundScheduled", async ({ event, context }) => {
  const { metricKey, round, end } = event.args;
  await context.db
    .insert(aggregateRound)
    .values({ metricKey, round, end, records: 0, contributors: 0, state: "Open" })
    .onConflictDoUpdate({ end });
});

ponder.on("MetricAggregator:MetricRecorded", async ({ event, context }) => {
  const { metricKey, round, roundContributors, sum } = event.args;
  await context.db
    .update(aggregateRound, { metricKey, round })
    .set((row) => ({ records: row.records + 1, contributors: roundContributors, sumHandle: sum }));
});

ponder.on("MetricAggregator:AggregateRevealRequested", async ({ event, context }) => {
  const { metricKey, round, contributors, submissions, sum } = event.args;
  await context.db
    .update(aggregateRound, { metricKey, round })
    .set({ state: "Sealed", contributors, submissions, sumHandle: sum });
});

ponder.on("MetricAggregator:AggregateRevealed", async ({ event, context }) => {
  const { metricKey, round, value, cumulative } = event.args;
  await context.db.update(aggregateRound, { metricKey, round }).set({ state: "Revealed", value, cumulative });
});

// ---- Attestation consensus ----

ponder.on("AttestationConsensus:Attested", async ({ event, context }) => {
  const { epochId, contributor, attestor, count } = event.args;
  await context.db.insert(attestation).values({
    id: event.id,
    consensus: event.log.address,
    epochId,
    contributor,
    attestor,
    count,
    block: event.block.number,
  });
});

ponder.on("AttestationConsensus:ConsensusFinalized", async ({ event, context }) => {
  const { epochId, contributor, attestations, counted, score } = event.args;
  await context.db.insert(consensusFinalization).values({
    id: event.id,
    consensus: event.log.address,
    epochId,
    contributor,
    attestations,
    counted,
    scoreHandle: score,
    block: event.block.number,
  });
});

// ---- Governance ----

ponder.on("RoyaltyGovernor:ProposalCreated", async ({ event, context }) => {
  const { proposalId, proposer, targets, calldatas, voteStart, voteEnd, description } = event.args;
  await context.db.insert(proposal).values({
    governor: event.log.address,
    proposalId,
    proposer,
    description,
    targets: [...targets],
    calldatas: [...calldatas],
    voteStart,
    voteEnd,
    state: "Created",
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    voters: 0,
    createdBlock: event.block.number,
  });
});

/** Adds a vote to its proposal's tally (support 0 against, 1 for, 2 abstain). */
async function countVote(context: Context, governor: Hex, proposalId: bigint, support: number, weight: bigint) {
  await context.db.update(proposal, { governor, proposalId }).set((row) => ({
    againstVotes: row.againstVotes + (support === 0 ? weight : 0n),
    forVotes: row.forVotes + (support === 1 ? weight : 0n),
    abstainVotes: row.abstainVotes + (support === 2 ? weight : 0n),
    voters: row.voters + 1,
  }));
}

ponder.on("RoyaltyGovernor:VoteCast", async ({ event, context }) => {
  const { proposalId, support, weight } = event.args;
  await countVote(context, event.log.address, proposalId, support, weight);
});

ponder.on("RoyaltyGovernor:VoteCastWithParams", async ({ event, context }) => {
  const { proposalId, support, weight } = event.args;
  await countVote(context, event.log.address, proposalId, support, weight);
});

ponder.on("RoyaltyGovernor:ProposalQueued", async ({ event, context }) => {
  const { proposalId, etaSeconds } = event.args;
  await context.db
    .update(proposal, { governor: event.log.address, proposalId })
    .set({ state: "Queued", eta: etaSeconds });
});

ponder.on("RoyaltyGovernor:ProposalExecuted", async ({ event, context }) => {
  await context.db
    .update(proposal, { governor: event.log.address, proposalId: event.args.proposalId })
    .set({ state: "Executed" });
});

ponder.on("RoyaltyGovernor:ProposalCanceled", async ({ event, context }) => {
  await context.db
    .update(proposal, { governor: event.log.address, proposalId: event.args.proposalId })
    .set({ state: "Canceled" });
});

ponder.on("RoyaltyTimelock:CallScheduled", async ({ event, context }) => {
  const { id, delay } = event.args;
  await context.db
    .insert(timelockOperation)
    .values({
      timelock: event.log.address,
      callId: id,
      calls: 1,
      executed: 0,
      delay,
      state: "Scheduled",
      scheduledBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({ calls: row.calls + 1 }));
});

ponder.on("RoyaltyTimelock:CallExecuted", async ({ event, context }) => {
  await context.db
    .update(timelockOperation, { timelock: event.log.address, callId: event.args.id })
    .set((row) => ({ executed: row.executed + 1, state: row.executed + 1 >= row.calls ? "Executed" : row.state }));
});

ponder.on("RoyaltyTimelock:Cancelled", async ({ event, context }) => {
  await context.db
    .update(timelockOperation, { timelock: event.log.address, callId: event.args.id })
    .set({ state: "Cancelled" });
});
