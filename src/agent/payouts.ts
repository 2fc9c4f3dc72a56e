/**
 * The one place where the agent claims and withdraws: claims credit the signer's encrypted balance in the registry's
 * payout vault (one transaction for every due epoch of the model), withdrawals pay that balance out.
 */
import { requireSigner } from "../client";
import type { PoolClient } from "../client";
import { claimAll } from "../actions/claimAll";
import { modelIdOfPool, vaultOfPool } from "../actions/vault";
import { withdraw } from "../actions/withdraw";

export interface ClaimedEpoch {
  epochId: bigint;
  /** The transaction that credited the share. */
  tx: string;
}

/**
 * Claims the signer's share of each epoch (revealed, claimable) into their vault balance, batched as the vault
 * allows (the library splits batches at the vault's pair and HCU bounds).
 */
export async function claimEpochs(
  client: PoolClient,
  { epochIds }: { epochIds: readonly bigint[] },
  onClaimed: (claimed: ClaimedEpoch) => void,
): Promise<void> {
  if (epochIds.length === 0) return;
  const vault = await vaultOfPool(client);
  const modelId = await modelIdOfPool(client);
  const result = await claimAll(vault, { pairs: epochIds.map((epochId) => ({ modelId, epochId })) });
  const tx = result.receipts[result.receipts.length - 1]?.hash ?? "";
  for (const epochId of epochIds) {
    if ((await client.pool.hasClaimed(epochId, await requireSigner(client, "claimEpochs").getAddress())) === true)
      onClaimed({ epochId, tx });
  }
}

export interface WithdrawResult {
  /** False when there was nothing to withdraw. */
  sent: boolean;
  tx?: string;
  /** One sentence for the log (never the amount: logs carry no secret value). */
  note: string;
}

/**
 * Withdraws the signer's whole vault balance in the pool's payout token, to `to` (the signer when omitted), unwrapped
 * to the public ERC20 when asked.
 */
export async function withdrawPayout(
  client: PoolClient,
  { to, unwrap }: { to?: string; unwrap?: boolean },
): Promise<WithdrawResult> {
  const vault = await vaultOfPool(client);
  const token = await client.pool.payoutToken();
  const result = await withdraw(vault, { token, recipient: to, unwrap: unwrap ?? false });
  const receipt = result.receipts[0];
  return {
    sent: true,
    tx: receipt?.hash,
    note: `the whole vault balance went to ${result.recipient}${result.unwrapped ? " (unwrapped)" : ""}`,
  };
}
