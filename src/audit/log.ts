import { AbiCoder, keccak256 } from "ethers";

/** Steps of an epoch's hash chain, numbered as `IRoyaltyPool.LogStep`. */
export const LOG_STEPS = ["Submit", "Fund", "Extend", "Close", "Reveal", "Claim", "CarryIn", "Settle"] as const;
export type LogStepName = (typeof LOG_STEPS)[number];

const coder = AbiCoder.defaultAbiCoder();

/** ABI types of each step's fields, exactly as the pool encodes them. */
const FIELD_TYPES: Record<LogStepName, readonly string[]> = {
  Submit: ["address", "address", "uint8", "uint32", "bytes32", "bytes32"],
  Fund: ["address", "uint256", "uint64"],
  Extend: ["uint64", "uint32", "uint32"],
  Close: ["uint32", "uint64", "uint64", "bytes32"],
  Reveal: ["uint64", "uint64", "uint128", "uint8"],
  Claim: ["address", "bytes32"],
  CarryIn: ["uint256", "uint64"],
  Settle: ["uint256", "uint256", "uint64", "bytes32"],
};

/** `keccak256(abi.encode(step, abi.encode(fields...)))`: the entry the pool appends for a step. */
export function logEntry(step: LogStepName, fields: readonly unknown[]): string {
  const encodedFields = coder.encode([...FIELD_TYPES[step]], [...fields]);
  return keccak256(coder.encode(["uint8", "bytes"], [LOG_STEPS.indexOf(step), encodedFields]));
}

/** `keccak256(abi.encode(previous, entry))`: the next digest of the chain. */
export function nextDigest(previous: string, entry: string): string {
  return keccak256(coder.encode(["bytes32", "bytes32"], [previous, entry]));
}
