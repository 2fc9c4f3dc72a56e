/**
 * Attack 2 of issue 15 played end to end on the in-process fhEVM mock: an attacker with free identities
 * tries to make the cross-model aggregator reveal one victim's capped metric. Used by
 * test/privacy/aggregatorIsolation.test.ts and by the privacy section of the bench.
 */
import { Wallet } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import {
  AggregatorRevertError,
  approvePool,
  connectAggregator,
  connectPool,
  createHardhatFheBackend,
  createRoyaltiesClient,
  createModel,
  deployModelRegistry,
  deployPayoutToken,
  revealAggregate,
  submitAttested,
  submitContribution,
  trackMetric,
  withSigner,
} from "../../src/node";
import type { MetricParameters, RoyaltiesClient } from "../../src";
import { TestToken__factory } from "../../types";
import { bitsOf, candidateRange } from "../../src/privacy";

/** The tracked metric the attacker targets. */
export const AGGREGATOR_ATTACK_METRIC = "computeUnits";

/**
 * - `ownModel`: the attacker creates its own model with the tracked metric name, is its attestor and attests
 *   zero submissions for Sybil "contributors" around the victim's submission, sealing whenever it likes.
 * - `approvedSybils`: the attacker's Sybils self-report zeros to an approved pool in the victim's round.
 */
export type AggregatorAttackVariant = "ownModel" | "approvedSybils";

export interface MeasureAggregatorAttackParameters {
  variant: AggregatorAttackVariant;
  /** The victim's metric; default 2^21, within 2^19 of neither bound of [0, cap] (see {@link bitsOf}). */
  victimValue?: bigint;
  /** The victim's model's cap for the metric (public: the attacker's prior is [0, cap]); default 2^22. */
  cap?: bigint;
}

export interface AggregatorAttackResult {
  attack: string;
  /** Width of the aggregator's noise. */
  noiseBits: number;
  /** The attacker's uncertainty about the victim's capped metric before the fix: it read it exactly. */
  bitsBefore: 0;
  /** Its uncertainty now, log2 of its candidate set computed from every public value it can see. */
  bitsAfter: number;
  victimValue: bigint;
  cap: bigint;
  /** The custom errors that refused the attacker's seal attempts, in order. */
  refusals: string[];
  /** Distinct contributors and submissions of the victim's round as the aggregator counts them. */
  roundContributors: bigint;
  roundSubmissions: bigint;
  /** The victim's round's public (noisy) sum, if it was revealed. */
  revealed?: bigint;
  /** Values of the victim's metric consistent with what the attacker saw. */
  candidates: { lo: bigint; hi: bigint; count: bigint };
}

const WEEK = 7n * 24n * 60n * 60n;
const GAS_MONEY = "0x56BC75E2D63100000";

/** Seal attempts the aggregator refuses are part of the attack: keep the custom error, rethrow anything else. */
async function trySeal(client: RoyaltiesClient, refusals: string[]): Promise<bigint | undefined> {
  try {
    return (await revealAggregate(client, { name: AGGREGATOR_ATTACK_METRIC })).value;
  } catch (error) {
    if (!(error instanceof AggregatorRevertError)) throw error;
    refusals.push(error.errorName);
    return undefined;
  }
}

/**
 * Runs attack 2 (the cross-model aggregator narrowed to one submission) against a fresh registry on the
 * in-process network and measures what the attacker has left to guess about the victim's capped metric from
 * the aggregator's public values. (In `approvedSybils` the victim's pool epoch is not closed here: its own
 * total is attack 4's concern, protected by the pool's noise.)
 * @example
 * const { bitsAfter, noiseBits } = await measureAggregatorAttack(hre, { variant: "approvedSybils" });
 */
export async function measureAggregatorAttack(
  hre: HardhatRuntimeEnvironment,
  { variant, victimValue = 1n << 21n, cap = 1n << 22n }: MeasureAggregatorAttackParameters,
): Promise<AggregatorAttackResult> {
  const { ethers } = hre;
  const [deployer, dao, attacker, victim] = await ethers.getSigners();
  const fhe = createHardhatFheBackend(hre.fhevm);
  const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);

  // An honest registry whose aggregate governance (the DAO) tracks computeUnits and approved the victim's model.
  const registry = await deployModelRegistry(deployer, { aggregateGovernance: dao.address });
  const token = await new TestToken__factory(deployer).deploy("Model Usage Dollar", "MUD");
  const payoutToken = await (
    await deployPayoutToken(deployer, { underlying: await token.getAddress(), name: "cMUD", symbol: "cMUD" })
  ).getAddress();
  const metrics: MetricParameters[] = [{ name: AGGREGATOR_ATTACK_METRIC, weight: 1n, cap }];
  const rules = { payoutToken, metrics, epochLength: WEEK, minParticipants: 3, maxSubmissionsPerContributor: 4 };
  const honest = await createModel(registry, { ...rules, modelName: "honest" });
  const daoClient = await createRoyaltiesClient({ signer: dao, fhe, registry: await registry.getAddress() });
  const daoAggregator = await connectAggregator(daoClient);
  await trackMetric(daoClient, { name: AGGREGATOR_ATTACK_METRIC });
  await approvePool(daoClient, { pool: await honest.getAddress() });
  const attackerClient = withSigner(daoClient, attacker);
  const k = await daoAggregator.minContributors();
  const noiseBits = Number(await daoAggregator.NOISE_BITS());
  const aggregator = daoAggregator.connect(attacker);
  const honestAs = (signer: Signer) => connectPool(withSigner(daoClient, signer), { address: honest.target as string });

  // The attacker's k zero "contributors" before the victim's submission, and k − 1 after it.
  let zeros: (count: bigint) => Promise<void>;
  if (variant === "ownModel") {
    const own = await createModel(registry.connect(attacker), {
      ...rules,
      modelName: "attacker",
      attestationRequired: true,
      attestors: [attacker.address],
      governance: attacker.address,
    });
    const asAttestor = await connectPool(attackerClient, { address: await own.getAddress() });
    zeros = async (count) => {
      for (let i = 0n; i < count; i++) {
        await submitAttested(asAttestor, { contributor: Wallet.createRandom().address, metrics: [0n] });
      }
    };
  } else {
    zeros = async (count) => {
      for (let i = 0n; i < count; i++) {
        const sybil = Wallet.createRandom().connect(ethers.provider);
        await ethers.provider.send("hardhat_setBalance", [sybil.address, GAS_MONEY]);
        await submitContribution(await honestAs(sybil), { metrics: [0n] });
      }
    };
  }

  const refusals: string[] = [];
  // (a) k zeros, then seal just before the victim's submission (today: a round of zeros, sealed at will).
  await zeros(k);
  await trySeal(attackerClient, refusals);
  await submitContribution(await honestAs(victim), { metrics: [victimValue] });
  const [round] = await aggregator.openRound(AGGREGATOR_ATTACK_METRIC);
  // (b) k − 1 zeros after it, (c) seal again (today: the round's sum is exactly the victim's value).
  await zeros(k - 1n);
  let revealed = await trySeal(attackerClient, refusals);
  // Then wait for the round's end as anyone may, and try once more.
  const { end } = await aggregator.getRound(AGGREGATOR_ATTACK_METRIC, round);
  if (end > (await now())) await ethers.provider.send("evm_setNextBlockTimestamp", [Number(end)]);
  revealed ??= await trySeal(attackerClient, refusals);

  const record = await aggregator.getRound(AGGREGATOR_ATTACK_METRIC, round);
  // Every public value about the round: its noisy sum if revealed (the attacker knows its zeros), counts, handles.
  const candidates = candidateRange({
    min: 0n,
    max: cap,
    observed: record.revealed ? record.value : undefined,
    known: 0n,
    noiseWidth: 1n << BigInt(noiseBits),
  });
  return {
    attack:
      variant === "ownModel"
        ? "aggregator: own model with attested Sybil zeros, rounds sealed around the victim"
        : "aggregator: k−1 Sybil zeros self-reported to an approved pool in the victim's round",
    noiseBits,
    bitsBefore: 0,
    bitsAfter: bitsOf(candidates.count),
    victimValue,
    cap,
    refusals,
    roundContributors: record.contributors,
    roundSubmissions: record.submissions,
    revealed: revealed ?? (record.revealed ? record.value : undefined),
    candidates,
  };
}

/**
 * Both variants of attack 2, for the privacy section of the bench.
 * @example
 * const rows = await measureAggregatorAttacks(hre); // [{ attack, noiseBits, bitsBefore: 0, bitsAfter }, …]
 */
export async function measureAggregatorAttacks(
  hre: HardhatRuntimeEnvironment,
): Promise<Pick<AggregatorAttackResult, "attack" | "noiseBits" | "bitsBefore" | "bitsAfter">[]> {
  const rows = [];
  for (const variant of ["ownModel", "approvedSybils"] as const) {
    const { attack, noiseBits, bitsBefore, bitsAfter } = await measureAggregatorAttack(hre, { variant });
    rows.push({ attack, noiseBits, bitsBefore, bitsAfter });
  }
  return rows;
}
