/**
 * What the cross-model aggregate actions share: the client's MetricAggregator, and one way to send it a call as the
 * client's signer with its custom errors decoded.
 */
import { Interface } from "ethers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import { MetricAggregator__factory } from "../../types";
import type { MetricAggregator } from "../../types";
import { withRoyaltiesErrors } from "../errors";
import { confirmed, requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";

/** The aggregator's ABI, for calldata of governance proposals. */
export const aggregatorInterface: Interface = new Interface(MetricAggregator__factory.abi);

/** Runs an aggregator call; its custom errors come back as `AggregatorRevertError` (one decoder, `../errors`). */
export async function withAggregatorErrors<T>(call: () => Promise<T>): Promise<T> {
  return withRoyaltiesErrors(call, "MetricAggregator");
}

/**
 * The cross-model metric aggregator of the client's registry, connected to the client's signer or provider.
 * @example
 * const aggregator = await connectAggregator(client);
 */
export async function connectAggregator(client: RoyaltiesClient): Promise<MetricAggregator> {
  return MetricAggregator__factory.connect(await client.registry.metricAggregator(), client.runner);
}

/** The aggregator, connected to the client's signer (the action sends a transaction). */
export async function aggregatorSigner(client: RoyaltiesClient, action: string): Promise<MetricAggregator> {
  const signer = requireSigner(client, action);
  return MetricAggregator__factory.connect(await client.registry.metricAggregator(), signer);
}

/**
 * Sends one aggregator call as the client's signer (`action` names it when there is none) and waits for it; its
 * custom errors come back decoded.
 */
export async function sendToAggregator(
  client: RoyaltiesClient,
  action: string,
  send: (aggregator: MetricAggregator) => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt> {
  const aggregator = await aggregatorSigner(client, action);
  return withAggregatorErrors(() => confirmed(send(aggregator)));
}

/** Names one metric of the aggregator. */
export interface MetricNameParameters {
  /** The metric name, as in the model schemas. */
  name: string;
}
