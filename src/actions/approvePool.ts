import type { ContractTransactionReceipt } from "ethers";

import type { RoyaltiesClient } from "../client";
import { aggregatorInterface, sendToAggregator } from "./aggregator";

export interface ApprovePoolParameters {
  /** The pool's address (it may be predicted before the model exists: `registry.predictPool`). */
  pool: string;
}

export type ApprovePoolReturnType = ContractTransactionReceipt;

/**
 * Lets a pool of the registry feed the aggregates (the aggregator's governance account only). Until then its
 * submissions are ignored by the aggregates: anyone can create a model with a tracked metric name.
 * @example
 * await approvePool(daoClient, { pool: await daoClient.registry.predictPool(creator, "subnet-7") });
 */
export async function approvePool(
  client: RoyaltiesClient,
  { pool }: ApprovePoolParameters,
): Promise<ApprovePoolReturnType> {
  return sendToAggregator(client, "approvePool", (aggregator) => aggregator.approvePool(pool));
}

/** Calldata for a governance proposal that approves (or revokes) a pool as a feeder of the aggregates. */
export function encodeApprovePool(pool: string, approve = true): string {
  return aggregatorInterface.encodeFunctionData(approve ? "approvePool" : "revokePool", [pool]);
}
