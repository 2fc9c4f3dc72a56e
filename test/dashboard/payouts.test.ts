/** The payouts card's pure rules (no browser needed): its button gates and the withdrawal amount parser. */
import { expect } from "chai";

import { claimAllGate, parseWithdrawAmount, withdrawGate } from "../../app/src/payouts";

describe("dashboard: payouts", function () {
  it("keeps Claim all closed, with its reason, when nothing is claimable", function () {
    expect(claimAllGate(0)).to.deep.equal({
      open: false,
      reason: "nothing to claim: no revealed epoch of yours is waiting to be claimed",
    });
    expect(claimAllGate(2)).to.deep.equal({ open: true });
  });

  it("keeps Withdraw closed, with its reason, without a vault balance", function () {
    expect(withdrawGate(false).open).to.equal(false);
    expect(withdrawGate(false).reason).to.match(/^no balance in the vault: claim a revealed epoch first/);
    expect(withdrawGate(true)).to.deep.equal({ open: true });
  });

  it("reads an empty amount as everything and whole tokens as confidential units", function () {
    expect(parseWithdrawAmount("", 6)).to.deep.equal({});
    expect(parseWithdrawAmount("  ", 6)).to.deep.equal({});
    expect(parseWithdrawAmount("12.5", 6)).to.deep.equal({ units: 12_500_000n });
    expect(parseWithdrawAmount("1,000_000", 6)).to.deep.equal({ units: 1_000_000_000_000n });
    expect(parseWithdrawAmount("0.000001", 6)).to.deep.equal({ units: 1n });
  });

  it("refuses amounts the vault would not pay, before anything is sent", function () {
    for (const bad of ["-1", "1e6", "abc", "1.", ".5", "0.0000001"]) {
      expect(parseWithdrawAmount(bad, 6).problem, bad).to.match(
        /^Enter an amount such as 12\.5 \(at most 6 decimals\)/,
      );
    }
    expect(parseWithdrawAmount("0", 6).problem).to.equal("Enter a positive amount, or leave it empty for everything.");
    // The amount is encrypted as a euint64: 2^64 units cannot be, 2^64 - 1 can (the balance check refuses it later).
    expect(parseWithdrawAmount("18446744073709.551616", 6).problem).to.match(/^That amount is above any balance/);
    expect(parseWithdrawAmount("18446744073709.551615", 6)).to.deep.equal({ units: 2n ** 64n - 1n });
  });
});
