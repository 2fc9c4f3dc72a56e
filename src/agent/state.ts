/**
 * The agent's memory: one small JSON file per key (chain, model, role, account), written atomically (temporary
 * file, fsync, rename), and a lock file beside it (pid, host, instance, heartbeat) so that two agents on the same
 * key notice each other and one stops.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { RoyaltiesError } from "../errors";
import type { Json } from "./sources";

/** What the agent remembers about one epoch of one model. */
export interface EpochRecord {
  /** Submissions this agent made (contributor) to the epoch. */
  submissions: number;
  /** Slices of the epoch's plan already covered (a late tick covers several at once). */
  slicesDone: number;
  /** The epoch's end the plan was made for: an extended epoch (k-anonymity) gets one more slice. */
  planEnd?: string;
  /** Start of the extension being planned (absent: the epoch's start). */
  planStart?: string;
  /** The last problem of the source for this epoch (logged once). */
  problem?: string;
  /** The agent's share is claimed (or was pushed to it), or there was nothing to claim. */
  claimed?: boolean;
  /** Attestor: contributors attested and finalized in this epoch. */
  attested?: string[];
  finalized?: string[];
}

/** A transaction sent but not yet recorded: after a crash, the chain says whether it landed. */
export interface PendingAction {
  kind: "submit" | "attest";
  epochId: string;
  /** Contributor the action is about (attestor). */
  contributor?: string;
  /** The on-chain count before the transaction (submissions of the account in the epoch). */
  before: number;
  from: string;
  to: string;
  slice: number;
  checkpoint?: Json;
}

export interface ModelState {
  version: 1;
  chainId: string;
  pool: string;
  role: string;
  account: string;
  /** Contributor: source data up to this time (exclusive) is submitted or given up. */
  cursor?: string;
  /** The source's checkpoint matching the cursor. */
  checkpoint?: Json;
  pending?: PendingAction;
  epochs: Record<string, EpochRecord>;
  /** Claimed epochs not yet withdrawn, and the last withdrawal (Unix seconds). */
  withdraw: { claimsSince: number; lastAt?: string };
  /** Highest epoch the agent handled (submitted to, attested in, or closed/revealed as keeper). */
  lastEpochHandled?: string;
  keeper: { revealedThrough?: string; pushedThrough?: string };
  counters: Record<string, number>;
}

export class StateFileError extends RoyaltiesError {}

/** Writes `text` to `file` atomically: a reader sees the old content or the new one, never half of it. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** The state file of one key; `load` creates a fresh state when none exists. */
export class StateStore {
  state: ModelState;

  constructor(
    readonly file: string,
    key: { chainId: bigint; pool: string; role: string; account: string },
  ) {
    this.state = {
      version: 1,
      chainId: key.chainId.toString(),
      pool: key.pool,
      role: key.role,
      account: key.account,
      epochs: {},
      withdraw: { claimsSince: 0 },
      keeper: {},
      counters: {},
    };
    if (fs.existsSync(file)) {
      let loaded: ModelState;
      try {
        loaded = JSON.parse(fs.readFileSync(file, "utf8")) as ModelState;
      } catch {
        throw new StateFileError(
          `${file} is not valid JSON: restore it from a backup or move it away to start afresh.`,
        );
      }
      if (loaded.version !== 1 || loaded.pool.toLowerCase() !== key.pool.toLowerCase()) {
        throw new StateFileError(`${file} belongs to another key (pool ${loaded.pool}): check the state directory.`);
      }
      this.state = { ...this.state, ...loaded };
    }
  }

  epoch(epochId: bigint): EpochRecord {
    return (this.state.epochs[epochId.toString()] ??= { submissions: 0, slicesDone: 0 });
  }

  count(name: string, by = 1): void {
    this.state.counters[name] = (this.state.counters[name] ?? 0) + by;
  }

  save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(this.state, null, 2) + "\n");
  }
}

/** The file name of a key in the state directory. */
export function stateFileName(key: { chainId: bigint; pool: string; role: string; account: string }): string {
  return `${key.chainId}-${key.pool.toLowerCase()}-${key.role}-${key.account.toLowerCase()}.json`;
}

export interface LockHolder {
  pid: number;
  host: string;
  instance: string;
  startedAt: number;
  /** Wall-clock milliseconds of the holder's last heartbeat. */
  heartbeat: number;
}

/** Another live agent holds the key. */
export class AgentLockedError extends RoyaltiesError {
  constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {
    super(
      `Another agent (pid ${holder.pid} on ${holder.host}) runs this key (${path.basename(file, ".lock")}), ` +
        `heartbeat ${new Date(holder.heartbeat).toISOString()}: stop it first, or wait until its lock goes stale.`,
    );
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Reads a lock file; undefined when absent or unreadable (a lock being written counts as absent). */
export function readLock(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

/** A lock of one key: taken at start, refreshed every tick, released at stop. */
export class KeyLock {
  readonly instance = randomBytes(8).toString("hex");
  private startedAt = 0;

  constructor(
    readonly file: string,
    private readonly wallNow: () => number,
    private readonly staleAfterMs: number,
  ) {}

  /** Whether a holder is gone: its heartbeat is old, or its process on this host has exited. */
  private stale(holder: LockHolder): boolean {
    if (this.wallNow() - holder.heartbeat > this.staleAfterMs) return true;
    return holder.host === os.hostname() && holder.pid !== process.pid && !pidAlive(holder.pid);
  }

  private record(): LockHolder {
    return {
      pid: process.pid,
      host: os.hostname(),
      instance: this.instance,
      startedAt: this.startedAt,
      heartbeat: this.wallNow(),
    };
  }

  /** Takes the lock, replacing a stale one; throws {@link AgentLockedError} when a live agent holds it. */
  acquire(): { replaced?: LockHolder } {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.startedAt = this.wallNow();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(this.file, "wx", 0o600);
        fs.writeSync(fd, JSON.stringify(this.record()));
        fs.closeSync(fd);
        return {};
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST") throw error;
      }
      const holder = readLock(this.file);
      if (holder !== undefined && !this.stale(holder)) throw new AgentLockedError(this.file, holder);
      fs.rmSync(this.file, { force: true });
      if (holder !== undefined) {
        const result = this.acquire();
        return { ...result, replaced: holder };
      }
    }
    throw new StateFileError(`Could not take the lock ${this.file}: remove it if no agent runs.`);
  }

  /** Refreshes the heartbeat; throws {@link AgentLockedError} when another agent took the key over. */
  heartbeat(): void {
    const holder = readLock(this.file);
    if (holder === undefined || holder.instance !== this.instance) {
      throw new AgentLockedError(this.file, holder ?? { ...this.record(), pid: -1, host: "unknown" });
    }
    writeFileAtomic(this.file, JSON.stringify(this.record()));
  }

  /** Removes the lock if it is still this agent's. */
  release(): void {
    if (readLock(this.file)?.instance === this.instance) fs.rmSync(this.file, { force: true });
  }
}
