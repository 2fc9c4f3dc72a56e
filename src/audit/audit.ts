/**
 * The audit, split by concern: reading events ({@link ./events}), KMS proof checks ({@link ./kms}), the
 * pool audit ({@link ./pool}) and the log schema ({@link ./log}); the cross-model aggregates' audit is in
 * ./aggregates. This module re-exports the first three so existing imports keep working.
 */
export { DEFAULT_LOG_BLOCK_RANGE, decodeEvents, readDecodedEvents, readPoolEvents } from "./events";
export type { PoolEvent } from "./events";
export { UnsupportedChainError, kmsDecryptionCheck, kmsVerifierOf } from "./kms";
export type { KmsDecryptionCheck } from "./kms";
export { auditEvents, auditPool, providerChainView } from "./pool";
export type {
  AuditChainView,
  AuditFinding,
  AuditPoolParameters,
  AuditReport,
  EpochAudit,
  EpochLogOnChain,
  SettlementAudit,
} from "./pool";
