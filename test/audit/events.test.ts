/**
 * Reading events for the audit: decodeEvents finds each log's event through a topic map built once per
 * interface (not by hashing every signature of the ABI per log) and decodes it exactly as ethers' parseLog
 * does; parseLog and eventArgsReader hand out TypeChain-typed arguments only after checking their ABI types.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { EventFragment, Interface, Log, ZeroHash, getAddress, hexlify, randomBytes } from "ethers";
import type { ParamType } from "ethers";

import * as factories from "../../types";
import { RoyaltyPool__factory } from "../../types";
import type { RoyaltyPool } from "../../types";
import { decodeEvents } from "../../src/audit/events";
import type { RawLog } from "../../src/audit/events";
import { MalformedEventError, eventArgsReader, parseLog } from "../../src/events";

function valueOf(param: ParamType, i: number): unknown {
  if (param.isArray())
    return Array.from({ length: Math.max(param.arrayLength, 2) }, () => valueOf(param.arrayChildren, i));
  if (param.isTuple()) return param.components.map(valueOf);
  if (/^u?int/.test(param.type)) return BigInt(i + 1);
  if (param.type === "address") return getAddress(hexlify(randomBytes(20)));
  if (param.type === "bool") return i % 2 === 0;
  if (param.type === "string") return `text ${i}`;
  if (/^bytes\d+$/.test(param.type)) return hexlify(randomBytes(Number(param.type.slice(5))));
  if (param.type === "bytes") return hexlify(randomBytes(i + 3));
  throw new Error(`no sample value for ${param.type}`);
}

/** One log of each of the interface's events, in turn, `count` logs in all. */
function sampleLogs(iface: Interface, count: number): RawLog[] {
  const fragments: EventFragment[] = [];
  iface.forEachEvent((fragment) => fragments.push(fragment));
  return Array.from({ length: count }, (_, n) => {
    const fragment = fragments[n % fragments.length];
    const { data, topics } = iface.encodeEventLog(fragment, fragment.inputs.map(valueOf));
    return { data, topics, transactionHash: ZeroHash, blockNumber: n, index: 0 };
  });
}

/** A log's position fields, for logs built by hand. */
const LOG_FIELDS = {
  transactionHash: ZeroHash,
  blockHash: ZeroHash,
  blockNumber: 1,
  removed: false,
  index: 0,
  transactionIndex: 0,
};

/** Runs `fn` counting the event-signature hashes (one keccak256 each) computed meanwhile. */
function countingSignatureHashes<T>(fn: () => T): { result: T; hashes: number } {
  const original = Object.getOwnPropertyDescriptor(EventFragment.prototype, "topicHash")!;
  let hashes = 0;
  Object.defineProperty(EventFragment.prototype, "topicHash", {
    configurable: true,
    get(this: EventFragment) {
      hashes++;
      return original.get!.call(this);
    },
  });
  try {
    return { result: fn(), hashes };
  } finally {
    Object.defineProperty(EventFragment.prototype, "topicHash", original);
  }
}

describe("audit events", function () {
  const abi = RoyaltyPool__factory.abi;
  let eventCount = 0;
  new Interface(abi).forEachEvent(() => eventCount++);

  it("decodes every event of the pool as parseLog does, and skips another contract's event", function () {
    const iface = new Interface(abi);
    const logs = sampleLogs(iface, eventCount);
    const foreign = new Interface(["event Other(uint256 value)"]).encodeEventLog("Other", [1n]);
    const decoded = decodeEvents(iface, [...logs, { ...logs[0], ...foreign }]);
    expect(decoded).to.have.length(eventCount);
    decoded.forEach((event, i) => {
      const parsed = iface.parseLog(logs[i])!;
      expect(event.name).to.equal(parsed.name);
      expect(Object.keys(event.args)).to.deep.equal(parsed.fragment.inputs.map((input) => input.name));
      expect(Object.values(event.args)).to.deep.equal([...parsed.args]);
    });
  });

  it("hashes each event signature once per interface, not once per log", function () {
    const iface = new Interface(abi);
    const logs = sampleLogs(iface, 500);
    const first = countingSignatureHashes(() => decodeEvents(iface, logs));
    expect(first.result).to.have.length(500);
    expect(first.hashes).to.equal(eventCount);
    expect(countingSignatureHashes(() => decodeEvents(iface, logs)).hashes).to.equal(0);
    // What the cache saves: parseLog hashes the signatures it scans, for every log.
    const parsed = countingSignatureHashes(() => logs.map((log) => iface.parseLog(log)));
    expect(parsed.hashes).to.be.greaterThan(500 * 2);
  });

  it("parseLog types the arguments of every event of every contract, arrays and tuples included", async function () {
    const address = getAddress(hexlify(randomBytes(20)));
    let checked = 0;
    for (const [name, factory] of Object.entries(factories)) {
      if (!name.endsWith("__factory") || !("connect" in factory) || !("abi" in factory)) continue;
      const contract = factory.connect(address);
      const events: EventFragment[] = [];
      contract.interface.forEachEvent((fragment) => events.push(fragment));
      for (const fragment of events.filter((e) => !e.anonymous)) {
        const encoded = contract.interface.encodeEventLog(fragment, fragment.inputs.map(valueOf));
        const log = new Log({ ...encoded, address, ...LOG_FIELDS }, ethers.provider);
        const parsed = parseLog(contract, log, fragment.name as never);
        expect(parsed?.name, `${name} ${fragment.name}`).to.equal(fragment.name);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(100);
  });

  it("reads typed event arguments, and refuses one whose type is not its ABI type", function () {
    const poolArgs = eventArgsReader<RoyaltyPool>(RoyaltyPool__factory.createInterface());
    const closed = { name: "EpochClosed", args: { epochId: 2n, pool: 10n, total: ZeroHash }, transactionHash: "0xab" };
    const { epochId, pool, total } = poolArgs(closed, "EpochClosed", "epochId", "pool", "total");
    expect([epochId + 1n, pool, total]).to.deep.equal([3n, 10n, ZeroHash]);
    const forged = { ...closed, args: { ...closed.args, pool: "10" } };
    expect(() => poolArgs(forged, "EpochClosed", "epochId", "pool")).to.throw(
      MalformedEventError,
      "The EpochClosed event of transaction 0xab has no EpochClosed argument pool of its ABI type",
    );
    expect(() => poolArgs(closed, "EpochClosed", "participants")).to.throw(MalformedEventError, "participants");
  });

  it("refuses an argument outside its ABI type's range or length: a negative or too wide uint, a short bytes32", function () {
    const poolArgs = eventArgsReader<RoyaltyPool>(RoyaltyPool__factory.createInterface());
    const closed = { name: "EpochClosed", args: { epochId: 2n, pool: 10n, total: ZeroHash }, transactionHash: "0xab" };
    for (const args of [
      { epochId: -1n },
      { epochId: 1n << 256n },
      { total: "0x1234" },
      { total: `0x${"zz".repeat(32)}` },
    ]) {
      const forged = { ...closed, args: { ...closed.args, ...args } };
      expect(
        () => poolArgs(forged, "EpochClosed", "epochId", "total"),
        JSON.stringify(args, (_k, v) => String(v)),
      ).to.throw(MalformedEventError);
    }
    expect(
      poolArgs({ ...closed, args: { ...closed.args, epochId: (1n << 256n) - 1n } }, "EpochClosed", "epochId").epochId,
    ).to.equal((1n << 256n) - 1n);
  });
});
