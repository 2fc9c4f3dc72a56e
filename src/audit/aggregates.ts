import type { Provider } from "ethers";

import { MetricAggregator__factory } from "../../types";
import type { MetricAggregator } from "../../types";
import { RoyaltiesError } from "../errors";
import { eventArgsReader } from "../events";
import { readDecodedEvents } from "./events";
import { kmsDecryptionCheck } from "./kms";

/** What an auditor found about one sealed round of a cross-model aggregate. */
export interface AggregateRoundAudit {
  metricKey: string;
  round: bigint;
  contributors: bigint;
  submissions: bigint;
  /** Submissions the MetricRecorded events show for the round. */
  recordedSubmissions: bigint;
  /** The round's end as last scheduled (RoundScheduled), if the log range shows it. */
  end?: bigint;
  /** Width of the noise added at sealing (AggregateNoised); the revealed value is sum + noise. */
  noiseBits?: bigint;
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
  /** Pools approved at the end of the range, as the log shows (read from the deployment block for all). */
  approvedPools: string[];
  rounds: AggregateRoundAudit[];
  findings: AggregateFinding[];
  ok: boolean;
}

interface RoundState {
  lastSum?: string;
  recorded: bigint;
  end?: bigint;
  /** The noise step of the round: its width and the noisy handle it produced. */
  noised?: { noiseBits: bigint; handle: string };
  sealed?: AggregateRoundAudit & { sum: string };
}

/** One decoded aggregator event. */
export interface AggregatorEvent {
  name: string;
  args: Record<string, unknown>;
  transactionHash: string;
  /** The block of the event (read from the chain; lets the audit check that seals kept the schedule). */
  blockNumber?: number;
}

/** The public chain reads an aggregate audit makes beyond the event log. */
export interface AggregateChainView {
  minContributors: bigint;
  /** The aggregator's noise width (NOISE_BITS). */
  noiseBits: bigint;
  /** The value and proof submitted in a revealAggregate transaction. */
  submittedReveal(transactionHash: string): Promise<{ value: bigint; proof: string } | undefined>;
  /** Whether the KMS signatures of `proof` cover `handle` decrypting to `value`. */
  verifyDecryption(handle: string, value: bigint, proof: string): Promise<boolean>;
  /** The timestamp of a block. */
  blockTimestamp(blockNumber: number): Promise<bigint>;
}

/** The TypeChain-typed arguments of an aggregator event in the audited stream, each checked against the ABI. */
const aggregatorArgs = eventArgsReader<MetricAggregator>(MetricAggregator__factory.createInterface());

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
    noiseBits: BigInt(await contract.NOISE_BITS({ blockTag })),
    async submittedReveal(transactionHash) {
      const tx = await provider.getTransaction(transactionHash);
      if (tx === null) throw new RoyaltiesError(`Transaction ${transactionHash} not found: is the node archiving?`);
      const call = contract.interface.parseTransaction({ data: tx.data });
      if (call?.name !== "revealAggregate") return undefined;
      // revealAggregate(name, round, value, proof)
      const [, , value, proof] = call.args;
      if (typeof value !== "bigint" || typeof proof !== "string") {
        throw new RoyaltiesError(`Transaction ${transactionHash} does not carry a clear value and a KMS proof.`);
      }
      return { value, proof };
    },
    verifyDecryption(handle, value, proof) {
      return checkDecryption([handle], "uint128", value, proof);
    },
    async blockTimestamp(blockNumber) {
      const block = await provider.getBlock(blockNumber);
      if (block === null) throw new RoyaltiesError(`Block ${blockNumber} not found: is the node archiving?`);
      return BigInt(block.timestamp);
    },
  };
}

/**
 * Audits the registry's cross-model aggregates from their event log: every value came from a pool the
 * aggregate governance had approved (read the log from the aggregator's deployment for this), every sealed
 * round had at least k distinct contributors and was sealed at or after its scheduled end, was noised from exactly the sum its recorded values built with
 * the aggregator's noise width and sealed that noisy handle, no value was added after a seal (rounds are
 * disjoint), every published value carries a valid KMS decryption proof of the noisy handle (checked against
 * the aggregator's own KMS verifier) and the cumulative totals add up.
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
  const approved = new Set<string>();
  const stateOf = (key: string, round: bigint) => {
    const id = `${key}:${round}`;
    const state = states.get(id) ?? { recorded: 0n };
    states.set(id, state);
    return state;
  };

  for (const event of events) {
    const fail = (key: string, round: bigint, message: string) =>
      findings.push({ metricKey: key, round, message, transactionHash: event.transactionHash });
    if (event.name === "PoolApproved" || event.name === "PoolRevoked") {
      const pool = aggregatorArgs(event, event.name, "pool").pool.toLowerCase();
      if (event.name === "PoolApproved") approved.add(pool);
      else approved.delete(pool);
    } else if (event.name === "MetricRecorded") {
      const a = aggregatorArgs(event, "MetricRecorded", "metricKey", "round", "pool", "sum");
      const state = stateOf(a.metricKey, a.round);
      if (state.sealed !== undefined) fail(a.metricKey, a.round, "a value was added to a round after it was sealed");
      if (!approved.has(a.pool.toLowerCase())) {
        fail(
          a.metricKey,
          a.round,
          `a value was recorded from pool ${a.pool}, which the aggregate governance had not approved`,
        );
      }
      state.recorded += 1n;
      state.lastSum = a.sum;
    } else if (event.name === "RoundScheduled") {
      const a = aggregatorArgs(event, "RoundScheduled", "metricKey", "round", "end");
      stateOf(a.metricKey, a.round).end = a.end;
    } else if (event.name === "AggregateNoised") {
      const a = aggregatorArgs(event, "AggregateNoised", "metricKey", "round", "noiseBits", "sum", "noisySum");
      const state = stateOf(a.metricKey, a.round);
      if (a.sum !== state.lastSum)
        fail(a.metricKey, a.round, "the sealed sum is not the sum its recorded values built");
      if (a.noiseBits !== view.noiseBits) {
        fail(a.metricKey, a.round, `noised with ${a.noiseBits} bits, the aggregator adds ${view.noiseBits}`);
      }
      state.noised = { noiseBits: a.noiseBits, handle: a.noisySum };
    } else if (event.name === "AggregateRevealRequested") {
      const a = aggregatorArgs(
        event,
        "AggregateRevealRequested",
        "metricKey",
        "round",
        "contributors",
        "submissions",
        "sum",
      );
      rounds.push(
        await sealed(a, stateOf(a.metricKey, a.round), event.blockNumber, (m) => fail(a.metricKey, a.round, m)),
      );
    } else if (event.name === "AggregateRevealed") {
      const a = aggregatorArgs(event, "AggregateRevealed", "metricKey", "round", "value", "cumulative");
      const sealed = stateOf(a.metricKey, a.round).sealed;
      if (sealed === undefined) {
        fail(a.metricKey, a.round, "revealed without a seal in the range");
        continue;
      }
      const submitted = await view.submittedReveal(event.transactionHash);
      const proofValid =
        submitted !== undefined &&
        submitted.value === a.value &&
        (await view.verifyDecryption(sealed.sum, a.value, submitted.proof));
      if (!proofValid) {
        fail(a.metricKey, a.round, "the KMS decryption proof does not cover the sealed sum and the published value");
      }
      const total = (cumulative.get(a.metricKey) ?? 0n) + a.value;
      cumulative.set(a.metricKey, total);
      if (a.cumulative !== total) {
        fail(a.metricKey, a.round, `published cumulative ${a.cumulative} ≠ the sum of published rounds ${total}`);
      }
      Object.assign(sealed, { revealed: true, value: a.value, proofValid });
    }
  }

  /** A seal: k contributors, at or after the round's end, of the noise step's handle, with every recorded value. */
  async function sealed(
    a: { metricKey: string; round: bigint; contributors: bigint; submissions: bigint; sum: string },
    state: RoundState,
    blockNumber: number | undefined,
    fail: (message: string) => void,
  ): Promise<AggregateRoundAudit & { sum: string }> {
    const { contributors, submissions } = a;
    if (contributors < view.minContributors) {
      fail(`sealed with ${contributors} < k = ${view.minContributors} contributors`);
    }
    if (state.end !== undefined && blockNumber !== undefined) {
      const sealedAt = await view.blockTimestamp(blockNumber);
      if (sealedAt < state.end) fail(`sealed at ${sealedAt}, before the round's end ${state.end}`);
    }
    if (state.noised === undefined) fail("sealed without noise: the decryptable handle is not a noised sum");
    else if (a.sum !== state.noised.handle) fail("the sealed handle is not the noisy sum of the noise step");
    if (submissions !== state.recorded)
      fail(`sealed with ${submissions} submissions, the log records ${state.recorded}`);
    state.sealed = {
      metricKey: a.metricKey,
      round: a.round,
      contributors,
      submissions,
      recordedSubmissions: state.recorded,
      end: state.end,
      noiseBits: state.noised?.noiseBits,
      revealed: false,
      sum: a.sum,
    };
    return state.sealed;
  }
  return {
    aggregator,
    minContributors: view.minContributors,
    approvedPools: [...approved],
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
