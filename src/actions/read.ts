import type { IRoyaltyPool } from "../../types";
import type { PoolClient } from "../client";

/** Epoch lifecycle states, as the contract numbers them. */
export const EPOCH_STATES = ["None", "Open", "Closed", "Revealed"] as const;
export type EpochStateName = (typeof EPOCH_STATES)[number];

/** Public facts about one epoch: nothing in here belongs to one contributor. */
export interface EpochInfo {
  epochId: bigint;
  state: EpochStateName;
  start: bigint;
  end: bigint;
  rulesVersion: bigint;
  participants: bigint;
  submissions: bigint;
  claims: bigint;
  pool: bigint;
  revealedTotal: bigint;
  /** Right shift of the share computation (64 on the 128-bit path); 0 before the reveal. */
  shareShift: bigint;
  totalHandle: string;
  /** True once a settlement carried this epoch's rounding remainder forward. */
  settled: boolean;
}

export interface MetricRule {
  name: string;
  weight: bigint;
  cap: bigint;
}

export interface RulesInfo {
  version: bigint;
  metrics: MetricRule[];
  epochLength: bigint;
  minParticipants: bigint;
  maxSubmissionsPerContributor: bigint;
  attestationRequired: boolean;
  attestors: string[];
  bonusMultipliers: bigint[];
  claimWindow: bigint;
  /** Noise below 2^noiseBits is added to each epoch total before its reveal (0 = none). */
  noiseBits: number;
  maxSubmissionScore: bigint;
  maxSubmissionsPerEpoch: bigint;
}

export interface GetEpochParameters {
  /** Default: the current epoch. */
  epochId?: bigint;
}

export type GetEpochReturnType = EpochInfo;

/**
 * Reads the public record of an epoch (the current one when `epochId` is omitted).
 * @example
 * const { state, participants } = await getEpoch(pool, { epochId: 1n });
 */
export async function getEpoch(client: PoolClient, params: GetEpochParameters = {}): Promise<GetEpochReturnType> {
  const epochId = params.epochId ?? (await client.pool.currentEpochId());
  const [e, status] = await Promise.all([client.pool.getEpoch(epochId), client.pool.settlementStatus()]);
  return toEpochInfo(epochId, e, status.settledThroughEpochId);
}

/**
 * The public record of epoch `epochId` from the pool's `getEpoch` struct and the last settled epoch (epochs up to
 * it are settled), for readers that fetch many epochs at one block.
 */
export function toEpochInfo(
  epochId: bigint,
  e: IRoyaltyPool.EpochStructOutput,
  settledThroughEpochId: bigint,
): EpochInfo {
  return {
    epochId,
    state: EPOCH_STATES[Number(e.state)],
    start: e.start,
    end: e.end,
    rulesVersion: e.rulesVersion,
    participants: e.participants,
    submissions: e.submissions,
    claims: e.claims,
    pool: e.pool,
    revealedTotal: e.revealedTotal,
    shareShift: e.shareShift,
    totalHandle: e.total,
    settled: epochId <= settledThroughEpochId,
  };
}

export interface GetRulesParameters {
  /** Default: the version the current epoch runs under. */
  version?: bigint;
}

export type GetRulesReturnType = RulesInfo;

/**
 * Reads a rules version (the one the current epoch runs under when `version` is omitted).
 * @example
 * const { metrics, minParticipants } = await getRules(pool);
 */
export async function getRules(client: PoolClient, params: GetRulesParameters = {}): Promise<GetRulesReturnType> {
  const version = params.version ?? (await getEpoch(client)).rulesVersion;
  const r = await client.pool.getRules(version);
  return {
    version,
    metrics: r.metrics.map((m) => ({ name: m.name, weight: m.weight, cap: m.cap })),
    epochLength: r.epochLength,
    minParticipants: r.minParticipants,
    maxSubmissionsPerContributor: r.maxSubmissionsPerContributor,
    attestationRequired: r.attestationRequired,
    attestors: [...r.attestors],
    bonusMultipliers: [...r.bonusMultipliers],
    claimWindow: r.claimWindow,
    noiseBits: Number(r.noiseBits),
    maxSubmissionScore: r.maxSubmissionScore,
    maxSubmissionsPerEpoch: r.maxSubmissionsPerEpoch,
  };
}
