/**
 * What each button needs from the public state, so that no button sends a transaction the chain
 * already says will revert: a button is enabled only when its gate is open, and otherwise says why.
 */
import { dateTime, duration } from "./time";

/** Whether an action may be sent now; `reason` says why not (shown beside the disabled button). */
export interface Gate {
  open: boolean;
  reason?: string;
}

const OPEN: Gate = { open: true };

/** The public facts about the current epoch the gates read. */
export interface EpochFacts {
  state: string;
  end: bigint;
}

/** Closing needs an open epoch whose end has passed (anyone may close it then). */
export function closeGate(epoch: EpochFacts | undefined, now: bigint): Gate {
  if (epoch === undefined) return { open: false, reason: "the model has no epoch yet" };
  if (epoch.state !== "Open") return { open: false, reason: `epoch is ${epoch.state.toLowerCase()}, not open` };
  if (now < epoch.end) {
    return { open: false, reason: `can be closed from ${dateTime(epoch.end)} (in ${duration(epoch.end - now)})` };
  }
  return OPEN;
}

/** Submitting needs an open epoch that has not ended and a submission left. */
export function submitGate(epoch: EpochFacts | undefined, now: bigint, submissionsLeft: bigint): Gate {
  if (epoch === undefined || epoch.state !== "Open") return { open: false, reason: "no open epoch to submit to" };
  if (now >= epoch.end) {
    return { open: false, reason: `the epoch ended ${dateTime(epoch.end)}: close it first, then submit to the next` };
  }
  if (submissionsLeft <= 0n) return { open: false, reason: "no submission left this epoch" };
  return OPEN;
}

/** Combines a gate with "another operation is running". */
export function whenIdle(gate: Gate, busy: boolean): Gate {
  return busy && gate.open ? { open: false, reason: "another operation is running" } : gate;
}
