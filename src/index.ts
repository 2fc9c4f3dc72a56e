export { connectPool, withSigner, PoolNotFoundError } from "./client";
export type { PoolClient, ConnectPoolParameters } from "./client";
export {
  RoyaltiesError,
  RoyaltiesRevertError,
  ContractRevertError,
  PoolRevertError,
  VaultRevertError,
  RegistryRevertError,
  AggregatorRevertError,
  ConsensusRevertError,
  GovernanceRevertError,
  PayoutTokenRevertError,
  decodeRevert,
  formatDate,
  formatDuration,
  redactError,
  redactSecrets,
  toRoyaltiesError,
  withRoyaltiesErrors,
} from "./errors";
export type { DecodedRevert } from "./errors";
export type { FheBackend, EncryptedInput, PublicDecryption } from "./fhe/backend";
export { createHardhatFheBackend } from "./fhe/hardhatBackend";
export { getEpoch, getRules, EPOCH_STATES } from "./actions/read";
export type { EpochInfo, EpochStateName, MetricRule, RulesInfo } from "./actions/read";
export { submitAttested, submitContribution, InvalidMetricsError } from "./actions/contribute";
export type {
  SubmitAttestedParameters,
  SubmitContributionParameters,
  SubmitContributionReturnType,
} from "./actions/contribute";
export { fundPool } from "./actions/fund";
export type { FundPoolParameters, FundPoolReturnType } from "./actions/fund";
export { closeEpoch, revealEpochTotal, settlePool } from "./actions/settle";
export type { CloseEpochReturnType, RevealEpochTotalReturnType, SettlePoolReturnType } from "./actions/settle";
export { claimRoyalty, pushUnclaimed } from "./actions/claim";
export type {
  ClaimRoyaltyParameters,
  ClaimRoyaltyReturnType,
  PushUnclaimedParameters,
  PushUnclaimedReturnType,
} from "./actions/claim";
export {
  connectVault,
  modelIdOfPool,
  vaultEvents,
  vaultOfPool,
  withVaultErrors,
  VaultNotFoundError,
} from "./actions/vault";
export type { ConnectVaultParameters, VaultClient } from "./actions/vault";
export { claimAll, planClaimBatches, InvalidClaimBatchError } from "./actions/claimAll";
export type {
  ClaimAllParameters,
  ClaimAllReturnType,
  ClaimBatchProgress,
  ClaimPair,
  PlanClaimBatchesParameters,
  PricedClaimPair,
} from "./actions/claimAll";
export {
  withdraw,
  InsufficientVaultBalanceError,
  InvalidPayoutTokenError,
  InvalidWithdrawAmountError,
  InvalidWithdrawRecipientError,
  NoVaultBalanceError,
  MAX_WITHDRAW_AMOUNT,
} from "./actions/withdraw";
export type { WithdrawParameters, WithdrawReturnType } from "./actions/withdraw";
export { decryptVaultBalance, getEarnings } from "./actions/earnings";
export type { DecryptVaultBalanceParameters, GetEarningsParameters, GetEarningsReturnType } from "./actions/earnings";
export { decryptScore, decryptShare, decryptPayoutBalance, NothingToDecryptError } from "./actions/decrypt";
export {
  createModel,
  deployModelRegistry,
  deployPayoutToken,
  toRulesStruct,
  effectiveNoiseBits,
  sybilWarning,
  DEFAULT_NOISE_BITS,
  DEFAULT_NOISY_CLAIM_WINDOW,
} from "./deploy";
export type { CreateModelParameters, MetricParameters, RulesParameters } from "./deploy";
export { cappedMetrics, contributionScore, exactShare, expectedShare, shareParameters } from "./math";
export type { CappedMetric } from "./math";
export { METRIC_MAX, checkMetrics, parseMetricValue } from "./metrics";
export type { MetricsCheck } from "./metrics";
export { escapeTerminal, escapeTerminalLines, formatAmount, formatTable, terminalSafeJson } from "./format";
export { verifyShare } from "./actions/verify";
export type { ShareVerification } from "./actions/verify";
export {
  auditEvents,
  auditPool,
  providerChainView,
  readPoolEvents,
  DEFAULT_LOG_BLOCK_RANGE,
  UnsupportedChainError,
} from "./audit/audit";
export type {
  AuditChainView,
  AuditFinding,
  AuditPoolParameters,
  AuditReport,
  EpochAudit,
  EpochLogOnChain,
  PoolEvent,
  SettlementAudit,
} from "./audit/audit";
export { LOG_STEPS, logEntry, nextDigest } from "./audit/log";
export { readLogs, isLogRangeRefusal, isTransientFailure, LogReadError } from "./logs";
export type { LogReadProgress, ReadLogsParameters } from "./logs";
export {
  auditPoolWithIndexer,
  indexerBlock,
  indexerPoolEvents,
  indexerQuery,
  indexerRows,
  indexerSubmittedEpochs,
  IndexerError,
} from "./indexer";
export type { AuditPoolWithIndexerParameters } from "./indexer";
export type { LogStepName } from "./audit/log";
export { formatAuditJson, formatAuditMarkdown, formatAuditText } from "./audit/report";
export {
  createRelayerFheBackend,
  relayerConfig,
  stripEip712Domain,
  unreachableEndpoint,
  RelayerUnavailableError,
} from "./fhe/relayerBackend";
export type {
  RelayerFheBackendParameters,
  RelayerInstanceConfig,
  RelayerNetwork,
  UnreachableEndpoint,
} from "./fhe/relayerBackend";
export {
  unwrapPayout,
  finalizePayoutUnwrap,
  InvalidUnwrapAmountError,
  InvalidUnwrapRecipientError,
  InsufficientPayoutBalanceError,
  UnknownUnwrapRequestError,
  UnwrapNotFinalizedError,
} from "./actions/unwrap";
export type {
  UnwrapPayoutParameters,
  UnwrapPayoutReturnType,
  FinalizePayoutUnwrapParameters,
  FinalizePayoutUnwrapReturnType,
} from "./actions/unwrap";
export { getContributorStatus, InvalidContributorError } from "./actions/contributor";
export type {
  ContributorEpochStatus,
  GetContributorStatusParameters,
  GetContributorStatusReturnType,
} from "./actions/contributor";
export {
  connectRegistry,
  findModel,
  listModels,
  registerModel,
  ModelNameTakenError,
  ModelNotFoundError,
  RegistryNotFoundError,
} from "./actions/registry";
export type { ConnectRegistryParameters, ModelInfo } from "./actions/registry";
export {
  applyRulesChange,
  checkRulesUpdate,
  decodeProposalActions,
  delegateVotes,
  deployGovernance,
  describeRulesChange,
  executeProposal,
  findGovernor,
  getVoterStatus,
  governanceToken,
  listProposals,
  proposeRulesChange,
  PROPOSAL_STATES,
  queueProposal,
  rulesChanges,
  rulesHistory,
  voteOnProposal,
  NoRulesChangeError,
  NoVotingPowerError,
  UnknownMetricError,
  VOTE_SUPPORT,
} from "./governance";
export type {
  DelegateVotesParameters,
  DelegateVotesReturnType,
  DeployGovernanceParameters,
  Governance,
  ProposalAction,
  ProposalInfo,
  RulesChange,
  RulesProposal,
  VoteParameters,
  VoterStatus,
} from "./governance";
export { claimablePairs, getPortfolio } from "./actions/portfolio";
export type { Portfolio, PortfolioEntry, PortfolioTotal } from "./actions/portfolio";
export {
  approvePool,
  connectAggregator,
  encodeApprovePool,
  encodeTrackMetric,
  getAggregateStatus,
  revealAggregate,
  revokePool,
  trackMetric,
  untrackMetric,
} from "./actions/aggregates";
export type {
  AggregateRound,
  AggregateStatus,
  RevealAggregateParameters,
  RevealAggregateReturnType,
} from "./actions/aggregates";
export { auditAggregateEvents, auditAggregates, providerAggregateView, readAggregatorEvents } from "./audit/aggregates";
export type {
  AggregateAuditReport,
  AggregateChainView,
  AggregateFinding,
  AggregateRoundAudit,
  AggregatorEvent,
} from "./audit/aggregates";
export {
  attest,
  computeDeviation,
  connectConsensus,
  consensusStatus,
  decryptWithinTolerance,
  deployConsensus,
  finalize,
  toConsensusError,
  InvalidConsensusInputError,
} from "./actions/consensus";
export type {
  AttestParameters,
  AttestReturnType,
  ComputeDeviationReturnType,
  ConsensusClient,
  ConsensusConfigParameters,
  ConsensusStatus,
  DeployConsensusParameters,
  DeployConsensusReturnType,
  DeviationParameters,
  FinalizeReturnType,
} from "./actions/consensus";
export {
  decryptDisclosed,
  disclosureViewers,
  grantDisclosure,
  isOmnibusWithdrawal,
  nextWithdrawalNonce,
  parseSignedWithdrawal,
  relayOmnibusWithdrawal,
  relayWithdrawal,
  relayedWithdrawal,
  serializeSignedWithdrawal,
  signOmnibusWithdrawAuthorization,
  signWithdrawAuthorization,
  withdrawToOmnibus,
  withdrawalDomain,
  AddressEncryptionUnsupportedError,
  DisclosedShareNotClaimedError,
  InvalidSignedWithdrawalError,
  NotDisclosedError,
  WithdrawalBalanceError,
  DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
  WITHDRAW_AUTHORIZATION_TYPES,
} from "./actions/payouts";
export type {
  DecryptDisclosedParameters,
  DecryptDisclosedReturnType,
  DisclosurePair,
  DisclosureQuery,
  DisclosureViewersReturnType,
  GrantDisclosureParameters,
  GrantDisclosureReturnType,
  OmnibusWithdrawAuthorization,
  RelayOmnibusWithdrawalParameters,
  RelayWithdrawalParameters,
  RelayWithdrawalReturnType,
  SignOmnibusWithdrawalParameters,
  SignWithdrawalParameters,
  SignedOmnibusWithdrawal,
  SignedWithdrawal,
  WithdrawAuthorization,
  WithdrawToOmnibusParameters,
  WithdrawToOmnibusReturnType,
} from "./actions/payouts";
export { NoClosedEpochError, decryptableEpochId, findClaimablePairs, lastClosedEpochId } from "./actions/claimable";
export type { FindClaimablePairsParameters } from "./actions/claimable";
export {
  PayoutTokenChoiceError,
  UnknownModelError,
  connectModelPool,
  onlyPayoutToken,
  registryPayoutTokens,
  resolveModel,
} from "./actions/lookup";
export type { ConnectModelPoolParameters } from "./actions/lookup";
export { ProposalNotFoundError, getProposal, summarizeProposal, toVoteSupport } from "./actions/proposals";
export type { ProposalSummary, VoteSupport } from "./actions/proposals";
export { disclosedEpochIds } from "./actions/disclosures";
export type { DisclosedEpochIdsParameters } from "./actions/disclosures";
export { checkDeviation } from "./actions/deviation";
export type { CheckDeviationParameters, CheckDeviationReturnType } from "./actions/deviation";
export {
  WithdrawalNonceUsedError,
  chooseWithdrawalNonce,
  isLedgerEntryOf,
  parseWithdrawalLedger,
  pruneWithdrawalLedger,
} from "./actions/withdrawalLedger";
export type { ChooseWithdrawalNonceParameters, LedgerOwner, PendingWithdrawal } from "./actions/withdrawalLedger";
