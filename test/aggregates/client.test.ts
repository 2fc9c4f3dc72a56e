import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, fhevm } from "hardhat";

import {
  AggregatorRevertError,
  approvePool,
  connectAggregator,
  createHardhatFheBackend,
  createRoyaltiesClient,
  encodeApprovePool,
  encodeTrackMetric,
  getAggregateStatus,
  revealAggregate,
  revokePool,
  trackMetric,
} from "../../src/node";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";

describe("Client library: cross-model aggregates", function () {
  it("tracks a metric, approves a pool, reports rounds and their ends, refuses early reveals with hints, then reveals past k at the end", async function () {
    const f = await deployPoolFixture(defaultRules());
    const [alice, bob, carol] = f.contributors;
    const client = await createRoyaltiesClient({
      signer: f.deployer,
      fhe: createHardhatFheBackend(fhevm),
      registry: await f.registry.getAddress(),
    });
    const aggregator = await connectAggregator(client);
    await trackMetric(client, { name: "qualityScore" });
    await submit(f, alice, [1n, 1n, 90n]); // not approved yet: not counted
    await approvePool(client, { pool: f.poolAddress });
    await submit(f, alice, [1n, 1n, 90n]);
    await submit(f, bob, [1n, 1n, 150n]); // capped at 100

    let status = await getAggregateStatus(client, { name: "qualityScore" });
    expect(status.tracked).to.equal(true);
    expect(status.minContributors).to.equal(3n);
    expect([status.roundLength, status.noiseBits]).to.deep.equal([86_400n, 20n]);
    const { end } = status.rounds[0];
    expect(end).to.equal(await aggregator.nextBoundary(BigInt(await time.latest())));
    expect(status.rounds).to.deep.equal([
      { round: 1n, contributors: 2n, submissions: 2n, end, closed: false, revealed: false, value: undefined },
    ]);

    const early = revealAggregate(client, { name: "qualityScore" });
    await expect(early).to.be.rejectedWith(AggregatorRevertError, /MetricAggregatorBelowThreshold.*more distinct/);
    await submit(f, carol, [1n, 1n, 5n]);
    await expect(revealAggregate(client, { name: "qualityScore" })).to.be.rejectedWith(
      AggregatorRevertError,
      /MetricAggregatorRoundNotEnded.*fixed schedule/,
    );
    expect(await aggregator.sealedRounds("qualityScore")).to.equal(0n);

    await time.increaseTo(end);
    const result = await revealAggregate(client, { name: "qualityScore" });
    expect(result.round).to.equal(1n);
    expect(result.value - 195n)
      .to.be.gte(0n)
      .and.lt(1n << 20n);
    expect(result.cumulative).to.equal(result.value);
    status = await getAggregateStatus(client, { name: "qualityScore" });
    expect(status.rounds.map((r) => [r.round, r.revealed, r.value, r.end])).to.deep.equal([
      [1n, true, result.value, end],
      [2n, false, undefined, 0n],
    ]);
    expect(status.cumulative).to.equal(result.value);

    await revokePool(client, { pool: f.poolAddress });
    await expect(revokePool(client, { pool: f.poolAddress })).to.be.rejectedWith(
      AggregatorRevertError,
      /MetricAggregatorPoolNotApproved/,
    );
  });

  it("encodes governance calldata and turns an unauthorized call into a readable error", async function () {
    const f = await deployPoolFixture(defaultRules());
    const client = await createRoyaltiesClient({
      signer: f.stranger,
      fhe: createHardhatFheBackend(fhevm),
      registry: await f.registry.getAddress(),
    });
    const aggregator = await connectAggregator(client);
    await expect(trackMetric(client, { name: "computeUnits" })).to.be.rejectedWith(
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
    await expect(approvePool(client, { pool: f.poolAddress })).to.be.rejectedWith(
      AggregatorRevertError,
      /MetricAggregatorUnauthorized.*approves the pools/,
    );
    const approve = aggregator.interface.parseTransaction({ data: encodeApprovePool(f.poolAddress) });
    expect([approve?.name, approve?.args[0]]).to.deep.equal(["approvePool", f.poolAddress]);
    expect(aggregator.interface.parseTransaction({ data: encodeApprovePool(f.poolAddress, false) })?.name).to.equal(
      "revokePool",
    );
    expect(await ethers.provider.getCode(await aggregator.getAddress())).to.not.equal("0x");
  });
});
