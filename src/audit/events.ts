/** Reading a contract's events: paginated `eth_getLogs`, decoded with the contract's ABI, in chain order. */
import type { Interface, Log, Provider } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { DEFAULT_LOG_BLOCK_RANGE, readLogs } from "../logs";
import type { ReadLogsParameters } from "../logs";

/** One event of the pool, decoded, with its position in the chain. */
export interface PoolEvent {
  name: string;
  args: Record<string, unknown>;
  transactionHash: string;
  blockNumber: number;
  logIndex: number;
}

/**
 * Reads a contract's events in a block range, decoded with `iface` and in chain order, through the
 * paginated reader ({@link readLogs}): at most `blockRange` blocks per request, halved when the provider
 * refuses, transient failures retried; `options` adds a topic filter and a progress callback.
 */
export async function readDecodedEvents(
  provider: Provider,
  address: string,
  iface: Interface,
  fromBlock: number,
  toBlock: number,
  blockRange: number = DEFAULT_LOG_BLOCK_RANGE,
  options: Pick<ReadLogsParameters, "topics" | "onProgress" | "retries" | "retryDelayMs"> = {},
): Promise<PoolEvent[]> {
  return decodeEvents(iface, await readLogs(provider, { ...options, address, fromBlock, toBlock, blockRange }));
}

/** Decodes logs with `iface`, in the order given, skipping logs of other events. */
export function decodeEvents(iface: Interface, logs: readonly Log[]): PoolEvent[] {
  const events: PoolEvent[] = [];
  for (const log of logs) {
    const parsed = iface.parseLog(log);
    if (parsed === null) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => (args[input.name] = parsed.args[i]));
    events.push({
      name: parsed.name,
      args,
      transactionHash: log.transactionHash,
      blockNumber: log.blockNumber,
      logIndex: log.index,
    });
  }
  return events;
}

export { DEFAULT_LOG_BLOCK_RANGE };

/** Reads a pool's events in a block range, decoded and in chain order, `blockRange` blocks per request. */
export function readPoolEvents(
  provider: Provider,
  pool: string,
  fromBlock: number,
  toBlock: number,
  blockRange?: number,
): Promise<PoolEvent[]> {
  return readDecodedEvents(provider, pool, RoyaltyPool__factory.createInterface(), fromBlock, toBlock, blockRange);
}
