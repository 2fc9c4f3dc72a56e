/** The dashboard's pure helpers for untrusted on-chain values and button gates (no browser needed). */
import { expect } from "chai";

import { closeGate, submitGate, whenIdle } from "../../app/src/guards";
import {
  UnreadableTokenError,
  countedMetrics,
  displayText,
  validateTokenMetadata,
  withTimeout,
} from "../../app/src/untrusted";

describe("dashboard: untrusted names", function () {
  it("shows a plain ASCII name unchanged and without warnings", function () {
    expect(displayText("subnet-2")).to.deep.equal({ text: "subnet-2", warnings: [] });
  });

  it("makes zero-width, bidirectional and control characters visible, and warns", function () {
    const { text, warnings } = displayText("subnet\u200B-2\u202E\u001b[2J");
    expect(text).to.equal("subnet\\u{200B}-2\\u{202E}\\u{1B}[2J");
    expect(warnings.join("; ")).to.contain("invisible or control characters");
  });

  it("flags non-ASCII look-alikes (Cyrillic 'е' in 'subnеt')", function () {
    const { text, warnings } = displayText("subn\u0435t-2");
    expect(text).to.equal("subn\u0435t-2");
    expect(warnings).to.deep.equal(["contains non-ASCII characters: it may imitate another name"]);
  });

  it("cuts a huge name and says how much was cut", function () {
    const { text, warnings } = displayText("A".repeat(5000));
    expect(text).to.equal(`${"A".repeat(64)}… (4,936 more characters)`);
    expect(warnings).to.deep.equal(["is 5,000 characters long"]);
  });

  it("flags a blank name", function () {
    expect(displayText("   ").warnings).to.deep.equal(["is empty or blank"]);
  });
});

describe("dashboard: payout token metadata", function () {
  it("accepts a short printable symbol and 1–18 decimals", function () {
    expect(validateTokenMetadata("cMUD", 6n)).to.deep.equal({ symbol: "cMUD", decimals: 6 });
  });

  for (const [what, symbol, decimals, message] of [
    ["0 decimals", "cMUD", 0n, "it reports 0 decimals (1–18 expected)"],
    ["255 decimals", "cMUD", 255n, "it reports 255 decimals (1–18 expected)"],
    ["a huge symbol", "A".repeat(20_000), 6n, "its symbol is 20,000 characters long (1–16 expected)"],
    ["an empty symbol", "", 6n, "its symbol is 0 characters long (1–16 expected)"],
    ["a bidi symbol", "cMU\u202ED", 6n, "its symbol has spaces, control or non-ASCII characters"],
    ["a non-string symbol", 42, 6n, "its symbol is not a string"],
  ] as const) {
    it(`refuses ${what}`, function () {
      expect(() => validateTokenMetadata(symbol, decimals)).to.throw(UnreadableTokenError, message);
    });
  }

  it("gives up on a contract that never answers", async function () {
    const never = new Promise<never>(() => undefined);
    let caught: unknown;
    await withTimeout(never, 20, "the token").catch((error: unknown) => (caught = error));
    expect(String(caught)).to.contain("the token did not answer within 0.02 s");
  });
});

describe("dashboard: what a submission counts", function () {
  it("caps each metric at its cap and says which were capped", function () {
    expect(countedMetrics([2_000_000n, 5n], [1_000_000n, 10n])).to.deep.equal([
      { entered: 2_000_000n, counted: 1_000_000n, capped: true },
      { entered: 5n, counted: 5n, capped: false },
    ]);
  });
});

describe("dashboard: button gates", function () {
  const end = 1_800_000_000n; // 2027-01-15 08:00 UTC
  const open = { state: "Open", end };

  it("keeps Close shut before the end, with the readable time and what is left", function () {
    expect(closeGate(open, end - 3500n)).to.deep.equal({
      open: false,
      reason: "can be closed from 2027-01-15 08:00 UTC (in 58 min)",
    });
    expect(closeGate(open, end)).to.deep.equal({ open: true });
    expect(closeGate({ state: "Closed", end }, end + 1n).open).to.equal(false);
    expect(closeGate(undefined, end).open).to.equal(false);
  });

  it("keeps Submit shut on an ended epoch and without submissions left", function () {
    expect(submitGate(open, end - 1n, 1n)).to.deep.equal({ open: true });
    expect(submitGate(open, end, 1n).reason).to.equal(
      "the epoch ended 2027-01-15 08:00 UTC: close it first, then submit to the next",
    );
    expect(submitGate(open, end - 1n, 0n).reason).to.equal("no submission left this epoch");
  });

  it("shuts an open gate while another operation runs", function () {
    expect(whenIdle({ open: true }, true)).to.deep.equal({ open: false, reason: "another operation is running" });
    expect(whenIdle({ open: false, reason: "x" }, true)).to.deep.equal({ open: false, reason: "x" });
  });
});
