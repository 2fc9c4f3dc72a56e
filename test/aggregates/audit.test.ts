import { expect } from "chai";
import { ethers } from "hardhat";

import {
  auditAggregateEvents,
  auditAggregates,
  connectAggregator,
  createHardhatFheBackend,
  providerAggregateView,
  readAggregatorEvents,
  revealAggregate,
  trackMetric,
} from "../../src";
import type { AggregatorEvent } from "../../src";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";
import { fhevm } from "hardhat";

describe("Audit of cross-model aggregates", function () {
  let aggregator: string;
  let events: AggregatorEvent[];
  let toBlock: number;

  /** Two published rounds of qualityScore (3 and 4 contributors) and an open third one. */
  before(async function () {
    const f = await deployPoolFixture(defaultRules());
    const contract = await connectAggregator(f.registry, f.deployer);
    const fhe = createHardhatFheBackend(fhevm);
    await trackMetric(contract, "qualityScore");
    for (const who of f.contributors.slice(0, 3)) await submit(f, who, [1n, 1n, 10n]);
    await revealAggregate(contract, fhe, "qualityScore");
    for (const who of f.contributors.slice(0, 4)) await submit(f, who, [1n, 1n, 20n]);
    await revealAggregate(contract, fhe, "qualityScore");
    await submit(f, f.contributors[0], [1n, 1n, 30n]);
    aggregator = await contract.getAddress();
    toBlock = await ethers.provider.getBlockNumber();
    events = await readAggregatorEvents(ethers.provider, aggregator, 0, toBlock);
  });

  const audit = async (stream: AggregatorEvent[]) =>
    auditAggregateEvents(aggregator, stream, await providerAggregateView(ethers.provider, aggregator, toBlock));
  const indexOf = (name: string, nth: number) =>
    events.map((e, i) => [e.name, i] as const).filter(([n]) => n === name)[nth][1];

  it("passes on an honest run: k per round, sealed sums, valid KMS proofs, cumulative totals", async function () {
    const report = await auditAggregates(ethers.provider, { aggregator });
    expect(report.ok, JSON.stringify(report.findings)).to.equal(true);
    expect(report.minContributors).to.equal(3n);
    expect(report.rounds.map((r) => [r.round, r.contributors, r.submissions, r.value, r.proofValid])).to.deep.equal([
      [1n, 3n, 3n, 30n, true],
      [2n, 4n, 4n, 80n, true],
    ]);
  });

  it("fails when a published value is changed (its KMS proof no longer matches) or the cumulative is off", async function () {
    const i = indexOf("AggregateRevealed", 1);
    const tampered = [...events];
    tampered[i] = { ...events[i], args: { ...events[i].args, value: 81n, cumulative: 111n } };
    const report = await audit(tampered);
    expect(report.ok).to.equal(false);
    expect(report.findings.map((x) => x.message)).to.include(
      "the KMS decryption proof does not cover the sealed sum and the published value",
    );
    const cumulative = [...events];
    cumulative[i] = { ...events[i], args: { ...events[i].args, cumulative: 1n } };
    expect((await audit(cumulative)).findings.map((x) => x.message)).to.include(
      "published cumulative 1 ≠ the sum of published rounds 110",
    );
  });

  it("fails when a round is sealed under k, or with a sum its recorded values did not build", async function () {
    const i = indexOf("AggregateRevealRequested", 0);
    const underK = [...events];
    underK[i] = { ...events[i], args: { ...events[i].args, contributors: 2n } };
    expect((await audit(underK)).findings.map((x) => x.message)).to.include("sealed with 2 < k = 3 contributors");

    const dropped = events.filter((_, j) => j !== indexOf("MetricRecorded", 2));
    const messages = (await audit(dropped)).findings.map((x) => x.message);
    expect(messages).to.include("the sealed sum is not the sum its recorded values built");
    expect(messages).to.include("sealed with 3 submissions, the log records 2");
  });

  it("fails when a value is recorded into a sealed round (rounds must be disjoint)", async function () {
    const late = events[indexOf("MetricRecorded", 3)]; // the first value of round 2
    const injected = [...events, { ...late, args: { ...late.args, round: 1n } }];
    expect((await audit(injected)).findings.map((x) => x.message)).to.include(
      "a value was added to a round after it was sealed",
    );
  });
});
