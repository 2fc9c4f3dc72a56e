import { expect } from "chai";

import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";
import { runTask } from "../helpers/tasks";

describe("royalties tasks: cross-model aggregates (in-process)", function () {
  it("track-metric, aggregates, reveal-aggregate and audit-aggregates, with readable refusals", async function () {
    const f = await deployPoolFixture(defaultRules());
    const registry = await f.registry.getAddress();
    expect(await runTask("aggregates", { registry })).to.contain("No metric is aggregated");
    expect(await runTask("track-metric", { registry, metric: "computeUnits", untrack: false })).to.match(
      /metric\s+computeUnits/,
    );
    await expect(runTask("track-metric", { registry, metric: "computeUnits", untrack: false, account: 2 })).to.be
      .rejected;

    for (const who of f.contributors.slice(0, 2)) await submit(f, who, [100n, 1n, 1n]);
    await expect(runTask("reveal-aggregate", { registry, metric: "computeUnits" })).to.be.rejectedWith(
      /MetricAggregatorBelowThreshold/,
    );
    await submit(f, f.contributors[2], [2_000_000n, 1n, 1n]); // capped at 1,000,000
    const revealed = await runTask("reveal-aggregate", { registry, metric: "computeUnits" });
    expect(revealed).to.match(/sum of the round\s+1,000,200/);

    const listed = await runTask("aggregates", { registry });
    expect(listed).to.contain("computeUnits: revealed total 1,000,200, k = 3");
    expect(listed).to.match(/1\s+3\s+3\s+revealed\s+1,000,200/);
    expect(listed).to.match(/2\s+0\s+0\s+open\s+encrypted/);
    const audit = JSON.parse(await runTask("audit-aggregates", { registry, json: true })) as { ok: boolean };
    expect(audit.ok).to.equal(true);
    expect(await runTask("audit-aggregates", { registry })).to.contain("PASSED");
  });
});
