import { ZeroAddress, isAddress } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { ConfidentialPayoutToken__factory } from "../../types";
import type { ConfidentialPayoutToken } from "../../types";
import { confirmed, requireFhe, requireSigner } from "../client";
import type { PoolClient, RoyaltiesClient } from "../client";
import { RoyaltiesError, withRoyaltiesErrors } from "../errors";
import { parseEvent } from "../events";
import { publicValue } from "../fhe/backend";
import { AmountAboveBalanceError } from "./balanceError";
import { decryptPayoutBalance } from "./decrypt";

const UINT64_MAX = 2n ** 64n - 1n;

export interface UnwrapPayoutParameters {
  /** Confidential units to unwrap (the payout token's decimals, e.g. 6: `1_500_000n` = 1.5 tokens). */
  amount: bigint;
  /** Who receives the public ERC20; the signer when omitted. */
  to?: string;
}

export interface UnwrapPayoutReturnType {
  /** The unwrap request id (the handle of the burnt amount). */
  requestId: string;
  /** Who received the ERC20. */
  recipient: string;
  /** Confidential units burnt and paid out (the publicly decrypted amount). */
  units: bigint;
  /** ERC20 base units received: `units * rate()`. */
  underlyingAmount: bigint;
  /** The request transaction and the finalization transaction. */
  receipts: ContractTransactionReceipt[];
}

export interface FinalizePayoutUnwrapParameters {
  /** The id of a pending unwrap request (from the `UnwrapRequested` event). */
  requestId: string;
}

export interface FinalizePayoutUnwrapReturnType {
  recipient: string;
  units: bigint;
  underlyingAmount: bigint;
  receipt: ContractTransactionReceipt;
}

/** The unwrap amount is not a positive 64-bit number of confidential units. */
export class InvalidUnwrapAmountError extends RoyaltiesError {}

/** The recipient of an unwrap is not a usable address. */
export class InvalidUnwrapRecipientError extends RoyaltiesError {}

/** The signer holds fewer confidential units than it asked to unwrap. */
export class InsufficientPayoutBalanceError extends AmountAboveBalanceError {
  protected static override readonly wording = {
    balance: "confidential balance",
    verb: "unwrap",
    advice: " (a larger amount would burn nothing)",
  };
}

/** An unwrap request id that is not pending (never requested, or already finalized). */
export class UnknownUnwrapRequestError extends RoyaltiesError {
  constructor(readonly requestId: string) {
    super(
      `Unwrap request ${requestId} is not pending (already finalized or never made): ` +
        "check the id in your UnwrapRequested event.",
    );
  }
}

/**
 * The confidential units were burnt but the unwrap was not finalized (decryption or transaction
 * failed). Nothing is lost: the request stays pending until {@link finalizePayoutUnwrap} runs.
 */
export class UnwrapNotFinalizedError extends RoyaltiesError {
  constructor(
    readonly requestId: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Unwrap request ${requestId} was made but not finalized (${reason}): ` +
        `finish it with royalties unwrap --model <model> --request ${requestId} (nothing is lost meanwhile).`,
    );
    this.cause = cause;
  }
}

/** Runs a payout-token call; its custom errors come back as `PayoutTokenRevertError` (one decoder, `../errors`). */
async function withTokenErrors<T>(call: () => Promise<T>): Promise<T> {
  return withRoyaltiesErrors(call, "ConfidentialPayoutToken");
}

async function payoutToken(client: PoolClient, action: string): Promise<ConfidentialPayoutToken> {
  return ConfidentialPayoutToken__factory.connect(await client.pool.payoutToken(), requireSigner(client, action));
}

export interface FinalizeUnwrapRequestParameters extends FinalizePayoutUnwrapParameters {
  /** The confidential payout token the request was made on. */
  token: ConfidentialPayoutToken;
}

/**
 * Finalizes a pending unwrap request of `token`: publicly decrypts the burnt amount (the KMS, through the client's
 * FHE backend) and has the wrapper pay `units * rate()` of the ERC20 to the requester's recipient. Shared by
 * {@link unwrapPayout} (a wallet's tokens) and the vault's unwrapped withdrawals (whose request id is the `sent`
 * handle).
 * @example
 * const { units } = await finalizeUnwrapRequest(vaultClient, { token: payout, requestId: sentHandle });
 */
export async function finalizeUnwrapRequest(
  client: RoyaltiesClient,
  { token, requestId }: FinalizeUnwrapRequestParameters,
): Promise<FinalizePayoutUnwrapReturnType> {
  const fhe = requireFhe(client, "finalizeUnwrapRequest");
  const recipient = await token.unwrapRequester(requestId);
  if (recipient === ZeroAddress) throw new UnknownUnwrapRequestError(requestId);
  const handle = await token.unwrapAmount(requestId);
  const { value: units, proof } = await publicValue(fhe, handle);
  const receipt = await withTokenErrors(() => confirmed(token.finalizeUnwrap(requestId, units, proof)));
  return { recipient, units, underlyingAmount: units * (await token.rate()), receipt };
}

/**
 * Finishes a pending unwrap request: publicly decrypts the burnt amount and has the token pay the
 * ERC20 with the KMS proof. Anyone may call it; the ERC20 goes to the recipient named in the request.
 * @example
 * const { units } = await finalizePayoutUnwrap(client, { requestId });
 */
export async function finalizePayoutUnwrap(
  client: PoolClient,
  { requestId }: FinalizePayoutUnwrapParameters,
): Promise<FinalizePayoutUnwrapReturnType> {
  return finalizeUnwrapRequest(client, { token: await payoutToken(client, "finalizePayoutUnwrap"), requestId });
}

/**
 * Unwraps the signer's confidential payout tokens back into the public ERC20: encrypts the amount in
 * the signer's wallet, requests the unwrap (which burns it), publicly decrypts the burnt amount and
 * finalizes with the KMS proof. Checks the signer's decrypted balance first, since the token would
 * silently burn nothing for an amount above the balance.
 * @example
 * const { units, underlyingAmount } = await unwrapPayout(aliceClient, { amount: 250_000_000n }); // 250 cMUD
 */
export async function unwrapPayout(
  client: PoolClient,
  { amount, to }: UnwrapPayoutParameters,
): Promise<UnwrapPayoutReturnType> {
  if (amount <= 0n || amount > UINT64_MAX) {
    throw new InvalidUnwrapAmountError(`Unwrap a positive amount of confidential units below 2^64; got ${amount}.`);
  }
  const user = await requireSigner(client, "unwrapPayout").getAddress();
  const recipient = to ?? user;
  if (!isAddress(recipient) || recipient === ZeroAddress) {
    throw new InvalidUnwrapRecipientError(
      `Recipient ${recipient} is not a usable address: pass a non-zero 0x… address.`,
    );
  }
  const token = await payoutToken(client, "unwrapPayout");
  const balance = await decryptPayoutBalance(client);
  if (amount > balance) {
    const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
    throw new InsufficientPayoutBalanceError(amount, balance, Number(decimals), symbol);
  }

  const tokenAddress = await token.getAddress();
  const encrypted = await requireFhe(client, "unwrapPayout").encryptUint64(tokenAddress, user, [amount]);
  const request = await withTokenErrors(() =>
    confirmed(
      token["unwrap(address,address,bytes32,bytes)"](user, recipient, encrypted.handles[0], encrypted.inputProof),
    ),
  );
  const requestId = parseEvent(token, request, "UnwrapRequested").args.unwrapRequestId;

  let finalized: FinalizePayoutUnwrapReturnType;
  try {
    finalized = await finalizeUnwrapRequest(client, { token, requestId });
  } catch (error) {
    throw new UnwrapNotFinalizedError(requestId, error);
  }
  return {
    requestId,
    recipient: finalized.recipient,
    units: finalized.units,
    underlyingAmount: finalized.underlyingAmount,
    receipts: [request, finalized.receipt],
  };
}
