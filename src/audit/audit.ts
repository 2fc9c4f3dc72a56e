/**
 * The audit, split by concern: reading events (./events), KMS proof checks (./kms), the pool audit
 * (./pool) and the log schema (./log); the cross-model aggregates' audit is in ./aggregates. This module
 * re-exports the first three so that existing imports keep working.
 */
export * from "./events";
export * from "./kms";
export * from "./pool";
