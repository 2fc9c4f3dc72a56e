/**
 * The audit, split by concern: reading events (./events), KMS proof checks (./kms), the pool audit
 * (./pool, which runs the hash-chain replay of ./logReplay, the accounting of ./accounting and the
 * settlement checks of ./settlement, and assembles the report of ./poolReport) and the log schema (./log);
 * the cross-model aggregates' audit is in ./aggregates. This module re-exports the first three so that
 * existing imports keep working.
 */
export * from "./events";
export * from "./kms";
export * from "./pool";
