import { formatTable } from "../format";
import type { AuditReport } from "./pool";

const mark = (ok: boolean | undefined) => (ok === undefined ? "—" : ok ? "ok" : "FAIL");

function epochRows(report: AuditReport): string[][] {
  return report.epochs.map((e) => [
    e.epochId.toString(),
    e.participants.toLocaleString("en-US"),
    e.minParticipants === 0n ? "—" : e.minParticipants.toString(),
    e.pool.toLocaleString("en-US"),
    e.revealedTotal === undefined ? "—" : e.revealedTotal.toLocaleString("en-US"),
    e.claims.toLocaleString("en-US"),
    e.logLength.toString(),
    mark(e.digestMatchesChain),
    mark(e.revealProofValid),
  ]);
}

const EPOCH_HEADERS = ["epoch", "participants", "k", "pool", "total", "claims", "log", "digest", "proof"];
const SETTLEMENT_HEADERS = ["epochs", "into", "pools", "liability", "released", "mask bits", "proof"];

function settlementRows(report: AuditReport): string[][] {
  return report.settlements.map((s) => [
    `${s.fromEpochId}..${s.toEpochId}`,
    s.intoEpochId.toString(),
    s.settledPools.toLocaleString("en-US"),
    s.liability.toLocaleString("en-US"),
    s.released.toLocaleString("en-US"),
    `${s.maskBits} (≥ ${s.expectedMaskBits})`,
    mark(s.proofValid && s.maskBits >= s.expectedMaskBits),
  ]);
}

function findingLines(report: AuditReport): string[] {
  return report.findings.map(
    (f) => `epoch ${f.epochId}, ${f.step}: ${f.message}${f.transactionHash ? ` (tx ${f.transactionHash})` : ""}`,
  );
}

/** The audit report as aligned text for a terminal. */
export function formatAuditText(report: AuditReport): string {
  const lines = [
    `Audit of pool ${report.pool}, blocks ${report.fromBlock}..${report.toBlock}: ${report.ok ? "PASSED" : "FAILED"}`,
    "",
    formatTable(EPOCH_HEADERS, epochRows(report)),
  ];
  if (report.settlements.length > 0) lines.push("", formatTable(SETTLEMENT_HEADERS, settlementRows(report)));
  if (report.findings.length > 0) lines.push("", "Findings:", ...findingLines(report).map((l) => `  - ${l}`));
  return lines.join("\n");
}

function markdownTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The audit report as Markdown. */
export function formatAuditMarkdown(report: AuditReport): string {
  const parts = [
    `# Audit of pool \`${report.pool}\``,
    "",
    `Blocks ${report.fromBlock}..${report.toBlock}. Result: **${report.ok ? "passed" : "failed"}**.`,
    "",
    "## Epochs",
    "",
    markdownTable(EPOCH_HEADERS, epochRows(report)),
  ];
  if (report.settlements.length > 0)
    parts.push("", "## Settlements", "", markdownTable(SETTLEMENT_HEADERS, settlementRows(report)));
  parts.push(
    "",
    "## Findings",
    "",
    ...(report.findings.length === 0 ? ["None."] : findingLines(report).map((l) => `- ${l}`)),
    "",
  );
  return parts.join("\n");
}

/** The audit report as JSON (bigints as decimal strings). */
export function formatAuditJson(report: AuditReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2);
}
