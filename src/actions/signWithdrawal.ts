import { ZeroAddress, getAddress } from "ethers";

import { requireSigner } from "../client";
import type { VaultClient } from "./vault";
import {
  DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  WITHDRAW_AUTHORIZATION_TYPES,
  WithdrawalBalanceError,
  checkAmount,
  checkBalance,
  latestTimestamp,
  withdrawalDomain,
} from "./withdrawalAuthorization";
import type { SignedWithdrawal, WithdrawAuthorization } from "./withdrawalAuthorization";

export interface SignWithdrawalParameters {
  /** The payout token of the balance to withdraw from. */
  token: string;
  /** Who receives it; the contributor when omitted. */
  recipient?: string;
  /** Confidential units; the whole balance when omitted. */
  amount?: bigint;
  /** Pay the recipient in the public ERC20 (unwrapped). */
  unwrap?: boolean;
  /** Who may submit; anyone when omitted. */
  relayer?: string;
  /** The contributor's current vault nonce when omitted. */
  nonce?: bigint;
  /** Unix time; one day after the latest block when omitted. */
  deadline?: bigint;
}

export type SignWithdrawalReturnType = SignedWithdrawal;

/**
 * Signs (EIP-712) a withdrawal of the signer's balance that someone else submits with {@link relayWithdrawal}: the
 * relayer pays the gas and cannot change the recipient, the amount or the deadline. Refuses an amount above the
 * balance (decrypted with the signer's key) before signing.
 * @example
 * const signed = await signWithdrawAuthorization(aliceVault, { token: cMUD, recipient: cold, relayer });
 */
export async function signWithdrawAuthorization(
  client: VaultClient,
  { token, recipient, amount, unwrap, relayer, nonce, deadline }: SignWithdrawalParameters,
): Promise<SignWithdrawalReturnType> {
  const signer = requireSigner(client, "signWithdrawAuthorization");
  const contributor = getAddress(await signer.getAddress());
  const units = checkAmount(amount);
  const to = getAddress(recipient ?? contributor);
  if (to === ZeroAddress) throw new WithdrawalBalanceError("A withdrawal needs a recipient address (--to).");
  await checkBalance(client, "signWithdrawAuthorization", getAddress(token), units);
  const authorization: WithdrawAuthorization = {
    contributor,
    token: getAddress(token),
    recipient: to,
    amount: units,
    unwrap: unwrap ?? false,
    relayer: getAddress(relayer ?? ZeroAddress),
    nonce: nonce ?? (await client.vault.nonces(contributor)),
    deadline: deadline ?? (await latestTimestamp(client)) + DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  };
  const domain = await withdrawalDomain(client);
  const signature = await signer.signTypedData(domain, WITHDRAW_AUTHORIZATION_TYPES, authorization);
  return { vault: String(domain.verifyingContract), chainId: BigInt(domain.chainId ?? 0), authorization, signature };
}
