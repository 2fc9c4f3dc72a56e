/**
 * THE ONE PLACE where the agent claims and withdraws. Everything else in src/agent calls these two functions.
 *
 * Issue #17 (claim path) replaces the pool's token-paying claim with a credit to an encrypted balance in
 * `PayoutVault` (registry.payoutVault()) and a separate `withdraw`; the library then gets `claim` / `claimMany`
 * and `withdraw` actions. When #17 lands:
 *   - {@link claimEpochs}: call the library's `claimMany` (or `claim` per epoch) instead of `claimRoyalty`;
 *   - {@link withdrawPayout}: replace the marked no-op below with the library's `withdraw`.
 * Nothing else in the agent needs to change: the schedule/threshold logic that decides WHEN to withdraw
 * (contributor.ts, `withdrawDue`) is real and already runs.
 */
import type { PoolClient } from "../client";
import { claimRoyalty } from "../actions/claim";

export interface ClaimedEpoch {
  epochId: bigint;
  /** The transaction that paid (today) or credited (after #17) the share. */
  tx: string;
}

/**
 * Claims the signer's share of each epoch (revealed, claimable). Today: one `claimRoyalty` per epoch, paid as a
 * confidential transfer to `recipient` (the signer when omitted).
 */
export async function claimEpochs(
  client: PoolClient,
  { epochIds, recipient }: { epochIds: readonly bigint[]; recipient?: string },
  onClaimed: (claimed: ClaimedEpoch) => void,
): Promise<void> {
  for (const epochId of epochIds) {
    const { receipt } = await claimRoyalty(client, { epochId, recipient });
    onClaimed({ epochId, tx: receipt.hash });
  }
}

export interface WithdrawResult {
  /** False while withdrawing is not available on this chain's contracts (before #17): nothing was sent. */
  sent: boolean;
  tx?: string;
  /** One sentence for the log. */
  note: string;
}

/**
 * Withdraws the signer's credited payouts.
 *
 * TODO(#17): NO-OP UNTIL THE CLAIM PATH LANDS. Today a claim already pays the confidential token, so there is no
 * balance to withdraw; this returns `sent: false` and the agent logs it. Replace the body with the library's
 * `withdraw` action (PayoutVault) when #17 is merged.
 */
export async function withdrawPayout(_client: PoolClient, { to }: { to?: string }): Promise<WithdrawResult> {
  return {
    sent: false,
    note:
      `withdraw is not wired yet (waits for the PayoutVault of issue #17): claims already paid the confidential ` +
      `token${to === undefined ? "" : ` and ${to} was not used`}; nothing was sent`,
  };
}
