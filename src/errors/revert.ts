import { RoyaltiesError } from "./base";
import { decodeRevert } from "./decode";
import type { DecodedRevert } from "./decode";

/**
 * A transaction a contract rejected with one of its custom errors, decoded: the fields every consumer shows
 * (`contract`, `error`, `args`, `hint`) and the message `<sentence>: <hint>`.
 */
export class RoyaltiesRevertError extends RoyaltiesError implements DecodedRevert {
  // The fields are documented once, on DecodedRevert.
  readonly contract: string;
  readonly error: string;
  readonly args: readonly unknown[];
  readonly hint: string;
  readonly label: string;
  readonly sentence: string;

  constructor(decoded: DecodedRevert) {
    super(`${decoded.sentence}: ${decoded.hint}`);
    ({ contract: this.contract, error: this.error, args: this.args, hint: this.hint } = decoded);
    ({ label: this.label, sentence: this.sentence } = decoded);
  }

  /** The custom error's name (the same as {@link error}). */
  get errorName(): string {
    return this.error;
  }
}

/** The name {@link RoyaltiesRevertError} had before there was one decoder; kept for callers of `instanceof`. */
export const ContractRevertError = RoyaltiesRevertError;
export type ContractRevertError = RoyaltiesRevertError;

/** A transaction the pool (or a library it links) rejected. */
export class PoolRevertError extends RoyaltiesRevertError {}
/** A transaction the payout vault rejected. */
export class VaultRevertError extends RoyaltiesRevertError {}
/** A transaction the registry rejected. */
export class RegistryRevertError extends RoyaltiesRevertError {}
/** A transaction the cross-model metric aggregator rejected. */
export class AggregatorRevertError extends RoyaltiesRevertError {}
/** A transaction the attestation consensus rejected. */
export class ConsensusRevertError extends RoyaltiesRevertError {}
/** A transaction the Governor, its timelock or its voting token rejected. */
export class GovernanceRevertError extends RoyaltiesRevertError {}
/** A transaction the confidential payout token rejected. */
export class PayoutTokenRevertError extends RoyaltiesRevertError {}

/** The class of each owner's errors; owners not listed (ERC-20, FHE, utilities) give a {@link RoyaltiesRevertError}. */
const CLASS_OF: Readonly<Record<string, new (decoded: DecodedRevert) => RoyaltiesRevertError>> = {
  RoyaltyPool: PoolRevertError,
  PayoutVault: VaultRevertError,
  ModelRegistry: RegistryRevertError,
  MetricAggregator: AggregatorRevertError,
  AttestationConsensus: ConsensusRevertError,
  RoyaltyGovernor: GovernanceRevertError,
  RoyaltyTimelock: GovernanceRevertError,
  GovernanceToken: GovernanceRevertError,
  Governor: GovernanceRevertError,
  TimelockController: GovernanceRevertError,
  ERC20Votes: GovernanceRevertError,
  ConfidentialPayoutToken: PayoutTokenRevertError,
  ERC7984: PayoutTokenRevertError,
  ERC7984ERC20Wrapper: PayoutTokenRevertError,
  ERC7984Omnibus: PayoutTokenRevertError,
};

/** The library error of a decoded revert. */
export function revertError(decoded: DecodedRevert): RoyaltiesRevertError {
  return new (CLASS_OF[decoded.contract] ?? RoyaltiesRevertError)(decoded);
}

/**
 * The project's one error translation: a custom error of any known contract becomes a {@link RoyaltiesRevertError}
 * (of the owner's subclass); a {@link RoyaltiesError} is returned as it is, so translating twice changes nothing;
 * anything else is returned unchanged. `contract` names the contract called, for errors several contracts declare.
 */
export function toRoyaltiesError(error: unknown, contract?: string): unknown {
  if (error instanceof RoyaltiesError) return error;
  const decoded = decodeRevert(error, contract);
  return decoded === undefined ? error : revertError(decoded);
}

/** Runs a contract call and rethrows its failure through {@link toRoyaltiesError}. */
export async function withRoyaltiesErrors<T>(call: () => Promise<T>, contract?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRoyaltiesError(error, contract);
  }
}

/** Runs a pool call and translates its custom errors. */
export async function withPoolErrors<T>(call: () => Promise<T>): Promise<T> {
  return withRoyaltiesErrors(call, "RoyaltyPool");
}
