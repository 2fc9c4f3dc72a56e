import { isAddress } from "ethers";

import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";
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
  { contributor, fromBlock = 0 }: GetContributorStatusParameters,
): Promise<GetContributorStatusReturnType> {
  if (!isAddress(contributor)) {
    throw new InvalidContributorError(`${contributor} is not an address: pass the contributor's 0x… address.`);
  }
  if (!Number.isSafeInteger(fromBlock) || fromBlock < 0) {
    throw new InvalidContributorError(`fromBlock must be a block number ≥ 0; got ${fromBlock}.`);
  }
  const events = await client.pool.queryFilter(
    client.pool.filters.ContributionSubmitted(undefined, contributor),
    fromBlock,
  );
  const lastBlock = new Map<bigint, number>();
  for (const event of events) {
    const epochId = event.args.epochId;
    lastBlock.set(epochId, Math.max(lastBlock.get(epochId) ?? 0, event.blockNumber));
  }
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
