import { expect } from "chai";
import { ethers } from "hardhat";

import { time } from "@nomicfoundation/hardhat-network-helpers";

import {
  approvePool,
  auditAggregateEvents,
  auditAggregates,
  connectAggregator,
  createHardhatFheBackend,
  createRoyaltiesClient,
  providerAggregateView,
  readAggregatorEvents,
  revealAggregate,
  trackMetric,
} from "../../src/node";
import type { AggregatorEvent } from "../../src";
import type { MetricAggregator } from "../../types";
import { defaultRules, deployPoolFixture } from "../fixtures/royaltyPool.fixture";
import { submit } from "../helpers/fhe";
import { fhevm } from "hardhat";

/** Moves time to the end of the open round of a metric (rounds are sealed on a fixed grid). */
async function endOpenRound(contract: MetricAggregator, name: string): Promise<void> {
  await time.increaseTo((await contract.openRound(name))[1].end);
}

describe("Audit of cross-model aggregates", function () {
  let aggregator: string;
  let pool: string;
  let noiseWidth: bigint;
  let events: AggregatorEvent[];
  let toBlock: number;

  /** An approved pool, two published noisy rounds of qualityScore (3 and 4 contributors) and an open third one. */
  before(async function () {
    const f = await deployPoolFixture(defaultRules());
    const client = await createRoyaltiesClient({
      signer: f.deployer,
      fhe: createHardhatFheBackend(fhevm),
      registry: await f.registry.getAddress(),
    });
    const contract = await connectAggregator(client);
    pool = f.poolAddress;
    noiseWidth = 1n << (await contract.NOISE_BITS());
    await trackMetric(client, { name: "qualityScore" });
    await approvePool(client, { pool: pool });
    for (const who of f.contributors.slice(0, 3)) await submit(f, who, [1n, 1n, 10n]);
    await endOpenRound(contract, "qualityScore");
    await revealAggregate(client, { name: "qualityScore" });
    for (const who of f.contributors.slice(0, 4)) await submit(f, who, [1n, 1n, 20n]);
    await endOpenRound(contract, "qualityScore");
    await revealAggregate(client, { name: "qualityScore" });
    await submit(f, f.contributors[0], [1n, 1n, 30n]);
    aggregator = await contract.getAddress();
    toBlock = await ethers.provider.getBlockNumber();
    events = await readAggregatorEvents(ethers.provider, aggregator, 0, toBlock);
  });

  const audit = async (stream: AggregatorEvent[]) =>
    auditAggregateEvents(aggregator, stream, await providerAggregateView(ethers.provider, aggregator, toBlock));
  const indexOf = (name: string, nth: number) =>
    events.map((e, i) => [e.name, i] as const).filter(([n]) => n === name)[nth][1];

  it("passes on an honest run: approved pool, k per round, noised sums, valid KMS proofs, cumulative totals", async function () {
    const report = await auditAggregates(ethers.provider, { aggregator });
    expect(report.ok, JSON.stringify(report.findings)).to.equal(true);
    expect(report.minContributors).to.equal(3n);
    expect(report.approvedPools).to.deep.equal([pool.toLowerCase()]);
    expect(report.rounds.map((r) => [r.round, r.contributors, r.submissions, r.noiseBits, r.proofValid])).to.deep.equal(
      [
        [1n, 3n, 3n, 20n, true],
        [2n, 4n, 4n, 20n, true],
      ],
    );
    // Each published value is the round's sum plus noise below 2^NOISE_BITS.
    const [first, second] = report.rounds.map((r) => r.value!);
    expect(first - 30n)
      .to.be.gte(0n)
      .and.lt(noiseWidth);
    expect(second - 80n)
      .to.be.gte(0n)
      .and.lt(noiseWidth);
    for (const r of report.rounds) expect(r.end).to.be.a("bigint");
  });

  it("fails when a published value is changed (its KMS proof no longer matches) or the cumulative is off", async function () {
    const i = indexOf("AggregateRevealed", 1);
    const value = events[i].args.value as bigint;
    const total = events[i].args.cumulative as bigint;
    const tampered = [...events];
    tampered[i] = { ...events[i], args: { ...events[i].args, value: value + 1n, cumulative: total + 1n } };
    const report = await audit(tampered);
    expect(report.ok).to.equal(false);
    expect(report.findings.map((x) => x.message)).to.include(
      "the KMS decryption proof does not cover the sealed sum and the published value",
    );
    const cumulative = [...events];
    cumulative[i] = { ...events[i], args: { ...events[i].args, cumulative: 1n } };
    expect((await audit(cumulative)).findings.map((x) => x.message)).to.include(
      `published cumulative 1 ≠ the sum of published rounds ${total}`,
    );
  });

  it("fails when a round is sealed without its noise step, with another width, or sealing another handle", async function () {
    const i = indexOf("AggregateNoised", 0);
    const bare = events.filter((_, j) => j !== i);
    expect((await audit(bare)).findings.map((x) => x.message)).to.include(
      "sealed without noise: the decryptable handle is not a noised sum",
    );
    const narrow = [...events];
    narrow[i] = { ...events[i], args: { ...events[i].args, noiseBits: 4n } };
    expect((await audit(narrow)).findings.map((x) => x.message)).to.include(
      "noised with 4 bits, the aggregator adds 20",
    );
    const swapped = [...events];
    swapped[i] = { ...events[i], args: { ...events[i].args, noisySum: events[i].args.sum } };
    expect((await audit(swapped)).findings.map((x) => x.message)).to.include(
      "the sealed handle is not the noisy sum of the noise step",
    );
  });

  it("fails when a round was sealed before its scheduled end", async function () {
    const i = indexOf("RoundScheduled", 0);
    const early = [...events];
    const end = (events[i].args.end as bigint) + 1_000n;
    early[i] = { ...events[i], args: { ...events[i].args, end } };
    const messages = (await audit(early)).findings.map((x) => x.message);
    expect(messages.some((m) => m.startsWith("sealed at ") && m.endsWith(`before the round's end ${end}`))).to.equal(
      true,
    );
  });

  it("fails when a value comes from a pool the aggregate governance had not approved", async function () {
    const unapproved = events.filter((e) => e.name !== "PoolApproved");
    const report = await audit(unapproved);
    expect(report.ok).to.equal(false);
    expect(report.findings.map((x) => x.message)).to.include(
      `a value was recorded from pool ${events.find((e) => e.name === "MetricRecorded")!.args.pool}, which the aggregate governance had not approved`,
    );
    const revoked = [...events];
    const approval = indexOf("PoolApproved", 0);
    revoked.splice(approval + 1, 0, { ...events[approval], name: "PoolRevoked" });
    expect((await audit(revoked)).ok).to.equal(false);
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
