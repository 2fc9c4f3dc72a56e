import { expect } from "chai";
import { ethers } from "hardhat";
import { Log } from "ethers";
import type { LogParams, Provider } from "ethers";

import { auditPool, formatAuditText } from "../../src";
import type { AuditReport } from "../../src";
import { RoyaltyPool__factory } from "../../types";
import type { PoolFixture } from "../fixtures/royaltyPool.fixture";
import { honestRun } from "./audit.fixture";

const poolInterface = RoyaltyPool__factory.createInterface();

/** A provider that answers honestly except `getLogs`, whose every answer passes through `lie`. */
function lyingProvider(lie: (logs: Log[]) => Log[]): { provider: Provider; calls: () => number } {
  let calls = 0;
  const honest = ethers.provider;
  const provider = new Proxy(honest, {
    get(target, property) {
      if (property === "getLogs") {
        return async (filter: Parameters<typeof honest.getLogs>[0]) => {
          calls += 1;
          return lie(await target.getLogs(filter));
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { provider, calls: () => calls };
}

/** A log decoded with the pool's ABI: its event name and named arguments (no name for another ABI's event). */
function decode(log: Log): { name: string; args: Record<string, unknown> } {
  const parsed = poolInterface.parseLog(log);
  // The KMS proof check of a linked library emits an event the pool's ABI does not declare.
  if (parsed === null) return { name: "", args: {} };
  const args: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => (args[input.name] = parsed.args[i]));
  return { name: parsed.name, args };
}

describe("audit completeness: a provider that lies about logs", function () {
  let f: PoolFixture;
  let logs: Log[];
  let toBlock: number;

  before(async function () {
    f = await honestRun();
    toBlock = await ethers.provider.getBlockNumber();
    logs = await ethers.provider.getLogs({ address: f.poolAddress, fromBlock: 0, toBlock });
  });

  const audit = (lie: (logs: Log[]) => Log[], logBlockRange?: number): Promise<AuditReport> =>
    auditPool(lyingProvider(lie).provider, { pool: f.poolAddress, toBlock, logBlockRange });

  /** The nth log of event `name` (optionally of one epoch). */
  const nth = (name: string, n: number, epochId?: bigint): Log =>
    logs.filter((l) => decode(l).name === name && (epochId === undefined || decode(l).args.epochId === epochId))[n];
  /** The log entry (index) a transaction appended to `epochId`. */
  const entryOf = (tx: string, epochId: bigint): bigint =>
    decode(
      logs.find(
        (l) => l.transactionHash === tx && decode(l).name === "LogAppended" && decode(l).args.epochId === epochId,
      )!,
    ).args.index as bigint;
  const without = (dropped: (log: Log) => boolean) => (answer: Log[]) => answer.filter((l) => !dropped(l));
  const same = (a: Log, b: Log) => a.transactionHash === b.transactionHash && a.index === b.index;

  it("passes with the honest logs read in chunks of 3 blocks (one eth_getLogs per chunk)", async function () {
    const { provider, calls } = lyingProvider((answer) => answer);
    const report = await auditPool(provider, { pool: f.poolAddress, toBlock, logBlockRange: 3 });
    expect(report.findings).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.epochs.map((e) => e.epochId)).to.deep.equal([1n, 2n, 3n]);
    expect(calls()).to.equal(Math.ceil((toBlock + 1) / 3));
  });

  it("refuses a block range below one block", async function () {
    await expect(auditPool(ethers.provider, { pool: f.poolAddress, logBlockRange: 0 })).to.be.rejectedWith(
      "The log block range must be a whole number of blocks ≥ 1; got 0.",
    );
  });

  it("one step event dropped: names the epoch and the entry's step", async function () {
    const claim = nth("RoyaltyClaimed", 1, 1n);
    const index = entryOf(claim.transactionHash, 1n);
    const report = await audit(
      without((l) => same(l, claim)),
      4,
    );
    expect(report.ok).to.equal(false);
    expect(report.findings[0]).to.include({
      epochId: 1n,
      step: `log entry ${index} (Claim)`,
      message: "log entry without the step event it records (the step event was dropped or moved)",
    });
    expect(formatAuditText(report)).to.contain(`epoch 1, log entry ${index} (Claim): log entry without`);
  });

  it("one LogAppended dropped: names the epoch and the step it recorded", async function () {
    const submit = nth("ContributionSubmitted", 1, 1n);
    const index = entryOf(submit.transactionHash, 1n);
    const entry = logs.find((l) => l.transactionHash === submit.transactionHash && decode(l).name === "LogAppended")!;
    const report = await audit(without((l) => same(l, entry)));
    expect(report.findings[0]).to.include({
      epochId: 1n,
      step: `log entry ${index} (Submit)`,
      message: "step event without its log entry (the LogAppended event was dropped)",
    });
  });

  it("one claim transaction's events dropped: the missing entry is named Claim from the chain's counters", async function () {
    const claim = nth("RoyaltyClaimed", 1, 2n);
    const index = entryOf(claim.transactionHash, 2n);
    const report = await audit(without((l) => l.transactionHash === claim.transactionHash));
    expect(report.ok).to.equal(false);
    expect(report.findings[0]).to.include({ epochId: 2n, step: `log entry ${index} (Claim)` });
    expect(report.findings[0].message).to.match(/^missing \(dropped\)/);
  });

  it("a whole epoch's events dropped: names the epoch, its entries and what they hold", async function () {
    const epochOfLog = (l: Log) => {
      const { args } = decode(l);
      return (args.intoEpochId ?? args.epochId) as bigint | undefined;
    };
    const report = await audit(
      without((l) => epochOfLog(l) === 2n),
      5,
    );
    const onChain = await f.pool.getEpoch(2n);
    expect(report.ok).to.equal(false);
    const finding = report.findings.find((x) => x.epochId === 2n)!;
    expect(finding.step).to.equal(`log entries 0..${onChain.logLength - 1n}`);
    expect(finding.message).to.equal(
      `none of the epoch's ${onChain.logLength} log entries were received ` +
        "(Submit ×3, 3 of Fund, Extend, CarryIn or Settle, Close, Reveal, Claim ×3): its events were withheld",
    );
    expect(report.epochs.find((e) => e.epochId === 2n)!.digestMatchesChain).to.equal(false);
  });

  it("the tail cut off: names the first missing entry of each epoch, and an epoch never received", async function () {
    const close = nth("EpochClosed", 0, 2n);
    const closeIndex = entryOf(close.transactionHash, 2n);
    const report = await audit(without((l) => l.blockNumber >= close.blockNumber));
    expect(report.ok).to.equal(false);
    const byEpoch = (id: bigint) => report.findings.filter((x) => x.epochId === id);
    expect(byEpoch(1n)).to.deep.equal([]);
    expect(byEpoch(2n)[0]).to.include({ step: `log entry ${closeIndex} (Close)` });
    expect(byEpoch(2n)[0].message).to.contain("the tail of the log was cut");
    expect(byEpoch(3n)[0]).to.include({ step: "log entries 0..0" });
    expect(byEpoch(3n)[0].message).to.contain("none of the epoch's 1 log entries were received");
  });

  it("two claim transactions swapped: names the entry that came out of order", async function () {
    const a = nth("RoyaltyClaimed", 0, 2n).transactionHash;
    const b = nth("RoyaltyClaimed", 1, 2n).transactionHash;
    const index = entryOf(a, 2n);
    const report = await audit((answer) => {
      const ofA = answer.filter((l) => l.transactionHash === a);
      const ofB = answer.filter((l) => l.transactionHash === b);
      const rest = answer.filter((l) => l.transactionHash !== a && l.transactionHash !== b);
      const at = answer.findIndex((l) => l.transactionHash === a);
      return at < 0 ? answer : [...rest.slice(0, at), ...ofB, ...ofA, ...rest.slice(at)];
    });
    expect(report.ok).to.equal(false);
    expect(report.findings[0]).to.include({ epochId: 2n, step: `log entry ${index} (Claim)` });
    expect(report.findings[0].message).to.match(/^out of order: the next entry received is \d+ \(Claim\)/);
  });

  it("one field altered (a funding's amount): names the epoch and the Fund entry", async function () {
    const fund = nth("PoolFunded", 0, 2n);
    const index = entryOf(fund.transactionHash, 2n);
    const report = await audit((answer) =>
      answer.map((l) => {
        if (!same(l, fund)) return l;
        const { args } = decode(l);
        const event = poolInterface.getEvent("PoolFunded")!;
        const values = event.inputs.map((input) =>
          input.name === "amount" ? (args.amount as bigint) + 1n : args[input.name],
        );
        return new Log({ ...l.toJSON(), ...poolInterface.encodeEventLog(event, values) } as LogParams, l.provider);
      }),
    );
    expect(report.ok).to.equal(false);
    expect(report.findings[0]).to.include({
      epochId: 2n,
      step: `log entry ${index} (Fund)`,
      message: "the step event's fields do not hash to the logged entry: a value (e.g. a handle) was altered",
    });
  });
});
