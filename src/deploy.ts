import type { Signer } from "ethers";

import {
  ConfidentialPayoutToken__factory,
  ModelRegistry__factory,
  RoyaltyPool__factory,
  EpochClosing__factory,
  PoolAccounting__factory,
  RulesValidation__factory,
} from "../types";
import type { ConfidentialPayoutToken, ModelRegistry, RoyaltyPool } from "../types";
import type { IRoyaltyPool } from "../types/contracts/royalty/RoyaltyPool";
import { RoyaltiesError } from "./errors";
import { effectiveNoiseBits } from "./privacy";

export { DEFAULT_NOISE_BITS, effectiveNoiseBits, sybilWarning } from "./privacy";

export interface MetricParameters {
  name: string;
  weight: bigint;
  cap: bigint;
}

export interface RulesParameters {
  metrics: readonly MetricParameters[];
  epochLength: bigint;
  minParticipants: number;
  maxSubmissionsPerContributor: number;
  /** Only attestors submit (metrics about contributors); default false (self-reports allowed). */
  attestationRequired?: boolean;
  /** Addresses allowed to submit attested contributions; default none. */
  attestors?: readonly string[];
  /** Multipliers of bonus classes 1..n that attestors may attach; default none. */
  bonusMultipliers?: readonly bigint[];
  /**
   * Seconds after a reveal before anyone may push unclaimed shares to their contributors; default
   * {@link DEFAULT_NOISY_CLAIM_WINDOW} when the pool adds noise (noise needs one), else 0 (never).
   */
  claimWindow?: bigint;
  /**
   * Encrypted noise below 2^noiseBits is added to each epoch total before its reveal. Default
   * {@link DEFAULT_NOISE_BITS} for a self-reported pool (free Sybil identities defeat k-anonymity without it),
   * 0 when attestation is required.
   */
  noiseBits?: number;
}

/** Claim window a noisy pool gets unless it says otherwise (30 days): noise needs one to settle. */
export const DEFAULT_NOISY_CLAIM_WINDOW = 30n * 24n * 60n * 60n;

export interface CreateModelParameters extends RulesParameters {
  modelName: string;
  /** The ERC7984 wrapper of the payment token; deploy one with {@link deployPayoutToken}. */
  payoutToken: string;
  /** Address allowed to change the rules (the model's timelock); omitted = rules fixed forever. */
  governance?: string;
}

/** Converts rules to the struct the contracts take. */
export function toRulesStruct(rules: RulesParameters): IRoyaltyPool.RulesParamsStruct {
  return {
    metrics: rules.metrics.map((m) => ({ name: m.name, weight: m.weight, cap: m.cap })),
    epochLength: rules.epochLength,
    minParticipants: rules.minParticipants,
    maxSubmissionsPerContributor: rules.maxSubmissionsPerContributor,
    attestationRequired: rules.attestationRequired ?? false,
    attestors: [...(rules.attestors ?? [])],
    bonusMultipliers: [...(rules.bonusMultipliers ?? [])],
    claimWindow: rules.claimWindow ?? (effectiveNoiseBits(rules) !== 0 ? DEFAULT_NOISY_CLAIM_WINDOW : 0n),
    noiseBits: effectiveNoiseBits(rules),
  };
}

/**
 * Deploys the confidential wrapper of a payment token.
 * @example
 * const cusd = await deployPayoutToken(deployer, { underlying: usdAddress, name: "Confidential USD", symbol: "cUSD" });
 */
export async function deployPayoutToken(
  signer: Signer,
  params: { underlying: string; name: string; symbol: string; contractURI?: string },
): Promise<ConfidentialPayoutToken> {
  const token = await new ConfidentialPayoutToken__factory(signer).deploy(
    params.underlying,
    params.name,
    params.symbol,
    params.contractURI ?? "",
  );
  await token.waitForDeployment();
  return token;
}

/** Distinct contributors a cross-model aggregate round needs before its sum may be revealed (k). */
export const DEFAULT_AGGREGATE_MIN_CONTRIBUTORS = 3;

export interface RegistryOptions {
  /**
   * Who chooses the metric names aggregated across models. Fixed at deployment: pass the DAO's timelock in
   * production; defaults to the deploying account (local networks, demos).
   */
  aggregateGovernance?: string;
  /** k for every revealed cross-model aggregate round; default {@link DEFAULT_AGGREGATE_MIN_CONTRIBUTORS}. */
  aggregateMinContributors?: number;
}

/** Fully qualified name of the linked library that checks and records rules versions for every pool. */
export const RULES_VALIDATION_LINK = "contracts/libraries/RulesValidation.sol:RulesValidation";
/** Fully qualified name of the linked library that closes and reveals every pool's epochs. */
export const EPOCH_CLOSING_LINK = "contracts/libraries/EpochClosing.sol:EpochClosing";
/** Fully qualified name of the linked library that funds and settles every pool. */
export const POOL_ACCOUNTING_LINK = "contracts/libraries/PoolAccounting.sol:PoolAccounting";

/**
 * Deploys the linked libraries (RulesValidation, EpochClosing, PoolAccounting), the RoyaltyPool implementation linked to them and
 * the registry that clones it for every model.
 * @example
 * const registry = await deployModelRegistry(deployer);
 */
export async function deployModelRegistry(signer: Signer, options: RegistryOptions = {}): Promise<ModelRegistry> {
  const rulesValidation = await new RulesValidation__factory(signer).deploy();
  await rulesValidation.waitForDeployment();
  const epochClosing = await new EpochClosing__factory(signer).deploy();
  await epochClosing.waitForDeployment();
  const poolAccounting = await new PoolAccounting__factory(signer).deploy();
  await poolAccounting.waitForDeployment();
  const implementation = await new RoyaltyPool__factory(
    {
      [RULES_VALIDATION_LINK]: await rulesValidation.getAddress(),
      [EPOCH_CLOSING_LINK]: await epochClosing.getAddress(),
      [POOL_ACCOUNTING_LINK]: await poolAccounting.getAddress(),
    },
    signer,
  ).deploy();
  await implementation.waitForDeployment();
  const registry = await new ModelRegistry__factory(signer).deploy(
    await implementation.getAddress(),
    options.aggregateGovernance ?? (await signer.getAddress()),
    options.aggregateMinContributors ?? DEFAULT_AGGREGATE_MIN_CONTRIBUTORS,
  );
  await registry.waitForDeployment();
  return registry;
}

/**
 * Creates a model through the registry: its pool is a clone initialized in the same transaction.
 * @example
 * const pool = await createModel(registry, { modelName: "subnet-7", payoutToken, metrics, epochLength: 604800n,
 *   minParticipants: 3, maxSubmissionsPerContributor: 4 });
 */
export async function createModel(registry: ModelRegistry, params: CreateModelParameters): Promise<RoyaltyPool> {
  const runner = registry.runner as { getAddress?: () => Promise<string> } | null;
  if (typeof runner?.getAddress !== "function")
    throw new RoyaltiesError("Connect the registry to a signer to create a model.");
  // The pool's address is bound to its creator: this signer.
  const predicted = await registry.predictPool(await runner.getAddress(), params.modelName);
  const tx = await registry.createModel(
    params.modelName,
    params.payoutToken,
    toRulesStruct(params),
    params.governance ?? "0x0000000000000000000000000000000000000000",
  );
  if ((await tx.wait()) === null) throw new RoyaltiesError("The model creation was dropped: send it again.");
  return RoyaltyPool__factory.connect(predicted, registry.runner);
}
