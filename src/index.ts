/**
 * The library's browser-safe entry: every action, client and type, and no Node-only module (no Hardhat, no
 * `fs`/`path`/`child_process`, no relayer-SDK Node build, no agent). Node programs import `src/node.ts`, which
 * re-exports this file with the Hardhat and Node relayer FHE backends and the agent. `test/entries.test.ts`
 * walks this file's import graph and fails if a Node-only module is reachable.
 */
export {
  createRoyaltiesClient,
  connectPool,
  registryOfPool,
  requireFhe,
  requireSigner,
  withSigner,
  FheRequiredError,
  ModelNotFoundError,
  NoProviderError,
  PoolNotFoundError,
  RegistryNotFoundError,
  SignerRequiredError,
} from "./client";
export type {
  CreateRoyaltiesClientParameters,
  PoolClient,
  PoolParameters,
  RegistryOfPoolParameters,
  RegistryOfPoolReturnType,
  RoyaltiesClient,
} from "./client";
export { parseEvent, parseEvents, parseLog } from "./events";
export type { ContractEvent, EventName, ParsedEvent } from "./events";
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
export { getEpoch, getRules, toEpochInfo, EPOCH_STATES } from "./actions/read";
export type {
  EpochInfo,
  EpochStateName,
  GetEpochParameters,
  GetEpochReturnType,
  GetRulesParameters,
  GetRulesReturnType,
  MetricRule,
  RulesInfo,
} from "./actions/read";
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
export { AmountAboveBalanceError } from "./actions/balanceError";
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
export type {
  DecryptEpochValueParameters,
  DecryptEpochValueReturnType,
  DecryptPayoutBalanceReturnType,
} from "./actions/decrypt";
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
export type { ShareVerification, VerifyShareParameters, VerifyShareReturnType } from "./actions/verify";
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
  indexerEpochs,
  indexerModels,
  indexerPoolEvents,
  indexerPublicRecord,
  indexedModelFromRow,
  indexerQuery,
  indexerRows,
  indexerSubmittedEpochs,
  IndexerError,
} from "./indexer";
export { PUBLIC_RECORD_QUERY } from "./indexer";
export type {
  AuditPoolWithIndexerParameters,
  IndexedEpoch,
  IndexedModel,
  IndexedPublicRecord,
  IndexerPublicRecordParameters,
  PublicRecordModelRow,
  PublicRecordPage,
} from "./indexer";
export type { LogStepName } from "./audit/log";
export { formatAuditJson, formatAuditMarkdown, formatAuditText } from "./audit/report";
export {
  createInstanceFheBackend,
  stripEip712Domain,
  unreachableEndpoint,
  RelayerUnavailableError,
} from "./fhe/instanceBackend";
export type {
  FhevmInstanceLike,
  InstanceFheBackendParameters,
  Keypair,
  RelayerEndpoints,
  UnreachableEndpoint,
} from "./fhe/instanceBackend";
export {
  unwrapPayout,
  finalizePayoutUnwrap,
  finalizeUnwrapRequest,
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
  FinalizeUnwrapRequestParameters,
} from "./actions/unwrap";
export { getContributorStatus, InvalidContributorError } from "./actions/contributor";
export type {
  ContributorEpochStatus,
  GetContributorStatusParameters,
  GetContributorStatusReturnType,
} from "./actions/contributor";
export type { ModelInfo } from "./actions/registry";
export { findModel } from "./actions/findModel";
export type { FindModelParameters, FindModelReturnType } from "./actions/findModel";
export { listModels } from "./actions/listModels";
export type { ListModelsReturnType } from "./actions/listModels";
export { registerModel, ModelNameTakenError } from "./actions/registerModel";
export type { RegisterModelParameters, RegisterModelReturnType } from "./actions/registerModel";
export { deployGovernance } from "./actions/governance/deployGovernance";
export type {
  DeployGovernanceParameters,
  DeployGovernanceReturnType,
  Governance,
} from "./actions/governance/deployGovernance";
export {
  applyRulesChange,
  describeRulesChange,
  rulesChanges,
  NoRulesChangeError,
  UnknownMetricError,
} from "./actions/governance/rulesChange";
export type { RulesChange } from "./actions/governance/rulesChange";
export { executeProposal, proposeRulesChange, queueProposal } from "./actions/governance/proposeRulesChange";
export type {
  ProposalCallParameters,
  ProposalCallReturnType,
  ProposeRulesChangeParameters,
  ProposeRulesChangeReturnType,
  RulesProposal,
} from "./actions/governance/proposeRulesChange";
export {
  connectGovernor,
  delegateVotes,
  governanceToken,
  voteOnProposal,
  NoVotingPowerError,
  VOTE_SUPPORT,
} from "./actions/governance/governor";
export type {
  DelegateVotesParameters,
  DelegateVotesReturnType,
  GovernanceClient,
  GovernanceTokenParameters,
  GovernanceTokenReturnType,
  GovernorParameters,
  VoteOnProposalReturnType,
  VoteParameters,
} from "./actions/governance/governor";
export { getVoterStatus, listProposals } from "./actions/governance/proposals";
export type {
  GetVoterStatusParameters,
  GetVoterStatusReturnType,
  ListProposalsParameters,
  ListProposalsReturnType,
  ProposalInfo,
  VoterStatus,
} from "./actions/governance/proposals";
export { checkRulesUpdate, rulesHistory } from "./actions/governance/rules";
export type { CheckRulesUpdateParameters, RulesHistoryReturnType } from "./actions/governance/rules";
export { findGovernor } from "./actions/governance/findGovernor";
export type { FindGovernorParameters, FindGovernorReturnType } from "./actions/governance/findGovernor";
export { decodeProposalActions } from "./actions/governance/decodeProposalActions";
export type { ProposalAction } from "./actions/governance/decodeProposalActions";
export { PROPOSAL_STATES } from "./errors";
export { claimablePairs, getPortfolio } from "./actions/portfolio";
export type {
  GetPortfolioParameters,
  GetPortfolioReturnType,
  Portfolio,
  PortfolioEntry,
  PortfolioTotal,
} from "./actions/portfolio";
export { connectAggregator } from "./actions/aggregator";
export type { MetricNameParameters } from "./actions/aggregator";
export { getAggregateStatus } from "./actions/getAggregateStatus";
export type {
  AggregateRound,
  AggregateStatus,
  GetAggregateStatusParameters,
  GetAggregateStatusReturnType,
} from "./actions/getAggregateStatus";
export { encodeTrackMetric, trackMetric } from "./actions/trackMetric";
export type { TrackMetricParameters, TrackMetricReturnType } from "./actions/trackMetric";
export { untrackMetric } from "./actions/untrackMetric";
export type { UntrackMetricParameters, UntrackMetricReturnType } from "./actions/untrackMetric";
export { approvePool, encodeApprovePool } from "./actions/approvePool";
export type { ApprovePoolParameters, ApprovePoolReturnType } from "./actions/approvePool";
export { revokePool } from "./actions/revokePool";
export type { RevokePoolParameters, RevokePoolReturnType } from "./actions/revokePool";
export { revealAggregate } from "./actions/revealAggregate";
export type { RevealAggregateParameters, RevealAggregateReturnType } from "./actions/revealAggregate";
export { auditAggregateEvents, auditAggregates, providerAggregateView, readAggregatorEvents } from "./audit/aggregates";
export type {
  AggregateAuditReport,
  AggregateChainView,
  AggregateFinding,
  AggregateRoundAudit,
  AggregatorEvent,
} from "./audit/aggregates";
export { connectConsensus, deployConsensus, toConsensusError, InvalidConsensusInputError } from "./actions/consensus";
export type {
  ConnectConsensusParameters,
  ConsensusClient,
  ConsensusConfigParameters,
  DeployConsensusParameters,
  DeployConsensusReturnType,
} from "./actions/consensus";
export { attest } from "./actions/attest";
export type { AttestParameters, AttestReturnType } from "./actions/attest";
export { finalize } from "./actions/finalize";
export type { FinalizeParameters, FinalizeReturnType } from "./actions/finalize";
export { computeDeviation, decryptWithinTolerance } from "./actions/deviation";
export type {
  ComputeDeviationReturnType,
  DecryptWithinToleranceReturnType,
  DeviationParameters,
} from "./actions/deviation";
export { consensusStatus } from "./actions/consensusStatus";
export type { ConsensusStatus, ConsensusStatusParameters, ConsensusStatusReturnType } from "./actions/consensusStatus";
export { relayWithdrawal, relayedWithdrawal } from "./actions/relayWithdrawal";
export type {
  RelayWithdrawalParameters,
  RelayWithdrawalReturnType,
  RelayedWithdrawalReturnType,
} from "./actions/relayWithdrawal";
export { signWithdrawAuthorization } from "./actions/signWithdrawal";
export type { SignWithdrawalParameters, SignWithdrawalReturnType } from "./actions/signWithdrawal";
export {
  isOmnibusWithdrawal,
  relayOmnibusWithdrawal,
  signOmnibusWithdrawAuthorization,
  withdrawToOmnibus,
} from "./actions/omnibus";
export type {
  RelayOmnibusWithdrawalParameters,
  SignOmnibusWithdrawalParameters,
  SignOmnibusWithdrawalReturnType,
  WithdrawToOmnibusParameters,
  WithdrawToOmnibusReturnType,
} from "./actions/omnibus";
export { parseSignedWithdrawal, serializeSignedWithdrawal } from "./actions/withdrawalCodec";
export type { NextWithdrawalNonceParameters } from "./actions/withdrawalAuthorization";
export {
  nextWithdrawalNonce,
  withdrawalDomain,
  AddressEncryptionUnsupportedError,
  InvalidSignedWithdrawalError,
  WithdrawalBalanceError,
  DEFAULT_WITHDRAWAL_VALIDITY_SECONDS,
  OMNIBUS_WITHDRAW_AUTHORIZATION_TYPES,
  WITHDRAW_AUTHORIZATION_TYPES,
} from "./actions/withdrawalAuthorization";
export type {
  OmnibusWithdrawAuthorization,
  SignedOmnibusWithdrawal,
  SignedWithdrawal,
  WithdrawAuthorization,
} from "./actions/withdrawalAuthorization";
export {
  decryptDisclosed,
  disclosureViewers,
  grantDisclosure,
  DisclosedShareNotClaimedError,
  NotDisclosedError,
} from "./actions/disclosure";
export type {
  DecryptDisclosedParameters,
  DecryptDisclosedReturnType,
  DisclosurePair,
  DisclosureQuery,
  DisclosureViewersReturnType,
  GrantDisclosureParameters,
  GrantDisclosureReturnType,
} from "./actions/disclosure";
export { NoClosedEpochError, decryptableEpochId, findClaimablePairs, lastClosedEpochId } from "./actions/claimable";
export type { FindClaimablePairsParameters } from "./actions/claimable";
export { PayoutTokenChoiceError, onlyPayoutToken, registryPayoutTokens } from "./actions/lookup";
export { ProposalNotFoundError, getProposal, summarizeProposal, toVoteSupport } from "./actions/proposals";
export type { GetProposalParameters, GetProposalReturnType, ProposalSummary, VoteSupport } from "./actions/proposals";
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
export {
  NETWORKS,
  PUBLIC_TEST_MNEMONIC,
  deployPreflight,
  isLocalNetwork,
  networkConfig,
  rpcUrlOf,
  signingEnvProblem,
  unmetEnv,
} from "./networks";
export type {
  DeployPreflight,
  Env,
  EnvProblem,
  EnvRequirement,
  NetworkConfig,
  NetworkFhe,
  NetworkName,
} from "./networks";
