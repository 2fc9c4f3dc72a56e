/**
 * Decoding time of 20,000 pool logs (every pool event in turn) with decodeEvents, and the event-signature
 * hashes it computes: `npx ts-node --transpile-only -P tsconfig.json bench/decodeEvents.ts`.
 */
import { EventFragment, Interface, ZeroHash, getAddress, hexlify, randomBytes } from "ethers";
import type { Log, ParamType } from "ethers";
import { RoyaltyPool__factory } from "../types";
import { decodeEvents } from "../src/audit/events";

function valueOf(p: ParamType): unknown {
  if (/^u?int/.test(p.type)) return 7n;
  if (p.type === "address") return getAddress(hexlify(randomBytes(20)));
  if (p.type === "bool") return true;
  if (p.type === "string") return "x";
  if (p.type.startsWith("bytes")) return p.type === "bytes" ? "0x1234" : ZeroHash;
  throw new Error(p.type);
}
const iface = new Interface(RoyaltyPool__factory.abi);
const fragments: EventFragment[] = [];
iface.forEachEvent((f) => fragments.push(f));
const N = 20_000;
const logs = Array.from({ length: N }, (_, i) => {
  const f = fragments[i % fragments.length];
  const { data, topics } = iface.encodeEventLog(f, f.inputs.map(valueOf));
  return {
    address: "0x0000000000000000000000000000000000000001",
    data,
    topics,
    transactionHash: ZeroHash,
    blockNumber: i,
    index: 0,
  } as unknown as Log;
});
// Count event-signature hashes (each a keccak256 in JavaScript, ~40 µs): the cost the topic cache removes.
const topicHash = Object.getOwnPropertyDescriptor(EventFragment.prototype, "topicHash")!;
let hashes = 0;
Object.defineProperty(EventFragment.prototype, "topicHash", {
  get(this: EventFragment) {
    hashes++;
    return topicHash.get!.call(this);
  },
});
for (let run = 0; run < 3; run++) {
  hashes = 0;
  const fresh = new Interface(RoyaltyPool__factory.abi); // a cold cache each run
  const t = process.hrtime.bigint();
  const events = decodeEvents(fresh, logs);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(
    `run ${run}: ${events.length} events from ${N} logs (${fragments.length} event types) in ${ms.toFixed(0)} ms, ${hashes} signature hashes`,
  );
}
