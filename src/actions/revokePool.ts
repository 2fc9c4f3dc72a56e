import type { ContractTransactionReceipt } from "ethers";

import type { RoyaltiesClient } from "../client";
import { sendToAggregator } from "./aggregator";

export interface RevokePoolParameters {
  /** The pool's address. */
  pool: string;
}

export type RevokePoolReturnType = ContractTransactionReceipt;

/**
 * Stops a pool feeding the aggregates (the aggregator's governance account only).
 * @example
 * await revokePool(daoClient, { pool });
 */
export async function revokePool(
  client: RoyaltiesClient,
  { pool }: RevokePoolParameters,
): Promise<RevokePoolReturnType> {
  return sendToAggregator(client, "revokePool", (aggregator) => aggregator.revokePool(pool));
}
