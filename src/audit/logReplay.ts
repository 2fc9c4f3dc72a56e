/**
 * Replaying the epochs' hash chains: each step event is paired with the LogAppended that follows it, its
 * entry rebuilt and chained, and each epoch's rebuilt log compared with the digest and length the chain
 * stores. A broken entry is named by its index and step ("log entry 12 (Claim)").
 */
import type { PoolEvent } from "./events";
import { LOG_STEPS, logEntry, logStepOf, nextDigest } from "./log";
import type { LoggedStep, LogStepName } from "./log";
import { poolArgs } from "./poolReport";
import type { AuditChainView, AuditFinding, EpochLogOnChain, PoolAuditState } from "./poolReport";

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

/** The hash-chain replay of one audit: fed the stream in order, then checked against the chain. */
export class LogReplay {
  private readonly entryFindings: EntryFinding[] = [];
  /** Epochs with a broken entry: their chain is not checked further. */
  private readonly failedEpochs = new Set<bigint>();
  private readonly receivedSteps = new Map<bigint, Map<bigint, LogStepName>>();
  private readonly onChainLogs = new Map<bigint, EpochLogOnChain>();
  /** The last step event, waiting for the LogAppended that records it. */
  private pending: { event: PoolEvent; step: LoggedStep } | undefined;

  constructor(private readonly state: PoolAuditState) {}

  /** Replays one event of the stream: a LogAppended extends its epoch's chain, a step event waits for its entry. */
  replay(event: PoolEvent): void {
    if (event.name === "LogAppended") {
      this.append(event);
      return;
    }
    const step = logStepOf(event);
    if (step === undefined) return;
    this.flush();
    this.pending = { event, step };
  }

  /** A step event left without its entry (at the next step event, or at the end of the stream). */
  flush(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.failEntry({
      epochId: p.step.epochId,
      index: this.state.epochOf(p.step.epochId).logLength,
      step: p.step.step,
      message: "step event without its log entry (the LogAppended event was dropped)",
      transactionHash: p.event.transactionHash,
    });
  }

  /** A broken log entry: the epoch's chain is not checked further, the entry is named once all steps are known. */
  private failEntry(finding: EntryFinding): void {
    this.entryFindings.push(finding);
    this.failedEpochs.add(finding.epochId);
  }

  private append(event: PoolEvent): void {
    const a = poolArgs(event, "LogAppended", "epochId", "index", "step", "entry", "digest");
    const epoch = this.state.epochOf(a.epochId);
    const logged = LOG_STEPS[Number(a.step)];
    const seen = this.receivedSteps.get(a.epochId) ?? this.receivedSteps.set(a.epochId, new Map()).get(a.epochId)!;
    if (!seen.has(a.index)) seen.set(a.index, logged);
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) {
      if (!this.failedEpochs.has(a.epochId)) {
        this.failEntry({
          epochId: a.epochId,
          index: a.index,
          step: logged,
          message: "log entry without the step event it records (the step event was dropped or moved)",
          transactionHash: event.transactionHash,
        });
      }
      return;
    }
    const { step, event: stepEvent } = pending;
    const entry = logEntry(step.step, step.fields);
    const digest = nextDigest(epoch.digest, entry);
    const message =
      a.index > epoch.logLength
        ? undefined
        : a.index < epoch.logLength
          ? `received after entry ${epoch.logLength - 1n}: events were reordered`
          : step.epochId !== a.epochId || step.step !== logged
            ? `recorded with a ${step.step} event of epoch ${step.epochId}: a step event was dropped, moved or swapped`
            : entry !== a.entry
              ? "the step event's fields do not hash to the logged entry: a value (e.g. a handle) was altered"
              : digest !== a.digest
                ? "the rebuilt digest differs from the logged one"
                : "";
    if (!this.failedEpochs.has(a.epochId) && message !== "") {
      const at = { epochId: a.epochId, transactionHash: stepEvent.transactionHash };
      this.failEntry(
        message === undefined
          ? { ...at, index: epoch.logLength, message: `the next entry received is ${a.index} (${logged})`, gap: true }
          : { ...at, index: a.index, step: logged, message },
      );
    }
    epoch.digest = digest;
    epoch.logLength += 1n;
  }

  /**
   * Completeness, once the stream is replayed: every epoch from 1 to the chain's current one must have
   * been received with the log length and digest the chain stores. Returns the entry findings (a missing
   * epoch, a broken entry named with its step), which come first in their epoch; other failures are
   * recorded on the state.
   */
  async checkAgainstChain(chain: AuditChainView, currentEpochId: bigint): Promise<AuditFinding[]> {
    this.flush();
    const { state } = this;
    const entries: AuditFinding[] = [];
    for (let epochId = 1n; epochId <= currentEpochId; epochId++) {
      const onChain = await chain.epochLog(epochId);
      this.onChainLogs.set(epochId, onChain);
      const received = state.epochs.has(epochId);
      const epoch = state.epochOf(epochId);
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
        state.fail(
          epochId,
          "EpochStarted",
          `the log shows rules version ${epoch.rulesVersion}, the chain ${onChain.rulesVersion}: the start event was dropped or altered`,
        );
      }
      if (epoch.digestMatchesChain || this.failedEpochs.has(epochId)) continue;
      if (epoch.logLength !== onChain.length) {
        const short = epoch.logLength < onChain.length;
        this.failEntry({
          epochId,
          index: short ? epoch.logLength : onChain.length,
          message: short
            ? `missing: the chain has ${onChain.length} entries, only ${epoch.logLength} were received (the tail of the log was cut)`
            : `not on the chain: it has ${onChain.length} entries, ${epoch.logLength} were received`,
        });
      } else {
        state.fail(
          epochId,
          `log (${epoch.logLength} entries)`,
          `rebuilt digest ${epoch.digest} ≠ on-chain ${onChain.digest}: the log was altered`,
        );
      }
    }
    return [...entries, ...this.entryFindings.map((f) => this.named(f))];
  }

  /** An entry finding with its step: the one it was logged as, the one received there later, or the one it must be. */
  private named(f: EntryFinding): AuditFinding {
    const received = this.receivedSteps.get(f.epochId);
    const later = received?.get(f.index);
    const onChain = this.onChainLogs.get(f.epochId);
    const name =
      f.step ?? later ?? (onChain === undefined ? "unknown step" : stepAt(onChain, f.index, received ?? new Map()));
    const message = !f.gap
      ? f.message
      : later === undefined
        ? `missing (dropped): ${f.message}`
        : `out of order: ${f.message}, this one came later (events were reordered)`;
    return { epochId: f.epochId, step: `log entry ${f.index} (${name})`, message, transactionHash: f.transactionHash };
  }
}
