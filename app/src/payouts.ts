/**
 * The payouts card's pure rules: when Claim all and Withdraw may be sent (from public state only), and how a
 * withdrawal amount typed in whole tokens becomes confidential units.
 */
import { parseUnits } from "ethers";

import { MAX_WITHDRAW_AMOUNT } from "../../src";
import type { Gate } from "./guards";

/** Claim all needs at least one claimable pair (a revealed epoch the contributor has not claimed). */
export function claimAllGate(pairs: number): Gate {
  return pairs > 0
    ? { open: true }
    : { open: false, reason: "nothing to claim: no revealed epoch of yours is waiting to be claimed" };
}

/** A withdrawal needs a vault balance in the token (the vault reverts PayoutVaultNoBalance otherwise). */
export function withdrawGate(hasBalance: boolean): Gate {
  return hasBalance
    ? { open: true }
    : { open: false, reason: "no balance in the vault: claim a revealed epoch first (a full withdrawal empties it)" };
}

const AMOUNT = /^\d+(\.\d+)?$/;

/** Parses a withdrawal amount in whole tokens ("" = everything); returns units or a problem to show. */
export function parseWithdrawAmount(text: string, decimals: number): { units?: bigint; problem?: string } {
  const value = text.trim().replace(/_/g, "").replace(/,/g, "");
  if (value === "") return {};
  const fraction = value.split(".")[1] ?? "";
  if (!AMOUNT.test(value) || fraction.length > decimals) {
    return {
      problem: `Enter an amount such as 12.5 (at most ${decimals} decimals), or leave it empty for everything.`,
    };
  }
  const units = parseUnits(value, decimals);
  if (units <= 0n) return { problem: "Enter a positive amount, or leave it empty for everything." };
  if (units > MAX_WITHDRAW_AMOUNT)
    return { problem: "That amount is above any balance: leave it empty for everything." };
  return { units };
}
