import { expect } from "chai";

import { cappedMetrics, contributionScore } from "../../src/math";

const SCHEMA = [
  { name: "computeUnits", weight: 3n, cap: 1_000_000n },
  { name: "dataSamples", weight: 1n, cap: 500_000n },
];

describe("cappedMetrics (what the CLI and the dashboard warn about before sending)", function () {
  it("lists each value above its cap with the value that will be counted", function () {
    expect(cappedMetrics([2_000_000n, 500_000n], SCHEMA)).to.deep.equal([
      { name: "computeUnits", entered: 2_000_000n, counted: 1_000_000n },
    ]);
  });

  it("lists nothing when every value is within its cap, and agrees with contributionScore", function () {
    expect(cappedMetrics([1_000_000n, 0n], SCHEMA)).to.deep.equal([]);
    const entered = [5_000_000n, 600_000n];
    const counted = cappedMetrics(entered, SCHEMA).map((m) => m.counted);
    expect(contributionScore(entered, SCHEMA)).to.equal(contributionScore(counted, SCHEMA));
  });
});
