/** Turns any failure into what happened and what to do, for the error banner. */
import { isError } from "ethers";

import { RoyaltiesError, RoyaltiesRevertError, toRoyaltiesError } from "../../src";
import { NETWORK } from "./config";

export interface ErrorReport {
  /** What happened, in one sentence. */
  title: string;
  /** What to do next. */
  hint: string;
  /** The underlying message, for the curious (and bug reports). */
  detail?: string;
}

/** The chain the wallet is on is not the dashboard's. */
export class WrongNetworkError extends RoyaltiesError {
  constructor(readonly walletChainId: bigint) {
    super(
      `Your wallet is on chain ${walletChainId}, but this dashboard works on ${NETWORK.label} (chain ${NETWORK.chainId}).`,
    );
  }
}

/** The first line of a message, cut at 300 characters (wallet and RPC errors can embed whole transactions). */
function firstLine(text: string): string {
  const line = text.split("\n")[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * A contract's refusal, from the decoder's fields: which contract refused, what to do (the decoder's hint, which
 * names the dashboard button or task and renders dates and amounts), and the decoded error for the curious.
 */
function revertReport(error: RoyaltiesRevertError): ErrorReport {
  return {
    title: `The ${error.label} refused the transaction: ${error.error}.`,
    hint: error.hint.charAt(0).toUpperCase() + error.hint.slice(1),
    detail: error.sentence,
  };
}

export function describeError(raw: unknown): ErrorReport {
  const error = toRoyaltiesError(raw);
  if (error instanceof RoyaltiesRevertError) return revertReport(error);
  if (error instanceof WrongNetworkError) {
    return {
      title: error.message,
      hint: `Switch your wallet to ${NETWORK.label} with the button below, then connect again.`,
    };
  }
  if (error instanceof RoyaltiesError) {
    // The library's other errors (checks made before sending) carry one message "what happened: what to do".
    const [title, ...hint] = error.message.split(": ");
    return hint.length > 0
      ? { title: `${title}.`, hint: hint.join(": ") }
      : { title: error.message, hint: "Check the values and the epoch's state, then try again." };
  }
  if (isError(error, "ACTION_REJECTED")) {
    return { title: "You rejected the request in your wallet.", hint: "Nothing was sent; start again when ready." };
  }
  if (isError(error, "INSUFFICIENT_FUNDS")) {
    return {
      title: "The account cannot pay for gas.",
      hint: NETWORK.local ? "Pick another development account." : "Fund the account with Sepolia ETH.",
    };
  }
  if (
    isError(error, "NETWORK_ERROR") ||
    isError(error, "TIMEOUT") ||
    (error instanceof TypeError && /fetch/i.test(error.message))
  ) {
    return {
      title: `The ${NETWORK.local ? "Hardhat node" : "network"} did not answer.`,
      hint: NETWORK.local
        ? "Is npx hardhat node still running? Restart it, deploy again (npx hardhat deploy --network localhost) and reload."
        : "Check your connection and your wallet's RPC, then try again.",
      detail: error.message,
    };
  }
  if (isError(error, "CALL_EXCEPTION")) {
    return {
      title: "The transaction reverted without a reason the dashboard knows.",
      hint: "Reload the page to see the current state, then try again.",
      detail: firstLine(error.message),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    title: "The operation failed.",
    hint: "Reload the page and try again; the browser console has the details.",
    detail: firstLine(message),
  };
}
