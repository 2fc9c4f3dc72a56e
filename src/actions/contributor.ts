import { isAddress } from "ethers";

import type { RoyaltyPool } from "../../types";
import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";
import { parseLog } from "../events";
import { indexerSubmittedEpochs } from "../indexer";
import { readLogs } from "../logs";
import type { LogReadProgress } from "../logs";
import { EPOCH_STATES } from "./read";
import type { EpochStateName } from "./read";

export interface GetContributorStatusParameters {
  /** The contributor's address. */
  contributor: string;
  /**
   * First block to scan for `ContributionSubmitted` events; 0 when omitted. On public RPCs that cap
   * log ranges, pass the block the pool was created in.
   */
  fromBlock?: number;
  /** Progress of the paginated event read. */
  onProgress?: (progress: LogReadProgress) => void;
  /**
   * Base URL of a Ponder indexer (npm run indexer, e.g. http://localhost:42069): the submissions are read
   * from it instead of the chain's logs. Without it, the paginated log reader goes to the chain.
   */
  indexer?: string;
}

/** Public facts about one contributor in one epoch: never their metrics, score or share. */
export interface ContributorEpochStatus {
  epochId: bigint;
  state: EpochStateName;
  /** Submissions the contributor made in the epoch. */
  submissions: bigint;
  /** True once the contributor claimed the epoch. */
  claimed: boolean;
  /** True when the epoch is revealed, pays shares (non-zero total and pool) and is not claimed yet. */
  claimable: boolean;
  /** Block of the contributor's last submission in the epoch. */
  lastSubmissionBlock: number;
}

export interface GetContributorStatusReturnType {
  contributor: string;
  /** Every epoch the contributor submitted to, oldest first. */
  epochs: ContributorEpochStatus[];
}

/** The contributor is not an address. */
export class InvalidContributorError extends RoyaltiesError {}

/**
 * Lists every epoch of the pool a contributor submitted to, with the epoch's state, the number of
 * submissions and whether the contributor claimed it. Reads public data only (events and views).
 * @example
 * const { epochs } = await getContributorStatus(client, { contributor: alice.address });
 * const unclaimed = epochs.filter((e) => e.claimable).map((e) => e.epochId);
 */
export async function getContributorStatus(
  client: PoolClient,
  { contributor, fromBlock = 0, onProgress, indexer }: GetContributorStatusParameters,
): Promise<GetContributorStatusReturnType> {
  if (!isAddress(contributor)) {
    throw new InvalidContributorError(`${contributor} is not an address: pass the contributor's 0x… address.`);
  }
  if (!Number.isSafeInteger(fromBlock) || fromBlock < 0) {
    throw new InvalidContributorError(`fromBlock must be a block number ≥ 0; got ${fromBlock}.`);
  }
  const lastBlock = await submittedEpochs(client.pool, contributor, { fromBlock, onProgress, indexer });
  const epochIds = [...lastBlock.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const epochs = await Promise.all(
    epochIds.map(async (epochId): Promise<ContributorEpochStatus> => {
      const [epoch, submissions, claimed] = await Promise.all([
        client.pool.getEpoch(epochId),
        client.pool.submissionsOf(epochId, contributor),
        client.pool.hasClaimed(epochId, contributor),
      ]);
      const state = EPOCH_STATES[Number(epoch.state)];
      return {
        epochId,
        state,
        submissions,
        claimed,
        claimable: state === "Revealed" && epoch.shareFactor !== 0n && !claimed,
        lastSubmissionBlock: lastBlock.get(epochId) ?? 0,
      };
    }),
  );
  return { contributor, epochs };
}

/**
 * The epochs of `pool` a contributor submitted to (as contributor, self-reported or attested), each
 * with the block of their last submission: from the indexer at `indexer` when one is given (its
 * participant rows), otherwise from the pool's `ContributionSubmitted` events read through the paginated
 * log reader.
 */
export async function submittedEpochs(
  pool: RoyaltyPool,
  contributor: string,
  {
    fromBlock = 0,
    toBlock,
    onProgress,
    indexer,
  }: {
    fromBlock?: number;
    toBlock?: number;
    onProgress?: (progress: LogReadProgress) => void;
    indexer?: string;
  },
): Promise<Map<bigint, number>> {
  if (indexer !== undefined) {
    const indexed = await indexerSubmittedEpochs(indexer, await pool.getAddress(), contributor);
    return new Map(
      [...indexed].filter(([, block]) => block >= fromBlock && (toBlock === undefined || block <= toBlock)),
    );
  }
  const provider = pool.runner?.provider;
  if (provider == null) throw new RoyaltiesError("Reading submissions needs a pool connected to a provider.");
  const logs = await readLogs(provider, {
    address: await pool.getAddress(),
    topics: await pool.filters.ContributionSubmitted(undefined, contributor).getTopicFilter(),
    fromBlock,
    toBlock: toBlock ?? (await provider.getBlockNumber()),
    onProgress,
  });
  const lastBlock = new Map<bigint, number>();
  for (const log of logs) {
    const epochId = parseLog(pool, log, "ContributionSubmitted")?.args.epochId;
    if (epochId === undefined) continue;
    lastBlock.set(epochId, Math.max(lastBlock.get(epochId) ?? 0, log.blockNumber));
  }
  return lastBlock;
}
