/**
 * The agent's Prometheus metrics: counts and public epoch numbers only (never a metric value, score, share or
 * balance), served at `/metrics` and read by `royalties agent status`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: "counter" | "gauge";
  series: Map<string, { labels: Labels; value: number }>;
}

/** Names, help and type of every metric the agent exports. */
export const AGENT_METRICS = {
  royalties_agent_submissions_total: { help: "Encrypted contributions submitted", type: "counter" },
  royalties_agent_attestations_total: { help: "Encrypted attestations sent", type: "counter" },
  royalties_agent_finalizations_total: { help: "Consensus finalizations sent", type: "counter" },
  royalties_agent_claims_total: { help: "Epoch shares claimed", type: "counter" },
  royalties_agent_withdrawals_total: { help: "Withdrawals made", type: "counter" },
  royalties_agent_keeper_actions_total: { help: "Keeper transactions (close, reveal, settle, push)", type: "counter" },
  royalties_agent_failures_total: { help: "Failed actions (source problems, reverts, RPC errors)", type: "counter" },
  royalties_agent_skipped_total: { help: "Submissions not made: the source had no usable data", type: "counter" },
  royalties_agent_capped_total: { help: "Metric values above their cap, submitted as the cap", type: "counter" },
  royalties_agent_last_epoch_handled: { help: "Highest epoch the agent handled", type: "gauge" },
  royalties_agent_pending_balance_count: {
    help: "Claimed epochs whose payout is not withdrawn yet (a count, never an amount)",
    type: "gauge",
  },
  royalties_agent_last_tick_timestamp_seconds: { help: "Wall-clock time of the last completed tick", type: "gauge" },
  royalties_agent_up: { help: "1 while the agent runs", type: "gauge" },
} as const;

export type AgentMetricName = keyof typeof AGENT_METRICS;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

export class AgentMetrics {
  private readonly families = new Map<AgentMetricName, Family>();

  private family(name: AgentMetricName): Family {
    let family = this.families.get(name);
    if (family === undefined) {
      family = { ...AGENT_METRICS[name], series: new Map() };
      this.families.set(name, family);
    }
    return family;
  }

  inc(name: AgentMetricName, labels: Labels = {}, by = 1): void {
    const series = this.family(name).series;
    const entry = series.get(key(labels)) ?? { labels, value: 0 };
    entry.value += by;
    series.set(key(labels), entry);
  }

  set(name: AgentMetricName, labels: Labels, value: number): void {
    this.family(name).series.set(key(labels), { labels, value });
  }

  get(name: AgentMetricName, labels: Labels = {}): number {
    return this.families.get(name)?.series.get(key(labels))?.value ?? 0;
  }

  /** Sum of a metric over every label set. */
  total(name: AgentMetricName): number {
    return [...(this.families.get(name)?.series.values() ?? [])].reduce((sum, s) => sum + s.value, 0);
  }

  /** The Prometheus text exposition (format 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const { labels, value } of family.series.values()) {
        const text = Object.keys(labels)
          .sort()
          .map((k) => [k, labels[k]] as const)
          .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
          .join(",");
        lines.push(`${name}${text === "" ? "" : `{${text}}`} ${value}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `metrics.render()` at `/metrics` (127.0.0.1 by default; port 0 picks a free one). */
export async function startMetricsServer(
  metrics: AgentMetrics,
  { port, host = "127.0.0.1" }: { port: number; host?: string },
): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.method === "GET" && (request.url === "/metrics" || request.url?.startsWith("/metrics?"))) {
      response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      response.end(metrics.render());
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("Not found: the agent serves /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
