import type { ContractTransactionReceipt } from "ethers";

import type { RoyaltiesClient } from "../client";
import { sendToAggregator } from "./aggregator";
import type { MetricNameParameters } from "./aggregator";

export type UntrackMetricParameters = MetricNameParameters;
export type UntrackMetricReturnType = ContractTransactionReceipt;

/**
 * Stops aggregating a metric name (the aggregator's governance account only).
 * @example
 * await untrackMetric(daoClient, { name: "computeUnits" });
 */
export async function untrackMetric(
  client: RoyaltiesClient,
  { name }: UntrackMetricParameters,
): Promise<UntrackMetricReturnType> {
  return sendToAggregator(client, "untrackMetric", (aggregator) => aggregator.untrackMetric(name));
}
