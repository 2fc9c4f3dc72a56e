/** Cross-model metric aggregates: which metrics and pools feed them, their scheduled rounds, noisy reveals past k. */
import {
  action,
  getClient,
  getPoolClient,
  getReader,
  getRegistry,
  getSigner,
  isoTime,
  output,
  recordTable,
  withPoolOptions,
  withRegistryOptions,
} from "./common";
import type { PoolArgs, RegistryArgs } from "./common";
import { fail } from "./args";
import { royalties } from "./scope";

interface MetricArgs extends RegistryArgs {
  metric?: string;
}

withRegistryOptions(
  royalties.task("aggregates", "Cross-model metric aggregates: rounds, their ends, contributors, revealed noisy sums"),
)
  .addOptionalParam("metric", "One metric name (default: every tracked metric)")
  .setAction(
    action(async (args: MetricArgs, hre) => {
      const client = await getClient(hre, args, "reader");
      const { connectAggregator, escapeTerminal, formatTable, getAggregateStatus } = await import("../src");
      const aggregator = await connectAggregator(client);
      const names = args.metric === undefined ? await aggregator.trackedMetrics() : [args.metric];
      const statuses = await Promise.all(names.map((name) => getAggregateStatus(client, { name })));
      output(args.json, statuses, () => {
        if (statuses.length === 0) return "No metric is aggregated across models yet (royalties track-metric).";
        return statuses
          .map((s) =>
            [
              `${escapeTerminal(s.name)}${s.tracked ? "" : " (not tracked)"}: revealed total ${s.cumulative.toLocaleString("en-US")}, k = ${s.minContributors}, rounds of ${s.roundLength} s, each sum + noise < 2^${s.noiseBits}`,
              formatTable(
                ["round", "contributors", "submissions", "end", "state", "noisy sum"],
                s.rounds.map((r) => [
                  r.round,
                  r.contributors,
                  r.submissions,
                  r.end === 0n ? "—" : isoTime(r.end),
                  r.revealed ? "revealed" : r.closed ? "sealed" : "open",
                  r.value ?? "encrypted",
                ]),
              ),
            ].join("\n"),
          )
          .join("\n\n");
      });
    }),
  );

interface TrackArgs extends RegistryArgs {
  metric: string;
  untrack: boolean;
}

withRegistryOptions(
  royalties.task("track-metric", "As the aggregate governance, sum a metric name across every model (or stop)"),
)
  .addParam("metric", "The metric name as it appears in model schemas, e.g. computeUnits")
  .addFlag("untrack", "Stop aggregating the metric instead")
  .setAction(
    action(async (args: TrackArgs, hre) => {
      const client = await getClient(hre, args, "signer");
      const { trackMetric, untrackMetric } = await import("../src");
      const receipt = await (args.untrack ? untrackMetric : trackMetric)(client, { name: args.metric });
      output(args.json, { metric: args.metric, tracked: !args.untrack, tx: receipt.hash }, () =>
        recordTable([
          ["metric", args.metric],
          ["aggregated", args.untrack ? "no longer" : "from the next submission on"],
          ["transaction", receipt.hash],
        ]),
      );
    }),
  );

interface ApproveArgs extends PoolArgs {
  revoke: boolean;
}

withPoolOptions(
  royalties.task(
    "approve-pool",
    "As the aggregate governance, let a model's pool feed the cross-model aggregates (or stop it)",
  ),
)
  .addFlag("revoke", "Stop the pool feeding the aggregates instead")
  .setAction(
    action(async (args: ApproveArgs, hre) => {
      const signer = await getSigner(hre, args.account);
      const client = await getClient(hre, args, signer);
      const { approvePool, revokePool } = await import("../src");
      const pool = (await getPoolClient(hre, args, signer)).address;
      const receipt = await (args.revoke ? revokePool : approvePool)(client, { pool });
      output(args.json, { pool, approved: !args.revoke, tx: receipt.hash }, () =>
        recordTable([
          ["pool", pool],
          ["feeds the aggregates", args.revoke ? "no longer" : "from its next submission on"],
          ["transaction", receipt.hash],
        ]),
      );
    }),
  );

withRegistryOptions(
  royalties.task(
    "reveal-aggregate",
    "Seal a metric's round once its end has passed with k contributors, and publish its noisy sum",
  ),
)
  .addParam("metric", "The metric name")
  .addOptionalParam("round", "A sealed round (default: the oldest sealed unrevealed one, else the open one)")
  .setAction(
    action(async (args: MetricArgs & { metric: string; round?: string }, hre) => {
      const client = await getClient(hre, args, "signer");
      const { revealAggregate } = await import("../src");
      if (args.round !== undefined && !/^[1-9][0-9]*$/.test(args.round)) {
        fail(`--round must be a round number (from 1); got "${args.round}".`);
      }
      const round = args.round === undefined ? undefined : BigInt(args.round);
      const result = await revealAggregate(client, { name: args.metric, round });
      output(args.json, result, () =>
        recordTable([
          ["metric", args.metric],
          ["round", result.round],
          ["sum of the round + noise", result.value],
          ["revealed total", result.cumulative],
        ]),
      );
    }),
  );

withRegistryOptions(
  royalties.task(
    "audit-aggregates",
    "Audit the cross-model aggregates from their event log: approved pools, k per round, noised sums, KMS proofs",
  ),
).setAction(
  action(async (args: RegistryArgs, hre) => {
    const reader = await getReader(hre, args.account);
    const registry = await getRegistry(hre, args, reader);
    const { auditAggregates, formatTable } = await import("../src");
    const report = await auditAggregates(reader.provider!, { aggregator: await registry.metricAggregator() });
    output(args.json, report, () =>
      [
        `Audit of the cross-model aggregates ${report.aggregator} (k = ${report.minContributors}, ${report.approvedPools.length} approved pool(s)): ${report.ok ? "PASSED" : "FAILED"}`,
        formatTable(
          ["metric key", "round", "contributors", "submissions", "noise bits", "value", "proof"],
          report.rounds.map((r) => [
            `${r.metricKey.slice(0, 10)}…`,
            r.round,
            r.contributors,
            r.submissions,
            r.noiseBits ?? "none",
            r.value ?? "—",
            r.proofValid === undefined ? "—" : r.proofValid ? "ok" : "INVALID",
          ]),
        ),
        ...report.findings.map((x) => `FAIL round ${x.round} of ${x.metricKey.slice(0, 10)}…: ${x.message}`),
      ].join("\n"),
    );
    if (!report.ok) process.exitCode = 1;
  }),
);
