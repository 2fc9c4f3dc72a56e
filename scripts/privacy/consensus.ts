/**
 * Attack 3 of issue 15, played end to end on the fhEVM mock with the project's own library: an attestor on a
 * 3-attestor consensus panel chooses its attested values to learn the contributor's score from what it may decrypt
 * about its own attestation. The honest majority sets the median, so nothing flags the attacker.
 *
 * Before the fix the attestor decrypted its numeric deviation, sum_k w_k * |a_k - median_k| (capped): with zeros
 * that is exactly the score the pool counted. Now it decrypts one bit, `deviation <= deviationTolerance`.
 *
 * The measure: the attacker's candidate set for the contributor's score, i.e. every score some median vector of the
 * schema's domain yields while predicting everything the attacker observed (its own values, the public tolerance,
 * weights and caps, and the bit it decrypted; every other handle it can read is checked to be undecryptable).
 * `bitsBefore` / `bitsAfter` are log2 of that set's size before and after the attack.
 */
import type { Signer } from "ethers";
import { ethers, fhevm } from "hardhat";

import {
  attest,
  computeDeviation,
  connectConsensus,
  createHardhatFheBackend,
  decryptWithinTolerance,
  deployConsensus,
  finalize,
} from "../../src/node";
import type { ConsensusClient } from "../../src";
import { createModel } from "../../src/deploy";
import { deployPaymentWorld, fundedWallets } from "../benchCommon";

/** `zeros`: the attestor submits zeros. `binarySearch`: it submits the values whose bit tells it the most. */
export type ConsensusAttack = "zeros" | "binarySearch";

export interface AttackMetric {
  name: string;
  weight: bigint;
  cap: bigint;
}

/** Two metrics with small caps, so every median vector (256 x 256) can be enumerated: scores 0..1020. */
export const ATTACK_METRICS: readonly AttackMetric[] = [
  { name: "computeUnits", weight: 3n, cap: 255n },
  { name: "qualityScore", weight: 1n, cap: 255n },
];

export interface MeasureConsensusAttackParameters {
  attack: ConsensusAttack;
  /** The model's schema (small caps: the candidate set is enumerated). */
  metrics?: readonly AttackMetric[];
  /** What the contributor really did: the first honest attestor attests it. */
  victimMetrics?: readonly bigint[];
  /** The second honest attestor attests `victimMetrics + honestSpread` on each metric. */
  honestSpread?: bigint;
  /** The consensus' governed tolerance (score units). */
  deviationTolerance?: bigint;
}

export interface ConsensusAttackResult {
  attack: ConsensusAttack;
  /** log2 of the candidate scores before the attack (everything public: schema, weights, caps). */
  bitsBefore: number;
  /** log2 of the candidate scores consistent with what the attacker decrypted and read. */
  bitsAfter: number;
  /** bitsBefore - bitsAfter for this victim. */
  leakedBits: number;
  /** The larger leak of the two answers the attacker's query could get (the answer depends on the victim). */
  worstCaseLeakedBits: number;
  /** Mutual information between score and bit for the attacker's query, median vectors uniform: at most 1. */
  expectedLeakedBits: number;
  /** bitsAfter had the attacker decrypted its numeric deviation, as before the fix (0 = exact score). */
  legacyBitsAfter: number;
  candidatesBefore: number;
  candidatesAfter: number;
  /** The bit the attacker decrypted. */
  withinTolerance: boolean;
  deviationTolerance: bigint;
  /** What the attacker attested. */
  attackerValues: bigint[];
  /** The score the pool counted (the victim's secret). */
  victimScore: bigint;
  /** Handles of others (attestations, medians, score, total) the attacker managed to decrypt: must be 0. */
  foreignHandlesDecrypted: number;
}

const DEFAULT_VICTIM = [200n, 150n];
const DEFAULT_TOLERANCE = 64n;
const EPOCH_LENGTH = 7n * 24n * 60n * 60n;
const FINALIZATION_PERIOD = 24n * 60n * 60n;
let models = 0;

/** Every median vector of the schema's domain [0, cap_k], with its score. */
interface Domain {
  vectors: number[][];
  scores: number[];
  distinctScores: number;
}

function domainOf(metrics: readonly AttackMetric[]): Domain {
  const caps = metrics.map((m) => Number(m.cap));
  const size = caps.reduce((p, c) => p * (c + 1), 1);
  if (size > 1 << 22) throw new Error(`The schema's domain has ${size} median vectors: use smaller caps.`);
  const vectors: number[][] = [];
  const scores: number[] = [];
  const current = caps.map(() => 0);
  for (let i = 0; i < size; i++) {
    vectors.push([...current]);
    scores.push(current.reduce((s, v, k) => s + Number(metrics[k].weight) * v, 0));
    for (let k = 0; k < caps.length; k++) {
      if (current[k] < caps[k]) {
        current[k]++;
        break;
      }
      current[k] = 0;
    }
  }
  return { vectors, scores, distinctScores: new Set(scores).size };
}

/** sum_k w_k * |min(a_k, cap_k) - m_k| for a median vector m already within the caps. */
function deviationOf(metrics: readonly AttackMetric[], own: readonly number[], median: readonly number[]): number {
  return median.reduce(
    (s, m, k) => s + Number(metrics[k].weight) * Math.abs(Math.min(own[k], Number(metrics[k].cap)) - m),
    0,
  );
}

/** Candidate scores left by each answer of a query, and the query's expected leak (uniform median vectors). */
function analyseQuery(metrics: readonly AttackMetric[], domain: Domain, own: readonly number[], tolerance: number) {
  const bySide = [new Set<number>(), new Set<number>()];
  const perScore = new Map<number, [number, number]>();
  for (let i = 0; i < domain.vectors.length; i++) {
    const bit = deviationOf(metrics, own, domain.vectors[i]) <= tolerance ? 1 : 0;
    bySide[bit].add(domain.scores[i]);
    const counts = perScore.get(domain.scores[i]) ?? [0, 0];
    counts[bit]++;
    perScore.set(domain.scores[i], counts);
  }
  const total = domain.vectors.length;
  const entropy = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));
  let ones = 0;
  let conditional = 0;
  for (const [zero, one] of perScore.values()) {
    ones += one;
    conditional += ((zero + one) / total) * entropy(one / (zero + one));
  }
  return { bySide, expectedLeakedBits: entropy(ones / total) - conditional };
}

/** The attacker's query: zeros, or the grid point of the domain whose bit carries the most information. */
function chooseQuery(attack: ConsensusAttack, metrics: readonly AttackMetric[], domain: Domain, tolerance: number) {
  if (attack === "zeros") return metrics.map(() => 0);
  const steps = 8;
  const grid = metrics.map((m) => Array.from({ length: steps + 1 }, (_, i) => Math.round((Number(m.cap) * i) / steps)));
  let best: number[] = grid.map((g) => g[0]);
  let bestLeak = -1;
  const visit = (k: number, prefix: number[]) => {
    if (k === grid.length) {
      const { expectedLeakedBits } = analyseQuery(metrics, domain, prefix, tolerance);
      if (expectedLeakedBits > bestLeak) [best, bestLeak] = [prefix, expectedLeakedBits];
      return;
    }
    for (const v of grid[k]) visit(k + 1, [...prefix, v]);
  };
  visit(0, []);
  return best;
}

/** Tries to decrypt every handle the attacker can read in events, under both contracts: counts the successes. */
async function decryptForeignHandles(
  client: ConsensusClient,
  attackerAddress: string,
  signer: Signer,
): Promise<number> {
  const handles = new Set<string>();
  for (const e of await client.consensus.queryFilter(client.consensus.filters.Attested())) {
    if (e.args.attestor !== attackerAddress) e.args.metrics.forEach((h) => handles.add(h));
  }
  for (const e of await client.consensus.queryFilter(client.consensus.filters.ConsensusFinalized())) {
    e.args.medians.forEach((h) => handles.add(h));
    handles.add(e.args.score);
  }
  for (const e of await client.pool.queryFilter(client.pool.filters.ContributionSubmitted())) {
    handles.add(e.args.score);
    handles.add(e.args.total);
  }
  let decrypted = 0;
  for (const handle of handles) {
    for (const contract of [client.address, client.poolAddress]) {
      const ok = await client.fhe
        .userDecryptUint64(handle, contract, signer)
        .then(() => true)
        .catch(() => false);
      if (ok) decrypted++;
    }
  }
  return decrypted;
}

/**
 * Plays attack 3 on a fresh model and consensus (3 attestors: two honest, one attacker) and measures what the
 * attacker learns about the contributor's score.
 * @example
 * const { leakedBits } = await measureConsensusAttack({ attack: "zeros" });
 */
export async function measureConsensusAttack(params: MeasureConsensusAttackParameters): Promise<ConsensusAttackResult> {
  const metrics = params.metrics ?? ATTACK_METRICS;
  const victimMetrics = params.victimMetrics ?? DEFAULT_VICTIM;
  const spread = params.honestSpread ?? 3n;
  const tolerance = params.deviationTolerance ?? DEFAULT_TOLERANCE;
  const domain = domainOf(metrics);
  const query = chooseQuery(params.attack, metrics, domain, Number(tolerance));
  const attackerValues = query.map(BigInt);

  const [deployer] = await ethers.getSigners();
  const [consensusDeployer, honest1, honest2, attacker, victim] = await fundedWallets(5);
  const fhe = createHardhatFheBackend(fhevm);
  const { payout, registry } = await deployPaymentWorld(deployer, { wrapperName: "Confidential MUD" });
  models += 1;
  const predicted = ethers.getCreateAddress({ from: consensusDeployer.address, nonce: 0 });
  const pool = await createModel(registry, {
    modelName: `privacy-consensus-${models}-${Date.now()}`,
    payoutToken: payout,
    metrics: metrics.map((m) => ({ ...m })),
    epochLength: EPOCH_LENGTH,
    minParticipants: 3,
    maxSubmissionsPerContributor: 1,
    attestationRequired: true,
    attestors: [predicted],
  });
  const { client } = await deployConsensus(
    { signer: consensusDeployer, fhe: fhe },
    {
      pool: await pool.getAddress(),
      attestors: [honest1.address, honest2.address, attacker.address],
      attestationsRequired: 3,
      minAttestations: 2,
      finalizationPeriod: FINALIZATION_PERIOD,
      deviationTolerance: tolerance,
    },
  );
  const attested = [victimMetrics.map((v) => v), victimMetrics.map((v) => v + spread), attackerValues];
  const panel = [honest1, honest2, attacker];
  for (let i = 0; i < 3; i++) {
    const as = await connectConsensus({ address: client.address, signer: panel[i], fhe });
    await attest(as, { contributor: victim.address, metrics: attested[i] });
  }
  await finalize(client, { contributor: victim.address });

  // The attacker's view: its bit, and every handle in the events.
  const mine = await connectConsensus({ address: client.address, signer: attacker, fhe });
  await computeDeviation(mine, { epochId: 1n, contributor: victim.address });
  const withinTolerance = await decryptWithinTolerance(mine, { epochId: 1n, contributor: victim.address });
  const foreignHandlesDecrypted = await decryptForeignHandles(mine, attacker.address, attacker);

  // The simulator's knowledge: the median the pool counted, to check the attack's bookkeeping.
  const median = metrics.map((m, k) => {
    const sorted = attested.map((v) => (v[k] < m.cap ? v[k] : m.cap)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Number(sorted[1]);
  });
  const victimScore = median.reduce((s, v, k) => s + metrics[k].weight * BigInt(v), 0n);
  const expectedBit = deviationOf(metrics, query, median) <= Number(tolerance);
  if (expectedBit !== withinTolerance) throw new Error("The decrypted bit disagrees with the plaintext model.");

  const { bySide, expectedLeakedBits } = analyseQuery(metrics, domain, query, Number(tolerance));
  const remaining = bySide[withinTolerance ? 1 : 0];
  if (!remaining.has(Number(victimScore))) throw new Error("The victim's score left the candidate set.");
  const legacyDeviation = deviationOf(metrics, query, median);
  const legacy = new Set<number>();
  domain.vectors.forEach((v, i) => {
    if (deviationOf(metrics, query, v) === legacyDeviation) legacy.add(domain.scores[i]);
  });

  const bitsBefore = Math.log2(domain.distinctScores);
  const bitsAfter = Math.log2(remaining.size);
  const sides = bySide.filter((s) => s.size > 0).map((s) => bitsBefore - Math.log2(s.size));
  return {
    attack: params.attack,
    bitsBefore,
    bitsAfter,
    leakedBits: bitsBefore - bitsAfter,
    worstCaseLeakedBits: Math.max(...sides),
    expectedLeakedBits,
    legacyBitsAfter: Math.log2(legacy.size),
    candidatesBefore: domain.distinctScores,
    candidatesAfter: remaining.size,
    withinTolerance,
    deviationTolerance: tolerance,
    attackerValues,
    victimScore,
    foreignHandlesDecrypted,
  };
}

export interface SimulateRepeatedConsensusAttackParameters {
  metrics?: readonly AttackMetric[];
  /** The capped median the pool counts in every epoch (the same contribution each epoch: the worst case). */
  victimMedian: readonly bigint[];
  deviationTolerance?: bigint;
  /** Epoch counts to report, ascending (e.g. 1, 4, 16, 52). */
  epochs: readonly number[];
}

export interface RepeatedConsensusAttackResult {
  bitsBefore: number;
  /** Per requested epoch count E: log2 of the candidate scores left after E adaptive queries. */
  after: { epochs: number; bitsAfter: number; leakedBits: number }[];
}

/**
 * The same attestor on the panel of E epochs, each time with the query (a grid point of the domain) whose bit
 * carries the most information about the remaining candidates, against a contributor whose counted median is the
 * same every epoch. Plaintext: {@link measureConsensusAttack} checks on the mock that the decrypted bit is the
 * plaintext model's. Each epoch yields one bit, so the leak after E epochs is at most E bits.
 * @example
 * const { after } = simulateRepeatedConsensusAttack({ victimMedian: [200n, 150n], epochs: [1, 4, 16, 52] });
 */
export function simulateRepeatedConsensusAttack(
  params: SimulateRepeatedConsensusAttackParameters,
): RepeatedConsensusAttackResult {
  const metrics = params.metrics ?? ATTACK_METRICS;
  const tolerance = Number(params.deviationTolerance ?? DEFAULT_TOLERANCE);
  const domain = domainOf(metrics);
  const truth = params.victimMedian.map(Number);
  const maxScore = Math.max(...domain.scores);
  const steps = 8;
  const grid = metrics.map((m) => Array.from({ length: steps + 1 }, (_, i) => Math.round((Number(m.cap) * i) / steps)));
  const queries: number[][] = grid.reduce<number[][]>(
    (acc, values) => acc.flatMap((prefix) => values.map((v) => [...prefix, v])),
    [[]],
  );
  const distinct = (indexes: readonly number[]) => new Set(indexes.map((i) => domain.scores[i])).size;
  let remaining = domain.vectors.map((_, i) => i);
  const bitsBefore = Math.log2(domain.distinctScores);
  const after: RepeatedConsensusAttackResult["after"] = [];
  const last = params.epochs.length === 0 ? 0 : Math.max(...params.epochs);
  for (let epoch = 1; epoch <= last; epoch++) {
    // The query whose bit has the most entropy over the remaining vectors (uniform) is the most informative.
    let best = queries[0];
    let bestBalance = -1;
    for (const q of queries) {
      let ones = 0;
      for (const i of remaining) if (deviationOf(metrics, q, domain.vectors[i]) <= tolerance) ones++;
      const balance = Math.min(ones, remaining.length - ones);
      if (balance > bestBalance) [best, bestBalance] = [q, balance];
    }
    const bit = deviationOf(metrics, best, truth) <= tolerance;
    remaining = remaining.filter((i) => deviationOf(metrics, best, domain.vectors[i]) <= tolerance === bit);
    if (params.epochs.includes(epoch)) {
      const bitsAfter = Math.log2(distinct(remaining));
      after.push({ epochs: epoch, bitsAfter, leakedBits: bitsBefore - bitsAfter });
    }
  }
  if (!remaining.some((i) => domain.scores[i] === truth.reduce((s, v, k) => s + Number(metrics[k].weight) * v, 0))) {
    throw new Error(`The victim's score left the candidate set (max score ${maxScore}).`);
  }
  return { bitsBefore, after };
}
