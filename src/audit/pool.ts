/**
 * The pool audit: rebuilds every epoch's hash chain from the pool's events, compares it with the chain,
 * re-checks every reveal's and settlement's KMS proof and the public accounting. Each concern has its
 * file: the hash-chain replay and completeness (./logReplay), the per-epoch accounting (./accounting), the
 * settlements (./settlement); this one runs them over the stream and assembles the report.
 */
import type { Provider } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { RoyaltiesError } from "../errors";
import { EPOCH_STATES } from "../actions/read";
import { EpochAccounting } from "./accounting";
import { readPoolEvents } from "./events";
import type { PoolEvent } from "./events";
import { kmsDecryptionCheck } from "./kms";
import { LogReplay } from "./logReplay";
import { PoolAuditState } from "./poolReport";
import type { AuditChainView, AuditReport } from "./poolReport";
import { SettlementReplay } from "./settlement";

export type {
  AuditChainView,
  AuditFinding,
  AuditReport,
  EpochAudit,
  EpochLogOnChain,
  SettlementAudit,
} from "./poolReport";

/**
 * Audits a pool from its event stream alone (plus public chain reads): rebuilds every epoch's hash
 * chain and compares it with the chain, re-checks every reveal's KMS decryption proof, and checks
 * the public accounting. Completeness: every epoch from 1 to the current one at the audited block must
 * be in the stream, each with the log length and digest the chain stores; a missing, extra, reordered
 * or altered entry is a finding naming the epoch and the entry with its step ("log entry 12 (Claim)").
 * Exported separately from {@link auditPool} so an altered stream can be tested. An argument whose type
 * is not its ABI type (a stream not decoded with the pool's ABI) throws a `MalformedEventError`.
 */
export async function auditEvents(
  events: readonly PoolEvent[],
  chain: AuditChainView,
  range: { pool: string; fromBlock: number; toBlock: number },
): Promise<AuditReport> {
  const state = new PoolAuditState();
  const log = new LogReplay(state);
  const accounting = new EpochAccounting(state, chain);
  const settlement = new SettlementReplay(state, chain);
  for (const event of events) {
    log.replay(event);
    if (event.name === "LogAppended") continue;
    await accounting.replay(event);
    await settlement.replay(event);
  }

  const currentEpochId = await chain.currentEpochId();
  const entries = await log.checkAgainstChain(chain, currentEpochId);
  for (const epochId of state.epochs.keys()) {
    if (epochId < 1n || epochId > currentEpochId) {
      state.fail(
        epochId,
        "epoch",
        `not an epoch of this pool at block ${range.toBlock} (its current epoch is ${currentEpochId})`,
      );
    }
  }
  // By epoch; within an epoch, broken log entries first (a later check may only be their consequence).
  const findings = [...entries, ...state.findings];
  findings.sort((x, y) => (x.epochId < y.epochId ? -1 : x.epochId > y.epochId ? 1 : 0));
  const epochs = [...state.epochs.values()].sort((x, y) => (x.epochId < y.epochId ? -1 : 1));
  return { ...range, epochs, settlements: settlement.settlements, findings, ok: findings.length === 0 };
}

/** The clear value and KMS proof a reveal or settle call submitted, checked to be what the ABI says. */
function submitted(value: unknown, proof: unknown, transactionHash: string): { value: bigint; proof: string } {
  if (typeof value !== "bigint" || typeof proof !== "string") {
    throw new RoyaltiesError(`Transaction ${transactionHash} does not carry a clear value and a KMS proof.`);
  }
  return { value, proof };
}

/** The public chain reads an audit makes, against a provider, as of `blockTag`. */
export async function providerChainView(provider: Provider, pool: string, blockTag: number): Promise<AuditChainView> {
  const checkDecryption = await kmsDecryptionCheck(provider, pool, blockTag);
  const poolContract = RoyaltyPool__factory.connect(pool, provider);
  const iface = poolContract.interface;
  return {
    currentEpochId() {
      return poolContract.currentEpochId({ blockTag });
    },
    async epochLog(epochId) {
      const epoch = await poolContract.getEpoch(epochId, { blockTag });
      return {
        digest: epoch.logDigest,
        length: epoch.logLength,
        rulesVersion: epoch.rulesVersion,
        state: EPOCH_STATES[Number(epoch.state)],
        submissions: epoch.submissions,
        claims: epoch.claims,
      };
    },
    async closeRules(rulesVersion) {
      const rules = await poolContract.getRules(rulesVersion, { blockTag });
      return { minParticipants: rules.minParticipants, noiseBits: rules.noiseBits };
    },
    async submittedDecryption(transactionHash) {
      const tx = await provider.getTransaction(transactionHash);
      if (tx === null) throw new RoyaltiesError(`Transaction ${transactionHash} not found: is the node archiving?`);
      const call = iface.parseTransaction({ data: tx.data });
      // revealEpochTotal(epochId, total, proof) and settle(released, proof)
      if (call?.name === "revealEpochTotal") return submitted(call.args[1], call.args[2], transactionHash);
      if (call?.name === "settle") return submitted(call.args[0], call.args[1], transactionHash);
      throw new RoyaltiesError(`Transaction ${transactionHash} is not a direct reveal or settle call of the pool.`);
    },
    verifyDecryption(handles, value, proof) {
      return checkDecryption(handles, "uint64", value, proof);
    },
  };
}

export interface AuditPoolParameters {
  pool: string;
  /** First block read; the log is complete only when it is at or before the pool's creation. Default 0. */
  fromBlock?: number;
  /** The audited block: the chain's state and the log as of this block. Default: latest. */
  toBlock?: number;
  /** Blocks per `eth_getLogs` request; default `DEFAULT_LOG_BLOCK_RANGE` (5000). */
  logBlockRange?: number;
}

/**
 * Audits a pool from the chain: its events in a block range and public reads only.
 * @example
 * const report = await auditPool(provider, { pool: poolAddress });
 * if (!report.ok) console.log(report.findings);
 */
export async function auditPool(provider: Provider, params: AuditPoolParameters): Promise<AuditReport> {
  const fromBlock = params.fromBlock ?? 0;
  const toBlock = params.toBlock ?? (await provider.getBlockNumber());
  if ((await provider.getCode(params.pool)) === "0x")
    throw new RoyaltiesError(`No contract at ${params.pool}: check the pool address and the network.`);
  const events = await readPoolEvents(provider, params.pool, fromBlock, toBlock, params.logBlockRange);
  const chain = await providerChainView(provider, params.pool, toBlock);
  return auditEvents(events, chain, { pool: params.pool, fromBlock, toBlock });
}
