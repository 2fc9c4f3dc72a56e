/**
 * The schema of an epoch's hash chain, written once: for each step (`IRoyaltyPool.LogStep`), the pool
 * event that carries it, the event argument naming the epoch whose chain grows, and the event arguments
 * the pool hashes, in order. The ABI types of those fields come from the event's ABI, so the entry an
 * auditor rebuilds is encoded exactly as the pool encodes it (test/audit/logSchema.test.ts checks that
 * the schema, the ABI and the Solidity enum agree).
 */
import { AbiCoder, Interface, keccak256 } from "ethers";
import type { EventFragment } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { RoyaltiesError } from "../errors";
import type { PoolEvent } from "./events";

/** {@link LOG_SCHEMA} names an event or argument the pool's ABI lacks: fix the schema with the contract. */
export class LogSchemaError extends RoyaltiesError {}

/** Steps of an epoch's hash chain, numbered as `IRoyaltyPool.LogStep`. */
export const LOG_STEPS = ["Submit", "Fund", "Extend", "Close", "Reveal", "Claim", "CarryIn", "Settle"] as const;
export type LogStepName = (typeof LOG_STEPS)[number];

/** Where a step's fields are in the pool's events. */
export interface LogStepSchema {
  /** The pool event emitted with the step's LogAppended. */
  readonly event: string;
  /** The event argument holding the id of the epoch whose chain the step extends. */
  readonly epoch: string;
  /** The event arguments the pool hashes, in its `abi.encode` order. */
  readonly fields: readonly string[];
}

/** Each step's event and hashed fields (the field comments of `IRoyaltyPool.LogStep`, as event arguments). */
export const LOG_SCHEMA: Readonly<Record<LogStepName, LogStepSchema>> = {
  Submit: {
    event: "ContributionSubmitted",
    epoch: "epochId",
    fields: ["contributor", "attestor", "bonusClass", "rulesVersion", "score", "total"],
  },
  Fund: { event: "PoolFunded", epoch: "epochId", fields: ["funder", "amount", "units"] },
  Extend: { event: "EpochExtended", epoch: "epochId", fields: ["newEnd", "participants", "rulesVersion"] },
  Close: { event: "EpochClosed", epoch: "epochId", fields: ["participants", "submissions", "pool", "total"] },
  Reveal: { event: "EpochTotalRevealed", epoch: "epochId", fields: ["total", "pool", "shareFactor", "shareShift"] },
  Claim: { event: "RoyaltyClaimed", epoch: "epochId", fields: ["contributor", "share"] },
  // A zero-total epoch's pool moves into a later epoch: the later epoch's chain records it.
  CarryIn: { event: "PoolCarriedForward", epoch: "intoEpochId", fields: ["epochId", "amount"] },
  Settle: { event: "PoolSettled", epoch: "intoEpochId", fields: ["fromEpochId", "toEpochId", "released", "kept"] },
};

/** An event fragment of the pool's ABI, or an error naming the schema entry that does not match. */
function eventFragment(iface: Interface, step: LogStepName): EventFragment {
  const fragment = iface.getEvent(LOG_SCHEMA[step].event);
  if (fragment === null)
    throw new LogSchemaError(`LOG_SCHEMA.${step}: RoyaltyPool has no event ${LOG_SCHEMA[step].event}.`);
  return fragment;
}

/** The ABI type of each field of `step`, read from its event (e.g. euint64 handles are bytes32). */
export function logFieldTypes(step: LogStepName, iface: Interface = poolInterface): string[] {
  const fragment = eventFragment(iface, step);
  return LOG_SCHEMA[step].fields.map((name) => {
    const input = fragment.inputs.find((i) => i.name === name);
    if (input === undefined) throw new LogSchemaError(`LOG_SCHEMA.${step}: ${fragment.name} has no argument ${name}.`);
    return input.type;
  });
}

const poolInterface = new Interface(RoyaltyPool__factory.abi);
const FIELD_TYPES = new Map<LogStepName, readonly string[]>(LOG_STEPS.map((step) => [step, logFieldTypes(step)]));
const STEP_OF_EVENT = new Map(LOG_STEPS.map((step) => [LOG_SCHEMA[step].event, step]));
const coder = AbiCoder.defaultAbiCoder();

/** `keccak256(abi.encode(step, abi.encode(fields...)))`: the entry the pool appends for a step. */
export function logEntry(step: LogStepName, fields: readonly unknown[]): string {
  const types = FIELD_TYPES.get(step);
  if (types === undefined)
    throw new LogSchemaError(`Unknown log step ${String(step)}: use one of ${LOG_STEPS.join(", ")}.`);
  const encodedFields = coder.encode([...types], [...fields]);
  return keccak256(coder.encode(["uint8", "bytes"], [LOG_STEPS.indexOf(step), encodedFields]));
}

/** `keccak256(abi.encode(previous, entry))`: the next digest of the chain. */
export function nextDigest(previous: string, entry: string): string {
  return keccak256(coder.encode(["bytes32", "bytes32"], [previous, entry]));
}

/** A step event's log step: the epoch whose chain it extends and the fields the pool hashed. */
export interface LoggedStep {
  epochId: bigint;
  step: LogStepName;
  fields: unknown[];
}

/** The log step `event` records, or undefined for an event that records none. */
export function logStepOf(event: PoolEvent): LoggedStep | undefined {
  const step = STEP_OF_EVENT.get(event.name);
  if (step === undefined) return undefined;
  const schema = LOG_SCHEMA[step];
  const epochId = event.args[schema.epoch];
  if (typeof epochId !== "bigint")
    throw new LogSchemaError(`${event.name} has no ${schema.epoch}: not a RoyaltyPool event.`);
  return { epochId, step, fields: schema.fields.map((name) => event.args[name]) };
}
