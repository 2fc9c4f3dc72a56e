import type { ContractTransactionReceipt } from "ethers";

import type { RoyaltiesClient } from "../client";
import { aggregatorInterface, sendToAggregator } from "./aggregator";
import type { MetricNameParameters } from "./aggregator";

export type TrackMetricParameters = MetricNameParameters;
export type TrackMetricReturnType = ContractTransactionReceipt;

/**
 * Starts aggregating a metric name across models (the aggregator's governance account only).
 * @example
 * await trackMetric(daoClient, { name: "computeUnits" });
 */
export async function trackMetric(
  client: RoyaltiesClient,
  { name }: TrackMetricParameters,
): Promise<TrackMetricReturnType> {
  return sendToAggregator(client, "trackMetric", (aggregator) => aggregator.trackMetric(name));
}

/** Calldata for a governance proposal that tracks (or untracks) a metric name. */
export function encodeTrackMetric(name: string, track = true): string {
  return aggregatorInterface.encodeFunctionData(track ? "trackMetric" : "untrackMetric", [name]);
}
