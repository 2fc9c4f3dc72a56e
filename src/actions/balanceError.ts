import { RoyaltiesError } from "../errors";
import { formatAmount } from "../format";

/** How a subclass of {@link AmountAboveBalanceError} names the balance, the request and the way out. */
interface BalanceWording {
  /** "vault balance" */
  balance: string;
  /** "withdraw" */
  verb: string;
  /** What follows "<verb> at most <balance>", e.g. ", or omit the amount to withdraw everything". */
  advice: string;
}

/**
 * A request for more confidential units than the signer's decrypted balance: the contract would move nothing (an
 * encrypted comparison cannot revert), so the library refuses before sending. Catch this class for every such case.
 */
export abstract class AmountAboveBalanceError extends RoyaltiesError {
  protected static readonly wording: BalanceWording;

  constructor(
    readonly requested: bigint,
    readonly balance: bigint,
    decimals: number,
    symbol: string,
  ) {
    const tokens = (units: bigint) => `${formatAmount(units, decimals)} ${symbol}`;
    const { balance: what, verb, advice } = new.target.wording;
    super(
      `Your ${what} is ${tokens(balance)}, below the ${tokens(requested)} you asked to ${verb}: ` +
        `${verb} at most ${tokens(balance)}${advice}.`,
    );
  }
}
