/** Audit tasks: rebuild and check a pool's log and accounting; a contributor verifies their share. */
import fs from "node:fs";

import { fail, parseBlock } from "./args";
import {
  action,
  getPoolClient,
  getPoolEpoch,
  output,
  recordTable,
  withClosedEpochOptions,
  withPoolOptions,
} from "./common";
import type { PoolArgs, PoolEpochArgs } from "./common";
import { royalties } from "./scope";

interface AuditArgs extends PoolArgs {
  fromBlock?: string;
  toBlock?: string;
  logBlockRange?: string;
  indexer?: string;
  out?: string;
}

function blockRange(text: string): number {
  const value = parseBlock(text, "--log-block-range");
  if (value < 1) fail(`--log-block-range must be at least 1 block; got "${text}".`);
  return value;
}

withPoolOptions(royalties.task("audit", "Audit a pool from its event log: hash chains, KMS proofs, accounting, k"))
  .addOptionalParam("fromBlock", "First block of the range (default: 0)")
  .addOptionalParam("toBlock", "Last block of the range, the audited block (default: latest)")
  .addOptionalParam("logBlockRange", "Blocks per eth_getLogs request (default: 5000; lower it if the RPC refuses)")
  .addOptionalParam(
    "indexer",
    "Read the events from this indexer (npm run indexer, e.g. http://localhost:42069), checked against the chain's digests",
  )
  .addOptionalParam("out", "Also write the report as Markdown to this file, e.g. report.md")
  .setAction(
    action(async (args: AuditArgs, hre) => {
      const client = await getPoolClient(hre, args, "reader");
      const { auditPool, auditPoolWithIndexer, formatAuditMarkdown, formatAuditText } = await import("../src");
      const toBlock = args.toBlock === undefined ? undefined : parseBlock(args.toBlock, "--to-block");
      const report =
        args.indexer === undefined
          ? await auditPool(hre.ethers.provider, {
              pool: client.address,
              fromBlock: args.fromBlock === undefined ? undefined : parseBlock(args.fromBlock, "--from-block"),
              toBlock,
              logBlockRange: args.logBlockRange === undefined ? undefined : blockRange(args.logBlockRange),
            })
          : await auditPoolWithIndexer(hre.ethers.provider, { pool: client.address, indexer: args.indexer, toBlock });
      if (args.out !== undefined) fs.writeFileSync(args.out, formatAuditMarkdown(report));
      output(args.json, report, () => formatAuditText(report) + (args.out ? `\n\nMarkdown report: ${args.out}` : ""));
      if (!report.ok) process.exitCode = 1;
    }),
  );

withClosedEpochOptions(
  royalties.task("verify", "Check your own share = floor(score·pool/total) against the public total"),
).setAction(
  action(async (args: PoolEpochArgs, hre) => {
    const { client, epochId } = await getPoolEpoch(hre, args, "signer");
    const { verifyShare } = await import("../src");
    const check = await verifyShare(client, { epochId });
    output(args.json, check, () =>
      [
        `Share check of ${check.ok ? "PASSED" : "FAILED"} for epoch ${epochId} (score and share decrypted with your key):`,
        recordTable([
          ["score (private)", check.score],
          ["share (private)", check.share],
          ["pool (public)", check.pool],
          ["total (public)", check.total],
          ["floor(score·pool/total)", check.exact],
          ["expected (factor method)", check.expected],
          ["verdict", check.ok ? "share = exact or one unit less, never more" : "MISMATCH"],
        ]),
      ].join("\n"),
    );
    if (!check.ok) process.exitCode = 1;
  }),
);
