/** The explorer's check of the indexer's epoch rows against the chain's (pure: no browser, no chain). */
import { expect } from "chai";
import { ZeroHash } from "ethers";

import { epochMismatches } from "../../app/src/recordCheck";
import type { ShownEpoch } from "../../app/src/recordCheck";

function epoch(epochId: bigint, changes: Partial<ShownEpoch> = {}): ShownEpoch {
  return {
    epochId,
    state: "Revealed",
    start: 1_000n * epochId,
    end: 1_000n * epochId + 600n,
    rulesVersion: 1n,
    participants: 3n,
    submissions: 4n,
    claims: 2n,
    pool: 5_000_000n,
    revealedTotal: 123_456n,
    shareShift: 64n,
    totalHandle: ZeroHash,
    settled: true,
    extensions: 0,
    ...changes,
  };
}

describe("dashboard: the indexer's epochs against the chain's", function () {
  it("finds nothing when every shown field agrees (handles and share shifts are not shown, nor compared)", function () {
    const chain = [epoch(2n, { state: "Open", settled: false }), epoch(1n)];
    const indexed = [epoch(2n, { state: "Open", settled: false }), epoch(1n, { shareShift: 0n, totalHandle: "0x01" })];
    expect(epochMismatches(indexed, chain)).to.deep.equal([]);
  });

  it("names each shown field that differs, with both values", function () {
    const chain = [epoch(2n, { state: "Open", settled: false }), epoch(1n)];
    const indexed = [
      epoch(2n, { state: "Closed", settled: false, extensions: 1 }),
      epoch(1n, { participants: 8n, pool: 1n, settled: false }),
    ];
    expect(epochMismatches(indexed, chain)).to.deep.equal([
      "epoch #2 state: Closed from the indexer, Open on-chain",
      "epoch #2 extensions: 1 from the indexer, 0 on-chain",
      "epoch #1 participants: 8 from the indexer, 3 on-chain",
      "epoch #1 pool: 1 from the indexer, 5000000 on-chain",
      "epoch #1 settled: false from the indexer, true on-chain",
    ]);
  });

  it("says when the indexer lists other epochs than the chain (one missing, or an invented one)", function () {
    expect(epochMismatches([epoch(1n)], [epoch(2n), epoch(1n)])).to.deep.equal([
      "the indexer lists epochs #1, the chain #2, #1",
    ]);
    expect(epochMismatches([epoch(3n), epoch(2n), epoch(1n)], [epoch(2n), epoch(1n)])).to.deep.equal([
      "the indexer lists epochs #3, #2, #1, the chain #2, #1",
    ]);
    expect(epochMismatches([], [epoch(1n)])).to.deep.equal(["the indexer lists epochs none, the chain #1"]);
  });
});
