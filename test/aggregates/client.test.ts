import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  AggregatorRevertError,
  connectAggregator,
  createHardhatFheBackend,
  encodeTrackMetric,
  getAggregateStatus,
  revealAggregate,
  trackMetric,
} from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";

describe("Client library: cross-model aggregates", function () {
  it("tracks a metric, reports rounds, refuses an early reveal with a hint, then reveals past k", async function () {
    const f = await deployPoolFixture(defaultRules());
    const [alice, bob, carol] = f.contributors;
    const fhe = createHardhatFheBackend(fhevm);
    const aggregator = await connectAggregator(f.registry, f.deployer);
    await trackMetric(aggregator, "qualityScore");
    await submit(f, alice, [1n, 1n, 90n]);
    await submit(f, bob, [1n, 1n, 150n]); // capped at 100

    let status = await getAggregateStatus(aggregator, "qualityScore");
    expect(status.tracked).to.equal(true);
    expect(status.minContributors).to.equal(3n);
    expect(status.rounds).to.deep.equal([
      { round: 1n, contributors: 2n, submissions: 2n, closed: false, revealed: false, value: undefined },
    ]);

    const early = revealAggregate(aggregator, fhe, "qualityScore");
    await expect(early).to.be.rejectedWith(AggregatorRevertError, /MetricAggregatorBelowThreshold.*more distinct/);
    expect(await aggregator.sealedRounds("qualityScore")).to.equal(0n);

    await submit(f, carol, [1n, 1n, 5n]);
    const result = await revealAggregate(aggregator, fhe, "qualityScore");
    expect(result).to.deep.equal({ round: 1n, value: 195n, cumulative: 195n });
    status = await getAggregateStatus(aggregator, "qualityScore");
    expect(status.rounds.map((r) => [r.round, r.revealed, r.value])).to.deep.equal([
      [1n, true, 195n],
      [2n, false, undefined],
    ]);
    expect(status.cumulative).to.equal(195n);
  });

  it("encodes governance calldata and turns an unauthorized call into a readable error", async function () {
    const f = await deployPoolFixture(defaultRules());
    const aggregator = await connectAggregator(f.registry, f.stranger);
    await expect(trackMetric(aggregator, "computeUnits")).to.be.rejectedWith(
      AggregatorRevertError,
      /MetricAggregatorUnauthorized.*DAO timelock/,
    );
    const data = encodeTrackMetric("computeUnits");
    const parsed = aggregator.interface.parseTransaction({ data });
    expect(parsed?.name).to.equal("trackMetric");
    expect(parsed?.args[0]).to.equal("computeUnits");
    expect(aggregator.interface.parseTransaction({ data: encodeTrackMetric("x", false) })?.name).to.equal(
      "untrackMetric",
    );
    expect(await ethers.provider.getCode(await aggregator.getAddress())).to.not.equal("0x");
  });
});
