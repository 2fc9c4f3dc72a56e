import { FhevmType } from "@fhevm/hardhat-plugin";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
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
 * a DAO account that chooses the aggregated metric names.
 */
async function twoModels(): Promise<World> {
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
  return {
    registry,
    aggregator: await ethers.getContractAt("MetricAggregator", aggregatorAddress),
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
  return { round, contributors: record.contributors, submissions: record.submissions, sum: record.sum };
}

describe("MetricAggregator: cross-model metric sums, revealed only past k", function () {
  it("sums the capped metric across models, counts each contributor once, and reveals only at k", async function () {
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
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.emit(w.aggregator, "AggregateRevealRequested")
      .withArgs(ethers.id(COMPUTE), 1n, 3n, 4n, (await openRound(w)).sum);
    const sealed = await w.aggregator.getRound(COMPUTE, 1n);
    expect(sealed.closed).to.equal(true);
    expect(sealed.revealed).to.equal(false);

    const expected = 400n + 700n + COMPUTE_CAP + 5_000n;
    const { value, proof } = await publicValue(sealed.sum);
    expect(value).to.equal(expected);
    await expect(w.aggregator.revealAggregate(COMPUTE, 1n, value, proof))
      .to.emit(w.aggregator, "AggregateRevealed")
      .withArgs(ethers.id(COMPUTE), 1n, expected, expected);
    expect((await w.aggregator.getRound(COMPUTE, 1n)).value).to.equal(expected);
    expect(await w.aggregator.cumulativeOf(COMPUTE)).to.equal(expected);

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
    await (await w.aggregator.requestReveal(COMPUTE)).wait();

    // One more contributor after the reveal: a cumulative total would now expose dave's value exactly.
    await submit(vision, dave, [123n, 1n, 1n]);
    const open = await openRound(w);
    expect([open.round, open.contributors, open.submissions]).to.deep.equal([2n, 1n, 1n]);
    await expect(w.aggregator.requestReveal(COMPUTE))
      .to.be.revertedWithCustomError(w.aggregator, "MetricAggregatorBelowThreshold")
      .withArgs(COMPUTE, 2n, 1n, 3n);
    // Contributors of an earlier round count again in the new one (and only once each).
    for (const who of [alice, alice, bob]) await submit(vision, who, [1n, 1n, 1n]);
    expect((await openRound(w)).contributors).to.equal(3n);
    await (await w.aggregator.requestReveal(COMPUTE)).wait();
    const { value } = await publicValue((await w.aggregator.getRound(COMPUTE, 2n)).sum);
    expect(value).to.equal(123n + 3n);
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
    await (await w.aggregator.requestReveal(COMPUTE)).wait();
    const { proof } = await publicValue((await w.aggregator.getRound(COMPUTE, 1n)).sum);
    await expect(w.aggregator.revealAggregate(COMPUTE, 1n, 22n, proof)).to.be.revertedWithCustomError(
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
