/** The governance buttons' gates (pure; no browser, no chain). */
import { expect } from "chai";

import { delegateGate, executeGate, proposeGate, queueGate, voteGate } from "../../app/src/governanceGates";

const ME = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const ZERO = "0x0000000000000000000000000000000000000000";
const proposal = (state: string, eta = 0n) => ({ state, snapshot: 10n, deadline: 14n, eta });

describe("dashboard governance gates", function () {
  it("vote: only an Active proposal, once, with votes at the snapshot", function () {
    expect(voteGate(proposal("Pending"), 9n, { hasVoted: false, weight: 1n })).to.deep.equal({
      open: false,
      reason: "voting opens after block 10 (in 2 blocks)",
    });
    expect(voteGate(proposal("Active"), 11n, undefined).reason).to.equal("connect a wallet to vote");
    expect(voteGate(proposal("Active"), 11n, { hasVoted: true, weight: 1n }).reason).to.equal(
      "you already voted on this proposal",
    );
    expect(voteGate(proposal("Active"), 11n, { hasVoted: false, weight: 0n }).reason).to.match(
      /^you had no votes delegated at its snapshot \(block 10\)/,
    );
    expect(voteGate(proposal("Active"), 11n, { hasVoted: false, weight: 1n }).open).to.equal(true);
    expect(voteGate(proposal("Defeated"), 20n, { hasVoted: false, weight: 1n }).reason).to.equal(
      "voting is over: the proposal is defeated",
    );
  });

  it("queue: only a Succeeded proposal; execute: only a Queued one whose ETA has passed", function () {
    expect(queueGate(proposal("Active"), 12n).reason).to.equal("the vote ends after block 14 (in 3 blocks)");
    expect(queueGate(proposal("Succeeded"), 15n).open).to.equal(true);
    expect(queueGate(proposal("Defeated"), 15n).reason).to.equal("it did not pass (quorum or majority missing)");
    expect(executeGate(proposal("Succeeded"), 0n).reason).to.equal("queue it first");
    const eta = 1_800_000_000n;
    expect(executeGate(proposal("Queued", eta), eta - 90n).reason).to.equal(
      "executable from 2027-01-15 08:00 UTC (in 1 min)",
    );
    expect(executeGate(proposal("Queued", eta), eta).open).to.equal(true);
    expect(executeGate(proposal("Executed", eta), eta).reason).to.equal("already executed");
  });

  it("delegate and propose say what is missing", function () {
    expect(delegateGate(undefined, ME, "GVOTE").reason).to.equal("connect a wallet to delegate");
    expect(delegateGate({ balance: 0n, delegate: ZERO }, ME, "GVOTE").reason).to.equal(
      "you hold no GVOTE: there is nothing to delegate",
    );
    expect(delegateGate({ balance: 1n, delegate: ME }, ME.toLowerCase(), "GVOTE").reason).to.equal(
      "your votes are already delegated there",
    );
    expect(delegateGate({ balance: 1n, delegate: ZERO }, ME, "GVOTE").open).to.equal(true);
    const base = { connected: true, votes: 0n, threshold: 0n, problems: [], changes: ["weight of a 1 → 2"] };
    expect(proposeGate(base).open).to.equal(true);
    expect(proposeGate({ ...base, changes: [] }).reason).to.match(/^change at least one value/);
    expect(proposeGate({ ...base, threshold: 5n }).reason).to.equal("proposing needs 5 delegated to you; you have 0");
    expect(proposeGate({ ...base, duplicate: "the same proposal already exists" }).open).to.equal(false);
  });
});
