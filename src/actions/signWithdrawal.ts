import { ZeroAddress, getAddress } from "ethers";

import type { VaultClient } from "./vault";
import {
  WITHDRAW_AUTHORIZATION_TYPES,
  InvalidSignedWithdrawalError,
  WithdrawalBalanceError,
  checkWithdrawable,
  encryptAmount,
  signAuthorization,
} from "./withdrawalAuthorization";
import type { AuthorizationTerms, SignedWithdrawal, WithdrawAuthorization } from "./withdrawalAuthorization";

export interface SignWithdrawalParameters extends AuthorizationTerms {
  /** The payout token of the balance to withdraw from. */
  token: string;
  /** Who receives it; the contributor when omitted. */
  recipient?: string;
  /** Confidential units, encrypted for (vault, relayer); the whole balance when omitted. */
  amount?: bigint;
  /** Pay the recipient in the public ERC20 (unwrapped). */
  unwrap?: boolean;
  /** Who may submit; anyone when omitted (whole balance only: an amount is encrypted for its relayer). */
  relayer?: string;
}

export type SignWithdrawalReturnType = SignedWithdrawal;

/**
 * Signs (EIP-712) a withdrawal of the signer's balance that someone else submits with {@link relayWithdrawal}: the
 * relayer pays the gas and cannot change the recipient, the amount or the deadline. Refuses an amount above the
 * balance (decrypted with the signer's key) before signing. A partial amount is encrypted for (vault, relayer), so it
 * needs a named relayer; the signature covers its handle. That relayer could reuse the input for its own balance and
 * learn the amount (nobody else can): withdraw everything to keep it from the relayer too.
 * @example
 * const signed = await signWithdrawAuthorization(aliceVault, { token: cMUD, recipient: cold, relayer });
 */
export async function signWithdrawAuthorization(
  client: VaultClient,
  { token, recipient, amount, unwrap, relayer, nonce, deadline }: SignWithdrawalParameters,
): Promise<SignWithdrawalReturnType> {
  // Refused before the balance check, which asks the wallet to sign a decryption request.
  if (recipient !== undefined && getAddress(recipient) === ZeroAddress) {
    throw new WithdrawalBalanceError("A withdrawal needs a recipient address (--to).");
  }
  const submitter = getAddress(relayer ?? ZeroAddress);
  if (amount !== undefined && submitter === ZeroAddress) {
    throw new InvalidSignedWithdrawalError(
      "A signed partial withdrawal must name its relayer (--relayer): the amount is encrypted for it. " +
        "Omit the amount to let anyone submit a withdrawal of everything.",
    );
  }
  const action = "signWithdrawAuthorization";
  const { signer, contributor } = await checkWithdrawable(client, { action, token, amount });
  const to = getAddress(recipient ?? contributor);
  const encrypted = await encryptAmount(client, { action, submitter, amount });
  return signAuthorization<WithdrawAuthorization, { amountProof: string }>(
    client,
    signer,
    WITHDRAW_AUTHORIZATION_TYPES,
    {
      contributor,
      token: getAddress(token),
      recipient: to,
      amount: encrypted.handle,
      unwrap: unwrap ?? false,
      relayer: submitter,
    },
    { nonce, deadline },
    { amountProof: encrypted.inputProof },
  );
}
