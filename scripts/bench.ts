/**
 * `npm run bench`: gas, HCU and HCU depth of every operation on the in-process fhEVM mock, the same
 * figures with 10, 100 and 1,000 contributors in one epoch, and the naive share computation as a
 * baseline. Writes bench/results.json and bench/RESULTS.md.
 */
import fs from "node:fs";
import path from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt, Signer } from "ethers";
import hre, { ethers } from "hardhat";

import { WITHDRAW_AUTHORIZATION_TYPES, formatTable } from "../src";
import { expectedNoiseHoldback } from "../src/math";
import type { ModelRegistry, PayoutVault, RoyaltyPool, TestToken } from "../types";
import { MetricAggregator__factory, PayoutVault__factory, ShareBenchmark__factory } from "../types";
import { createModel, toRulesStruct } from "../src/deploy";
import { measurePrivacy, privacyMarkdown } from "./privacy";
import type { CreateModelParameters } from "../src/deploy";
import { measureConsensus } from "./benchConsensus";
import {
  EPOCH_LENGTH,
  METRICS3,
  confirm,
  deployPaymentWorld,
  fundedWallets,
  measure,
  submitEncrypted,
} from "./benchCommon";
import type { Measurement } from "./benchCommon";
import { startInProcessFhevm } from "../src/fhe/inProcessFhevm";
import { NETWORK_LIMITS } from "./networkLimits";
import { writeResultsMarkdown } from "./resultsFile";

interface ScalingRow {
  contributors: number;
  operations: Measurement[];
}

const RATE = 10n ** 12n;
const SCALING_SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const METRICS3_POW2 = [
  { name: "computeUnits", weight: 2n, cap: 1_000_000n },
  { name: "dataSamples", weight: 4n, cap: 500_000n },
  { name: "qualityScore", weight: 8n, cap: 100n },
];
const METRICS1 = [{ name: "computeUnits", weight: 3n, cap: 1_000_000n }];
/** The measured submissions: row name → what it measures. */
const SUBMISSIONS = {
  submit1: "1 metric min(m, cap)·w, added to score and epoch total",
  submit3: "3 metrics min(m, cap)·w (weights 3, 2, 5), contributor's first submission",
  submit3Repeat: "the same contributor again: one more encrypted add for the score",
  submit3Pow2: "3 capped metrics with power-of-two weights (2, 4, 8): a shift instead of a multiply",
  submit3Tracked: "submit3 with computeUnits aggregated across models (approved pool): + one 128-bit encrypted add",
  submit3TrackedSeals:
    "submit3 (approved pool) that first seals the metric's ended round of ≥ k: + noise and one more add",
};
const started = Date.now();

function progress(text: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${seconds}s] ${text}`);
}

class Bench {
  readonly deployer: HardhatEthersSigner;
  readonly funder: HardhatEthersSigner;
  token!: TestToken;
  payout!: string;
  registry!: ModelRegistry;
  vault!: PayoutVault;
  private models = 0;

  constructor(signers: HardhatEthersSigner[]) {
    [this.deployer, this.funder] = signers;
  }

  async setUp(): Promise<void> {
    ({
      token: this.token,
      payout: this.payout,
      registry: this.registry,
    } = await deployPaymentWorld(this.deployer, {
      mint: { to: this.funder.address, amount: 10n ** 40n },
    }));
    this.vault = PayoutVault__factory.connect(await this.registry.payoutVault(), this.deployer);
  }

  async pool(metrics: typeof METRICS3, extra: Partial<CreateModelParameters> = {}): Promise<RoyaltyPool> {
    this.models += 1;
    const pool = await createModel(this.registry, {
      modelName: `bench-${this.models}`,
      payoutToken: this.payout,
      metrics,
      epochLength: EPOCH_LENGTH,
      minParticipants: 3,
      maxSubmissionsPerContributor: 10,
      // The reference figures are noise-free; the noisy operations ask for noise explicitly.
      noiseBits: 0,
      ...extra,
    });
    await confirm(this.token.connect(this.funder).approve(await pool.getAddress(), ethers.MaxUint256));
    return pool;
  }

  async submit(pool: RoyaltyPool, who: Signer, values: bigint[]): Promise<ContractTransactionReceipt> {
    return submitEncrypted(pool, who, values);
  }

  /** Submits `values` as `who` and measures that submission as the row `name` (described in SUBMISSIONS). */
  async measureSubmit(
    name: keyof typeof SUBMISSIONS,
    pool: RoyaltyPool,
    who: Signer,
    values: bigint[],
  ): Promise<Measurement> {
    return measure(name, SUBMISSIONS[name], await this.submit(pool, who, values));
  }

  /** Claims a contributor's share of epoch 1 through the registry's payout vault. */
  async claim(pool: RoyaltyPool, who: Signer, epochId = 1n): Promise<ContractTransactionReceipt> {
    const modelId = await this.registry.modelIdOf(await pool.getAddress());
    return confirm(this.vault.connect(who).claim(modelId, epochId));
  }

  async closeAndReveal(
    pool: RoyaltyPool,
  ): Promise<{ close: ContractTransactionReceipt; reveal: ContractTransactionReceipt }> {
    const epochId = await pool.currentEpochId();
    const end = (await pool.getEpoch(epochId)).end;
    if (BigInt(await time.latest()) < end) await time.increaseTo(end);
    const close = await confirm(pool.closeEpoch());
    const handle = (await pool.getEpoch(epochId)).total;
    const decryption = await hre.fhevm.publicDecrypt([handle]);
    const total = decryption.clearValues[handle as `0x${string}`] as bigint;
    const reveal = await confirm(pool.revealEpochTotal(epochId, total, decryption.decryptionProof));
    return { close, reveal };
  }
}

async function operations(bench: Bench, people: Signer[]): Promise<{ ops: Measurement[]; baseline: object }> {
  const ops: Measurement[] = [];
  const vector = [2_000_000n, 123_456n, 77n];

  progress("operations: submit (1 and 3 metrics), fund");
  const pool1 = await bench.pool(METRICS1);
  await bench.submit(pool1, people[0], [5n]);
  ops.push(await bench.measureSubmit("submit1", pool1, people[1], [9_000_000n]));

  const pool = await bench.pool(METRICS3);
  await bench.submit(pool, people[0], vector);
  ops.push(await bench.measureSubmit("submit3", pool, people[1], vector));
  ops.push(await bench.measureSubmit("submit3Repeat", pool, people[1], vector));
  await bench.submit(pool, people[2], vector);

  const pow2Pool = await bench.pool(METRICS3_POW2);
  await bench.submit(pow2Pool, people[0], vector);
  ops.push(await bench.measureSubmit("submit3Pow2", pow2Pool, people[1], vector));

  const attestor = bench.deployer;
  const attestedPool = await bench.pool(METRICS3, {
    attestationRequired: true,
    attestors: [attestor.address],
    bonusMultipliers: [2n],
    governance: attestor.address,
  });
  const attestedInput = hre.fhevm.createEncryptedInput(await attestedPool.getAddress(), attestor.address);
  for (const value of vector) attestedInput.add64(value);
  const attested = await attestedInput.encrypt();
  ops.push(
    measure(
      "submitAttested",
      "an attestor's 3 metrics about a contributor, bonus class ×2 folded into the weights",
      await confirm(
        attestedPool
          .connect(attestor)
          .submitAttested(await people[0].getAddress(), attested.handles, attested.inputProof, 1),
      ),
    ),
  );
  ops.push(
    measure(
      "ruleChange",
      "governance records a new rules version (the call the timelock executes)",
      await confirm(
        attestedPool.connect(attestor).updateRules(
          toRulesStruct({
            metrics: METRICS3,
            epochLength: EPOCH_LENGTH,
            minParticipants: 3,
            maxSubmissionsPerContributor: 10,
          }),
        ),
      ),
    ),
  );

  ops.push(
    measure(
      "fund",
      "ERC20 transferFrom + wrap into the confidential token",
      await confirm(pool.connect(bench.funder).fund(10_000n * 10n ** 18n)),
    ),
  );

  progress("operations: close, reveal, claim (64-bit and 128-bit share paths)");
  const { close, reveal } = await bench.closeAndReveal(pool);
  ops.push(measure("close", "close with ≥ k participants: make the total publicly decryptable", close));
  ops.push(
    measure(
      "reveal",
      "check the KMS proof, derive the share factor, move what the shares add up to into the vault (one transfer)",
      reveal,
    ),
  );
  ops.push(
    measure(
      "claim",
      "64-bit share (scalar mul + shift) + one encrypted add to the contributor's vault balance; no transfer",
      await bench.claim(pool, people[0]),
    ),
  );
  for (const who of people.slice(1, 3)) await bench.claim(pool, who);
  ops.push(...(await withdrawals(bench, people)));
  const request = await confirm(pool.requestSettlement());
  const pending = (await pool.settlementStatus()).pending.released;
  const balance = await hre.fhevm.publicDecrypt([pending]);
  const settle = await confirm(
    pool.settle(balance.clearValues[pending as `0x${string}`] as bigint, balance.decryptionProof),
  );
  ops.push(measure("requestSettlement", "remainder = balance − pool, made publicly decryptable (no noise)", request));
  ops.push(measure("settle", "check the KMS proof, carry the released remainder forward", settle));

  const widePool = await bench.pool(METRICS3);
  await confirm(widePool.connect(bench.funder).fund(10n ** 15n * RATE));
  for (const who of people.slice(0, 3)) await bench.submit(widePool, who, vector);
  await bench.closeAndReveal(widePool);
  ops.push(
    measure(
      "claimWide",
      "128-bit share path (large pool × total) + one encrypted add to the vault balance",
      await bench.claim(widePool, people[0]),
    ),
  );

  ops.push(...(await batchClaims(bench, people, vector)));

  ops.push(...(await noiseAndAggregates(bench, people, vector)));
  ops.push(...(await unlinkablePayouts(bench, people, vector)));
  progress("encrypted multi-attestor consensus (3 and 5 attestors)");
  ops.push(...(await measureConsensus({ registry: bench.registry, payoutToken: bench.payout })));

  progress("share computation alone, and the naive baseline");
  const harness = await new ShareBenchmark__factory(bench.deployer).deploy();
  const harnessAddress = await harness.getAddress();
  const encryptScore = async () => {
    const input = hre.fhevm.createEncryptedInput(harnessAddress, bench.deployer.address);
    input.add64(3_000_000n);
    return input.encrypt();
  };
  const narrowInput = await encryptScore();
  const share = measure(
    "share",
    "share alone, 64-bit path: scalar mul + shift",
    await confirm(harness.factorShare(narrowInput.handles[0], narrowInput.inputProof, 10n ** 10n, 9_000_000n)),
  );
  const wideInput = await encryptScore();
  const shareWide = measure(
    "shareWide",
    "share alone, 128-bit path: cast, scalar mul, shift, cast",
    await confirm(harness.factorShare(wideInput.handles[0], wideInput.inputProof, 10n ** 15n, 9_000_000n)),
  );
  const naiveInput = await encryptScore();
  const naive = measure(
    "naiveShare",
    "baseline: encrypted 128-bit multiply then divide by the total",
    await confirm(harness.naiveShare(naiveInput.handles[0], naiveInput.inputProof, 10n ** 15n, 9_000_000n)),
  );
  ops.push(share, shareWide);
  const baseline = {
    naive,
    ours: shareWide,
    oursNarrow: share,
    ratio: Number((naive.hcu / shareWide.hcu).toFixed(2)),
    ratioNarrow: Number((naive.hcu / share.hcu).toFixed(2)),
  };
  return { ops, baseline };
}

/** Noise on the total at close, and the cost a tracked cross-model metric adds to a submission. */
async function noiseAndAggregates(bench: Bench, people: Signer[], vector: bigint[]): Promise<Measurement[]> {
  progress("noise-protected close and reveal; cross-model aggregate of a tracked metric");
  const ops: Measurement[] = [];
  const noisy = await bench.pool(METRICS3, { noiseBits: 20 });
  for (const who of people.slice(0, 3)) await bench.submit(noisy, who, vector);
  const { close, reveal } = await bench.closeAndReveal(noisy);
  ops.push(measure("closeNoisy", "close adding encrypted uniform noise below 2^20 to the total", close));
  ops.push(measure("revealNoisy", "reveal of the noisy total", reveal));

  const aggregator = MetricAggregator__factory.connect(await bench.registry.metricAggregator(), bench.deployer);
  await confirm(aggregator.trackMetric("computeUnits"));
  const tracked = await bench.pool(METRICS3);
  await confirm(aggregator.approvePool(await tracked.getAddress()));
  await bench.submit(tracked, people[0], vector);
  ops.push(await bench.measureSubmit("submit3Tracked", tracked, people[1], vector));
  await bench.submit(tracked, people[2], vector);
  // Rounds are sealed on a fixed grid: from the round's end on.
  const endOf = async () => (await aggregator.openRound("computeUnits"))[1].end;
  await time.increaseTo(await endOf());
  const request = await confirm(aggregator.requestReveal("computeUnits"));
  ops.push(
    measure(
      "aggregateRequest",
      `seal a round of ≥ k contributors past its end: + noise below 2^${await aggregator.NOISE_BITS()}, make it decryptable`,
      request,
    ),
  );
  const round = await aggregator.sealedRounds("computeUnits");
  const handle = (await aggregator.getRound("computeUnits", round)).sum;
  const decryption = await hre.fhevm.publicDecrypt([handle]);
  const value = decryption.clearValues[handle as `0x${string}`] as bigint;
  ops.push(
    measure(
      "aggregateReveal",
      "check the KMS proof of the round's noisy sum",
      await confirm(aggregator.revealAggregate("computeUnits", round, value, decryption.decryptionProof)),
    ),
  );
  // The first submission after a round's end with k contributors seals it (noise included) before adding.
  for (const who of people.slice(0, 3)) await bench.submit(tracked, who, vector);
  await time.increaseTo(await endOf());
  ops.push(await bench.measureSubmit("submit3TrackedSeals", tracked, people[0], vector));
  // Later measurements (scaling) must not pay for the aggregate.
  await confirm(aggregator.untrackMetric("computeUnits"));
  return ops;
}

/** The whole balance out (one transfer), part of it (compare, select, subtract, transfer), and unwrapped. */
async function withdrawals(bench: Bench, people: Signer[]): Promise<Measurement[]> {
  progress("withdrawals: everything, part, unwrapped");
  const [alice, bob, carol] = await Promise.all(people.slice(0, 3).map((p) => p.getAddress()));
  // The partial amount is an encrypted input bound to (vault, bob): nothing public carries it.
  const part = await hre.fhevm
    .createEncryptedInput(await bench.vault.getAddress(), bob)
    .add64(1_000_000n)
    .encrypt();
  return [
    measure(
      "withdraw",
      "the whole balance: one ERC7984 transfer out of the vault, whatever the number of epochs credited",
      await confirm(bench.vault.connect(people[0]).withdraw(bench.payout, alice)),
    ),
    measure(
      "withdrawPartial",
      "part of a balance, the amount encrypted: all or nothing under FHE (compare, select, subtract), then the transfer",
      await confirm(bench.vault.connect(people[1]).withdrawAmount(bench.payout, bob, part.handles[0], part.inputProof)),
    ),
    measure(
      "withdrawUnwrapped",
      "the whole balance burnt for the public ERC20 (finalized with the KMS proof by anyone)",
      await confirm(bench.vault.connect(people[2]).withdrawUnwrapped(bench.payout, carol)),
    ),
  ];
}

/**
 * A batch claim as large as the vault accepts, across models: many (model, epoch) pairs whose shares are summed in
 * a tree and added to the balance once, and a full withdrawal afterwards (same cost whatever was credited).
 */
async function batchClaims(bench: Bench, people: Signer[], vector: bigint[]): Promise<Measurement[]> {
  const pairCount = Number(await bench.vault.maxClaimsPerTransaction());
  const models = 5;
  const epochsPerModel = Math.ceil(pairCount / models);
  const pools = [];
  for (let m = 0; m < models; m++) pools.push(await bench.pool(METRICS3));
  const pairs: { modelId: bigint; epochId: bigint }[] = [];
  for (let e = 1; e <= epochsPerModel; e++) {
    progress(`batch claim: epoch ${e}/${epochsPerModel} of ${models} models (${pairCount} pairs in all)`);
    const round = pools.slice(0, Math.min(models, pairCount - pairs.length));
    // Every pool's epoch gets its contributions before time moves past the first end.
    for (const pool of round) {
      await confirm(pool.connect(bench.funder).fund(1_000n * 10n ** 18n));
      for (const who of people.slice(0, 3)) await bench.submit(pool, who, vector);
    }
    for (const pool of round) {
      await bench.closeAndReveal(pool);
      pairs.push({ modelId: await bench.registry.modelIdOf(await pool.getAddress()), epochId: BigInt(e) });
    }
  }
  // The first person took part in every epoch; their earlier balance was withdrawn whole.
  const claimer = people[0];
  const batch = measure(
    "maxPairsPerTx",
    `${pairCount} (model, epoch) pairs across ${models} models claimed in one transaction: shares summed in a tree`,
    await confirm(bench.vault.connect(claimer).claimMany(pairs)),
  );
  if (batch.hcu > NETWORK_LIMITS.hcuPerTransaction || batch.hcuDepth > NETWORK_LIMITS.hcuDepthPerTransaction) {
    throw new Error(
      `a batch of ${pairCount} pairs exceeds the per-transaction limits: ${batch.hcu} HCU, ${batch.hcuDepth} depth`,
    );
  }
  return [
    batch,
    {
      name: "claimManyPerPair",
      description: `per pair of that batch (${pairCount} pairs, the most one transaction accepts)`,
      gas: Math.round(batch.gas / pairCount),
      hcu: Math.round(batch.hcu / pairCount),
      hcuDepth: batch.hcuDepth,
    },
    measure(
      "withdrawAfterBatch",
      `the whole balance after ${pairCount} epochs were credited: the same cost as after one`,
      await confirm(bench.vault.connect(claimer).withdraw(bench.payout, await claimer.getAddress())),
    ),
  ];
}

/** A withdrawal relayed with the contributor's EIP-712 signature, and one to an omnibus sub-account. */
async function unlinkablePayouts(bench: Bench, people: Signer[], vector: bigint[]): Promise<Measurement[]> {
  progress("unlinkable payouts: relayed signed withdrawal, omnibus withdrawal");
  const pool = await bench.pool(METRICS3);
  await confirm(pool.connect(bench.funder).fund(1_000n * 10n ** 18n));
  for (const who of people.slice(0, 3)) await bench.submit(pool, who, vector);
  await bench.closeAndReveal(pool);
  for (const who of people.slice(0, 2)) await bench.claim(pool, who);
  const vaultAddress = await bench.vault.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  const alice = people[0];
  const auth = {
    contributor: await alice.getAddress(),
    token: bench.payout,
    recipient: bench.funder.address,
    amount: ethers.ZeroHash, // the whole balance
    unwrap: false,
    relayer: bench.deployer.address,
    nonce: await bench.vault.nonces(await alice.getAddress()),
    deadline: BigInt(await time.latest()) + 3600n,
  };
  const signature = await alice.signTypedData(
    { name: "AiRoyalties PayoutVault", version: "2", chainId, verifyingContract: vaultAddress },
    WITHDRAW_AUTHORIZATION_TYPES,
    auth,
  );
  const relayed = await confirm(bench.vault.connect(bench.deployer).withdrawWithSignature(auth, "0x", signature));
  const bob = people[1];
  const subAccount = hre.fhevm.createEncryptedInput(vaultAddress, await bob.getAddress());
  subAccount.addAddress(await people[2].getAddress());
  const encrypted = await subAccount.encrypt();
  const omnibus = await confirm(
    bench.vault
      .connect(bob)
      .withdrawToOmnibus(bench.payout, bench.funder.address, encrypted.handles[0], encrypted.inputProof),
  );
  return [
    measure(
      "withdrawRelayed",
      "whole balance out, submitted by a relayer with the contributor's EIP-712 signature",
      relayed,
    ),
    measure("withdrawToOmnibus", "whole balance to an omnibus for an encrypted sub-account (one transfer)", omnibus),
  ];
}

interface NoiseRow {
  noiseBits: number;
  contributors: number;
  meanScore: number;
  runs: number;
  measuredHoldback: number;
  expectedHoldback: number;
}

const NOISE_CONTRIBUTORS = 5;
const NOISE_RUNS = Number(process.env.BENCH_NOISE_RUNS ?? "5");
const NOISE_BITS = [12, 16, 20, 22];
/** Each contributor scores about 2^20 (computeUnits 349,525 × 3). */
const NOISE_VECTOR = [349_525n, 0n, 0n];

/** Measured share of the pool that noise holds back, against the formula, per noise width. */
async function noiseTradeoff(bench: Bench): Promise<NoiseRow[]> {
  const rows: NoiseRow[] = [];
  const units = 1_000_000n;
  for (const noiseBits of NOISE_BITS) {
    let heldBack = 0;
    const wallets = await fundedWallets(NOISE_CONTRIBUTORS);
    for (let run = 0; run < NOISE_RUNS; run++) {
      progress(`noise trade-off: 2^${noiseBits}, epoch ${run + 1}/${NOISE_RUNS}`);
      const pool = await bench.pool(METRICS3, { noiseBits });
      await confirm(pool.connect(bench.funder).fund(units * RATE));
      for (const wallet of wallets) await bench.submit(pool, wallet, NOISE_VECTOR);
      await bench.closeAndReveal(pool);
      const total = (await pool.getEpoch(1)).revealedTotal;
      const score = NOISE_VECTOR[0] * 3n;
      // What the shares sum to, from the public factor (each share is floor(score·f >> shift)).
      const { shareFactor, shareShift } = await pool.getEpoch(1);
      const paid = BigInt(NOISE_CONTRIBUTORS) * ((score * shareFactor) >> shareShift);
      heldBack += Number(units - paid) / Number(units);
      if (total < score * BigInt(NOISE_CONTRIBUTORS)) throw new Error("noisy total below the true total");
    }
    const meanScore = Number(NOISE_VECTOR[0] * 3n);
    rows.push({
      noiseBits,
      contributors: NOISE_CONTRIBUTORS,
      meanScore,
      runs: NOISE_RUNS,
      measuredHoldback: heldBack / NOISE_RUNS,
      expectedHoldback: expectedNoiseHoldback(meanScore * NOISE_CONTRIBUTORS, noiseBits),
    });
  }
  return rows;
}

async function scaling(bench: Bench): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const size of SCALING_SIZES) {
    // Fresh wallets per size: a wallet that already holds tokens makes its next payout cheaper.
    progress(`scaling ${size}: creating ${size} contributor wallets`);
    const wallets = await fundedWallets(size);
    const pool = await bench.pool(METRICS3);
    await confirm(pool.connect(bench.funder).fund(10_000n * 10n ** 18n));
    let lastSubmit: ContractTransactionReceipt | undefined;
    for (let i = 0; i < size; i++) {
      lastSubmit = await bench.submit(pool, wallets[i], [BigInt(1_000 + i), BigInt(500 + i), 50n]);
      if ((i + 1) % 100 === 0 || i + 1 === size) progress(`scaling ${size}: ${i + 1}/${size} encrypted submissions`);
    }
    const { close, reveal } = await bench.closeAndReveal(pool);
    const firstClaim = await bench.claim(pool, wallets[0]);
    const lastClaim = await bench.claim(pool, wallets[size - 1]);
    rows.push({
      contributors: size,
      operations: [
        measure("submit3", `the ${size}th submission`, lastSubmit!),
        measure("close", "close", close),
        measure("reveal", "reveal", reveal),
        measure("claim", "first contributor's claim", firstClaim),
        measure("claimLast", "last contributor's claim", lastClaim),
      ],
    });
  }
  return rows;
}

const fmt = (value: number) => value.toLocaleString("en-US");

function markdown(
  ops: Measurement[],
  rows: ScalingRow[],
  baseline: ReturnType<typeof Object>,
  noise: NoiseRow[],
): string {
  const b = baseline as {
    naive: Measurement;
    ours: Measurement;
    oursNarrow: Measurement;
    ratio: number;
    ratioNarrow: number;
  };
  const claim = ops.find((o) => o.name === "claim")!;
  const claimWide = ops.find((o) => o.name === "claimWide")!;
  const perTxClaims = Math.floor(NETWORK_LIMITS.hcuPerTransaction / claimWide.hcu);
  // The per-block HCU cap can never be set below the per-transaction limit, so that limit is a floor.
  const claimsPerBlockFloor = Math.floor(NETWORK_LIMITS.hcuPerTransaction / claim.hcu);
  const claimsPerBlockByGas = Math.floor(NETWORK_LIMITS.referenceBlockGas / claim.gas);
  const submit3 = ops.find((o) => o.name === "submit3")!;
  const table = (headers: string[], body: (string | number)[][]) => "```\n" + formatTable(headers, body) + "\n```";
  const scalingNames = rows[0]?.operations.map((o) => o.name) ?? [];
  return [
    "# Benchmark results",
    "",
    `Measured by \`npm run bench\` on the in-process fhEVM mock (@fhevm/hardhat-plugin 0.4.2) on ${new Date().toISOString().slice(0, 10)}.`,
    "HCU = homomorphic complexity units (`fhevm.computeTransactionHCU`); depth = longest sequential HCU chain.",
    "",
    "## Operations",
    "",
    table(
      ["operation", "gas", "HCU", "HCU depth", "what it does"],
      ops.map((o) => [o.name, o.gas, o.hcu, o.hcuDepth, o.description]),
    ),
    "",
    "## Scaling with the number of contributors in one epoch",
    "",
    table(
      ["operation", ...rows.map((r) => `gas @${r.contributors}`), ...rows.map((r) => `HCU @${r.contributors}`)],
      scalingNames.map((name) => [
        name,
        ...rows.map((r) => r.operations.find((o) => o.name === name)!.gas),
        ...rows.map((r) => r.operations.find((o) => o.name === name)!.hcu),
      ]),
    ),
    "",
    "Closing, revealing and claiming cost the same whatever the number of contributors: nothing loops over them.",
    "Differences of a few gas come from calldata alone (a revealed total or an address with more non-zero bytes costs 12 gas more per byte).",
    "",
    "## Baseline: the naive share",
    "",
    table(
      ["share computation", "HCU", "HCU depth"],
      [
        ["naive: euint128 mul then div by the total", b.naive.hcu, b.naive.hcuDepth],
        ["ours, 128-bit path: scalar mul + shift", b.ours.hcu, b.ours.hcuDepth],
        ["ours, 64-bit path: scalar mul + shift", b.oursNarrow.hcu, b.oursNarrow.hcuDepth],
      ],
    ),
    "",
    `The precomputed factor is ${b.ratio}× cheaper than the naive computation on the 128-bit path and ${b.ratioNarrow}× on the 64-bit path.`,
    "",
    "## Noise-protected totals: the trade-off",
    "",
    `${NOISE_CONTRIBUTORS} contributors scoring ${fmt(noise[0]?.meanScore ?? 0)} each (true total ${fmt((noise[0]?.meanScore ?? 0) * NOISE_CONTRIBUTORS)}), ${NOISE_RUNS} noisy epochs per width; held back = pool − Σ shares (rounding dust included), carried into the next epoch by the settlement, never lost.`,
    "",
    table(
      ["noise bits", "noise range", "range / one score", "held back (measured)", "held back (expected)"],
      noise.map((r) => [
        r.noiseBits,
        fmt(2 ** r.noiseBits),
        (2 ** r.noiseBits / r.meanScore).toFixed(3),
        `${(r.measuredHoldback * 100).toFixed(2)} %`,
        `${(r.expectedHoldback * 100).toFixed(2)} %`,
      ]),
    ),
    "",
    "Expected = 1 − (T/B)·ln(1 + B/T) for a true total T and noise uniform in [0, B). k − 1 colluders who subtract their own scores from the revealed total learn the last score only to within B: a range near one contributor's score hides it well and holds back about 1/(2n) of the pool for n contributors, for one epoch.",
    "",
    "## What it means for an operator",
    "",
    `- Per-transaction limits: ${fmt(NETWORK_LIMITS.hcuPerTransaction)} HCU and ${fmt(NETWORK_LIMITS.hcuDepthPerTransaction)} HCU depth (${NETWORK_LIMITS.transactionSource}). The costliest claim uses ${fmt(claimWide.hcu)} HCU and ${fmt(claimWide.hcuDepth)} depth: ${perTxClaims} such claims would fit one transaction's HCU budget.`,
    `- Per-block: the coprocessor's HCU cap per block is set by governance and can never be below the per-transaction limit (${NETWORK_LIMITS.blockSource}; deployed default ${fmt(NETWORK_LIMITS.hcuPerBlockDefault)}). So at least ${claimsPerBlockFloor} claims (64-bit path, ${fmt(claim.hcu)} HCU each) settle per block under the tightest cap allowed; by gas, a ${fmt(NETWORK_LIMITS.referenceBlockGas)}-gas block holds ${claimsPerBlockByGas} claims (${fmt(claim.gas)} gas each). With ${NETWORK_LIMITS.blockSeconds}-second blocks, 1,000 contributors settle in ${Math.ceil(1000 / claimsPerBlockFloor)} blocks at the tightest HCU cap, ${Math.ceil(1000 / claimsPerBlockByGas)} at the reference gas limit.`,
    `- Cost per contributor per epoch: one submission (${fmt(submit3.hcu)} HCU, ${fmt(submit3.gas)} gas) and one claim (${fmt(claim.hcu)} HCU, ${fmt(claim.gas)} gas). Close, reveal and settlement are paid once per epoch by anyone, whatever its size.`,
    "",
  ].join("\n");
}

/** A settlement after a noisy epoch: the remainder is masked (rand, min, sub) before its release is revealed. */
async function maskedSettlement(bench: Bench, people: Signer[]): Promise<Measurement[]> {
  progress("masked settlement after a noisy epoch");
  const pool = await bench.pool(METRICS3, { noiseBits: 20, claimWindow: 30n * 24n * 3600n });
  await confirm(pool.connect(bench.funder).fund(10n ** 21n));
  for (const who of people) await bench.submit(pool, who, [1_000n, 2_000n, 50n]);
  await bench.closeAndReveal(pool);
  // No claim is needed first: the epoch's payable funds moved to the vault at the reveal.
  // The next epoch is funded before the settlement, which borrows 2^maskBits from it for the mask.
  await confirm(pool.connect(bench.funder).fund(4n * 10n ** 21n));
  const request = await confirm(pool.requestSettlement());
  const pending = (await pool.settlementStatus()).pending.released;
  const decryption = await hre.fhevm.publicDecrypt([pending]);
  const settle = await confirm(
    pool.settle(decryption.clearValues[pending as `0x${string}`] as bigint, decryption.decryptionProof),
  );
  return [
    measure(
      "requestSettlementMasked",
      "noisy pool: remainder = balance − pool; kept = rand < 2^m; released = remainder + 2^m (lent by the pool) − kept",
      request,
    ),
    measure("settleMasked", "check the KMS proof of the released part, carry it forward", settle),
  ];
}

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat")
    throw new Error("The benchmark runs on the in-process network: run `npm run bench`.");
  await startInProcessFhevm();
  const signers = await ethers.getSigners();
  const bench = new Bench(signers);
  await bench.setUp();
  progress("set-up done");
  const { ops, baseline } = await operations(bench, signers.slice(3, 6));
  ops.push(...(await maskedSettlement(bench, signers.slice(3, 6))));
  const noise = await noiseTradeoff(bench);
  const rows = await scaling(bench);
  const privacy = await measurePrivacy(progress);

  const outDir = path.join(__dirname, "..", "bench");
  fs.mkdirSync(outDir, { recursive: true });
  const results = {
    generatedAt: new Date().toISOString(),
    network: "hardhat (fhEVM mock)",
    operations: ops,
    scaling: rows,
    baseline,
    noiseTradeoff: noise,
    privacy,
    networkLimits: NETWORK_LIMITS,
  };
  fs.writeFileSync(path.join(outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeResultsMarkdown(path.join(outDir, "RESULTS.md"), {
    bench: markdown(ops, rows, baseline, noise) + "\n" + privacyMarkdown(privacy),
  });
  console.log(
    "\n" +
      formatTable(
        ["operation", "gas", "HCU", "HCU depth"],
        ops.map((o) => [o.name, o.gas, o.hcu, o.hcuDepth]),
      ),
  );
  progress("wrote bench/results.json and bench/RESULTS.md");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
