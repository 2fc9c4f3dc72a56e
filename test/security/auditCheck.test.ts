import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { evaluate, main, parseAudit, readAllowlist } from "../../security/audit-check";
import type { Advisory } from "../../security/audit-check";

/** A report shaped like `npm audit --json` (npm 10/11) with one transitive high and one direct moderate. */
const REPORT = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    "vuln-lib": {
      name: "vuln-lib",
      severity: "high",
      via: [
        {
          source: 1099999,
          name: "vuln-lib",
          title: "Prototype pollution",
          url: "https://github.com/advisories/GHSA-abcd-2345-wxyz",
          severity: "high",
        },
      ],
    },
    "uses-vuln-lib": { name: "uses-vuln-lib", severity: "high", via: ["vuln-lib"] },
    "meh-lib": {
      name: "meh-lib",
      severity: "moderate",
      via: [{ source: 42, name: "meh-lib", title: "ReDoS", url: "", severity: "moderate" }],
    },
  },
  metadata: { vulnerabilities: { high: 2, moderate: 1, total: 3 } },
});

/** What npm prints when the registry refuses the bulk advisory endpoint (as on these machines). */
const UNAVAILABLE = JSON.stringify({
  message: "405 Method Not Allowed - POST <registry>/-/npm/v1/security/advisories/bulk",
  statusCode: 405,
  error: { summary: "", detail: "" },
});

describe("Security: dependency audit gate (security/audit-check.ts)", function () {
  it("parses advisories once each, keyed by GHSA id, and ignores the 'via package' strings", function () {
    const result = parseAudit(REPORT);
    expect(result.available).to.equal(true);
    const advisories = (result as { advisories: Advisory[] }).advisories;
    expect(advisories.map((a) => [a.id, a.package, a.severity])).to.deep.equal([
      ["GHSA-abcd-2345-wxyz", "vuln-lib", "high"],
      ["npm-42", "meh-lib", "moderate"],
    ]);
  });

  it("fails on an unexplained high advisory, passes once it is allow-listed, reports stale entries", function () {
    const { advisories } = parseAudit(REPORT) as { advisories: Advisory[] };
    const bare = evaluate(advisories, []);
    expect(bare.unexplained.map((a) => a.id)).to.deep.equal(["GHSA-abcd-2345-wxyz"]);
    expect(bare.below.map((a) => a.id)).to.deep.equal(["npm-42"]);

    const reason = "only reachable from the CLI, which this project never calls";
    const allowed = evaluate(advisories, [
      { id: "ghsa-ABCD-2345-wxyz", package: "vuln-lib", reason },
      { id: "GHSA-gone-gone-gone", package: "old-lib", reason: "fixed upstream" },
    ]);
    expect(allowed.unexplained).to.deep.equal([]);
    expect(allowed.explained.map((a) => [a.id, a.reason])).to.deep.equal([["GHSA-abcd-2345-wxyz", reason]]);
    expect(allowed.stale.map((e) => e.id)).to.deep.equal(["GHSA-gone-gone-gone"]);
    // An entry for the same advisory in another package explains nothing.
    expect(evaluate(advisories, [{ id: "GHSA-abcd-2345-wxyz", package: "other", reason }]).unexplained).to.have.length(
      1,
    );
  });

  it("treats an unreachable advisory service as SKIPPED, fatal only with AUDIT_REQUIRED=1", function () {
    expect(parseAudit(UNAVAILABLE)).to.deep.equal({
      available: false,
      reason: "405 Method Not Allowed - POST <registry>/-/npm/v1/security/advisories/bulk",
    });
    expect(parseAudit("").available).to.equal(false);
    const dir = mkdtempSync(path.join(tmpdir(), "audit-"));
    const unavailable = path.join(dir, "unavailable.json");
    const report = path.join(dir, "report.json");
    writeFileSync(unavailable, UNAVAILABLE);
    writeFileSync(report, REPORT);
    const log = console.log;
    console.log = () => undefined;
    try {
      expect(main(["--input", unavailable], {})).to.equal(0);
      expect(main(["--input", unavailable], { AUDIT_REQUIRED: "1" })).to.equal(1);
      expect(main(["--input", report], {})).to.equal(1); // the repository's allow-list does not explain it
    } finally {
      console.log = log;
    }
  });

  it("the repository's allow-list is well formed (every entry has an id, a package and a reason)", function () {
    const entries = readAllowlist(path.join(__dirname, "../../security/audit-allowlist.json"));
    for (const e of entries) expect(e.reason.length).to.be.greaterThan(10);
    const dir = mkdtempSync(path.join(tmpdir(), "allow-"));
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ advisories: [{ id: "GHSA-x", package: "p", reason: "" }] }));
    expect(() => readAllowlist(bad)).to.throw(/advisories\[0\]\.reason/);
  });
});
