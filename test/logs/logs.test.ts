import { expect } from "chai";
import type { Filter, Log, Provider } from "ethers";

import { LogReadError, isLogRangeRefusal, isTransientFailure, readLogs } from "../../src/logs";
import type { LogReadProgress } from "../../src/logs";

/** One fake log per block of `[0, blocks)`. */
function chainOf(blocks: number): Log[] {
  return Array.from({ length: blocks }, (_, n) => ({ blockNumber: n, index: 0, transactionHash: `tx${n}` }) as Log);
}

/** An ethers-shaped JSON-RPC failure: ethers wraps the node's `{ code, message }` in `error`. */
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(`could not coalesce error (${message})`), {
    code: "UNKNOWN_ERROR",
    error: { code, message },
  });
}

/**
 * A provider over `logs` that refuses ranges wider than `maxRange` blocks with `refusal`, and fails the
 * first `transient` requests with `failure`. Records every range asked for.
 */
function fakeProvider(
  logs: Log[],
  {
    maxRange = Infinity,
    refusal = () => rpcError(-32005, "query returned more than 10000 results"),
    transient = 0,
    failure = () => Object.assign(new Error("request timeout"), { code: "TIMEOUT" }),
  }: { maxRange?: number; refusal?: () => Error; transient?: number; failure?: () => Error } = {},
): Provider & { asked: [number, number][] } {
  const asked: [number, number][] = [];
  let failures = 0;
  const provider = {
    asked,
    async getLogs(filter: Filter): Promise<Log[]> {
      const from = Number(filter.fromBlock);
      const to = Number(filter.toBlock);
      asked.push([from, to]);
      if (failures < transient) {
        failures++;
        throw failure();
      }
      if (to - from + 1 > maxRange) throw refusal();
      return logs.filter((log) => log.blockNumber >= from && log.blockNumber <= to);
    },
  };
  return provider as unknown as Provider & { asked: [number, number][] };
}

describe("readLogs: the paginated log reader", function () {
  const logs = chainOf(1_000);

  it("reads a range in fixed chunks, in chain order, reporting progress to 100 %", async function () {
    const provider = fakeProvider(logs);
    const progress: LogReadProgress[] = [];
    const read = await readLogs(provider, {
      fromBlock: 0,
      toBlock: 999,
      blockRange: 300,
      onProgress: (p) => progress.push(p),
    });
    expect(read.map((l) => l.blockNumber)).to.deep.equal(logs.map((l) => l.blockNumber));
    expect(provider.asked).to.deep.equal([
      [0, 299],
      [300, 599],
      [600, 899],
      [900, 999],
    ]);
    expect(progress.map((p) => p.scannedTo)).to.deep.equal([299, 599, 899, 999]);
    expect(progress.at(-1)?.fraction).to.equal(1);
    expect(progress.at(-1)?.logs).to.equal(1_000);
  });

  it("halves the range when the provider refuses ranges above N blocks, losing and repeating nothing", async function () {
    for (const refusal of [
      () => rpcError(-32005, "query returned more than 10000 results"),
      () => rpcError(-32602, "invalid params"),
      () => rpcError(-32000, "block range is too large"),
      () => new Error("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"),
    ]) {
      const provider = fakeProvider(logs, { maxRange: 70, refusal });
      const progress: LogReadProgress[] = [];
      const read = await readLogs(provider, {
        fromBlock: 5,
        toBlock: 994,
        blockRange: 5_000,
        onProgress: (p) => progress.push(p),
      });
      expect(read.map((l) => l.blockNumber)).to.deep.equal(logs.slice(5, 995).map((l) => l.blockNumber));
      const served = provider.asked.filter(([from, to]) => to - from + 1 <= 70);
      expect(served.every(([from], i) => i === 0 || from === served[i - 1][1] + 1)).to.be.true;
      // The first chunk is the whole 990 blocks; 990 → 495 → 248 → 124 → 62 (≤ 70): 4 refusals, then 62-block chunks.
      expect(provider.asked.length - served.length).to.equal(4);
      expect(progress.at(-1)?.blockRange).to.equal(62);
      expect(progress.at(-1)?.fraction).to.equal(1);
    }
  });

  it("retries transient failures with exponential backoff", async function () {
    const provider = fakeProvider(logs, { transient: 3 });
    const started = Date.now();
    const read = await readLogs(provider, { fromBlock: 0, toBlock: 999, retryDelayMs: 20 });
    expect(read).to.have.length(1_000);
    expect(provider.asked).to.have.length(4);
    expect(Date.now() - started).to.be.at.least(20 + 40 + 80 - 5);
  });

  it("retries rate limits and 5xx answers too, and never narrows the range for them", async function () {
    for (const failure of [
      () => rpcError(429, "Too Many Requests"),
      () => rpcError(-32005, "daily request count exceeded, request rate limited"),
      () => Object.assign(new Error("bad response"), { code: "SERVER_ERROR", info: { status: 503 } }),
      () => Object.assign(new Error("connect ECONNRESET 127.0.0.1:8545"), { code: "ECONNRESET" }),
    ]) {
      const provider = fakeProvider(logs, { transient: 2, failure });
      expect(await readLogs(provider, { fromBlock: 0, toBlock: 999, retryDelayMs: 1 })).to.have.length(1_000);
      expect(provider.asked).to.deep.equal([
        [0, 999],
        [0, 999],
        [0, 999],
      ]);
    }
  });

  it("gives up after the retries with a LogReadError naming the blocks", async function () {
    const provider = fakeProvider(logs, { transient: 10 });
    const error = await readLogs(provider, { fromBlock: 0, toBlock: 999, retries: 2, retryDelayMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(LogReadError);
    expect((error as LogReadError).message).to.match(/blocks 0\.\.999 failed after 2 retries .*request timeout/);
    expect(provider.asked).to.have.length(3);
  });

  it("fails at once, without retrying, on an error that is neither transient nor a refusal", async function () {
    const provider = fakeProvider(logs, { transient: 1, failure: () => rpcError(-32601, "method not found") });
    const error = await readLogs(provider, { fromBlock: 0, toBlock: 999, retryDelayMs: 1 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(LogReadError);
    expect(provider.asked).to.have.length(1);
  });

  it("fails with a clear error when even a one-block range is refused", async function () {
    const provider = fakeProvider(logs, { maxRange: 0 });
    const error = await readLogs(provider, { fromBlock: 10, toBlock: 20 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(LogReadError);
    expect((error as LogReadError).message).to.match(/even for block 10 alone/);
  });

  it("reads nothing for an empty range and rejects a nonsensical chunk size", async function () {
    const provider = fakeProvider(logs);
    expect(await readLogs(provider, { fromBlock: 10, toBlock: 9 })).to.deep.equal([]);
    expect(provider.asked).to.deep.equal([]);
    await readLogs(provider, { fromBlock: 0, toBlock: 9, blockRange: 0 }).then(
      () => expect.fail("accepted a zero block range"),
      (e: unknown) => expect(String(e)).to.match(/whole number of blocks/),
    );
  });

  it("classifies provider errors", function () {
    expect(isLogRangeRefusal(rpcError(-32005, "query returned more than 10000 results"))).to.be.true;
    expect(isLogRangeRefusal(new Error("eth_getLogs is limited to a 10,000 range"))).to.be.true;
    expect(isLogRangeRefusal(rpcError(429, "Too Many Requests"))).to.be.false;
    expect(isTransientFailure(rpcError(429, "Too Many Requests"))).to.be.true;
    expect(isTransientFailure(rpcError(-32005, "query returned more than 10000 results"))).to.be.false;
    expect(isTransientFailure(new Error("execution reverted"))).to.be.false;
  });
});
