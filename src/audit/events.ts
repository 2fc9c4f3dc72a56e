/** Reading a contract's events: paginated `eth_getLogs`, decoded with the contract's ABI, in chain order. */
import { EventFragment } from "ethers";
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

/** An event of an ABI, and the same event marked anonymous to decode a log whose topic was already matched. */
interface TopicEvent {
  readonly fragment: EventFragment;
  readonly decoder: EventFragment;
}

/**
 * Each interface's events by topic hash, built once. `Interface.parseLog` finds a log's event by hashing
 * every event signature of the ABI, for every log, and `decodeEventLog` hashes the matched signature again
 * to check topic 0: a keccak in JavaScript costs about 40 µs, so a long history spent most of its decoding
 * there. Decoding with an anonymous copy of the event (same inputs, no topic 0) skips the re-check of a
 * topic this map has just matched.
 */
const eventsByTopic = new WeakMap<Interface, ReadonlyMap<string, TopicEvent>>();

/** The interface's non-anonymous events by topic hash (an anonymous event has no topic to find it by, as in parseLog). */
export function eventTopics(iface: Interface): ReadonlyMap<string, TopicEvent> {
  let topics = eventsByTopic.get(iface);
  if (topics === undefined) {
    const built = new Map<string, TopicEvent>();
    iface.forEachEvent((fragment) => {
      if (fragment.anonymous) return;
      const decoder = EventFragment.from({ ...JSON.parse(fragment.format("json")), anonymous: true });
      built.set(fragment.topicHash, { fragment, decoder });
    });
    eventsByTopic.set(iface, (topics = built));
  }
  return topics;
}

/** What decoding reads of a log: an RPC `Log`, or a raw log row an indexer stored. */
export type RawLog = Pick<Log, "topics" | "data" | "transactionHash" | "blockNumber" | "index">;

/** Decodes logs with `iface`, in the order given, skipping logs of other events. */
export function decodeEvents(iface: Interface, logs: readonly RawLog[]): PoolEvent[] {
  const topics = eventTopics(iface);
  const events: PoolEvent[] = [];
  for (const log of logs) {
    const event = log.topics.length === 0 ? undefined : topics.get(log.topics[0].toLowerCase());
    if (event === undefined) continue;
    const decoded = iface.decodeEventLog(event.decoder, log.data, log.topics.slice(1));
    const args: Record<string, unknown> = {};
    event.fragment.inputs.forEach((input, i) => (args[input.name] = decoded[i]));
    events.push({
      name: event.fragment.name,
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
