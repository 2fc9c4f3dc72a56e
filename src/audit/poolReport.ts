/**
 * The pool audit's report types, the chain reads it makes, and the state its checks share while the
 * event stream is replayed (the epochs rebuilt so far and the findings).
 */
import { ZeroHash } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import type { RoyaltyPool } from "../../types";
import { eventArgsReader } from "../events";

/** An epoch's log as the chain stores it, with the counters that say which steps it must contain. */
export interface EpochLogOnChain {
  digest: string;
  length: bigint;
  rulesVersion: bigint;
  /** `IRoyaltyPool.EpochState` as its name: None, Open, Closed or Revealed. */
  state: string;
  /** Submit entries the log must hold. */
  submissions: bigint;
  /** Claim entries the log must hold. */
  claims: bigint;
}

/** What the auditor asks the chain beyond the event log (all public). */
export interface AuditChainView {
  /** The pool's current epoch at the audited block: epochs 1..this one must all be in the log. */
  currentEpochId(): Promise<bigint>;
  /** The digest, length and step counters of an epoch's log as stored on-chain. */
  epochLog(epochId: bigint): Promise<EpochLogOnChain>;
  /** What the audit checks a close against in a rules version: k, and the noise width (0 = none). */
  closeRules(rulesVersion: bigint): Promise<{ minParticipants: bigint; noiseBits: bigint }>;
  /** The clear value and KMS proof submitted in a reveal or settle transaction. */
  submittedDecryption(transactionHash: string): Promise<{ value: bigint; proof: string }>;
  /** Whether the KMS signatures of `proof` cover `handles` decrypting to `value`. */
  verifyDecryption(handles: readonly string[], value: bigint, proof: string): Promise<boolean>;
}

export interface AuditFinding {
  epochId: bigint;
  /** What failed: a log entry with its step ("log entry 12 (Claim)"), or a check ("Close", "Reveal", "Settle"). */
  step: string;
  message: string;
  transactionHash?: string;
}

export interface EpochAudit {
  epochId: bigint;
  rulesVersion: bigint;
  logLength: bigint;
  digest: string;
  digestMatchesChain: boolean;
  participants: bigint;
  minParticipants: bigint;
  /** Noise width the rules required on the total (0 = none). */
  noiseBits: bigint;
  /** The total handle the noise event carries, when noise was added. */
  noisedTotal?: string;
  funded: bigint;
  carriedIn: bigint;
  /** Lent by this epoch's pool to a masked settlement (the settlement pays it back into the then current pool). */
  lent: bigint;
  pool: bigint;
  closed: boolean;
  revealedTotal?: bigint;
  revealProofValid?: boolean;
  claims: bigint;
}

export interface SettlementAudit {
  fromEpochId: bigint;
  toEpochId: bigint;
  intoEpochId: bigint;
  liability: bigint;
  /** What the settlement moved into the public pool (the unpaid remainder minus the hidden carry). */
  released: bigint;
  /** Width of the mask on the hidden carry, and the width the public record says it must have at least. */
  maskBits: bigint;
  expectedMaskBits: bigint;
  settledPools: bigint;
  proofValid: boolean;
}

export interface AuditReport {
  pool: string;
  fromBlock: number;
  toBlock: number;
  epochs: EpochAudit[];
  settlements: SettlementAudit[];
  findings: AuditFinding[];
  ok: boolean;
}

/** The TypeChain-typed arguments of a pool event in the audited stream, each checked against the ABI. */
export const poolArgs = eventArgsReader<RoyaltyPool>(RoyaltyPool__factory.createInterface());

function newEpoch(epochId: bigint): EpochAudit {
  return {
    epochId,
    rulesVersion: 0n,
    logLength: 0n,
    digest: ZeroHash,
    digestMatchesChain: false,
    participants: 0n,
    minParticipants: 0n,
    noiseBits: 0n,
    funded: 0n,
    carriedIn: 0n,
    lent: 0n,
    pool: 0n,
    closed: false,
    claims: 0n,
  };
}

/** What the checks of one audit share: the epochs rebuilt from the stream so far, and the findings in stream order. */
export class PoolAuditState {
  readonly epochs = new Map<bigint, EpochAudit>();
  readonly findings: AuditFinding[] = [];

  /** The epoch's audit record, created at its first mention. */
  epochOf(epochId: bigint): EpochAudit {
    let epoch = this.epochs.get(epochId);
    if (epoch === undefined) this.epochs.set(epochId, (epoch = newEpoch(epochId)));
    return epoch;
  }

  /** Records a failed check of `epochId`. */
  fail(epochId: bigint, step: string, message: string, transactionHash?: string): void {
    this.findings.push({ epochId, step, message, transactionHash });
  }
}
