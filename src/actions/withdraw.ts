import { ZeroAddress, ZeroHash, isAddress } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { ConfidentialPayoutToken__factory } from "../../types";
import { confirmed, requireFhe, requireSigner } from "../client";
import { RoyaltiesError } from "../errors";
import { AmountAboveBalanceError } from "./balanceError";
import { decryptVaultBalance } from "./earnings";
import { UnwrapNotFinalizedError, finalizeUnwrapRequest } from "./unwrap";
import { vaultEvents, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";

/** The largest amount a partial withdrawal can encrypt (a `euint64`); no balance is larger. */
export const MAX_WITHDRAW_AMOUNT = 2n ** 64n - 1n;

export interface WithdrawParameters {
  /** A payout token (the model's ERC7984 wrapper) the signer holds a vault balance in. */
  token: string;
  /** Who receives the tokens (or the ERC20 with `unwrap`); the signer when omitted. */
  recipient?: string;
  /**
   * Confidential units to send (the token's decimals, e.g. 6: `1_500_000n` = 1.5 tokens), encrypted before it is sent
   * so no observer learns it; omitted = everything.
   */
  amount?: bigint;
  /** Pay the public ERC20 instead of the confidential token (the unwrap is finalized in the same call). */
  unwrap?: boolean;
}

export interface WithdrawReturnType {
  token: string;
  recipient: string;
  /** Units asked for; undefined for the whole balance. */
  requested?: bigint;
  /** Confidential units that really left the balance, decrypted with the signer's key. */
  sent: bigint;
  /** The encrypted amount sent (with `unwrap`, the unwrap request id). */
  sentHandle: string;
  unwrapped: boolean;
  /** With `unwrap`: ERC20 base units paid to the recipient (`sent * rate()`). */
  underlyingAmount?: bigint;
  /** The withdrawal, then (with `unwrap`) the finalization of the unwrap. */
  receipts: ContractTransactionReceipt[];
}

/** The withdrawal amount is not a positive 64-bit number of confidential units. */
export class InvalidWithdrawAmountError extends RoyaltiesError {}

/** The withdrawal recipient is not a usable address. */
export class InvalidWithdrawRecipientError extends RoyaltiesError {}

/** The payout token is not an address. */
export class InvalidPayoutTokenError extends RoyaltiesError {}

/** The signer holds no vault balance in the token (never credited, or fully withdrawn). */
export class NoVaultBalanceError extends RoyaltiesError {
  constructor(readonly token: string) {
    super(
      `You hold no balance in payout token ${token} in the payout vault: claim first (royalties claim or ` +
        "royalties claim-all, or Claim all in the dashboard); a full withdrawal empties a balance.",
    );
  }
}

/** A partial withdrawal above the signer's vault balance (the vault would send nothing). */
export class InsufficientVaultBalanceError extends AmountAboveBalanceError {
  protected static override readonly wording = {
    balance: "vault balance",
    verb: "withdraw",
    advice: ", or omit the amount to withdraw everything",
  };
}

/**
 * Withdraws all or part of the signer's vault balance in a payout token, however many epochs and models it came
 * from, to the signer or another recipient, as the confidential token or (`unwrap`) as the public ERC20. A partial
 * `amount` is encrypted for (vault, signer) and sent with its input proof (`withdrawAmount…`): neither the calldata
 * nor the events carry it in clear. Without an amount, the whole-balance path (`withdraw…`) runs no FHE operation.
 *
 * Before sending, it refuses (with nothing sent): a recipient that is not a non-zero address, a token with no
 * balance, and — since the vault compares the encrypted amount under FHE and would send nothing — a partial amount
 * above the balance, which it decrypts with the signer's key. The returned `sent` is what really left the
 * balance (decrypted), never the amount asked for. With `unwrap` it then finalizes the unwrap (public decryption of
 * the burnt amount through the KMS); if that step fails, {@link UnwrapNotFinalizedError} names the request to finish.
 * @example
 * const all = await withdraw(vault, { token: model.payoutToken });
 * const part = await withdraw(vault, { token, amount: 2_500_000n, recipient: cold, unwrap: true });
 */
export async function withdraw(
  client: VaultClient,
  { token, recipient, amount, unwrap = false }: WithdrawParameters,
): Promise<WithdrawReturnType> {
  if (amount !== undefined && (amount <= 0n || amount > MAX_WITHDRAW_AMOUNT)) {
    throw new InvalidWithdrawAmountError(
      `Withdraw a positive amount of confidential units below 2^64, or omit it for everything; got ${amount}.`,
    );
  }
  const signer = requireSigner(client, "withdraw");
  const owner = await signer.getAddress();
  const to = recipient ?? owner;
  if (!isAddress(to) || to === ZeroAddress) {
    throw new InvalidWithdrawRecipientError(`Recipient ${to} is not a usable address: pass a non-zero 0x… address.`);
  }
  if (!isAddress(token)) {
    throw new InvalidPayoutTokenError(`Token ${token} is not an address: pass the payout token's 0x… address.`);
  }
  if ((await client.vault.balanceOf(owner, token)) === ZeroHash) throw new NoVaultBalanceError(token);
  const payout = ConfidentialPayoutToken__factory.connect(token, signer);
  if (amount !== undefined) {
    const balance = await decryptVaultBalance(client, { token });
    if (amount > balance) {
      const [decimals, symbol] = await Promise.all([payout.decimals(), payout.symbol()]);
      throw new InsufficientVaultBalanceError(amount, balance, Number(decimals), symbol);
    }
  }

  // The input is bound to (vault, signer): nobody else can submit it, nor to another contract.
  const encrypted =
    amount === undefined
      ? undefined
      : await requireFhe(client, "withdraw").encryptUint64(client.address, owner, [amount]);
  const receipt = await withVaultErrors(() => {
    if (encrypted === undefined) {
      return confirmed(unwrap ? client.vault.withdrawUnwrapped(token, to) : client.vault.withdraw(token, to));
    }
    const [handle, proof] = [encrypted.handles[0], encrypted.inputProof];
    return confirmed(
      unwrap
        ? client.vault.withdrawAmountUnwrapped(token, to, handle, proof)
        : client.vault.withdrawAmount(token, to, handle, proof),
    );
  });
  const event = vaultEvents(client, receipt, "Withdrawn")[0];
  if (event === undefined) throw new RoyaltiesError("The withdrawal emitted no Withdrawn event: check the vault.");
  const sentHandle = event.args.sent;
  const base = { token, recipient: to, requested: amount, sentHandle };
  if (!unwrap) {
    const sent =
      sentHandle === ZeroHash ? 0n : await requireFhe(client, "withdraw").userDecryptUint64(sentHandle, token, signer);
    return { ...base, sent, unwrapped: false, receipts: [receipt] };
  }
  try {
    const finalized = await finalizeUnwrapRequest(client, { token: payout, requestId: sentHandle });
    return {
      ...base,
      sent: finalized.units,
      unwrapped: true,
      underlyingAmount: finalized.underlyingAmount,
      receipts: [receipt, finalized.receipt],
    };
  } catch (error) {
    throw new UnwrapNotFinalizedError(sentHandle, error);
  }
}
