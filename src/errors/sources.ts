import type { InterfaceAbi } from "ethers";

import {
  AccessControl__factory,
  Address__factory,
  AttestationConsensus__factory,
  Checkpoints__factory,
  Clones__factory,
  ConfidentialPayoutToken__factory,
  ConsensusCost__factory,
  Create2__factory,
  ECDSA__factory,
  EIP712__factory,
  ERC20Permit__factory,
  ERC20Votes__factory,
  ERC6372Utils__factory,
  ERC7984ERC20Wrapper__factory,
  ERC7984Omnibus__factory,
  ERC7984__factory,
  EncryptedMedian__factory,
  EpochClosing__factory,
  Errors__factory,
  FHE__factory,
  FhevmECDSA__factory,
  GovernanceToken__factory,
  Governor__factory,
  IAttestationConsensus__factory,
  IERC20Errors__factory,
  IERC5805__factory,
  IMetricAggregator__factory,
  IModelRegistry__factory,
  IPayoutVault__factory,
  IRoyaltyPool__factory,
  Initializable__factory,
  MessageHashUtils__factory,
  MetricAggregator__factory,
  ModelRegistry__factory,
  Nonces__factory,
  PayoutVault__factory,
  PoolAccounting__factory,
  ReentrancyGuard__factory,
  RoyaltyGovernor__factory,
  RoyaltyPool__factory,
  RoyaltyTimelock__factory,
  RulesValidation__factory,
  SafeCast__factory,
  SafeERC20__factory,
  ShortStrings__factory,
  Strings__factory,
  TimelockController__factory,
  Votes__factory,
  ZamaConfig__factory,
} from "../../types";

/** One owner of custom errors: a contract name, how a sentence names it, and its ABIs (errors are taken from them). */
export interface RevertSource {
  /** The contract a user deals with; a library's errors are listed under the contract that links it. */
  readonly contract: string;
  /** How a sentence names it: "pool", "payout vault"… */
  readonly label: string;
  readonly abis: readonly InterfaceAbi[];
}

/**
 * Errors of Zama's host contracts that a user's transaction can reach through the FHE library: the access control
 * list, the executor, the per-transaction HCU limit and the input verifier. Their artifacts ship only inside the
 * Hardhat plugin's dependencies, so the fragments are written here (a unit test checks them against those artifacts).
 */
export const HOST_ERROR_FRAGMENTS: Readonly<Record<string, readonly string[]>> = {
  ACL: ["error SenderNotAllowed(address sender)", "error SenderDenied(address sender)", "error EnforcedPause()"],
  FHEVMExecutor: ["error ACLNotAllowed(bytes32 handle, address account)", "error DivisionByZero()"],
  HCULimit: ["error HCUTransactionLimitExceeded()", "error HCUTransactionDepthLimitExceeded()"],
  InputVerifier: [
    "error InvalidSigner(address signerRecovered)",
    "error SignatureThresholdNotReached(uint256 numSignatures)",
    "error SignaturesVerificationFailed()",
    "error ZeroSignature()",
    "error InvalidChainId()",
    "error InvalidInputHandle()",
    "error InvalidHandleVersion()",
    "error InvalidIndex()",
    "error EmptyInputProof()",
    "error DeserializingInputProofFail()",
  ],
};

/**
 * Every owner of custom errors the decoder knows, in order of preference: when one selector belongs to several
 * owners and the caller names none of them, the first listed wins. Ours first (a library's errors under the contract
 * that links it; ERC-20 errors before the voting token's, since a payment token raises them far more often), then
 * OpenZeppelin's Governor, TimelockController and ERC7984, the FHE library and Zama's host contracts, then
 * OpenZeppelin utilities. Test-only mocks and the ERC-721 / ERC-1155 error sets (no contract
 * of ours uses them) are left out.
 */
export const REVERT_SOURCES: readonly RevertSource[] = [
  {
    contract: "RoyaltyPool",
    label: "pool",
    abis: [
      RoyaltyPool__factory.abi,
      IRoyaltyPool__factory.abi,
      EpochClosing__factory.abi,
      PoolAccounting__factory.abi,
      RulesValidation__factory.abi,
    ],
  },
  { contract: "PayoutVault", label: "payout vault", abis: [PayoutVault__factory.abi, IPayoutVault__factory.abi] },
  { contract: "ModelRegistry", label: "registry", abis: [ModelRegistry__factory.abi, IModelRegistry__factory.abi] },
  {
    contract: "MetricAggregator",
    label: "metric aggregator",
    abis: [MetricAggregator__factory.abi, IMetricAggregator__factory.abi],
  },
  {
    contract: "AttestationConsensus",
    label: "consensus",
    abis: [
      AttestationConsensus__factory.abi,
      IAttestationConsensus__factory.abi,
      ConsensusCost__factory.abi,
      EncryptedMedian__factory.abi,
    ],
  },
  { contract: "RoyaltyGovernor", label: "governor", abis: [RoyaltyGovernor__factory.abi] },
  { contract: "RoyaltyTimelock", label: "timelock", abis: [RoyaltyTimelock__factory.abi] },
  { contract: "ERC20", label: "payment token", abis: [IERC20Errors__factory.abi, SafeERC20__factory.abi] },
  { contract: "GovernanceToken", label: "voting token", abis: [GovernanceToken__factory.abi] },
  { contract: "ConfidentialPayoutToken", label: "payout token", abis: [ConfidentialPayoutToken__factory.abi] },
  { contract: "Governor", label: "governor", abis: [Governor__factory.abi] },
  { contract: "TimelockController", label: "timelock", abis: [TimelockController__factory.abi] },
  { contract: "ERC20Votes", label: "voting token", abis: [ERC20Votes__factory.abi, Votes__factory.abi] },
  { contract: "ERC7984", label: "confidential token", abis: [ERC7984__factory.abi] },
  { contract: "ERC7984ERC20Wrapper", label: "confidential token", abis: [ERC7984ERC20Wrapper__factory.abi] },
  { contract: "ERC7984Omnibus", label: "confidential token", abis: [ERC7984Omnibus__factory.abi] },
  { contract: "FHE", label: "FHE library", abis: [FHE__factory.abi, FhevmECDSA__factory.abi, ZamaConfig__factory.abi] },
  ...Object.entries(HOST_ERROR_FRAGMENTS).map(([contract, fragments]) => ({
    contract,
    label: "fhEVM host",
    abis: [fragments],
  })),
  {
    contract: "OpenZeppelin",
    label: "contract",
    abis: [
      AccessControl__factory.abi,
      ERC20Permit__factory.abi,
      Nonces__factory.abi,
      ECDSA__factory.abi,
      EIP712__factory.abi,
      ShortStrings__factory.abi,
      Strings__factory.abi,
      SafeCast__factory.abi,
      Address__factory.abi,
      Errors__factory.abi,
      Create2__factory.abi,
      Clones__factory.abi,
      Initializable__factory.abi,
      ReentrancyGuard__factory.abi,
      Checkpoints__factory.abi,
      ERC6372Utils__factory.abi,
      MessageHashUtils__factory.abi,
      IERC5805__factory.abi,
    ],
  },
];
