import type { Provider } from "ethers";

import { MetricAggregator__factory } from "../../types";
import { RoyaltiesError } from "../errors";
import { kmsDecryptionCheck, readDecodedEvents } from "./audit";

/** What an auditor found about one sealed round of a cross-model aggregate. */
export interface AggregateRoundAudit {
  metricKey: string;
  round: bigint;
  contributors: bigint;
  submissions: bigint;
  /** Submissions the MetricRecorded events show for the round. */
  recordedSubmissions: bigint;
  revealed: boolean;
  value?: bigint;
  proofValid?: boolean;
}

export interface AggregateFinding {
  metricKey: string;
  round: bigint;
  message: string;
  transactionHash?: string;
}

export interface AggregateAuditReport {
  aggregator: string;
  minContributors: bigint;
  rounds: AggregateRoundAudit[];
  findings: AggregateFinding[];
  ok: boolean;
}

interface RoundState {
  lastSum?: string;
  recorded: bigint;
  sealed?: AggregateRoundAudit & { sum: string };
}

/** One decoded aggregator event. */
export interface AggregatorEvent {
  name: string;
  args: Record<string, unknown>;
  transactionHash: string;
}

/** The public chain reads an aggregate audit makes beyond the event log. */
export interface AggregateChainView {
  minContributors: bigint;
  /** The value and proof submitted in a revealAggregate transaction. */
  submittedReveal(transactionHash: string): Promise<{ value: bigint; proof: string } | undefined>;
  /** Whether the KMS signatures of `proof` cover `handle` decrypting to `value`. */
  verifyDecryption(handle: string, value: bigint, proof: string): Promise<boolean>;
}

/** Reads and decodes an aggregator's events in a block range, in chain order. */
export function readAggregatorEvents(
  provider: Provider,
  aggregator: string,
  fromBlock: number,
  toBlock: number,
): Promise<AggregatorEvent[]> {
  return readDecodedEvents(provider, aggregator, MetricAggregator__factory.createInterface(), fromBlock, toBlock);
}

/** The chain reads of an aggregate audit against a provider, as of `blockTag`. */
export async function providerAggregateView(
  provider: Provider,
  aggregator: string,
  blockTag: number,
): Promise<AggregateChainView> {
  const contract = MetricAggregator__factory.connect(aggregator, provider);
  const checkDecryption = await kmsDecryptionCheck(provider, aggregator, blockTag);
  return {
    minContributors: BigInt(await contract.minContributors({ blockTag })),
    async submittedReveal(transactionHash) {
      const tx = await provider.getTransaction(transactionHash);
      if (tx === null) throw new RoyaltiesError(`Transaction ${transactionHash} not found: is the node archiving?`);
      const call = contract.interface.parseTransaction({ data: tx.data });
      if (call?.name !== "revealAggregate") return undefined;
      return { value: call.args[2] as bigint, proof: call.args[3] as string };
    },
    verifyDecryption(handle, value, proof) {
      return checkDecryption([handle], "uint128", value, proof);
    },
  };
}

/**
 * Audits the registry's cross-model aggregates from their event log: every sealed round had at least
 * k distinct contributors and sealed exactly the sum its recorded values built, no value was added
 * after a seal (rounds are disjoint), every published sum carries a valid KMS decryption proof of that
 * sum (checked against the aggregator's own KMS verifier) and the cumulative totals add up.
 */
export async function auditAggregateEvents(
  aggregator: string,
  events: readonly AggregatorEvent[],
  view: AggregateChainView,
): Promise<AggregateAuditReport> {
  const states = new Map<string, RoundState>();
  const cumulative = new Map<string, bigint>();
  const findings: AggregateFinding[] = [];
  const rounds: (AggregateRoundAudit & { sum: string })[] = [];
  const stateOf = (key: string, round: bigint) => {
    const id = `${key}:${round}`;
    const state = states.get(id) ?? { recorded: 0n };
    states.set(id, state);
    return state;
  };

  for (const event of events) {
    const a = event.args;
    const key = a.metricKey as string;
    const round = a.round as bigint;
    const fail = (message: string) =>
      findings.push({ metricKey: key, round, message, transactionHash: event.transactionHash });
    if (event.name === "MetricRecorded") {
      const state = stateOf(key, round);
      if (state.sealed !== undefined) fail("a value was added to a round after it was sealed");
      state.recorded += 1n;
      state.lastSum = a.sum as string;
    } else if (event.name === "AggregateRevealRequested") {
      const state = stateOf(key, round);
      const contributors = BigInt(a.contributors as bigint);
      const submissions = BigInt(a.submissions as bigint);
      if (contributors < view.minContributors) {
        fail(`sealed with ${contributors} < k = ${view.minContributors} contributors`);
      }
      if (a.sum !== state.lastSum) fail("the sealed sum is not the sum its recorded values built");
      if (submissions !== state.recorded)
        fail(`sealed with ${submissions} submissions, the log records ${state.recorded}`);
      state.sealed = {
        metricKey: key,
        round,
        contributors,
        submissions,
        recordedSubmissions: state.recorded,
        revealed: false,
        sum: a.sum as string,
      };
      rounds.push(state.sealed);
    } else if (event.name === "AggregateRevealed") {
      const sealed = stateOf(key, round).sealed;
      if (sealed === undefined) {
        fail("revealed without a seal in the range");
        continue;
      }
      const value = a.value as bigint;
      const submitted = await view.submittedReveal(event.transactionHash);
      const proofValid =
        submitted !== undefined &&
        submitted.value === value &&
        (await view.verifyDecryption(sealed.sum, value, submitted.proof));
      if (!proofValid) fail("the KMS decryption proof does not cover the sealed sum and the published value");
      const total = (cumulative.get(key) ?? 0n) + value;
      cumulative.set(key, total);
      if ((a.cumulative as bigint) !== total) {
        fail(`published cumulative ${a.cumulative} ≠ the sum of published rounds ${total}`);
      }
      Object.assign(sealed, { revealed: true, value, proofValid });
    }
  }
  return {
    aggregator,
    minContributors: view.minContributors,
    rounds: rounds.map(({ sum: _sum, ...round }) => round),
    findings,
    ok: findings.length === 0,
  };
}

/**
 * Audits the registry's cross-model aggregates from the chain (see {@link auditAggregateEvents}).
 * @example
 * const report = await auditAggregates(provider, { aggregator: await registry.metricAggregator() });
 */
export async function auditAggregates(
  provider: Provider,
  { aggregator, fromBlock = 0, toBlock }: { aggregator: string; fromBlock?: number; toBlock?: number },
): Promise<AggregateAuditReport> {
  const lastBlock = toBlock ?? (await provider.getBlockNumber());
  const events = await readAggregatorEvents(provider, aggregator, fromBlock, lastBlock);
  return auditAggregateEvents(aggregator, events, await providerAggregateView(provider, aggregator, lastBlock));
}
