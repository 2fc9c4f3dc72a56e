/**
 * The privacy section of `npm run bench`: every attack of the threat model (SECURITY.md) played on the
 * in-process fhEVM mock, with the attacker's remaining uncertainty about the victim's secret in bits,
 * before and after the fixes, and the effect of repeating a score over many noisy epochs.
 */
import hre, { ethers } from "hardhat";

import { formatTable } from "../../src/format";
import { measureAggregatorAttack } from "./aggregator";
import { measureConsensusAttack } from "./consensus";
import { AttackWorld, measureSettlementAttack, measureSybilAttack, repetitionEffect } from "./settlement";
import type { PrivacyMeasurement, RepetitionRow } from "./settlement";

/** Trials per attack (PRIVACY_TRIALS overrides). */
const TRIALS = Number(process.env.PRIVACY_TRIALS ?? 8);
/** Noise width of the settlement attack and of the repetition table. */
const ATTACK_NOISE_BITS = 20;
const REPETITION_EPOCHS = [1, 4, 16, 52] as const;

export interface PrivacyResults {
  attacks: PrivacyMeasurement[];
  repetition: RepetitionRow[];
}

/** Attack 2, both variants: its value is measured once (a single reveal), so min = median. */
async function aggregatorRows(): Promise<PrivacyMeasurement[]> {
  const rows: PrivacyMeasurement[] = [];
  for (const variant of ["ownModel", "approvedSybils"] as const) {
    const r = await measureAggregatorAttack(hre, { variant });
    rows.push({
      attack: r.attack,
      description:
        variant === "ownModel"
          ? "attacker's own model feeds zeros and seals on demand around the victim's submission"
          : "k − 1 Sybils submit zeros to an approved pool in the victim's round",
      noiseBits: r.noiseBits,
      trials: 1,
      bitsBefore: r.bitsBefore,
      bitsAfterMin: r.bitsAfter,
      bitsAfterMedian: r.bitsAfter,
    });
  }
  return rows;
}

/** Attack 3: a panel attestor attests zeros (or binary-searches) and decrypts what the consensus gives it. */
async function consensusRows(): Promise<PrivacyMeasurement[]> {
  const rows: PrivacyMeasurement[] = [];
  for (const attack of ["zeros", "binarySearch"] as const) {
    const r = await measureConsensusAttack({ attack });
    rows.push({
      attack: `consensus attestor (${attack === "zeros" ? "zeros" : "binary search"})`,
      description: `one of 3 attestors, tolerance ${r.deviationTolerance}; before: its numeric deviation`,
      noiseBits: 0,
      trials: 1,
      bitsBefore: r.legacyBitsAfter,
      bitsAfterMin: r.bitsAfter,
      bitsAfterMedian: r.bitsAfter,
    });
  }
  return rows;
}

export async function measurePrivacy(progress: (text: string) => void): Promise<PrivacyResults> {
  const world = await AttackWorld.create();
  const signers = await ethers.getSigners();
  progress(`privacy: settlement attack, ${TRIALS} trials`);
  const settlement = summary(
    await measureSettlementAttack({
      world,
      people: signers.slice(10, 13),
      noiseBits: ATTACK_NOISE_BITS,
      trials: TRIALS,
    }),
  );
  progress(`privacy: Sybil attack, ${TRIALS} trials`);
  const sybil = summary(
    await measureSybilAttack({
      world,
      victim: signers[13],
      sybils: signers.slice(14, 16),
      trials: TRIALS,
    }),
  );
  progress("privacy: cross-model aggregator attacks");
  const aggregator = await aggregatorRows();
  progress("privacy: consensus attestor attacks");
  const consensus = await consensusRows();
  const attacks: PrivacyMeasurement[] = [settlement, ...aggregator, ...consensus, sybil];
  progress("privacy: repetition over noisy epochs");
  const repetition = repetitionEffect({
    noiseBits: ATTACK_NOISE_BITS,
    epochs: REPETITION_EPOCHS,
    trials: 2_000,
  });
  return { attacks, repetition };
}

const bits = (value: number) => value.toFixed(2);

/** The reported fields of a measurement, without the per-trial detail. */
function summary(m: PrivacyMeasurement): PrivacyMeasurement {
  return {
    attack: m.attack,
    description: m.description,
    noiseBits: m.noiseBits,
    trials: m.trials,
    bitsBefore: m.bitsBefore,
    bitsAfterMin: m.bitsAfterMin,
    bitsAfterMedian: m.bitsAfterMedian,
  };
}

/** The privacy section of bench/RESULTS.md. */
export function privacyMarkdown(results: PrivacyResults): string {
  const table = (headers: string[], body: (string | number)[][]) => "```\n" + formatTable(headers, body) + "\n```";
  return [
    "## Privacy: what each attack leaves the attacker",
    "",
    "Each attack of the threat model (SECURITY.md) played on the mock with the project's own library and contracts. Bits = log2 of the number of values of the victim's secret still consistent with every public value the attacker can read (and its colluders' own decryptions); 0 bits = the exact value.",
    "",
    table(
      ["attack", "noise bits", "trials", "bits before", "bits after (min)", "bits after (median)", "setting"],
      results.attacks.map((a) => [
        a.attack,
        a.noiseBits,
        a.trials,
        bits(a.bitsBefore),
        bits(a.bitsAfterMin),
        bits(a.bitsAfterMedian),
        a.description,
      ]),
    ),
    "",
    "### Repeating a score over noisy epochs",
    "",
    "A contributor who submits the same score in E epochs, each noised independently below 2^b, lets colluders intersect E windows: about log2((E + 1) / 2) bits are lost.",
    "",
    table(
      ["epochs E", "noise bits", "bits left (median)", "bits left (min)"],
      results.repetition.map((r) => [r.epochs, r.noiseBits, bits(r.bitsMedian), bits(r.bitsMin)]),
    ),
    "",
  ].join("\n");
}
