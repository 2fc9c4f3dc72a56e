import type { ContractTransactionReceipt } from "ethers";

import { confirmed, requireSigner } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";
import { modelIdOfPool, vaultEvents, vaultOfPool, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";

export interface ClaimRoyaltyParameters {
  /** A revealed epoch the signer contributed to. */
  epochId: bigint;
}

export interface ClaimRoyaltyReturnType {
  /** The encrypted share (decryptable by the signer and the epoch's disclosure viewers). */
  shareHandle: string;
  /** The signer's new encrypted vault balance in the payout token (decryptable by the signer only). */
  balanceHandle: string;
  /** The payout token the share was credited in. */
  token: string;
  receipt: ContractTransactionReceipt;
}

export interface PushUnclaimedParameters {
  /** A revealed epoch whose claim window has ended. */
  epochId: bigint;
  /** A contributor of that epoch who has not claimed. */
  contributor: string;
}

export interface PushUnclaimedReturnType extends ClaimRoyaltyReturnType {
  contributor: string;
}

/** The share and the new balance a claim credited to `contributor`, read from the vault's events. */
function credited(vault: VaultClient, receipt: ContractTransactionReceipt, contributor: string) {
  const mine = (event: { args: { contributor: string } }) =>
    event.args.contributor.toLowerCase() === contributor.toLowerCase();
  const share = vaultEvents(vault, receipt, "ShareCredited").find(mine);
  const balance = vaultEvents(vault, receipt, "BalanceUpdated").find(mine);
  if (share === undefined || balance === undefined) {
    throw new RoyaltiesError("The claim credited nothing (no ShareCredited event): check the vault address.");
  }
  return {
    shareHandle: share.args.share,
    balanceHandle: balance.args.balance,
    token: share.args.token,
  };
}

/**
 * Claims the signer's encrypted share of a revealed epoch into the signer's encrypted balance in the payout vault
 * (the one claim path: it counts toward the cross-model earnings and applies the signer's disclosure grants). No token
 * moves: withdraw the balance later, for any number of epochs and models at once, with {@link withdraw}.
 * Reverts are decoded: the pool's errors (not revealed, no contribution, already claimed) and the vault's.
 * @example
 * const { shareHandle, balanceHandle } = await claimRoyalty(aliceClient, { epochId: 1n });
 */
export async function claimRoyalty(
  client: PoolClient,
  { epochId }: ClaimRoyaltyParameters,
): Promise<ClaimRoyaltyReturnType> {
  const [vault, modelId] = await Promise.all([vaultOfPool(client), modelIdOfPool(client)]);
  const receipt = await withVaultErrors(() => confirmed(vault.vault.claim(modelId, epochId)));
  return { ...credited(vault, receipt, await requireSigner(client, "claimRoyalty").getAddress()), receipt };
}

/**
 * After an epoch's claim window, credits a contributor's unclaimed share to the contributor's own vault balance
 * (anyone may call; only the contributor can decrypt the share): absent contributors neither lose their share nor
 * hold the epoch open.
 * @example
 * await pushUnclaimed(operatorClient, { epochId: 1n, contributor: carol });
 */
export async function pushUnclaimed(
  client: PoolClient,
  { epochId, contributor }: PushUnclaimedParameters,
): Promise<PushUnclaimedReturnType> {
  const [vault, modelId] = await Promise.all([vaultOfPool(client), modelIdOfPool(client)]);
  const receipt = await withVaultErrors(() => confirmed(vault.vault.pushUnclaimed(modelId, epochId, contributor)));
  return { ...credited(vault, receipt, contributor), contributor, receipt };
}
