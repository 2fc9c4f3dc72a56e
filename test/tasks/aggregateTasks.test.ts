import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";
import { runTask } from "../helpers/tasks";

describe("royalties tasks: cross-model aggregates (in-process)", function () {
  it("track-metric, approve-pool, aggregates, reveal-aggregate and audit-aggregates, with readable refusals", async function () {
    const f = await deployPoolFixture(defaultRules());
    const registry = await f.registry.getAddress();
    expect(await runTask("aggregates", { registry })).to.contain("No metric is aggregated");
    expect(await runTask("track-metric", { registry, metric: "computeUnits", untrack: false })).to.match(
      /metric\s+computeUnits/,
    );
    await expect(runTask("track-metric", { registry, metric: "computeUnits", untrack: false, account: 2 })).to.be
      .rejected;

    await expect(
      runTask("approve-pool", { registry, pool: f.poolAddress, revoke: false, account: 2 }),
    ).to.be.rejectedWith(/MetricAggregatorUnauthorized/);
    expect(await runTask("approve-pool", { registry, pool: f.poolAddress, revoke: false })).to.match(
      /feeds the aggregates\s+from its next submission on/,
    );

    for (const who of f.contributors.slice(0, 2)) await submit(f, who, [100n, 1n, 1n]);
    await expect(runTask("reveal-aggregate", { registry, metric: "computeUnits" })).to.be.rejectedWith(
      /MetricAggregatorBelowThreshold/,
    );
    await submit(f, f.contributors[2], [2_000_000n, 1n, 1n]); // capped at 1,000,000
    await expect(runTask("reveal-aggregate", { registry, metric: "computeUnits" })).to.be.rejectedWith(
      /MetricAggregatorRoundNotEnded/,
    );
    const aggregator = await ethers.getContractAt("MetricAggregator", await f.registry.metricAggregator());
    await time.increaseTo((await aggregator.openRound("computeUnits"))[1].end);
    const revealed = JSON.parse(
      await runTask("reveal-aggregate", { registry, metric: "computeUnits", json: true }),
    ) as {
      value: string;
    };
    const value = BigInt(revealed.value);
    expect(value - 1_000_200n)
      .to.be.gte(0n)
      .and.lt(1n << 20n);
    const shown = value.toLocaleString("en-US");

    const listed = await runTask("aggregates", { registry });
    expect(listed).to.contain(
      `computeUnits: revealed total ${shown}, k = 3, rounds of 86400 s, each sum + noise < 2^20`,
    );
    expect(listed).to.match(new RegExp(`1\\s+3\\s+3\\s+\\S+\\s+revealed\\s+${shown}`));
    expect(listed).to.match(/2\s+0\s+0\s+—\s+open\s+encrypted/);
    const audit = JSON.parse(await runTask("audit-aggregates", { registry, json: true })) as { ok: boolean };
    expect(audit.ok).to.equal(true);
    expect(await runTask("audit-aggregates", { registry })).to.contain("PASSED");
  });
});
