/**
 * Typed event arguments: the one place where a decoded log meets TypeChain's event types, so that actions read
 * `event.args.epochId` as the `bigint` the ABI says instead of casting `unknown`.
 */
import type { BaseContract, Log } from "ethers";

import type { TypedContractEvent, TypedLogDescription } from "../types/common";
import { RoyaltiesError } from "./errors";

/** A TypeChain contract: its `filters` name each event (by name and by signature) with its typed event. */
type EventfulContract = BaseContract & { filters: object };

/** The event names of a TypeChain contract (`"EpochClosed"`, and the full signatures). */
export type EventName<C extends EventfulContract> = Extract<keyof C["filters"], string>;

/** The TypeChain event `K` of contract type `C`. */
export type ContractEvent<
  C extends EventfulContract,
  K extends EventName<C>,
> = C["filters"][K] extends TypedContractEvent ? C["filters"][K] : never;

/** A decoded log of event `K` whose `args` are typed by TypeChain (tuple and named fields). */
export type ParsedEvent<C extends EventfulContract, K extends EventName<C>> = TypedLogDescription<ContractEvent<C, K>>;

function addressOf(contract: BaseContract): string {
  if (typeof contract.target !== "string") {
    throw new RoyaltiesError("Connect the contract by address to read its events.");
  }
  return contract.target.toLowerCase();
}

/**
 * Decodes one log as event `name` of `contract`: undefined when the log is another event or was emitted by another
 * address (any contract can emit an event with the same signature, so only the contract's own logs count).
 * @example
 * const submitted = parseLog(pool, log, "ContributionSubmitted"); // submitted?.args.epochId: bigint
 */
export function parseLog<C extends EventfulContract, K extends EventName<C>>(
  contract: C,
  log: Log,
  name: K,
): ParsedEvent<C, K> | undefined {
  if (log.address.toLowerCase() !== addressOf(contract)) return undefined;
  const parsed = contract.interface.parseLog(log);
  if (parsed === null || (parsed.name !== name && parsed.signature !== name)) return undefined;
  // The one boundary: ethers decodes with the same ABI TypeChain generated these types from.
  return parsed as unknown as ParsedEvent<C, K>;
}

/**
 * Every event `name` the contract emitted in a receipt, in log order, with TypeChain-typed `args`.
 * @example
 * const credited = parseEvents(vault.vault, receipt, "ShareCredited").length;
 */
export function parseEvents<C extends EventfulContract, K extends EventName<C>>(
  contract: C,
  receipt: { readonly logs: readonly Log[] },
  name: K,
): ParsedEvent<C, K>[] {
  const found: ParsedEvent<C, K>[] = [];
  for (const log of receipt.logs) {
    const parsed = parseLog(contract, log, name);
    if (parsed !== undefined) found.push(parsed);
  }
  return found;
}

/**
 * The first event `name` the contract emitted in a receipt; throws when there is none (the transaction did not do
 * what the caller relies on).
 * @example
 * const { args } = parseEvent(pool, receipt, "EpochClosed"); // args.epochId: bigint
 */
export function parseEvent<C extends EventfulContract, K extends EventName<C>>(
  contract: C,
  receipt: { readonly logs: readonly Log[]; readonly hash?: string },
  name: K,
): ParsedEvent<C, K> {
  const [first] = parseEvents(contract, receipt, name);
  if (first === undefined) {
    throw new RoyaltiesError(
      `The transaction ${receipt.hash ?? ""} emitted no ${name} event of ${addressOf(contract)}.`,
    );
  }
  return first;
}
