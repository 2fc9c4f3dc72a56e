import { formatCount } from "../render";
import { big, hint, text } from "./types";
import type { RevertTexts } from "./types";

/** Something only a redeployment or a bug report can fix: say so, with what to send. */
const REPORT = "nothing was changed; report it with the transaction hash (royalties audit checks the pool meanwhile).";

/** Errors of the FHE library and of Zama's host contracts (ACL, executor, HCU limit, input and KMS verifiers). */
export const FHE_TEXTS: RevertTexts = {
  SenderNotAllowedToUseHandle: hint(
    ([handle, sender]) =>
      `${text(sender)} may not use ciphertext ${text(handle)} (it was encrypted for someone else): encrypt the values ` +
      "again in your own wallet (royalties submit / the Encrypt & submit button).",
  ),
  InvalidKMSSignatures: hint(
    () =>
      "the decryption proof is not signed by this network's KMS: decrypt again on this --network and resend " +
      "(royalties reveal / the Reveal total button, royalties settle).",
  ),
  EmptyDecryptionProof: hint(() => "the decryption proof is empty: decrypt again and resend (royalties reveal)."),
  DeserializingDecryptionProofFail: hint(
    () => "the decryption proof is malformed: decrypt again and resend it unchanged (royalties reveal).",
  ),
  KMSInvalidSigner: hint(
    ([signer]) =>
      `${text(signer)} is not a KMS signer of this network: decrypt again against this --network's relayer (royalties reveal).`,
  ),
  KMSSignatureThresholdNotReached: hint(
    ([count]) =>
      `only ${text(count)} KMS signatures, below the network's threshold: decrypt again once the KMS answers (royalties reveal).`,
  ),
  KMSZeroSignature: hint(() => "the decryption proof has no signature: decrypt again and resend (royalties reveal)."),
  ZamaProtocolUnsupported: hint(
    () => "this chain has no Zama fhEVM protocol: use --network sepolia, mainnet or the local Hardhat network.",
  ),
  SenderNotAllowed: hint(
    ([sender]) =>
      `${text(sender)} may not grant access to that ciphertext: only an account allowed on it can; decrypt your own ` +
      "values only (royalties decrypt / the Decrypt buttons).",
  ),
  SenderDenied: hint(
    ([sender]) => `${text(sender)} is blocked by the FHE access control list: act from another account (--account).`,
  ),
  EnforcedPause: hint(() => "the fhEVM access control is paused by the network: retry once it resumes."),
  ACLNotAllowed: hint(
    ([handle, account]) =>
      `${text(account)} may not compute on ciphertext ${text(handle)}: encrypt the values again for this contract ` +
      "(royalties submit / the Encrypt & submit button).",
  ),
  DivisionByZero: hint(() => `an encrypted division by zero was refused: ${REPORT}`),
  HCUTransactionLimitExceeded: hint(
    () =>
      "the transaction needs more FHE work (HCU) than one transaction may do: do less per transaction (claim fewer " +
      "pairs with royalties claim-all --max-pairs, submit fewer metrics).",
  ),
  HCUTransactionDepthLimitExceeded: hint(
    () =>
      "the transaction's chain of FHE operations is too deep for one transaction: split the work (royalties claim-all " +
      "--max-pairs 1).",
  ),
  InvalidSigner: hint(
    ([signer]) =>
      `the input proof is signed by ${text(signer)}, not this network's coprocessor: encrypt again on this --network.`,
  ),
  SignatureThresholdNotReached: hint(
    ([count]) => `the input proof has ${text(count)} signatures, below the threshold: encrypt again on this --network.`,
  ),
  SignaturesVerificationFailed: hint(
    () => "the input proof's signatures do not verify: encrypt again on this --network.",
  ),
  ZeroSignature: hint(() => "the input proof has no signature: encrypt again on this --network."),
  InvalidChainId: hint(
    () => "the values were encrypted for another chain: encrypt them again on this --network (royalties submit).",
  ),
  InvalidInputHandle: hint(
    () =>
      "the encrypted values do not match their input proof, or were encrypted for another contract or account: " +
      "encrypt them again from the sending account (royalties submit).",
  ),
  InvalidHandleVersion: hint(
    () => "the ciphertext was made by another fhEVM version: encrypt again with this version.",
  ),
  InvalidIndex: hint(
    () => "the input proof has fewer values than the call uses: encrypt all values in one input (royalties submit).",
  ),
  EmptyInputProof: hint(() => "the encrypted input has no proof: encrypt the values again (royalties submit)."),
  DeserializingInputProofFail: hint(
    () => "the encrypted input's proof is malformed: encrypt the values again (royalties submit).",
  ),
};

/** OpenZeppelin utility errors (signatures, nonces, initialization, casts, calls) our contracts can raise. */
export const UTILITY_TEXTS: RevertTexts = {
  InvalidAccountNonce: hint(([account, nonce], contract) =>
    contract === "PayoutVault"
      ? `that signed withdrawal was used already or is out of order (${text(account)}'s next nonce is ` +
        `${text(nonce)}): sign a new one (royalties sign-withdrawal).`
      : `that signature was used already or is out of order (${text(account)}'s next nonce is ${text(nonce)}): act ` +
        "directly instead (royalties vote, royalties delegate).",
  ),
  ECDSAInvalidSignature: hint(() => "the signature does not verify: sign again with the account's wallet."),
  ECDSAInvalidSignatureLength: hint(
    ([length]) =>
      `a signature of ${text(length)} bytes is malformed (65 expected): sign again with the account's wallet.`,
  ),
  ECDSAInvalidSignatureS: hint(() => "the signature is malleable (high s): sign again with a standard wallet."),
  ReentrancyGuardReentrantCall: hint(
    () =>
      "a token called back into the contract during a transfer: use a standard token (royalties deploy-model " +
      "--payout-token), and report the token.",
  ),
  InvalidInitialization: hint(
    () => "the pool is already initialized: create models through the registry (royalties deploy-model).",
  ),
  NotInitializing: hint(() => `an initializer ran outside initialization: ${REPORT}`),
  AddressEmptyCode: hint(
    ([target]) => `${text(target)} has no code: check the address and --network (royalties models lists the pools).`,
  ),
  FailedCall: hint(
    () =>
      "a call made by the contract failed without a reason (for a proposal: one of its actions reverted): check the " +
      "proposal's actions (royalties proposals) and the target's state.",
  ),
  FailedDeployment: hint(
    () =>
      "the pool could not be created at its address: the name may have been used; pick another name (royalties deploy-model --name).",
  ),
  InsufficientBalance: hint(
    ([balance, needed]) =>
      `the contract holds ${formatCount(big(balance))} wei and needs ${formatCount(big(needed))}: send the call ` +
      "without a value.",
  ),
  MissingPrecompile: hint(
    ([precompile]) => `precompile ${text(precompile)} is missing on this chain: use another --network.`,
  ),
  InvalidShortString: hint(() => `an EIP-712 name or version is not a short string: ${REPORT}`),
  StringTooLong: hint(([value]) => `"${text(value)}" is too long for an EIP-712 domain: ${REPORT}`),
  SafeCastOverflowedUintDowncast: hint(
    ([bits, value]) =>
      `${formatCount(big(value))} does not fit ${text(bits)} bits: use a smaller value (an amount, a time, a count).`,
  ),
  SafeCastOverflowedIntDowncast: hint(
    ([bits, value]) => `${text(value)} does not fit a signed ${text(bits)}-bit number: use a smaller value.`,
  ),
  SafeCastOverflowedIntToUint: hint(
    ([value]) => `${text(value)} is negative where a positive value is needed: ${REPORT}`,
  ),
  SafeCastOverflowedUintToInt: hint(
    ([value]) => `${formatCount(big(value))} is too large for a signed number: use a smaller value.`,
  ),
  StringsInsufficientHexLength: hint(
    ([value, length]) => `${text(value)} does not fit ${text(length)} hex digits: ${REPORT}`,
  ),
  StringsInvalidAddressFormat: hint(
    () => "a text is not a 0x address: pass addresses as 0x followed by 40 hex digits.",
  ),
  StringsInvalidChar: hint(() => "a text holds a character a number or address cannot: pass plain digits."),
  CloneArgumentsTooLong: hint(() => `a pool clone got too many immutable arguments: ${REPORT}`),
  Create2EmptyBytecode: hint(() => `a contract was deployed with empty code: ${REPORT}`),
  ERC5267ExtensionsNotSupported: hint(() => "the EIP-712 domain uses extensions: sign with a standard wallet."),
};
