import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";

import type { AttestationConsensus } from "../../types";
import type { IAttestationConsensus } from "../../types/contracts/consensus/AttestationConsensus";
import type { IRoyaltyPool } from "../../types/contracts/royalty/RoyaltyPool";
import { DAY, defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { encryptMetrics } from "../helpers/fhe";

export const UINT64_MAX = 2n ** 64n - 1n;
export const FINALIZATION_PERIOD = DAY;
/** Default deviation tolerance of the fixture's configurations (score units). */
export const TOLERANCE = 1_000n;

/** Weight 1 and a large cap: the contributor's score is the sum of the medians. */
export const PLAIN_METRICS: IRoyaltyPool.MetricStruct[] = [
  { name: "computeUnits", weight: 1n, cap: 2n ** 40n },
  { name: "dataSamples", weight: 1n, cap: 2n ** 40n },
  { name: "qualityScore", weight: 1n, cap: 2n ** 40n },
];

export interface ConsensusFixture extends PoolFixture {
  consensus: AttestationConsensus;
  consensusAddress: string;
  /** The full panel of the initial configuration, in order. */
  attestors: HardhatEthersSigner[];
  /** Signers that are never on a panel until a test puts them there. */
  spare: HardhatEthersSigner[];
  governance: HardhatEthersSigner;
}

export interface ConsensusOptions {
  required?: number;
  min?: number;
  panelSize?: number;
  metrics?: IRoyaltyPool.MetricStruct[];
  finalizationPeriod?: bigint;
  deviationTolerance?: bigint;
}

/** Plaintext lower median: the ceil(n/2)-th smallest value. */
export function lowerMedian(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

/** Per metric, the lower median of the attestors' vectors. */
export function medians(vectors: readonly (readonly bigint[])[]): bigint[] {
  return vectors[0].map((_, k) => lowerMedian(vectors.map((v) => v[k])));
}

/** Plaintext deviation: sum_k w_k * |min(a_k, cap_k) - min(med_k, cap_k)|. */
export function deviation(
  own: readonly bigint[],
  median: readonly bigint[],
  schema: readonly IRoyaltyPool.MetricStruct[],
): bigint {
  return own.reduce((sum, a, k) => {
    const cap = BigInt(schema[k].cap);
    const x = a < cap ? a : cap;
    const y = median[k] < cap ? median[k] : cap;
    return sum + BigInt(schema[k].weight) * (x > y ? x - y : y - x);
  }, 0n);
}

export function config(
  attestors: readonly string[],
  required: number,
  min: number,
  finalizationPeriod: bigint = FINALIZATION_PERIOD,
  deviationTolerance: bigint = TOLERANCE,
): IAttestationConsensus.ConsensusConfigStruct {
  return {
    attestors: [...attestors],
    attestationsRequired: required,
    minAttestations: min,
    finalizationPeriod,
    deviationTolerance,
  };
}

/**
 * A pool whose only attestor is a consensus contract (its address predicted from a dedicated deployer's
 * nonce), and that consensus. Signers: 3..9 contributors, 10..14 panel, 15 governance, 16..18 spare, 19 deployer.
 */
export async function deployConsensusFixture(options: ConsensusOptions = {}): Promise<ConsensusFixture> {
  const required = options.required ?? 3;
  const signers = await ethers.getSigners();
  const attestors = signers.slice(10, 10 + (options.panelSize ?? required));
  const governance = signers[15];
  const spare = signers.slice(16, 19);
  const consensusDeployer = signers[19];
  const predicted = ethers.getCreateAddress({
    from: consensusDeployer.address,
    nonce: await ethers.provider.getTransactionCount(consensusDeployer.address),
  });
  const pool = await deployPoolFixture(
    defaultRules({
      metrics: options.metrics ?? PLAIN_METRICS,
      attestationRequired: true,
      attestors: [predicted],
    }),
  );
  const deployed = await (
    await ethers.getContractFactory("AttestationConsensus", consensusDeployer)
  ).deploy(
    pool.poolAddress,
    governance.address,
    config(
      attestors.map((a) => a.address),
      required,
      options.min ?? 2,
      options.finalizationPeriod ?? FINALIZATION_PERIOD,
      options.deviationTolerance ?? TOLERANCE,
    ),
  );
  await deployed.waitForDeployment();
  // Calls default to the pool fixture's deployer, like the pool's.
  const consensus = deployed.connect(pool.deployer);
  const consensusAddress = await consensus.getAddress();
  if (consensusAddress !== predicted) throw new Error("consensus address prediction failed");
  return {
    ...pool,
    contributors: signers.slice(3, 10),
    consensus,
    consensusAddress,
    attestors,
    spare,
    governance,
  };
}

/** `attestor` attests `values` about `contributor` (returns the pending transaction). */
export async function attest(
  f: ConsensusFixture,
  attestor: HardhatEthersSigner,
  contributor: string,
  values: readonly bigint[],
) {
  const enc = await encryptMetrics(f.consensusAddress, attestor.address, values);
  return f.consensus.connect(attestor).attest(contributor, enc.handles, enc.inputProof);
}

/** The first `vectors.length` panel attestors attest, one vector each. */
export async function attestAll(
  f: ConsensusFixture,
  contributor: string,
  vectors: readonly (readonly bigint[])[],
): Promise<void> {
  for (let i = 0; i < vectors.length; i++) {
    await (await attest(f, f.attestors[i], contributor, vectors[i])).wait();
  }
}

/** Moves time to the start of the current epoch's finalization period. */
export async function toFinalizationPeriod(f: ConsensusFixture): Promise<void> {
  const [, closesAt] = await f.consensus.schedule();
  await time.increaseTo(closesAt);
}
