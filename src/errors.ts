import { Interface } from "ethers";

import { RoyaltyPool__factory } from "../types";

/** Base class of every error the library throws: `message` says what happened and what to do. */
export class RoyaltiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** What to do next after each custom error of the pool, keyed by error name. */
const NEXT_STEP: Record<string, string> = {
  RoyaltyPoolEpochEnded: "close the epoch first (closeEpoch), then submit to the new one.",
  RoyaltyPoolEpochNotEnded: "wait until the epoch's end time, then close it.",
  RoyaltyPoolWrongMetricCount: "send one encrypted value per metric of the pool's schema (see getRules).",
  RoyaltyPoolSubmissionLimitReached: "wait for the next epoch; this one has all your submissions.",
  RoyaltyPoolEpochCapacityReached: "wait for the next epoch; this one is full.",
  RoyaltyPoolAmountBelowUnit: "fund at least one confidential unit (rate() of the payment token).",
  RoyaltyPoolUnsupportedToken: "fee-on-transfer tokens cannot fund a pool; use a standard ERC20.",
  RoyaltyPoolUnexpectedEpochState: "check the epoch's state (getEpoch) and call the step it is waiting for.",
  RoyaltyPoolNoContribution: "only contributors of the epoch can claim it.",
  RoyaltyPoolAlreadyClaimed: "this epoch is already paid to you; decrypt your share with decryptShare.",
  RoyaltyPoolInvalidRecipient: "name a non-zero recipient address.",
  RoyaltyPoolNothingToClaim: "the epoch's total or pool was zero; nothing is owed for it.",
  RoyaltyPoolEpochsOutstanding: "settlement waits until every closed epoch is revealed and fully claimed.",
  RoyaltyPoolNothingToSettle: "no epoch was revealed since the last settlement.",
  RoyaltyPoolSettlementPending: "a settlement is already requested: finish it with settle.",
  RoyaltyPoolNoPendingSettlement: "request a settlement first (requestSettlement).",
  RoyaltyPoolClaimWindowOpen: "only the contributor may claim until the claim window ends.",
};

const poolInterface: Interface = new Interface(RoyaltyPool__factory.abi);

/** A transaction a contract rejected with one of its custom errors; the message adds what to do next. */
export class ContractRevertError extends RoyaltiesError {
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    hints: Readonly<Record<string, string>>,
  ) {
    const hint = hints[errorName];
    super(`${errorName}(${args.map(String).join(", ")})${hint ? `: ${hint}` : ""}`);
  }
}

/** A transaction the pool rejected with one of its custom errors. */
export class PoolRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    super(errorName, args, NEXT_STEP);
  }
}

/** Decodes a failed call's custom error with `iface` and builds the library error for it (undefined if none). */
export function parseRevert<E>(
  error: unknown,
  iface: Interface,
  make: (errorName: string, args: readonly unknown[]) => E,
): E | undefined {
  const data = revertData(error);
  const parsed = data === undefined ? null : iface.parseError(data);
  return parsed ? make(parsed.name, [...parsed.args]) : undefined;
}

/**
 * The revert data (custom error selector and arguments) carried by a failed call, wherever the
 * provider put it: ethers errors (`data`, `error`, `info`) or a JSON-RPC error of a `npx hardhat node`
 * (`data: { message, txHash, data }`).
 */
export function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const data = (current as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    const nested = current as { error?: unknown; info?: unknown };
    current = nested.error ?? nested.info ?? (typeof data === "object" ? data : undefined);
  }
  return undefined;
}

/** Rethrows a pool custom error as a {@link PoolRevertError}; anything else unchanged. */
export function toRoyaltiesError(error: unknown): unknown {
  return parseRevert(error, poolInterface, (name, args) => new PoolRevertError(name, args)) ?? error;
}

/** Runs a contract call and translates pool custom errors. */
export async function withPoolErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRoyaltiesError(error);
  }
}
