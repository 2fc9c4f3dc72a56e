/**
 * A plaintext model of one pool's life under any rules validation accepts: governance votes, fundings,
 * submissions, closes (extension below k, adoption of the newest rules at an extension boundary), reveals (which
 * move what the epoch's shares add up to at most into the payout vault), claims through the vault, absent
 * contributors pushed after the claim window, masked settlements (which wait for reveals, never for claims) and time. It mirrors
 * RoyaltyPool step by step; test/properties/liveness.property.test.ts fuzzes it and replays sequences on the
 * fhEVM mock to check the chain and the model agree.
 */
import { nextMaskBits, remainderBound, shareParameters } from "../../src/math";

export const POPULATION = 5;
/** Contributors 3 and 4 never claim: their shares must be pushed after the claim window. */
export const ABSENT = new Set([3, 4]);
export const MIN_EPOCH = 60n;
/** The claim window of rules that set none. */
export const MAX_CLAIM_WINDOW = 730n * 24n * 3600n;

export interface ModelRules {
  k: number;
  epochLength: bigint;
  noiseBits: number;
  claimWindow: bigint;
}

export type Command =
  | { kind: "vote"; rules: ModelRules }
  | { kind: "fund"; units: bigint }
  | { kind: "submit"; who: number; score: bigint }
  | { kind: "close" }
  | { kind: "reveal" }
  | { kind: "claim"; who: number }
  | { kind: "push" }
  | { kind: "settle" }
  | { kind: "wait"; seconds: bigint };

export interface ModelEpochState {
  version: number;
  start: bigint;
  end: bigint;
  state: "Open" | "Closed" | "Revealed";
  pool: bigint;
  scores: Map<number, bigint>;
  /** The true total (before the noise): what the reveal's move to the vault is computed on. */
  total: bigint;
  noisyTotal: bigint;
  factor: bigint;
  shift: bigint;
  revealedAt: bigint;
  claimed: Set<number>;
}

/** Random values the chain draws (noise, settlement mask), supplied by the fuzzer or read back from a chain. */
export interface LivenessDraws {
  noise(epochId: number, noiseBits: number): bigint;
  kept(settlement: number, remainder: bigint, maskBits: bigint): bigint;
}

export class PoolModel {
  readonly rules: ModelRules[];
  readonly epochs: ModelEpochState[] = [];
  now: bigint;
  funded = 0n;
  /** Σ shares credited to vault balances (claims and pushes). */
  paid = 0n;
  /** Σ moved from the pool into the payout vault at the reveals. */
  moved = 0n;
  hidden = 0n;
  maskBits = 0n;
  private bound = 0n;
  private noisy = false;
  private outstanding = 0;
  private settledThrough = 0;
  private settlements = 0;
  /** Every total revealed, with the participants and k it was revealed under (never below k). */
  readonly reveals: { participants: number; k: number }[] = [];

  constructor(
    first: ModelRules,
    now: bigint,
    private readonly draws: LivenessDraws,
  ) {
    this.rules = [first];
    this.now = now;
    this.startEpoch(now, 1);
  }

  get current(): ModelEpochState {
    return this.epochs[this.epochs.length - 1];
  }

  get currentId(): number {
    return this.epochs.length;
  }

  private startEpoch(start: bigint, version: number): void {
    this.epochs.push({
      version,
      start,
      end: start + this.rules[version - 1].epochLength,
      state: "Open",
      pool: 0n,
      scores: new Map(),
      total: 0n,
      noisyTotal: 0n,
      factor: 0n,
      shift: 0n,
      revealedAt: 0n,
      claimed: new Set(),
    });
  }

  /** Validation of the contract: returns false (and changes nothing) for rules it refuses. */
  vote(rules: ModelRules): boolean {
    if (rules.k < 3 || rules.epochLength < MIN_EPOCH) return false;
    if (rules.noiseBits !== 0 && rules.claimWindow === 0n) return false;
    this.rules.push(rules);
    return true;
  }

  fund(units: bigint): void {
    this.current.pool += units;
    this.funded += units;
  }

  submit(who: number, score: bigint): boolean {
    const epoch = this.current;
    if (this.now >= epoch.end || epoch.scores.has(who)) return false;
    epoch.scores.set(who, score);
    return true;
  }

  close(): boolean {
    const epoch = this.current;
    if (this.now < epoch.end) return false;
    let rules = this.rules[epoch.version - 1];
    const newest = this.rules.length;
    // Adoption (see RoyaltyPool._adoptNewestRules): never a version with less noise; the 64-bit room always
    // suffices for this model's small scores.
    if (
      newest !== epoch.version &&
      epoch.scores.size < rules.k &&
      this.rules[newest - 1].noiseBits >= rules.noiseBits
    ) {
      epoch.version = newest;
      rules = this.rules[newest - 1];
    }
    if (epoch.scores.size < rules.k) {
      const periods = (this.now - epoch.end) / rules.epochLength + 1n;
      epoch.end += periods * rules.epochLength;
      return false;
    }
    epoch.state = "Closed";
    this.outstanding++;
    const total = [...epoch.scores.values()].reduce((a, b) => a + b, 0n);
    epoch.total = total;
    epoch.noisyTotal = total + (rules.noiseBits === 0 ? 0n : this.draws.noise(this.currentId, rules.noiseBits));
    this.startEpoch(this.now, this.rules.length);
    return true;
  }

  /** Reveals the oldest closed epoch, if any; returns its id or 0. */
  reveal(): number {
    const id = this.epochs.findIndex((e) => e.state === "Closed") + 1;
    if (id === 0) return 0;
    const epoch = this.epochs[id - 1];
    const rules = this.rules[epoch.version - 1];
    this.reveals.push({ participants: epoch.scores.size, k: rules.k });
    epoch.state = "Revealed";
    epoch.revealedAt = this.now;
    const { factor, shift } = shareParameters(epoch.pool, epoch.noisyTotal);
    epoch.factor = factor;
    epoch.shift = shift;
    this.outstanding--;
    if (factor === 0n) {
      this.current.pool += epoch.pool;
      return id;
    }
    // What the shares add up to at most moves into the vault now; claims only credit balances there.
    this.moved += (epoch.total * factor) >> shift;
    this.bound += remainderBound(epoch.pool, epoch.noisyTotal, BigInt(rules.noiseBits), BigInt(epoch.scores.size));
    if (rules.noiseBits !== 0) this.noisy = true;
    return id;
  }

  /** Epochs `who` can claim now. */
  claimable(who: number): number[] {
    return this.epochs
      .map((e, i) => ({ e, id: i + 1 }))
      .filter(({ e }) => e.state === "Revealed" && e.factor !== 0n && e.scores.has(who) && !e.claimed.has(who))
      .map(({ id }) => id);
  }

  claim(epochId: number, who: number): bigint {
    const epoch = this.epochs[epochId - 1];
    const share = (epoch.scores.get(who)! * epoch.factor) >> epoch.shift;
    epoch.claimed.add(who);
    this.paid += share;
    return share;
  }

  /** Pushes every unclaimed share whose claim window has passed; returns the (epoch, who) pairs pushed. */
  pushable(): [number, number][] {
    const pairs: [number, number][] = [];
    this.epochs.forEach((e, i) => {
      const window = this.rules[e.version - 1].claimWindow || MAX_CLAIM_WINDOW;
      if (e.state !== "Revealed" || e.factor === 0n || window === 0n || this.now < e.revealedAt + window) return;
      for (const who of e.scores.keys()) if (!e.claimed.has(who)) pairs.push([i + 1, who]);
    });
    return pairs;
  }

  /** The mask the next settlement uses, and what it borrows from the current pool (2^mask, 0 unmasked). */
  nextLoan(): { maskBits: bigint; lent: bigint } {
    const maskBits = this.noisy || this.maskBits !== 0n ? nextMaskBits(this.maskBits, this.bound) : 0n;
    return { maskBits, lent: maskBits === 0n ? 0n : 1n << maskBits };
  }

  /** Whether a settlement may start now, leaving aside the pool's reserve for the mask (see {@link nextLoan}). */
  settleable(): boolean {
    return this.outstanding === 0 && this.settledThrough + 1 < this.currentId && this.funded > 0n;
  }

  canSettle(): boolean {
    return this.settleable() && this.current.pool >= this.nextLoan().lent;
  }

  /**
   * Unpaid remainder of the pool, what the chain computes as balance − current pool: when a settlement may
   * happen every earlier epoch is revealed, so its payable part is in the vault and the pool's balance holds
   * only the current pool, the hidden carry and the revealed epochs' remainders (pool − moved).
   */
  remainder(): bigint {
    return this.funded - this.moved - this.current.pool;
  }

  settle(): bigint {
    const remainder = this.remainder();
    const { maskBits, lent } = this.nextLoan();
    this.maskBits = maskBits;
    // The current pool lends 2^maskBits; the hidden carry is a fresh draw below it; the rest is released.
    const kept = maskBits === 0n ? 0n : this.draws.kept(this.settlements, remainder, maskBits);
    const released = remainder + lent - kept;
    this.current.pool += released - lent;
    this.hidden = kept;
    this.bound = 0n;
    this.noisy = false;
    this.settledThrough = this.currentId - 1;
    this.settlements++;
    return released;
  }
}
