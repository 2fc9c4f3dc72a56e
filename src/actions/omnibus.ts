import { ZeroAddress, getAddress, isAddress } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { confirmed, requireFhe } from "../client";
import { RoyaltiesError } from "../errors";
import { checkRelayable, relayedWithdrawal } from "./relayWithdrawal";
import { vaultEvents, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";
import {
  InvalidSignedWithdrawalError,
  OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
  checkWithdrawable,
  encryptAmount,
  signAuthorization,
  encryptSubAccount,
} from "./withdrawalAuthorization";
import type {
  AuthorizationTerms,
  OmnibusWithdrawAuthorization,
  SignedOmnibusWithdrawal,
  SignedWithdrawal,
} from "./withdrawalAuthorization";

export interface WithdrawToOmnibusParameters {
  /** The payout token of the balance. */
  token: string;
  /** The omnibus account (exchange, custodian) receiving the tokens. */
  omnibus: string;
  /** The contributor's sub-account at the omnibus; encrypted, only the omnibus (and the contributor) can read it. */
  subAccount: string;
  /** Confidential units, encrypted before they are sent; the whole balance when omitted. */
  amount?: bigint;
}

export interface WithdrawToOmnibusReturnType {
  /** Handle of the amount sent (decryptable by the contributor and the omnibus). */
  sentHandle: string;
  /** Handle of the encrypted sub-account. */
  recipientHandle: string;
  receipt: ContractTransactionReceipt;
}

function omnibusResult(
  client: VaultClient,
  receipt: ContractTransactionReceipt,
  { contributor, token, omnibus }: { contributor: string; token: string; omnibus: string },
): WithdrawToOmnibusReturnType {
  const event = vaultEvents(client, receipt, "WithdrawnToOmnibus").find(
    (e) =>
      getAddress(e.args.contributor) === getAddress(contributor) &&
      getAddress(e.args.token) === getAddress(token) &&
      getAddress(e.args.omnibus) === getAddress(omnibus),
  );
  if (event === undefined) {
    throw new RoyaltiesError(`The transaction ${receipt.hash} emitted no WithdrawnToOmnibus event of the vault.`);
  }
  return { sentHandle: event.args.sent, recipientHandle: event.args.recipient, receipt };
}

/**
 * Withdraws the signer's balance (or part of it) to an omnibus for an encrypted sub-account: observers see
 * vault → omnibus, never the sub-account, the amount or which epochs it came from.
 * @example
 * await withdrawToOmnibus(aliceVault, { token: cMUD, omnibus: exchange, subAccount: deposit });
 */
export async function withdrawToOmnibus(
  client: VaultClient,
  { token, omnibus, subAccount, amount }: WithdrawToOmnibusParameters,
): Promise<WithdrawToOmnibusReturnType> {
  const { contributor } = await checkWithdrawable(client, { action: "withdrawToOmnibus", token, amount });
  const encrypted = await encryptSubAccount(requireFhe(client, "withdrawToOmnibus"), {
    vault: client.address,
    user: contributor,
    subAccount,
  });
  const units = await encryptAmount(client, { action: "withdrawToOmnibus", submitter: contributor, amount });
  const receipt = await withVaultErrors(() =>
    confirmed(
      amount === undefined
        ? client.vault.withdrawToOmnibus(token, omnibus, encrypted.handle, encrypted.inputProof)
        : client.vault.withdrawAmountToOmnibus(
            token,
            omnibus,
            encrypted.handle,
            encrypted.inputProof,
            units.handle,
            units.inputProof,
          ),
    ),
  );
  return omnibusResult(client, receipt, { contributor, token, omnibus });
}

export interface SignOmnibusWithdrawalParameters extends WithdrawToOmnibusParameters, AuthorizationTerms {
  /** The relayer that will submit (required: the sub-account is encrypted for it). */
  relayer: string;
}

export type SignOmnibusWithdrawalReturnType = SignedOmnibusWithdrawal;

/**
 * Encrypts the sub-account (and a partial amount) for (vault, relayer) and signs an omnibus withdrawal only that
 * relayer can submit. See {@link signWithdrawAuthorization} for what the relayer of an amount can learn.
 * @example
 * const signed = await signOmnibusWithdrawAuthorization(aliceVault, { token, omnibus, subAccount, relayer });
 */
export async function signOmnibusWithdrawAuthorization(
  client: VaultClient,
  { token, omnibus, subAccount, amount, relayer, nonce, deadline }: SignOmnibusWithdrawalParameters,
): Promise<SignOmnibusWithdrawalReturnType> {
  if (!isAddress(relayer) || getAddress(relayer) === ZeroAddress) {
    throw new InvalidSignedWithdrawalError("An omnibus withdrawal must name its relayer (--relayer).");
  }
  const action = "signOmnibusWithdrawAuthorization";
  const { signer, contributor } = await checkWithdrawable(client, { action, token, amount });
  const encrypted = await encryptSubAccount(requireFhe(client, action), {
    vault: client.address,
    user: getAddress(relayer),
    subAccount,
  });
  const units = await encryptAmount(client, { action, submitter: getAddress(relayer), amount });
  return signAuthorization<OmnibusWithdrawAuthorization, { inputProof: string; amountProof: string }>(
    client,
    signer,
    OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
    {
      contributor,
      token: getAddress(token),
      omnibus: getAddress(omnibus),
      recipient: encrypted.handle,
      amount: units.handle,
      relayer: getAddress(relayer),
    },
    { nonce, deadline },
    { inputProof: encrypted.inputProof, amountProof: units.inputProof },
  );
}

export interface RelayOmnibusWithdrawalParameters {
  signed: SignedOmnibusWithdrawal;
  /** The registry the relayer trusts: the withdrawal is sent only to its payout vault. */
  registry: string;
}

/**
 * Submits a signed omnibus withdrawal as its named relayer.
 * @example
 * const { sentHandle } = await relayOmnibusWithdrawal(relayerVault, { signed, registry: registryAddress });
 */
export async function relayOmnibusWithdrawal(
  client: VaultClient,
  { signed, registry }: RelayOmnibusWithdrawalParameters,
): Promise<WithdrawToOmnibusReturnType> {
  await checkRelayable(client, {
    action: "relayOmnibusWithdrawal",
    registry,
    signed,
    types: OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
  });
  const receipt = await withVaultErrors(() =>
    confirmed(
      client.vault.withdrawToOmnibusWithSignature(
        signed.authorization,
        signed.inputProof,
        signed.amountProof,
        signed.signature,
      ),
    ),
  );
  const { sentHandle, recipientHandle } = relayedWithdrawal(client, receipt, signed.authorization);
  return { sentHandle, recipientHandle: recipientHandle ?? signed.authorization.recipient, receipt };
}

/**
 * Whether a parsed file holds an omnibus withdrawal.
 * @example
 * if (isOmnibusWithdrawal(signed)) await relayOmnibusWithdrawal(vault, { signed, registry });
 */
export function isOmnibusWithdrawal(
  signed: SignedWithdrawal | SignedOmnibusWithdrawal,
): signed is SignedOmnibusWithdrawal {
  return "inputProof" in signed;
}
