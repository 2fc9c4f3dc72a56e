import { expect } from "chai";

import { parseMetricValues } from "../../tasks/args";
import { METRIC_MAX, checkMetrics, parseMetricValue } from "../../src/metrics";

const SCHEMA = [{ name: "computeUnits" }, { name: "dataSamples" }];

describe("checkMetrics (the one metric check of the dashboard form, the submit task and the library)", function () {
  it("accepts one whole number per metric up to 2^64 - 1, typed or as bigints", function () {
    expect(checkMetrics([" 1_200 ", "40"], SCHEMA)).to.deep.equal({ ok: true, metrics: [1200n, 40n] });
    expect(checkMetrics([0n, METRIC_MAX], SCHEMA)).to.deep.equal({ ok: true, metrics: [0n, METRIC_MAX] });
  });

  it("names the metric that is out of range or not a number, and a count that does not fit the schema", function () {
    expect(checkMetrics([1n, METRIC_MAX + 1n], SCHEMA)).to.deep.equal({
      ok: false,
      problem: `Metric dataSamples = ${METRIC_MAX + 1n} is outside 0..2^64-1.`,
    });
    expect(checkMetrics(["-1", "2"], SCHEMA)).to.deep.equal({
      ok: false,
      problem: 'Metric computeUnits = "-1" is outside 0..2^64-1.',
    });
    expect(checkMetrics([1n], SCHEMA)).to.deep.equal({
      ok: false,
      problem: "The pool expects 2 metrics (computeUnits, dataSamples), got 1.",
    });
  });

  it("parses typed values the same way for the form and the task", function () {
    for (const bad of ["", "1.5", "0x10", "abc", (METRIC_MAX + 1n).toString()]) {
      expect(parseMetricValue(bad), bad).to.equal(undefined);
    }
    expect(parseMetricValues("1_200, 40,95")).to.deep.equal([1200n, 40n, 95n]);
    expect(() => parseMetricValues(`1,${METRIC_MAX + 1n}`)).to.throw("--metrics must be whole numbers below 2^64");
  });
});
