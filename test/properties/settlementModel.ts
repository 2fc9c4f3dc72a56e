/**
 * A plaintext model of the pool's accounting across epochs: fundings, noisy totals, the move of what an epoch's
 * shares add up to at most into the payout vault at its reveal, shares credited there, settlements that
 * release a masked part of the pool's remainder (pool − moved) and keep the rest hidden. It mirrors RoyaltyPool step by step
 * (share parameters, remainder bound, mask rule) so that thousands of random histories can be checked in
 * seconds; test/properties/settlement.property.test.ts also replays histories on the fhEVM mock and checks that
 * the chain and the model agree.
 */
import { nextMaskBits, remainderBound, shareParameters } from "../../src/math";

export interface ModelEpoch {
  /** Units funded into this epoch (besides what settlements and carries add). */
  funded: bigint;
  /** Scores of the epoch's contributors (at least k = 3 of them). */
  scores: bigint[];
  noiseBits: number;
  /** Units funded into the next epoch after this one's reveal, before the settlement (what it can lend). */
  prefund: bigint;
  /** Settle right after this epoch's reveal (otherwise the remainder waits for a later settlement). */
  settle: boolean;
}

/** Random draws the chain makes, supplied by the caller (the fuzzer) or read back from the chain. */
export interface Draws {
  noise(epoch: number, noiseBits: number): bigint;
  /** The fresh hidden carry `U` below `2^maskBits` of a settlement. */
  mask(settlement: number, maskBits: bigint): bigint;
}

export interface ModelOutcome {
  funded: bigint;
  /** Σ shares credited to contributors (every share of every epoch is claimed). */
  paid: bigint;
  /** Σ moved into the payout vault at the reveals: floor(trueTotal·factor >> shift) per epoch. */
  moved: bigint;
  /** What the vault holds beyond the credited shares: the per-share floors (fewer units than participants). */
  vaultDust: bigint;
  /** Units in the current (open) epoch's public pool at the end. */
  currentPool: bigint;
  /** The encrypted carry the last settlement kept, and the remainders not yet settled. */
  hidden: bigint;
  unsettled: bigint;
  maskBits: bigint;
  /** The mask width of every settlement, in order. */
  masks: bigint[];
  releases: bigint[];
  shares: bigint[][];
  noisyTotals: bigint[];
}

export function runModel(epochs: readonly ModelEpoch[], draws: Draws): ModelOutcome {
  let currentPool = 0n;
  let funded = 0n;
  let paid = 0n;
  let moved = 0n;
  let hidden = 0n;
  let maskBits = 0n;
  let bound = 0n;
  let noisy = false;
  let unsettled = 0n;
  let settlements = 0;
  const releases: bigint[] = [];
  const masks: bigint[] = [];
  const allShares: bigint[][] = [];
  const noisyTotals: bigint[] = [];

  epochs.forEach((epoch, index) => {
    funded += epoch.funded;
    const pool = currentPool + epoch.funded;
    currentPool = 0n; // the next epoch starts empty; this one's pool is now the closed epoch's
    const total = epoch.scores.reduce((a, b) => a + b, 0n);
    const noise = epoch.noiseBits === 0 ? 0n : draws.noise(index, epoch.noiseBits);
    if (noise >= 1n << BigInt(epoch.noiseBits) && epoch.noiseBits !== 0) throw new Error("noise out of range");
    const noisyTotal = total + noise;
    noisyTotals.push(noisyTotal);
    const { factor, shift } = shareParameters(pool, noisyTotal);
    if (factor === 0n) {
      // Nothing to share: the whole pool moves to the current epoch.
      currentPool += pool;
      allShares.push([]);
    } else {
      const shares = epoch.scores.map((s) => (s * factor) >> shift);
      const sum = shares.reduce((a, b) => a + b, 0n);
      // The reveal moves floor(total·factor >> shift), computed on the total before the noise, into the vault.
      const payable = (total * factor) >> shift;
      if (sum > payable) throw new Error(`Σ shares ${sum} > moved ${payable}`);
      if (payable - sum >= BigInt(epoch.scores.length)) throw new Error(`vault dust ${payable - sum} ≥ participants`);
      if (payable > pool) throw new Error(`moved ${payable} > pool ${pool}`);
      paid += sum;
      moved += payable;
      allShares.push(shares);
      const remainder = pool - payable;
      const epochBound = remainderBound(pool, noisyTotal, BigInt(epoch.noiseBits), BigInt(epoch.scores.length));
      if (remainder > epochBound) throw new Error(`remainder ${remainder} > its public bound ${epochBound}`);
      unsettled += remainder;
      bound += epochBound;
      if (epoch.noiseBits !== 0) noisy = true;
    }
    currentPool += epoch.prefund;
    funded += epoch.prefund;
    const nextMask =
      noisy || maskBits !== 0n ? nextMaskBits(maskBits, bound > 2n ** 64n - 1n ? 2n ** 64n - 1n : bound) : 0n;
    const lent = nextMask === 0n ? 0n : 1n << nextMask;
    // The contract refuses a masked settlement the current pool cannot lend to (RoyaltyPoolMaskReserveShort).
    // The chain settles once anything was ever funded (the balance exists) and the current pool can lend the mask.
    if (epoch.settle && funded > 0n && currentPool >= lent) {
      const rem = unsettled + hidden;
      maskBits = nextMask;
      let kept = 0n;
      if (maskBits !== 0n) {
        kept = draws.mask(settlements, maskBits);
        if (kept >= 1n << maskBits) throw new Error("mask out of range");
      }
      const released = rem + lent - kept;
      releases.push(released);
      masks.push(maskBits);
      currentPool += released - lent;
      hidden = kept;
      unsettled = 0n;
      bound = 0n;
      noisy = false;
      settlements++;
    }
  });
  return {
    funded,
    paid,
    moved,
    vaultDust: moved - paid,
    currentPool,
    hidden,
    unsettled,
    maskBits,
    masks,
    releases,
    shares: allShares,
    noisyTotals,
  };
}
