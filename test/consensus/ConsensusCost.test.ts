import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import type { ConsensusCostHarness } from "../../types";
import type { IRoyaltyPool } from "../../types/contracts/royalty/RoyaltyPool";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { attestAll, config, deployConsensusFixture } from "./consensus.fixture";
import type { ConsensusFixture } from "./consensus.fixture";

const HCU_BUDGET = 18_000_000n;
const DEPTH_BUDGET = 4_500_000n;
const HCU_LIMIT = 20_000_000;
const DEPTH_LIMIT = 5_000_000;
/** The pool adds a consensus median to a contributor's score only once per epoch: that add never runs. */
const SCORE_ADD = 162_000n;
/** Sealing a tracked metric's ended round (noise: bounded 128-bit rand + 128-bit add): not run mid-round. */
const SEAL = 25_000n + 259_000n;

/** A schema with these weights and small caps (names metric0..n, all tracked by the aggregator in the tests). */
function schema(weights: readonly bigint[]): IRoyaltyPool.MetricStruct[] {
  return weights.map((weight, k) => ({ name: `metric${k}`, weight, cap: 1_000_000n }));
}

async function harness(): Promise<ConsensusCostHarness> {
  return (await ethers.getContractFactory("ConsensusCostHarness")).deploy();
}

/** Every metric of the fixture's schema tracked across models (the registry deployer governs the aggregator). */
async function trackAll(f: ConsensusFixture, metrics: readonly IRoyaltyPool.MetricStruct[]): Promise<void> {
  const aggregator = await ethers.getContractAt("MetricAggregator", await f.registry.metricAggregator());
  for (const m of metrics) await (await aggregator.connect(f.deployer).trackMetric(m.name)).wait();
  // Only pools the aggregate governance approved feed the aggregates.
  await (await aggregator.connect(f.deployer).approvePool(await f.pool.getAddress())).wait();
}

/**
 * HCU and depth of the second finalize of an epoch (the first one started the epoch total and every aggregate
 * round, so this one runs every add the model counts except the score's).
 */
async function measureFinalize(required: number, weights: readonly bigint[]) {
  const metrics = schema(weights);
  const f = await deployConsensusFixture({ required, min: 2, metrics });
  await trackAll(f, metrics);
  const [alice, bob] = f.contributors;
  const vectors = Array.from({ length: required }, (_, i) => weights.map((_, k) => BigInt(1_000 * (i + 1) + k)));
  await attestAll(f, alice.address, vectors);
  await (await f.consensus.finalize(alice.address)).wait();
  await attestAll(f, bob.address, vectors);
  const receipt = await (await f.consensus.finalize(bob.address)).wait();
  const { globalHCU, maxHCUDepth } = fhevm.computeTransactionHCU(receipt!);
  return { hcu: BigInt(globalHCU), depth: BigInt(maxHCUDepth), gas: receipt!.gasUsed };
}

describe("ConsensusCost: worst-case HCU of a consensus finalize", function () {
  it("the library's figures: medians, per-metric costs, budgets", async function () {
    const cost = await harness();
    expect(await cost.budgets()).to.deep.equal([HCU_BUDGET, DEPTH_BUDGET, 20_000_000n, 5_000_000n]);
    expect(await cost.medianCost(2)).to.deep.equal([219_000n, 219_000n]);
    expect(await cost.medianCost(3)).to.deep.equal([874_000n, 655_000n]);
    expect(await cost.medianCost(4)).to.deep.equal([1_530_000n, 656_000n]);
    expect(await cost.medianCost(5)).to.deep.equal([2_185_000n, 1_092_000n]);
    for (const n of [0, 1, 6]) {
      await expect(cost.medianCost(n))
        .to.be.revertedWithCustomError(cost, "ConsensusCostUnsupportedAttestations")
        .withArgs(n, 2, 5);
    }
    // 5 x 8 of weight 1 (the 19.8 M untracked): 8 x (median 2,185,000 + cap 150,000 + cast 32 + 128-bit add
    // 259,000) + 7 sum adds + score and total adds. Depth: the aggregator's adds, chained in the worst case
    // (two metrics of one name), after the median and the cap.
    const [hcu, depth] = await cost.finalizeCost(5, Array(8).fill(1n));
    expect(hcu).to.equal(8n * (2_594_032n + SEAL) + 7n * 162_000n + 2n * 162_000n);
    expect(depth).to.equal(1_092_000n + 150_000n + 32n + 8n * 259_000n);
    expect(await cost.withinBudget(hcu, depth)).to.equal(false);
    // Power-of-two weights cost a shift, other weights a multiply.
    const [one] = await cost.finalizeCost(3, [1n]);
    expect((await cost.finalizeCost(3, [4n]))[0] - one).to.equal(34_000n);
    expect((await cost.finalizeCost(3, [3n]))[0] - one).to.equal(365_000n);
    expect(await cost.finalizeCost(3, [])).to.deep.equal([0n, 0n]);
  });

  describe("calibrated against the mock (every metric tracked across models)", function () {
    const cases: [number, bigint[]][] = [
      [3, [3n, 1n, 5n]],
      [3, Array(8).fill(3n)], // the most expensive 3-attestation schema: 8 metrics, every weight a multiply
      // The most expensive 5-attestation configuration the budget accepts once every tracked metric may also seal
      // its round: 5 x 5, three multiplies and two shifts (16,525,160 HCU modelled; a sixth metric is refused).
      [5, [3n, 3n, 3n, 2n, 2n]],
    ];
    for (const [required, weights] of cases) {
      it(`${required} attestations x ${weights.length} metrics (weights ${weights.join(", ")}): measured <= model, under the limits`, async function () {
        const cost = await harness();
        const [modelHcu, modelDepth] = await cost.finalizeCost(required, weights);
        expect(await cost.withinBudget(modelHcu, modelDepth)).to.equal(true);
        const measured = await measureFinalize(required, weights);
        console.log(
          `      finalize ${required} x ${weights.length}: measured ${measured.hcu} HCU, depth ${measured.depth}, ` +
            `gas ${measured.gas}; model ${modelHcu} HCU, depth ${modelDepth}`,
        );
        // Exact: the model counts every op the mock counts, plus the score's add, which a consensus never runs, and
        // the seal of every tracked round, which this mid-round finalize does not trigger.
        expect(measured.hcu).to.equal(modelHcu - SCORE_ADD - BigInt(weights.length) * SEAL);
        expect(measured.depth).to.be.at.most(modelDepth);
        expect(Number(measured.hcu)).to.be.lessThan(HCU_LIMIT);
        expect(Number(measured.depth)).to.be.lessThan(DEPTH_LIMIT);
      });
    }
  });

  describe("configurations above the budget are refused with the figures", function () {
    const refused: [string, bigint[]][] = [
      ["5 x 8 of weight 3 (over the 20 M limit untracked)", Array(8).fill(3n)],
      ["5 x 8 of weight 1 (19.8 M untracked, over once tracked)", Array(8).fill(1n)],
      ["5 x 6 of weight 1 (each tracked metric may also seal its round)", Array(6).fill(1n)],
    ];
    for (const [label, weights] of refused) {
      it(`at deployment and by setConfig: ${label}`, async function () {
        const cost = await harness();
        const [hcu, depth] = await cost.finalizeCost(5, weights);
        expect(hcu).to.be.greaterThan(HCU_BUDGET);
        // A 3-attestation consensus of the same pool is accepted.
        const f = await deployConsensusFixture({ required: 3, min: 2, metrics: schema(weights) });
        const panel = [...f.attestors, ...f.spare].map((a) => a.address).slice(0, 5);
        const factory = await ethers.getContractFactory("AttestationConsensus");
        await expect(factory.deploy(f.poolAddress, f.governance.address, config(panel, 5, 3)))
          .to.be.revertedWithCustomError(factory, "AttestationConsensusFinalizeTooExpensive")
          .withArgs(5, weights.length, hcu, HCU_BUDGET, depth, DEPTH_BUDGET);
        await expect(f.consensus.connect(f.governance).setConfig(config(panel, 5, 3)))
          .to.be.revertedWithCustomError(f.consensus, "AttestationConsensusFinalizeTooExpensive")
          .withArgs(5, weights.length, hcu, HCU_BUDGET, depth, DEPTH_BUDGET);
        expect(await f.consensus.configVersionCount()).to.equal(1n);
      });
    }

    it("a consensus deployed before its pool (predicted address): the pool refuses to be created with such rules", async function () {
      const weights = Array(8).fill(1n);
      const cost = await harness();
      const [hcu, depth] = await cost.finalizeCost(5, weights);
      const signers = await ethers.getSigners();
      const [deployer] = signers;
      const panel = signers.slice(10, 15);
      const { registry, payout } = await deployPoolFixture();
      const name = `consensus-first-${Date.now()}`;
      const poolAddress = await registry.predictPool(deployer.address, name);
      // No pool code yet: the consensus has nothing to check against at its deployment.
      const consensus = await (
        await ethers.getContractFactory("AttestationConsensus", deployer)
      ).deploy(
        poolAddress,
        ethers.ZeroAddress,
        config(
          panel.map((a) => a.address),
          5,
          3,
        ),
      );
      const before = await registry.modelCount();
      await expect(
        registry.createModel(
          name,
          await payout.getAddress(),
          defaultRules({
            metrics: schema(weights),
            attestationRequired: true,
            attestors: [await consensus.getAddress()],
          }),
          ethers.ZeroAddress,
        ),
      )
        .to.be.revertedWithCustomError(
          await ethers.getContractAt("RoyaltyPool", poolAddress),
          "RoyaltyPoolConsensusTooExpensive",
        )
        .withArgs(await consensus.getAddress(), 5, hcu, HCU_BUDGET, depth, DEPTH_BUDGET);
      expect(await registry.modelCount()).to.equal(before);
    });
  });

  describe("the other side: a pool's rules change is checked against its consensus", function () {
    it("refuses rules under which the pool's consensus could not finalize; state unchanged", async function () {
      const f = await deployConsensusFixture({ required: 5, min: 3, metrics: schema([3n, 1n, 5n]) });
      const timelock = f.spare[0];
      const rules = (metrics: IRoyaltyPool.MetricStruct[], attestors: string[]) =>
        defaultRules({ metrics, attestationRequired: true, attestors });
      const name = `consensus-rules-${Date.now()}`;
      await (
        await f.registry.createModel(
          name,
          await f.payout.getAddress(),
          rules(schema([3n, 1n, 5n]), [f.consensusAddress]),
          timelock.address,
        )
      ).wait();
      const pool = await ethers.getContractAt("RoyaltyPool", await f.registry.predictPool(f.deployer.address, name));
      const expensive = Array(8).fill(3n);
      const [hcu, depth] = await (await harness()).finalizeCost(5, expensive);
      await expect(pool.connect(timelock).updateRules(rules(schema(expensive), [f.consensusAddress])))
        .to.be.revertedWithCustomError(pool, "RoyaltyPoolConsensusTooExpensive")
        .withArgs(f.consensusAddress, 5, hcu, HCU_BUDGET, depth, DEPTH_BUDGET);
      expect(await pool.rulesVersionCount()).to.equal(1n);
      // The same schema is fine for a consensus of 3 attestations, or for an attestor that is an account.
      await expect(pool.connect(timelock).updateRules(rules(schema(expensive), [f.spare[1].address]))).to.emit(
        pool,
        "RulesVersionCreated",
      );
      // And a model cannot be created with such rules either.
      await expect(
        f.registry.createModel(
          `${name}-b`,
          await f.payout.getAddress(),
          rules(schema(expensive), [f.consensusAddress]),
          timelock.address,
        ),
      ).to.be.revertedWithCustomError(pool, "RoyaltyPoolConsensusTooExpensive");
    });
  });
});
