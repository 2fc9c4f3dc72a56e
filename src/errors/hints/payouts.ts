import { formatCount, formatDate, formatUnits } from "../render";
import { big, hint, text } from "./types";
import type { RevertTexts } from "./types";

const EPOCH_STATE_NAMES = ["None", "Open", "Closed", "Revealed"] as const;

const baseUnits = (value: unknown) => formatUnits(big(value), "base units");

/** The PayoutVault's errors. */
export const VAULT_TEXTS: RevertTexts = {
  PayoutVaultUnauthorized: hint(
    ([caller]) =>
      `${text(caller)} is not a pool of this registry: only the registry's own pools can be paid through its vault; ` +
      "claim through royalties claim / the Claim button.",
  ),
  PayoutVaultBatchTooLarge: hint(
    ([pairs, maxPairs]) =>
      `${text(pairs)} pairs in one batch, at most ${text(maxPairs)}: claim fewer pairs per transaction ` +
      `(royalties claim-all --max-pairs ${text(maxPairs)}; the Claim all button splits batches for you).`,
  ),
  PayoutVaultBatchTooExpensive: hint(
    ([index, hcu, limit]) =>
      `the batch would cost ${formatCount(big(hcu))} HCU at pair #${text(index)}, above ${formatCount(big(limit))}: ` +
      `claim at most ${text(index)} pairs per transaction (royalties claim-all --max-pairs ${text(index)}; the ` +
      "Claim all button splits batches for you).",
  ),
  PayoutVaultNoBalance: hint(
    ([contributor, token]) =>
      `${text(contributor)} has no balance in token ${text(token)}: claim a revealed epoch first (royalties claim), ` +
      "or all of them (royalties claim-all / the Claim all button); a full withdrawal empties a balance.",
  ),
  PayoutVaultInvalidRecipient: hint(
    () =>
      "name a recipient address (--to) for royalties withdraw, or fill the Recipient field, then the Withdraw button.",
  ),
  PayoutVaultEpochNotFinal: hint(
    ([modelId, epochId, state]) =>
      `epoch ${text(epochId)} of model ${text(modelId)} is ${EPOCH_STATE_NAMES[Number(big(state))] ?? text(state)}: ` +
      "disclose an epoch once it is closed (royalties close / the Close epoch button), then royalties disclose.",
  ),
  PayoutVaultNoScore: hint(
    ([modelId, epochId, contributor]) =>
      `${text(contributor)} has no score in epoch ${text(epochId)} of model ${text(modelId)}: disclose only epochs ` +
      "you contributed to (royalties contributor lists them).",
  ),
  PayoutVaultInvalidViewer: hint(
    ([viewer]) =>
      `${text(viewer)} cannot be a viewer: name another address than yourself and the zero address ` +
      "(royalties disclose --viewer / the Disclose button).",
  ),
  PayoutVaultTooManyViewers: hint(
    ([modelId, epochId, max]) =>
      `epoch ${text(epochId)} of model ${text(modelId)} already has the maximum of ${text(max)} viewers: ` +
      "royalties disclose lists them; no more can be added.",
  ),
  PayoutVaultOmnibusUnsupported: hint(
    ([token]) =>
      `payout token ${text(token)} has no omnibus transfers: withdraw to an address instead (royalties withdraw --to).`,
  ),
  PayoutVaultInvalidOmnibus: hint(
    ([omnibus]) =>
      `${text(omnibus)} cannot be an omnibus: name the omnibus account's address (not zero, not the vault) with ` +
      "royalties withdraw-omnibus --omnibus.",
  ),
  PayoutVaultSignatureExpired: hint(
    ([deadline, now]) =>
      `the signed withdrawal expired at ${formatDate(big(deadline))} (now ${formatDate(big(now))}): ask the ` +
      "contributor to sign it again with a later deadline (royalties sign-withdrawal --valid-for).",
  ),
  PayoutVaultInvalidSigner: hint(
    ([contributor]) =>
      `the signature is not ${text(contributor)}'s, or the authorization changed after signing: sign with the ` +
      "contributor's wallet (royalties sign-withdrawal) and relay the file unchanged (royalties relay-withdrawal).",
  ),
  PayoutVaultWrongRelayer: hint(
    ([relayer, caller]) =>
      `the authorization names relayer ${text(relayer)}, not ${text(caller)}: submit it from that account ` +
      "(royalties relay-withdrawal --account), or sign one for this relayer (royalties sign-withdrawal --relayer).",
  ),
  PayoutVaultRelayerRequired: hint(
    () =>
      "a signed omnibus or partial withdrawal must name its relayer: sign it again with royalties sign-withdrawal --relayer.",
  ),
};

/** The confidential payout token's errors: OpenZeppelin's ERC7984, its ERC-20 wrapper and omnibus extension. */
export const PAYOUT_TOKEN_TEXTS: RevertTexts = {
  ERC7984InvalidReceiver: hint(
    ([receiver]) => `${text(receiver)} cannot receive confidential tokens: name a non-zero recipient (--to).`,
  ),
  ERC7984InvalidSender: hint(
    ([sender]) => `${text(sender)} cannot send confidential tokens: send from the holder's own account (--account).`,
  ),
  ERC7984UnauthorizedCaller: hint(
    ([caller]) =>
      `${text(caller)} may not act on these confidential tokens: act from the holder's account ` +
      "(royalties unwrap / royalties withdraw --account).",
  ),
  ERC7984UnauthorizedSpender: hint(
    ([holder, spender]) =>
      `${text(spender)} is neither ${text(holder)} nor an operator it set: only the holder (or its operator) can ` +
      "move or unwrap its tokens; run royalties unwrap from the holder's account.",
  ),
  ERC7984UnauthorizedUseOfEncryptedAmount: hint(
    ([, user]) =>
      `${text(user)} may not use that encrypted amount: encrypt the amount again for the token and your own ` +
      "address (royalties unwrap does this for you).",
  ),
  ERC7984UnauthorizedUseOfEncryptedAddress: hint(
    ([, user]) =>
      `${text(user)} may not use that encrypted sub-account: encrypt it again from your own wallet ` +
      "(royalties withdraw-omnibus --sub-account).",
  ),
  ERC7984UtilsUnauthorizedUseOfEncryptedAmount: hint(
    ([, to]) =>
      `receiver ${text(to)} refused the confidential transfer (or returned an amount it may not use): withdraw to ` +
      "another address (royalties withdraw --to).",
  ),
  ERC7984TotalSupplyOverflow: hint(
    () =>
      "the payout token's confidential supply would exceed 64 bits: wrap a smaller amount (royalties fund with less), " +
      "the rest later.",
  ),
  InvalidUnwrapRequest: hint(
    ([requestId]) =>
      `unwrap request ${text(requestId)} is not pending (never made, or already finalized): check the id in your ` +
      "UnwrapRequested event, then finish it with royalties unwrap --request.",
  ),
};

/** OpenZeppelin's ERC-20 errors (IERC20Errors), raised by the payment token when a pool is funded. */
export const ERC20_TEXTS: RevertTexts = {
  ERC20InsufficientBalance: hint(
    ([sender, balance, needed]) =>
      `${text(sender)} holds ${baseUnits(balance)} of the payment token and needs ${baseUnits(needed)}: get more ` +
      "of the token, or fund a smaller amount (royalties fund).",
  ),
  ERC20InsufficientAllowance: hint(
    ([spender, allowance, needed]) =>
      `${text(spender)} may spend ${baseUnits(allowance)} of your payment token and needs ${baseUnits(needed)}: ` +
      "approve it (royalties fund approves the pool first), then fund again.",
  ),
  ERC20InvalidApprover: hint(
    ([approver]) => `${text(approver)} cannot approve: approve from your own account (--account).`,
  ),
  ERC20InvalidReceiver: hint(
    ([receiver]) => `${text(receiver)} cannot receive the token: name a non-zero recipient (--to).`,
  ),
  ERC20InvalidSender: hint(
    ([sender]) => `${text(sender)} cannot send the token: send from your own account (--account).`,
  ),
  ERC20InvalidSpender: hint(
    ([spender]) => `${text(spender)} cannot be approved: check the pool address (--pool / --model).`,
  ),
  SafeERC20FailedOperation: hint(
    ([token]) =>
      `token ${text(token)} refused a transfer (no balance, no allowance, or not an ERC-20): check the token and your ` +
      "balance, then fund again (royalties fund).",
  ),
  SafeERC20FailedDecreaseAllowance: hint(
    ([spender, current, decrease]) =>
      `${text(spender)}'s allowance is ${baseUnits(current)}, below the ${baseUnits(decrease)} to remove: ` +
      "lower the decrease, then fund again (royalties fund).",
  ),
};
