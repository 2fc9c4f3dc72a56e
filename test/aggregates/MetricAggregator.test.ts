import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import { deployModelRegistry } from "../../src/deploy";
import type { MetricAggregator, ModelRegistry, RoyaltyPool } from "../../types";
import { defaultRules } from "../fixtures/royaltyPool.fixture";
import { publicValue, submit } from "../helpers/fhe";

const COMPUTE = "computeUnits";
const COMPUTE_CAP = 1_000_000n;

interface World {
  registry: ModelRegistry;
  aggregator: MetricAggregator;
  aggregatorAddress: string;
  vision: RoyaltyPool;
  speech: RoyaltyPool;
  dao: HardhatEthersSigner;
  people: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
}

const ref = async (pool: RoyaltyPool) => ({ pool, poolAddress: await pool.getAddress() });

/**
 * Two models of one registry that both measure "computeUnits" (different schemas, weights and caps), and
 * a DAO account that chooses the aggregated metric names and approves both pools (unless `approve` is false).
 */
async function twoModels(approve = true): Promise<World> {
  const [deployer, dao, stranger, ...people] = await ethers.getSigners();
  const registry = await deployModelRegistry(deployer, { aggregateGovernance: dao.address });
  const token = await (await ethers.getContractFactory("TestToken")).deploy("MUD", "MUD");
  const payout = await (
    await ethers.getContractFactory("ConfidentialPayoutToken")
  ).deploy(await token.getAddress(), "cMUD", "cMUD", "");
  const payoutAddress = await payout.getAddress();
  await registry.createModel("vision", payoutAddress, defaultRules(), ethers.ZeroAddress);
  await registry.createModel(
    "speech",
    payoutAddress,
    defaultRules({
      metrics: [
        { name: "gpuHours", weight: 2n, cap: 1_000n },
        { name: COMPUTE, weight: 1n, cap: 5_000n },
      ],
    }),
    ethers.ZeroAddress,
  );
  const aggregatorAddress = await registry.metricAggregator();
  const aggregator = await ethers.getContractAt("MetricAggregator", aggregatorAddress);
  if (approve) {
    for (const name of ["vision", "speech"]) {
      await (await aggregator.connect(dao).approvePool(await registry.predictPool(deployer.address, name))).wait();
    }
  }
  return {
    registry,
    aggregator,
    aggregatorAddress,
    vision: await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "vision")),
    speech: await ethers.getContractAt("RoyaltyPool", await registry.predictPool(deployer.address, "speech")),
    dao,
    people,
    stranger,
  };
}

async function openRound(w: World) {
  const [round, record] = await w.aggregator.openRound(COMPUTE);
  return {
    round,
    contributors: record.contributors,
    submissions: record.submissions,
    end: record.end,
    sum: record.sum,
  };
}

/** Moves time to the open round's end (a grid boundary). */
async function endOpenRound(w: World): Promise<bigint> {
  const { end } = await openRound(w);
  await time.increaseTo(end);
  return end;
}

describe("MetricAggregator: cross-model metric sums of approved pools, revealed on schedule, past k, with noise", function () {
  it("sums the capped metric across models, counts each contributor once, and reveals only at k, at the round end, noisy", async function () {
    const w = await twoModels();
    const [alice, bob, carol] = w.people;
    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    const vision = await ref(w.vision);
    const speech = await ref(w.speech);

    // alice in both models (counted once), bob above the vision cap (capped at 1,000,000).
    await submit(vision, alice, [400n, 1n, 1n]);
    await submit(speech, alice, [10n, 700n]);
    await submit(vision, bob, [COMPUTE_CAP * 5n, 1n, 1n]);
    const open = await openRound(w);
    expect([open.round, open.contributors, open.submissions]).to.deep.equal([1n, 2n, 3n]);

    // Two distinct contributors: the sum stays encrypted and nobody but the aggregator can read it.
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorBelowThreshold")
      .withArgs(COMPUTE, 1n, 2n, 3n);
    expect((await openRound(w)).contributors).to.equal(2n);
    expect(await w.aggregator.sealedRounds(COMPUTE)).to.equal(0n);
    for (const who of [alice, bob, w.dao, w.stranger]) {
      await expect(fhevm.userDecryptEuint(FhevmType.euint128, open.sum, w.aggregatorAddress, who)).to.be.rejected;
    }

    await submit(speech, carol, [1n, 9_999n]); // capped at the speech cap, 5,000
    // k contributors, but not on demand: the round is sealed only from its end on.
    const { end, sum } = await openRound(w);
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorRoundNotEnded")
      .withArgs(COMPUTE, 1n, end);
    await time.increaseTo(end);
    const noiseBits = await w.aggregator.NOISE_BITS();
    const request = w.aggregator.requestReveal(COMPUTE);
    await expect(request)
      .to.emit(w.aggregator, "AggregateNoised")
      .withArgs(ethers.id(COMPUTE), 1n, noiseBits, sum, anyValue);
    const sealed = await w.aggregator.getRound(COMPUTE, 1n);
    await expect(request)
      .to.emit(w.aggregator, "AggregateRevealRequested")
      .withArgs(ethers.id(COMPUTE), 1n, 3n, 4n, sealed.sum);
    expect(sealed.closed).to.equal(true);
    expect(sealed.revealed).to.equal(false);
    expect(sealed.sum).to.not.equal(sum);

    // Only the noisy sum is public: sum ≤ value < sum + 2^NOISE_BITS; the exact sum stays encrypted.
    const expected = 400n + 700n + COMPUTE_CAP + 5_000n;
    await expect(publicValue(sum)).to.be.rejected;
    const { value, proof } = await publicValue(sealed.sum);
    expect(value - expected)
      .to.be.gte(0n)
      .and.lt(1n << noiseBits);
    await expect(w.aggregator.revealAggregate(COMPUTE, 1n, value, proof))
      .to.emit(w.aggregator, "AggregateRevealed")
      .withArgs(ethers.id(COMPUTE), 1n, value, value);
    expect((await w.aggregator.getRound(COMPUTE, 1n)).value).to.equal(value);
    expect(await w.aggregator.cumulativeOf(COMPUTE)).to.equal(value);

    // A proof counts once.
    await expect(w.aggregator.revealAggregate(COMPUTE, 1n, value, proof))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorRoundNotPending")
      .withArgs(COMPUTE, 1n);
  });

  it("starts each round from zero, so successive reveals never isolate one late submission", async function () {
    const w = await twoModels();
    const [alice, bob, carol, dave] = w.people;
    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    const vision = await ref(w.vision);
    for (const who of [alice, bob, carol]) await submit(vision, who, [100n, 1n, 1n]);
    await endOpenRound(w);

    // One more contributor after the end: the round of three is sealed first (a cumulative total would now
    // expose dave's value exactly), and dave's value opens round 2.
    await expect(submit(vision, dave, [123n, 1n, 1n]))
      .to.emit(w.aggregator, "AggregateRevealRequested")
      .withArgs(ethers.id(COMPUTE), 1n, 3n, 3n, anyValue);
    expect(await w.aggregator.sealedRounds(COMPUTE)).to.equal(1n);
    const open = await openRound(w);
    expect([open.round, open.contributors, open.submissions]).to.deep.equal([2n, 1n, 1n]);
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorBelowThreshold")
      .withArgs(COMPUTE, 2n, 1n, 3n);
    // Contributors of an earlier round count again in the new one (and only once each).
    for (const who of [alice, alice, bob]) await submit(vision, who, [1n, 1n, 1n]);
    expect((await openRound(w)).contributors).to.equal(3n);
    await endOpenRound(w);
    await (await w.aggregator.requestReveal(COMPUTE)).wait();
    const { value } = await publicValue((await w.aggregator.getRound(COMPUTE, 2n)).sum);
    expect(value - (123n + 3n))
      .to.be.gte(0n)
      .and.lt(1n << (await w.aggregator.NOISE_BITS()));
  });

  it("ends rounds on a fixed grid: below k the end moves one boundary on (never merged); a later submission seals", async function () {
    const w = await twoModels();
    const [alice, bob, carol, dave] = w.people;
    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    const vision = await ref(w.vision);
    const [genesis, length] = [await w.aggregator.genesis(), await w.aggregator.ROUND_LENGTH()];
    const onGrid = (t: bigint) => (t - genesis) % length === 0n;

    await submit(vision, alice, [1n, 1n, 1n]);
    const first = await openRound(w);
    expect(onGrid(first.end)).to.equal(true);
    expect(first.end).to.equal(await w.aggregator.nextBoundary(BigInt(await time.latest())));

    // Past its end with one contributor: the next submission moves the end to the next boundary, same round.
    await time.increaseTo(first.end + 10n);
    await expect(submit(vision, bob, [2n, 1n, 1n]))
      .to.emit(w.aggregator, "RoundScheduled")
      .withArgs(ethers.id(COMPUTE), 1n, first.end + length);
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorBelowThreshold")
      .withArgs(COMPUTE, 1n, 2n, 3n);
    await submit(vision, carol, [3n, 1n, 1n]);
    // k now, but the extended end has not passed: nobody can cut the round at a time of their choosing.
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorRoundNotEnded")
      .withArgs(COMPUTE, 1n, first.end + length);
    expect(await w.aggregator.sealedRounds(COMPUTE)).to.equal(0n);

    // The first submission from the end on seals the round as it was, then opens round 2 with its value.
    await time.increaseTo(first.end + length);
    await expect(submit(vision, dave, [4n, 1n, 1n]))
      .to.emit(w.aggregator, "AggregateRevealRequested")
      .withArgs(ethers.id(COMPUTE), 1n, 3n, 3n, anyValue)
      .and.to.emit(w.aggregator, "MetricRecorded")
      .withArgs(ethers.id(COMPUTE), 2n, await w.vision.getAddress(), 1n, anyValue);
    const next = await openRound(w);
    expect([next.round, next.contributors, next.end]).to.deep.equal([2n, 1n, first.end + 2n * length]);
    const { value } = await publicValue((await w.aggregator.getRound(COMPUTE, 1n)).sum);
    expect(value - 6n)
      .to.be.gte(0n)
      .and.lt(1n << (await w.aggregator.NOISE_BITS()));
  });

  it("takes values only from pools its governance approved; others submit normally and count for nothing", async function () {
    const w = await twoModels(false);
    const [alice, bob] = w.people;
    const visionAddress = await w.vision.getAddress();
    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    await expect(w.aggregator.connect(w.stranger).approvePool(visionAddress))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorUnauthorized")
      .withArgs(w.stranger.address);
    await expect(w.aggregator.connect(w.dao).approvePool(w.stranger.address))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorUnknownPool")
      .withArgs(w.stranger.address);
    await expect(w.aggregator.connect(w.dao).revokePool(visionAddress))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorPoolNotApproved")
      .withArgs(visionAddress);

    // Not approved: the submission succeeds, the aggregate ignores it.
    await submit(await ref(w.vision), alice, [5n, 1n, 1n]);
    expect((await openRound(w)).submissions).to.equal(0n);

    await expect(w.aggregator.connect(w.dao).approvePool(visionAddress))
      .to.emit(w.aggregator, "PoolApproved")
      .withArgs(visionAddress);
    await expect(w.aggregator.connect(w.dao).approvePool(visionAddress))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorPoolAlreadyApproved")
      .withArgs(visionAddress);
    expect(await w.aggregator.isApprovedPool(visionAddress)).to.equal(true);
    expect(await w.aggregator.isApprovedPool(await w.speech.getAddress())).to.equal(false);
    await submit(await ref(w.vision), alice, [5n, 1n, 1n]);
    await submit(await ref(w.speech), bob, [5n, 5n]);
    expect(await openRound(w)).to.include({ contributors: 1n, submissions: 1n });

    await expect(w.aggregator.connect(w.stranger).revokePool(visionAddress))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorUnauthorized")
      .withArgs(w.stranger.address);
    await expect(w.aggregator.connect(w.dao).revokePool(visionAddress))
      .to.emit(w.aggregator, "PoolRevoked")
      .withArgs(visionAddress);
    await submit(await ref(w.vision), bob, [5n, 1n, 1n]);
    expect(await openRound(w)).to.include({ contributors: 1n, submissions: 1n });
    expect(await w.aggregator.isApprovedPool(visionAddress)).to.equal(false);
  });

  it("adds nothing for untracked names and stops when a name is untracked", async function () {
    const w = await twoModels();
    const [alice] = w.people;
    const speech = await ref(w.speech);
    await submit(speech, alice, [5n, 5n]); // nothing tracked yet
    expect((await openRound(w)).submissions).to.equal(0n);

    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    await submit(speech, alice, [5n, 5n]);
    expect((await openRound(w)).submissions).to.equal(1n);
    const gpu = await w.aggregator.openRound("gpuHours");
    expect(gpu[1].submissions).to.equal(0n);

    await expect(w.aggregator.connect(w.dao).untrackMetric(COMPUTE))
      .to.emit(w.aggregator, "MetricUntracked")
      .withArgs(ethers.id(COMPUTE), COMPUTE);
    await submit(speech, alice, [5n, 5n]);
    expect((await openRound(w)).submissions).to.equal(1n);
    expect(await w.aggregator.trackedMetrics()).to.deep.equal([]);
  });

  it("only its governance chooses the names, within bounds, each bad input with its own error", async function () {
    const w = await twoModels();
    await expect(w.aggregator.connect(w.stranger).trackMetric(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorUnauthorized")
      .withArgs(w.stranger.address);
    await expect(w.aggregator.connect(w.dao).trackMetric("")).to.be.revertedWithCustomError(
      w.aggregator,
      "MetricAggregatorEmptyName",
    );
    await expect(w.aggregator.connect(w.dao).untrackMetric(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorNotTracked")
      .withArgs(COMPUTE);
    expect(await w.aggregator.trackedMetrics()).to.deep.equal([]);

    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    await expect(w.aggregator.connect(w.dao).trackMetric(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorAlreadyTracked")
      .withArgs(COMPUTE);
    await expect(w.aggregator.connect(w.stranger).untrackMetric(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorUnauthorized")
      .withArgs(w.stranger.address);
    const max = await w.aggregator.MAX_TRACKED_METRICS();
    for (let i = 1n; i < max; i++) await (await w.aggregator.connect(w.dao).trackMetric(`m${i}`)).wait();
    await expect(w.aggregator.connect(w.dao).trackMetric("one-too-many"))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorTooManyMetrics")
      .withArgs(max);
    expect((await w.aggregator.trackedMetrics()).length).to.equal(Number(max));
    expect(await w.aggregator.isTracked(COMPUTE)).to.equal(true);
  });

  it("accepts values from its registry's pools only, and a reveal only with the KMS proof of the sealed round", async function () {
    const w = await twoModels();
    const [alice, bob, carol] = w.people;
    await (await w.aggregator.connect(w.dao).trackMetric(COMPUTE)).wait();
    await expect(w.aggregator.connect(w.stranger).recordMetrics(alice.address, 1, []))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorUnknownPool")
      .withArgs(w.stranger.address);

    expect((await openRound(w)).submissions).to.equal(0n);

    const vision = await ref(w.vision);
    for (const who of [alice, bob, carol]) await submit(vision, who, [7n, 1n, 1n]);
    await expect(w.aggregator.revealAggregate(COMPUTE, 1n, 21n, "0x"))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorRoundNotPending")
      .withArgs(COMPUTE, 1n);
    await endOpenRound(w);
    await (await w.aggregator.requestReveal(COMPUTE)).wait();
    const { value, proof } = await publicValue((await w.aggregator.getRound(COMPUTE, 1n)).sum);
    await expect(w.aggregator.revealAggregate(COMPUTE, 1n, value + 1n, proof)).to.be.revertedWithCustomError(
      ...fhevm.revertedWithCustomErrorArgs("KMSVerifier", "KMSInvalidSigner"),
    );
    expect((await w.aggregator.getRound(COMPUTE, 1n)).revealed).to.equal(false);
  });

  it("refuses a threshold below the k-anonymity floor", async function () {
    const [deployer] = await ethers.getSigners();
    const aggregatorFactory = await ethers.getContractFactory("MetricAggregator");
    await expect(deployModelRegistry(deployer, { aggregateMinContributors: 2 }))
      .to.be.revertedWithCustomError(aggregatorFactory, "MetricAggregatorInvalidMinContributors")
      .withArgs(2, 3);
  });
});
