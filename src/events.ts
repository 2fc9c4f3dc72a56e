/**
 * Typed event arguments: the one place where a decoded log meets TypeChain's event types, so that actions read
 * `event.args.epochId` as the `bigint` the ABI says instead of casting `unknown`.
 */
import type { BaseContract, EventFragment, Interface, Log, LogDescription, ParamType } from "ethers";

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

/** The named arguments of event `K` of contract type `C`, typed by TypeChain (its `OutputObject`). */
export type EventArgs<C extends EventfulContract, K extends EventName<C>> =
  ContractEvent<C, K> extends TypedContractEvent<never[], never[], infer Named> ? Named : never;

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
  if (!isTypedEvent<C, K>(parsed)) {
    throw new MalformedEventError(
      `The ${name} event in transaction ${log.transactionHash} did not decode to its ABI types.`,
    );
  }
  return parsed;
}

/**
 * The guard the TypeChain types rest on: every argument ethers decoded has the runtime type of its ABI type
 * (the ABI TypeChain generated the types from).
 */
function isTypedEvent<C extends EventfulContract, K extends EventName<C>>(
  parsed: LogDescription,
): parsed is LogDescription & ParsedEvent<C, K> {
  return parsed.fragment.inputs.every((input, i) => hasAbiType(parsed.args[i], input));
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

/** A decoded event from any source (RPC logs, an indexer, a hand-built stream): its name and named arguments. */
export interface NamedEvent {
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly transactionHash?: string;
}

/** An event argument does not have its ABI type: the stream was not decoded with the contract's ABI. */
export class MalformedEventError extends RoyaltiesError {}

/**
 * Whether `value` is what ethers decodes an argument of ABI type `param` to: every integer as a bigint in its
 * type's range, addresses and bytes as hex strings of their length, strings, booleans, and arrays and tuples of
 * such values.
 */
function hasAbiType(value: unknown, param: ParamType): boolean {
  if (param.isArray()) {
    const { arrayChildren, arrayLength } = param;
    return (
      Array.isArray(value) &&
      (arrayLength < 0 || value.length === arrayLength) &&
      value.every((item) => hasAbiType(item, arrayChildren))
    );
  }
  if (param.isTuple()) {
    const { components } = param;
    return (
      Array.isArray(value) &&
      value.length === components.length &&
      components.every((component, i) => hasAbiType(value[i], component))
    );
  }
  const { type } = param;
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer !== null) {
    if (typeof value !== "bigint") return false;
    const bits = BigInt(integer[2] === "" ? 256 : Number(integer[2]));
    return integer[1] === "u"
      ? value >= 0n && value < 1n << bits
      : value >= -(1n << (bits - 1n)) && value < 1n << (bits - 1n);
  }
  if (type === "bool") return typeof value === "boolean";
  if (type === "string") return typeof value === "string";
  if (typeof value !== "string") return false;
  if (type === "address") return /^0x[0-9a-fA-F]{40}$/.test(value);
  if (type === "bytes") return /^0x([0-9a-fA-F]{2})*$/.test(value);
  const fixed = /^bytes(\d+)$/.exec(type);
  return fixed !== null && value.length === 2 + 2 * Number(fixed[1]) && /^0x[0-9a-fA-F]*$/.test(value);
}

/**
 * Whether ethers' decoding of one ABI parameter has the shape of `T`, the type TypeChain generated from that same
 * parameter: the guard that lets decoded calldata and events be typed without a cast.
 */
export function isDecoded<T>(value: unknown, param: ParamType): value is T {
  return hasAbiType(value, param);
}

/** Reads the named arguments `fields` of event `name`, each checked against its ABI type. */
export type EventArgsReader<C extends EventfulContract> = <
  K extends EventName<C>,
  F extends Extract<keyof EventArgs<C, K>, string>,
>(
  event: NamedEvent,
  name: K,
  ...fields: F[]
) => Pick<EventArgs<C, K>, F>;

/**
 * A reader of the TypeChain-typed arguments of contract `C`'s events in a decoded stream that may come from
 * anywhere: each field read is checked against the ABI type TypeChain typed it from, so a field of the wrong
 * type is a {@link MalformedEventError}, not a value the caller computes with. Only the fields read are
 * checked: an audit reads a forged event for the fields it needs, and judges their values.
 * @example
 * const poolArgs = eventArgsReader<RoyaltyPool>(RoyaltyPool__factory.createInterface());
 * const { epochId, pool } = poolArgs(event, "EpochClosed", "epochId", "pool"); // bigint, bigint
 */
export function eventArgsReader<C extends EventfulContract>(iface: Interface): EventArgsReader<C> {
  const fragments = new Map<string, EventFragment>();
  const fragmentOf = (name: string): EventFragment => {
    const fragment = fragments.get(name) ?? iface.getEvent(name);
    if (fragment === null) throw new MalformedEventError(`The contract's ABI has no event ${name}.`);
    fragments.set(name, fragment);
    return fragment;
  };
  return <K extends EventName<C>, F extends Extract<keyof EventArgs<C, K>, string>>(
    event: NamedEvent,
    name: K,
    ...fields: F[]
  ): Pick<EventArgs<C, K>, F> => {
    const { inputs } = fragmentOf(name);
    const fieldTyped = (args: NamedEvent["args"], field: F) => {
      const input = inputs.find((i) => i.name === field);
      return input !== undefined && hasAbiType(args[field], input);
    };
    // The guard the TypeChain type rests on: every field read has the runtime type of its ABI type.
    const typed = (args: NamedEvent["args"]): args is Pick<EventArgs<C, K>, F> =>
      fields.every((field) => fieldTyped(args, field));
    if (typed(event.args)) return event.args;
    const wrong = fields.find((field) => !fieldTyped(event.args, field));
    throw new MalformedEventError(
      `The ${event.name} event${event.transactionHash ? ` of transaction ${event.transactionHash}` : ""} has no ` +
        `${name} argument ${String(wrong)} of its ABI type: read the events with the contract's ABI (readDecodedEvents).`,
    );
  };
}
