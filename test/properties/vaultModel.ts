/**
 * A plaintext model of the payout vault over several models and two payout tokens: each model's pool is a
 * {@link PoolModel} (its reveals move what the shares add up to at most into the vault), claims, batch claims and
 * pushes credit the contributor's balance in the model's token, withdrawals take all of a balance, or a part of it
 * when the balance covers it and nothing otherwise. test/properties/vault.property.test.ts fuzzes it and replays
 * sequences on the fhEVM mock to check that the decrypted balances agree.
 */
import { shareParameters } from "../../src/math";
import { PoolModel } from "./livenessModel";
import type { LivenessDraws, ModelRules } from "./livenessModel";

/** Contributors (k = 3, so every epoch can close). */
export const VAULT_POPULATION = 4;
/** `PayoutVault.maxClaimsPerTransaction()`. */
export const MAX_PAIRS = 35;
/** `PayoutVault.TX_HCU_LIMIT`, `NARROW_PAIR_HCU`, `WIDE_PAIR_HCU`. */
const TX_HCU_LIMIT = 20_000_000;
const NARROW_PAIR_HCU = 561_000;
const WIDE_PAIR_HCU = 895_064;

export type Amount = "all" | bigint;

export type VaultCommand =
  | { kind: "fund"; model: number; units: bigint }
  | { kind: "submit"; model: number; who: number; score: bigint }
  | { kind: "close"; model: number }
  | { kind: "reveal"; model: number }
  | { kind: "claim"; model: number; who: number }
  | { kind: "claimMany"; who: number; skipped: number }
  | { kind: "push"; model: number }
  | { kind: "withdraw"; who: number; token: number; amount: Amount }
  | { kind: "settle"; model: number }
  | { kind: "wait"; seconds: bigint }
  /** A whole epoch of one model: funding, submissions of `players`, time to its end, close and reveal. */
  | { kind: "play"; model: number; units: bigint; players: number[]; scores: bigint[] };

export interface Pair {
  model: number;
  epochId: number;
}

/** What a withdrawal does: the contract's custom error, or the units that really left the balance. */
export type WithdrawOutcome = { error: "PayoutVaultNoBalance" } | { sent: bigint };

/** What a batch claim does: refused whole, or the pairs credited (the others emit PairSkipped). */
export type ClaimManyOutcome =
  { error: "PayoutVaultBatchTooLarge" | "PayoutVaultBatchTooExpensive" } | { credited: Pair[]; skipped: Pair[] };

const key = (who: number, token: number) => `${who}:${token}`;

export class VaultModel {
  readonly pools: PoolModel[];
  /** Balances that exist (an initialized handle); a full withdrawal clears one (PayoutVaultNoBalance after). */
  readonly balances = new Map<string, bigint>();
  /** Σ credited and Σ withdrawn per (contributor, token), kept apart from the balance. */
  readonly credited = new Map<string, bigint>();
  readonly withdrawn = new Map<string, bigint>();
  /** Every share credited, per (contributor, token): Σ of them is the contributor's earnings. */
  readonly shares = new Map<string, bigint[]>();

  constructor(
    rules: readonly ModelRules[],
    readonly tokens: readonly number[],
    now: bigint,
    draws: (model: number) => LivenessDraws,
  ) {
    this.pools = rules.map((r, m) => new PoolModel(r, now, draws(m)));
  }

  /** Pairs `who` can claim now, in model then epoch order. */
  claimablePairs(who: number): Pair[] {
    return this.pools.flatMap((pool, model) => pool.claimable(who).map((epochId) => ({ model, epochId })));
  }

  private credit(who: number, model: number, share: bigint): void {
    const k = key(who, this.tokens[model]);
    this.balances.set(k, (this.balances.get(k) ?? 0n) + share);
    this.credited.set(k, (this.credited.get(k) ?? 0n) + share);
    this.shares.set(k, [...(this.shares.get(k) ?? []), share]);
  }

  /** A claim (or push) of one pair; the caller checked it is claimable. */
  claim(model: number, epochId: number, who: number): bigint {
    const share = this.pools[model].claim(epochId, who);
    this.credit(who, model, share);
    return share;
  }

  claimMany(who: number, pairs: readonly Pair[]): ClaimManyOutcome {
    if (pairs.length > MAX_PAIRS) return { error: "PayoutVaultBatchTooLarge" };
    const credited: Pair[] = [];
    const skipped: Pair[] = [];
    const claimed = new Set<string>();
    let hcu = 0;
    for (const pair of pairs) {
      const id = `${pair.model}:${pair.epochId}`;
      if (claimed.has(id) || !this.pools[pair.model].claimable(who).includes(pair.epochId)) {
        skipped.push(pair);
        continue;
      }
      const epoch = this.pools[pair.model].epochs[pair.epochId - 1];
      hcu += shareParameters(epoch.pool, epoch.noisyTotal).wide ? WIDE_PAIR_HCU : NARROW_PAIR_HCU;
      if (hcu > TX_HCU_LIMIT) return { error: "PayoutVaultBatchTooExpensive" };
      claimed.add(id);
      credited.push(pair);
    }
    for (const pair of credited) this.claim(pair.model, pair.epochId, who);
    return { credited, skipped };
  }

  withdraw(who: number, token: number, amount: Amount): WithdrawOutcome {
    const k = key(who, token);
    const balance = this.balances.get(k);
    if (balance === undefined) return { error: "PayoutVaultNoBalance" };
    let sent: bigint;
    if (amount === "all") {
      sent = balance;
      this.balances.delete(k);
    } else {
      // All of the (encrypted) amount when the balance covers it, nothing otherwise: never a silent partial payout.
      // An encrypted zero cannot be refused in public: it sends 0.
      sent = amount <= balance ? amount : 0n;
      this.balances.set(k, balance - sent);
    }
    this.withdrawn.set(k, (this.withdrawn.get(k) ?? 0n) + sent);
    return { sent };
  }

  balance(who: number, token: number): bigint {
    return this.balances.get(key(who, token)) ?? 0n;
  }

  /** Per token: units funded into its pools, moved to the vault, credited, withdrawn. */
  totals(token: number) {
    const pools = this.pools.filter((_, m) => this.tokens[m] === token);
    const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
    const ofToken = (map: Map<string, bigint>) =>
      sum([...map.entries()].filter(([k]) => k.endsWith(`:${token}`)).map(([, v]) => v));
    return {
      funded: sum(pools.map((p) => p.funded)),
      moved: sum(pools.map((p) => p.moved)),
      credited: ofToken(this.credited),
      withdrawn: ofToken(this.withdrawn),
      balances: ofToken(this.balances),
      /** What the token's pools still hold: current pools, hidden carries, remainders and unrevealed epochs. */
      inPools: sum(pools.map((p) => p.funded - p.moved)),
      /** Participants of the token's revealed epochs with something to share (each leaves < 1 unit of dust). */
      participants: sum(
        pools.flatMap((p) =>
          p.epochs.filter((e) => e.state === "Revealed" && e.factor !== 0n).map((e) => BigInt(e.scores.size)),
        ),
      ),
    };
  }

  /** Every invariant of the vault's accounting; throws on the first one broken. */
  check(): void {
    for (const [k, balance] of this.balances) {
      const credited = this.credited.get(k) ?? 0n;
      const withdrawn = this.withdrawn.get(k) ?? 0n;
      if (balance !== credited - withdrawn) throw new Error(`${k}: balance ${balance} ≠ ${credited} − ${withdrawn}`);
    }
    for (const [k, shares] of this.shares) {
      const earnings = (this.balances.get(k) ?? 0n) + (this.withdrawn.get(k) ?? 0n);
      const sum = shares.reduce((a, b) => a + b, 0n);
      if (earnings !== sum) throw new Error(`${k}: earnings ${earnings} ≠ Σ credited shares ${sum}`);
    }
    for (const token of new Set(this.tokens)) {
      const t = this.totals(token);
      if (!(t.credited <= t.moved && t.moved <= t.funded)) {
        throw new Error(`token ${token}: credited ${t.credited} ≤ moved ${t.moved} ≤ funded ${t.funded} broken`);
      }
      if (t.withdrawn > t.credited) throw new Error(`token ${token}: withdrawn ${t.withdrawn} > credited`);
      // What the vault holds in the token: the balances plus the floors' dust.
      const held = t.moved - t.withdrawn;
      if (held < t.balances) throw new Error(`token ${token}: vault holds ${held} < balances ${t.balances}`);
    }
  }
}
