import type { ContractTransactionReceipt } from "ethers";

import { ConfidentialPayoutToken__factory, IERC20__factory } from "../../types";
import { confirmed, requirePoolEvent, requireSigner } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError, withPoolErrors } from "../errors";

export interface FundPoolParameters {
  /** Amount in the payment token's smallest unit; only whole confidential units are taken. */
  amount: bigint;
}

export interface FundPoolReturnType {
  epochId: bigint;
  /** Confidential token units added to the epoch pool. */
  units: bigint;
  /** Payment-token amount actually taken (a multiple of the wrapper's rate). */
  accepted: bigint;
  receipt: ContractTransactionReceipt;
}

/**
 * Pays the current epoch's pool in the public payment token, approving the pool first if needed.
 * @example
 * await fundPool(funderClient, { amount: 1_000n * 10n ** 18n });
 */
export async function fundPool(client: PoolClient, { amount }: FundPoolParameters): Promise<FundPoolReturnType> {
  const signer = requireSigner(client, "fundPool");
  const payout = ConfidentialPayoutToken__factory.connect(await client.pool.payoutToken(), signer);
  const rate = await payout.rate();
  if (amount < rate) {
    throw new RoyaltiesError(`Fund at least ${rate} base units (one confidential unit); got ${amount}.`);
  }
  const token = IERC20__factory.connect(await client.pool.paymentToken(), signer);
  const owner = await signer.getAddress();
  if ((await token.allowance(owner, client.address)) < amount) {
    await confirmed(token.approve(client.address, amount));
  }
  const receipt = await withPoolErrors(() => confirmed(client.pool.fund(amount)));
  const event = requirePoolEvent(client, receipt, "PoolFunded", "Funding");
  return {
    epochId: event.args.epochId,
    units: event.args.units,
    accepted: event.args.amount,
    receipt,
  };
}
