/**
 * The pool audit: rebuilds every epoch's hash chain from the pool's events, compares it with the chain,
 * re-checks every reveal's and settlement's KMS proof and the public accounting.
 */
import { ZeroHash } from "ethers";
import type { Provider } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { RoyaltiesError } from "../errors";
import { nextMaskBits, remainderBound } from "../math";
import { EPOCH_STATES } from "../actions/read";
import { readPoolEvents } from "./events";
import type { PoolEvent } from "./events";
import { kmsDecryptionCheck } from "./kms";
import { LOG_STEPS, logEntry, logStepOf, nextDigest } from "./log";
import type { LoggedStep } from "./log";
import type { LogStepName } from "./log";

/** An epoch's log as the chain stores it, with the counters that say which steps it must contain. */
export interface EpochLogOnChain {
  digest: string;
  length: bigint;
  rulesVersion: bigint;
  /** `IRoyaltyPool.EpochState` as its name: None, Open, Closed or Revealed. */
  state: string;
  /** Submit entries the log must hold. */
  submissions: bigint;
  /** Claim entries the log must hold. */
  claims: bigint;
}

/** What the auditor asks the chain beyond the event log (all public). */
export interface AuditChainView {
  /** The pool's current epoch at the audited block: epochs 1..this one must all be in the log. */
  currentEpochId(): Promise<bigint>;
  /** The digest, length and step counters of an epoch's log as stored on-chain. */
  epochLog(epochId: bigint): Promise<EpochLogOnChain>;
  /** What the audit checks a close against in a rules version: k, and the noise width (0 = none). */
  closeRules(rulesVersion: bigint): Promise<{ minParticipants: bigint; noiseBits: bigint }>;
  /** The clear value and KMS proof submitted in a reveal or settle transaction. */
  submittedDecryption(transactionHash: string): Promise<{ value: bigint; proof: string }>;
  /** Whether the KMS signatures of `proof` cover `handles` decrypting to `value`. */
  verifyDecryption(handles: readonly string[], value: bigint, proof: string): Promise<boolean>;
}

export interface AuditFinding {
  epochId: bigint;
  /** What failed: a log entry with its step ("log entry 12 (Claim)"), or a check ("Close", "Reveal", "Settle"). */
  step: string;
  message: string;
  transactionHash?: string;
}

export interface EpochAudit {
  epochId: bigint;
  rulesVersion: bigint;
  logLength: bigint;
  digest: string;
  digestMatchesChain: boolean;
  participants: bigint;
  minParticipants: bigint;
  /** Noise width the rules required on the total (0 = none). */
  noiseBits: bigint;
  /** The total handle the noise event carries, when noise was added. */
  noisedTotal?: string;
  funded: bigint;
  carriedIn: bigint;
  /** Lent by this epoch's pool to a masked settlement (the settlement pays it back into the then current pool). */
  lent: bigint;
  pool: bigint;
  closed: boolean;
  revealedTotal?: bigint;
  revealProofValid?: boolean;
  claims: bigint;
}

export interface SettlementAudit {
  fromEpochId: bigint;
  toEpochId: bigint;
  intoEpochId: bigint;
  liability: bigint;
  /** What the settlement moved into the public pool (the unpaid remainder minus the hidden carry). */
  released: bigint;
  /** Width of the mask on the hidden carry, and the width the public record says it must have at least. */
  maskBits: bigint;
  expectedMaskBits: bigint;
  settledPools: bigint;
  proofValid: boolean;
}

export interface AuditReport {
  pool: string;
  fromBlock: number;
  toBlock: number;
  epochs: EpochAudit[];
  settlements: SettlementAudit[];
  findings: AuditFinding[];
  ok: boolean;
}

/** A log entry that failed, named by its index; its step is resolved once every received entry is known. */
interface EntryFinding {
  epochId: bigint;
  index: bigint;
  step?: LogStepName;
  message: string;
  /** The entry was not where the next received one was: dropped, or reordered if it came later. */
  gap?: boolean;
  transactionHash?: string;
}

/** Steps that only an open epoch records, in any order and number the chain does not count (but Submit). */
const OPEN_STEPS: readonly LogStepName[] = ["Submit", "Fund", "Extend", "CarryIn", "Settle"];
const UNCOUNTED_STEPS = OPEN_STEPS.filter((step) => step !== "Submit");
const oneOf = (steps: readonly string[]) => steps.join(", ").replace(/, (?=[^,]*$)/, " or ");

/**
 * The step of entry `index` of an epoch's log, from the chain's counters alone: a closed epoch's log
 * ends with Close, then Reveal once revealed, then one Claim per claim (nothing else can append to a
 * closed epoch); before the Close, Submit entries are counted and the other open-epoch steps are not.
 */
function stepAt(onChain: EpochLogOnChain, index: bigint, received: ReadonlyMap<bigint, LogStepName>): string {
  const revealed = onChain.state === "Revealed" ? 1n : 0n;
  const closed = revealed === 1n || onChain.state === "Closed";
  const closeIndex = closed ? onChain.length - onChain.claims - revealed - 1n : onChain.length;
  if (closed && closeIndex >= 0n && index >= closeIndex) {
    return index === closeIndex ? "Close" : index === closeIndex + 1n && revealed === 1n ? "Reveal" : "Claim";
  }
  const before = [...received].filter(([i]) => i < closeIndex);
  const missing = closeIndex - BigInt(before.length);
  const submitsMissing = onChain.submissions - BigInt(before.filter(([, step]) => step === "Submit").length);
  if (submitsMissing === 0n) return oneOf(UNCOUNTED_STEPS);
  return submitsMissing === missing ? "Submit" : oneOf(OPEN_STEPS);
}

/** What an epoch's log holds according to the chain's counters, e.g. "Submit ×3, Close, Reveal, Claim ×3, 1 other". */
function expectedSteps(onChain: EpochLogOnChain): string {
  const revealed = onChain.state === "Revealed";
  const closed = revealed || onChain.state === "Closed";
  const parts: string[] = [];
  if (onChain.submissions > 0n) parts.push(`Submit ×${onChain.submissions}`);
  const counted = onChain.submissions + (closed ? 1n : 0n) + (revealed ? 1n : 0n) + onChain.claims;
  if (onChain.length > counted) parts.push(`${onChain.length - counted} of ${oneOf(UNCOUNTED_STEPS)}`);
  if (closed) parts.push("Close");
  if (revealed) parts.push("Reveal");
  if (onChain.claims > 0n) parts.push(`Claim ×${onChain.claims}`);
  return parts.join(", ");
}

function newEpoch(epochId: bigint): EpochAudit {
  return {
    epochId,
    rulesVersion: 0n,
    logLength: 0n,
    digest: ZeroHash,
    digestMatchesChain: false,
    participants: 0n,
    minParticipants: 0n,
    noiseBits: 0n,
    funded: 0n,
    carriedIn: 0n,
    lent: 0n,
    pool: 0n,
    closed: false,
    claims: 0n,
  };
}

/**
 * Audits a pool from its event stream alone (plus public chain reads): rebuilds every epoch's hash
 * chain and compares it with the chain, re-checks every reveal's KMS decryption proof, and checks
 * the public accounting. Completeness: every epoch from 1 to the current one at the audited block must
 * be in the stream, each with the log length and digest the chain stores; a missing, extra, reordered
 * or altered entry is a finding naming the epoch and the entry with its step ("log entry 12 (Claim)"). Exported separately from {@link auditPool} so an altered stream can be tested.
 */
export async function auditEvents(
  events: readonly PoolEvent[],
  chain: AuditChainView,
  range: { pool: string; fromBlock: number; toBlock: number },
): Promise<AuditReport> {
  const epochs = new Map<bigint, EpochAudit>();
  const findings: AuditFinding[] = [];
  const entryFindings: EntryFinding[] = [];
  const failedEpochs = new Set<bigint>();
  const receivedSteps = new Map<bigint, Map<bigint, LogStepName>>();
  const closeHandles = new Map<bigint, string>();
  const contributors = new Map<bigint, Set<string>>();
  const settlements: SettlementAudit[] = [];
  const requested = new Map<string, { released: string; liability: bigint; maskBits: bigint }>();
  // Mask rule of the pool, replayed from public values: once a noisy epoch is settled, the mask is at least
  // one bit wider than the settled epochs' remainder bound and never narrower than before.
  let maskBits = 0n;
  const epochOf = (id: bigint) => epochs.get(id) ?? epochs.set(id, newEpoch(id)).get(id)!;
  const fail = (epochId: bigint, step: string, message: string, transactionHash?: string) => {
    findings.push({ epochId, step, message, transactionHash });
  };
  /** A broken log entry: the epoch's chain is not checked further, the entry is named once all steps are known. */
  const failEntry = (finding: EntryFinding) => {
    entryFindings.push(finding);
    failedEpochs.add(finding.epochId);
  };
  let pending: { event: PoolEvent; step: LoggedStep } | undefined;
  const unpaired = (p: { event: PoolEvent; step: LoggedStep }) =>
    failEntry({
      epochId: p.step.epochId,
      index: epochOf(p.step.epochId).logLength,
      step: p.step.step,
      message: "step event without its log entry (the LogAppended event was dropped)",
      transactionHash: p.event.transactionHash,
    });

  for (const event of events) {
    const a = event.args;
    if (event.name === "LogAppended") {
      const epochId = a.epochId as bigint;
      const epoch = epochOf(epochId);
      const index = a.index as bigint;
      const logged = LOG_STEPS[Number(a.step)];
      const seen = receivedSteps.get(epochId) ?? receivedSteps.set(epochId, new Map()).get(epochId)!;
      if (!seen.has(index)) seen.set(index, logged);
      if (pending === undefined) {
        if (!failedEpochs.has(epochId)) {
          failEntry({
            epochId,
            index,
            step: logged,
            message: "log entry without the step event it records (the step event was dropped or moved)",
            transactionHash: event.transactionHash,
          });
        }
        continue;
      }
      const { step, event: stepEvent } = pending;
      pending = undefined;
      const entry = logEntry(step.step, step.fields);
      const digest = nextDigest(epoch.digest, entry);
      if (!failedEpochs.has(epochId)) {
        const at = { epochId, transactionHash: stepEvent.transactionHash };
        if (index > epoch.logLength) {
          failEntry({
            ...at,
            index: epoch.logLength,
            message: `the next entry received is ${index} (${logged})`,
            gap: true,
          });
        } else if (index < epoch.logLength) {
          failEntry({
            ...at,
            index,
            step: logged,
            message: `received after entry ${epoch.logLength - 1n}: events were reordered`,
          });
        } else if (step.epochId !== epochId || step.step !== logged) {
          failEntry({
            ...at,
            index,
            step: logged,
            message: `recorded with a ${step.step} event of epoch ${step.epochId}: a step event was dropped, moved or swapped`,
          });
        } else if (entry !== a.entry) {
          failEntry({
            ...at,
            index,
            step: logged,
            message: "the step event's fields do not hash to the logged entry: a value (e.g. a handle) was altered",
          });
        } else if (digest !== a.digest) {
          failEntry({ ...at, index, step: logged, message: "the rebuilt digest differs from the logged one" });
        }
      }
      epoch.digest = digest;
      epoch.logLength += 1n;
      continue;
    }

    const step = logStepOf(event);
    if (step !== undefined) {
      if (pending !== undefined) unpaired(pending);
      pending = { event, step };
    }

    switch (event.name) {
      case "EpochRulesAdopted":
        epochOf(a.epochId as bigint).rulesVersion = a.toVersion as bigint;
        break;
      case "EpochStarted":
        epochOf(a.epochId as bigint).rulesVersion = a.rulesVersion as bigint;
        break;
      case "ContributionSubmitted": {
        const epoch = epochOf(a.epochId as bigint);
        const seen = contributors.get(epoch.epochId) ?? new Set<string>();
        seen.add(a.contributor as string);
        contributors.set(epoch.epochId, seen);
        epoch.participants = BigInt(seen.size);
        break;
      }
      case "PoolFunded":
        epochOf(a.epochId as bigint).funded += a.units as bigint;
        break;
      case "PoolCarriedForward":
        epochOf(a.intoEpochId as bigint).carriedIn += a.amount as bigint;
        break;
      case "EpochTotalNoised":
        epochOf(a.epochId as bigint).noisedTotal = a.total as string;
        break;
      case "EpochClosed": {
        const epoch = epochOf(a.epochId as bigint);
        epoch.closed = true;
        epoch.pool = a.pool as bigint;
        closeHandles.set(epoch.epochId, a.total as string);
        if (epoch.pool !== epoch.funded + epoch.carriedIn - epoch.lent) {
          fail(
            epoch.epochId,
            "Close",
            `pool ${epoch.pool} ≠ funds ${epoch.funded} + carried in ${epoch.carriedIn} − lent ${epoch.lent}`,
            event.transactionHash,
          );
        }
        if ((a.participants as bigint) !== epoch.participants) {
          fail(
            epoch.epochId,
            "Close",
            `closed with ${a.participants} participants, the log shows ${epoch.participants}`,
            event.transactionHash,
          );
        }
        ({ minParticipants: epoch.minParticipants, noiseBits: epoch.noiseBits } = await chain.closeRules(
          epoch.rulesVersion,
        ));
        const noised = epoch.noisedTotal !== undefined && epoch.noisedTotal === a.total;
        if ((epoch.noiseBits !== 0n) !== noised) {
          fail(
            epoch.epochId,
            "Close",
            epoch.noiseBits !== 0n
              ? `the rules add noise below 2^${epoch.noiseBits} but the closed total carries none`
              : "noise was added to the total although the rules do not ask for it",
            event.transactionHash,
          );
        }
        if (epoch.participants < epoch.minParticipants) {
          fail(
            epoch.epochId,
            "Close",
            `closed with ${epoch.participants} < k = ${epoch.minParticipants} participants (k-anonymity)`,
            event.transactionHash,
          );
        }
        break;
      }
      case "EpochTotalRevealed": {
        const epoch = epochOf(a.epochId as bigint);
        epoch.revealedTotal = a.total as bigint;
        const handle = closeHandles.get(epoch.epochId);
        if (handle === undefined) {
          fail(epoch.epochId, "Reveal", "revealed without a close in the range", event.transactionHash);
          epoch.revealProofValid = false;
          break;
        }
        if ((a.pool as bigint) !== epoch.pool) {
          fail(epoch.epochId, "Reveal", `revealed pool ${a.pool} ≠ closed pool ${epoch.pool}`, event.transactionHash);
        }
        const submitted = await chain.submittedDecryption(event.transactionHash);
        epoch.revealProofValid =
          submitted.value === epoch.revealedTotal &&
          (await chain.verifyDecryption([handle], submitted.value, submitted.proof));
        if (!epoch.revealProofValid) {
          fail(
            epoch.epochId,
            "Reveal",
            "the KMS decryption proof does not cover the closed total handle and revealed value",
            event.transactionHash,
          );
        }
        break;
      }
      case "RoyaltyClaimed": {
        const epoch = epochOf(a.epochId as bigint);
        epoch.claims += 1n;
        if (epoch.claims > epoch.participants) {
          fail(
            epoch.epochId,
            "Claim",
            `${epoch.claims} claims for ${epoch.participants} participants`,
            event.transactionHash,
          );
        }
        break;
      }
      case "SettlementRequested":
        requested.set(`${a.fromEpochId}-${a.toEpochId}`, {
          released: a.released as string,
          liability: a.liability as bigint,
          maskBits: BigInt(a.maskBits as bigint | number),
        });
        // Only a masked settlement lends; an unmasked one touches no epoch's pool.
        if ((a.lent as bigint) > 0n) epochOf(a.lenderEpochId as bigint).lent += a.lent as bigint;
        break;
      case "PoolSettled": {
        const from = a.fromEpochId as bigint;
        const to = a.toEpochId as bigint;
        const request = requested.get(`${from}-${to}`);
        const released = a.released as bigint;
        let settledPools = 0n;
        let bound = 0n;
        let noisy = false;
        for (let id = from; id <= to; id++) {
          const epoch = epochs.get(id);
          // An epoch whose pool was carried forward whole paid nothing and is not counted.
          if (epoch?.revealedTotal === undefined || epoch.revealedTotal === 0n || epoch.pool === 0n) continue;
          settledPools += epoch.pool;
          bound += remainderBound(epoch.pool, epoch.revealedTotal, epoch.noiseBits, epoch.participants);
          if (epoch.noiseBits !== 0n) noisy = true;
        }
        const expectedMaskBits = noisy || maskBits !== 0n ? nextMaskBits(maskBits, bound) : 0n;
        let proofValid = false;
        if (request === undefined) {
          fail(
            to,
            "Settle",
            `settlement of epochs ${from}..${to} without its request in the range`,
            event.transactionHash,
          );
        } else {
          const submitted = await chain.submittedDecryption(event.transactionHash);
          proofValid =
            submitted.value === released &&
            (await chain.verifyDecryption([request.released], released, submitted.proof));
          if (!proofValid)
            fail(to, "Settle", "the KMS proof does not cover the released remainder handle", event.transactionHash);
          if (request.maskBits < expectedMaskBits) {
            fail(
              to,
              "Settle",
              `mask of ${request.maskBits} bits is narrower than the ${expectedMaskBits} the settled epochs need`,
              event.transactionHash,
            );
          }
          maskBits = request.maskBits;
        }
        settlements.push({
          fromEpochId: from,
          toEpochId: to,
          intoEpochId: a.intoEpochId as bigint,
          liability: request?.liability ?? 0n,
          released,
          maskBits: request?.maskBits ?? 0n,
          expectedMaskBits,
          settledPools,
          proofValid,
        });
        epochOf(a.intoEpochId as bigint).carriedIn += released;
        break;
      }
      default:
        break;
    }
  }
  if (pending !== undefined) unpaired(pending);

  // Completeness: every epoch from 1 to the current one at the audited block, each log whole.
  const currentEpochId = await chain.currentEpochId();
  const entries: AuditFinding[] = [];
  const onChainLogs = new Map<bigint, EpochLogOnChain>();
  for (let epochId = 1n; epochId <= currentEpochId; epochId++) {
    const onChain = await chain.epochLog(epochId);
    onChainLogs.set(epochId, onChain);
    const received = epochs.has(epochId);
    const epoch = epochOf(epochId);
    epoch.digestMatchesChain = onChain.digest === epoch.digest && onChain.length === epoch.logLength;
    if (!received) {
      entries.push(
        onChain.length > 0n
          ? {
              epochId,
              step: `log entries 0..${onChain.length - 1n}`,
              message: `none of the epoch's ${onChain.length} log entries were received (${expectedSteps(onChain)}): its events were withheld`,
            }
          : { epochId, step: "EpochStarted", message: "the epoch's start event was not received" },
      );
      continue;
    }
    if (epoch.rulesVersion !== onChain.rulesVersion) {
      fail(
        epochId,
        "EpochStarted",
        `the log shows rules version ${epoch.rulesVersion}, the chain ${onChain.rulesVersion}: the start event was dropped or altered`,
      );
    }
    if (epoch.digestMatchesChain || failedEpochs.has(epochId)) continue;
    if (epoch.logLength < onChain.length) {
      failEntry({
        epochId,
        index: epoch.logLength,
        message: `missing: the chain has ${onChain.length} entries, only ${epoch.logLength} were received (the tail of the log was cut)`,
      });
    } else if (epoch.logLength > onChain.length) {
      failEntry({
        epochId,
        index: onChain.length,
        message: `not on the chain: it has ${onChain.length} entries, ${epoch.logLength} were received`,
      });
    } else {
      fail(
        epochId,
        `log (${epoch.logLength} entries)`,
        `rebuilt digest ${epoch.digest} ≠ on-chain ${onChain.digest}: the log was altered`,
      );
    }
  }
  for (const epochId of epochs.keys()) {
    if (epochId < 1n || epochId > currentEpochId) {
      fail(
        epochId,
        "epoch",
        `not an epoch of this pool at block ${range.toBlock} (its current epoch is ${currentEpochId})`,
      );
    }
  }
  for (const f of entryFindings) {
    const later = receivedSteps.get(f.epochId)?.get(f.index);
    const name = f.step ?? later ?? missingStep(f.epochId, f.index);
    const message = !f.gap
      ? f.message
      : later === undefined
        ? `missing (dropped): ${f.message}`
        : `out of order: ${f.message}, this one came later (events were reordered)`;
    entries.push({
      epochId: f.epochId,
      step: `log entry ${f.index} (${name})`,
      message,
      transactionHash: f.transactionHash,
    });
  }
  // By epoch; within an epoch, broken log entries first (a later check may only be their consequence).
  findings.unshift(...entries);
  findings.sort((x, y) => (x.epochId < y.epochId ? -1 : x.epochId > y.epochId ? 1 : 0));

  /** The step a dropped entry must have been, from its position and the chain's counters. */
  function missingStep(epochId: bigint, index: bigint): string {
    const onChain = onChainLogs.get(epochId);
    return onChain === undefined ? "unknown step" : stepAt(onChain, index, receivedSteps.get(epochId) ?? new Map());
  }

  const sorted = [...epochs.values()].sort((x, y) => (x.epochId < y.epochId ? -1 : 1));
  return { ...range, epochs: sorted, settlements, findings, ok: findings.length === 0 };
}

/** The public chain reads an audit makes, against a provider, as of `blockTag`. */
export async function providerChainView(provider: Provider, pool: string, blockTag: number): Promise<AuditChainView> {
  const checkDecryption = await kmsDecryptionCheck(provider, pool, blockTag);
  const poolContract = RoyaltyPool__factory.connect(pool, provider);
  const iface = poolContract.interface;
  return {
    currentEpochId() {
      return poolContract.currentEpochId({ blockTag });
    },
    async epochLog(epochId) {
      const epoch = await poolContract.getEpoch(epochId, { blockTag });
      return {
        digest: epoch.logDigest,
        length: epoch.logLength,
        rulesVersion: epoch.rulesVersion,
        state: EPOCH_STATES[Number(epoch.state)],
        submissions: epoch.submissions,
        claims: epoch.claims,
      };
    },
    async closeRules(rulesVersion) {
      const rules = await poolContract.getRules(rulesVersion, { blockTag });
      return { minParticipants: rules.minParticipants, noiseBits: rules.noiseBits };
    },
    async submittedDecryption(transactionHash) {
      const tx = await provider.getTransaction(transactionHash);
      if (tx === null) throw new RoyaltiesError(`Transaction ${transactionHash} not found: is the node archiving?`);
      const call = iface.parseTransaction({ data: tx.data });
      if (call?.name === "revealEpochTotal") return { value: call.args[1] as bigint, proof: call.args[2] as string };
      if (call?.name === "settle") return { value: call.args[0] as bigint, proof: call.args[1] as string };
      throw new RoyaltiesError(`Transaction ${transactionHash} is not a direct reveal or settle call of the pool.`);
    },
    verifyDecryption(handles, value, proof) {
      return checkDecryption(handles, "uint64", value, proof);
    },
  };
}

export interface AuditPoolParameters {
  pool: string;
  /** First block read; the log is complete only when it is at or before the pool's creation. Default 0. */
  fromBlock?: number;
  /** The audited block: the chain's state and the log as of this block. Default: latest. */
  toBlock?: number;
  /** Blocks per `eth_getLogs` request; default `DEFAULT_LOG_BLOCK_RANGE` (5000). */
  logBlockRange?: number;
}

/**
 * Audits a pool from the chain: its events in a block range and public reads only.
 * @example
 * const report = await auditPool(provider, { pool: poolAddress });
 * if (!report.ok) console.log(report.findings);
 */
export async function auditPool(provider: Provider, params: AuditPoolParameters): Promise<AuditReport> {
  const fromBlock = params.fromBlock ?? 0;
  const toBlock = params.toBlock ?? (await provider.getBlockNumber());
  if ((await provider.getCode(params.pool)) === "0x")
    throw new RoyaltiesError(`No contract at ${params.pool}: check the pool address and the network.`);
  const events = await readPoolEvents(provider, params.pool, fromBlock, toBlock, params.logBlockRange);
  const chain = await providerChainView(provider, params.pool, toBlock);
  return auditEvents(events, chain, { pool: params.pool, fromBlock, toBlock });
}
