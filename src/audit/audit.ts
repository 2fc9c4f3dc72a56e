import { AbiCoder, Contract, ZeroAddress, ZeroHash, dataSlice, getAddress } from "ethers";
import type { Interface } from "ethers";
import type { Log, Provider } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import { RoyaltiesError } from "../errors";
import { LOG_STEPS, logEntry, nextDigest } from "./log";
import type { LogStepName } from "./log";

/** One event of the pool, decoded, with its position in the chain. */
export interface PoolEvent {
  name: string;
  args: Record<string, unknown>;
  transactionHash: string;
  blockNumber: number;
  logIndex: number;
}

/** What the auditor asks the chain beyond the event log (all public). */
export interface AuditChainView {
  /** The digest and length of an epoch's log as stored on-chain. */
  epochLog(epochId: bigint): Promise<{ digest: string; length: bigint }>;
  /** What the audit checks a close against in a rules version: k, and the noise width (0 = none). */
  closeRules(rulesVersion: bigint): Promise<{ minParticipants: bigint; noiseBits: bigint }>;
  /** The clear value and KMS proof submitted in a reveal or settle transaction. */
  submittedDecryption(transactionHash: string): Promise<{ value: bigint; proof: string }>;
  /** Whether the KMS signatures of `proof` cover `handles` decrypting to `value`. */
  verifyDecryption(handles: readonly string[], value: bigint, proof: string): Promise<boolean>;
}

export interface AuditFinding {
  epochId: bigint;
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

interface StepOf {
  epochId: bigint;
  step: LogStepName;
  fields: unknown[];
}

/** The log step a step event records, with the fields the pool hashes. */
function stepOf(event: PoolEvent): StepOf | undefined {
  const a = event.args;
  switch (event.name) {
    case "ContributionSubmitted":
      return {
        epochId: a.epochId as bigint,
        step: "Submit",
        fields: [a.contributor, a.attestor, a.bonusClass, a.rulesVersion, a.score, a.total],
      };
    case "PoolFunded":
      return { epochId: a.epochId as bigint, step: "Fund", fields: [a.funder, a.amount, a.units] };
    case "EpochExtended":
      return { epochId: a.epochId as bigint, step: "Extend", fields: [a.newEnd, a.participants, a.rulesVersion] };
    case "EpochClosed":
      return {
        epochId: a.epochId as bigint,
        step: "Close",
        fields: [a.participants, a.submissions, a.pool, a.total],
      };
    case "EpochTotalRevealed":
      return { epochId: a.epochId as bigint, step: "Reveal", fields: [a.total, a.pool, a.shareFactor, a.shareShift] };
    case "RoyaltyClaimed":
      return { epochId: a.epochId as bigint, step: "Claim", fields: [a.contributor, a.recipient, a.share] };
    case "PoolCarriedForward":
      return { epochId: a.intoEpochId as bigint, step: "CarryIn", fields: [a.epochId, a.amount] };
    case "PoolSettled":
      return {
        epochId: a.intoEpochId as bigint,
        step: "Settle",
        fields: [a.fromEpochId, a.toEpochId, a.released, a.kept],
      };
    default:
      return undefined;
  }
}

/** Largest mask a settlement may use (the bound of `FHE.randEuint64` is at most 2^63). */
const MAX_MASK_BITS = 63n;

/** `RoyaltyMath.remainderBound`: public bound on `pool − Σ shares` of one revealed epoch. */
export function remainderBound(pool: bigint, noisyTotal: bigint, noiseBits: bigint, participants: bigint): bigint {
  let bound = participants + 1n;
  if (noiseBits !== 0n) bound += ceilDiv(pool * ((1n << noiseBits) - 1n), noisyTotal);
  return bound < pool ? bound : pool;
}

/** The pool's mask rule: one bit wider than the bound's bit length, never narrower than before, at most 63. */
export function nextMaskBits(previous: bigint, bound: bigint): bigint {
  const needed = BigInt(bound.toString(2).length - (bound === 0n ? 1 : 0)) + 1n;
  const widest = needed > previous ? needed : previous;
  return widest < MAX_MASK_BITS ? widest : MAX_MASK_BITS;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

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
    pool: 0n,
    closed: false,
    claims: 0n,
  };
}

/**
 * Audits a pool from its event stream alone (plus public chain reads): rebuilds every epoch's hash
 * chain and compares it with the chain, re-checks every reveal's KMS decryption proof, and checks
 * the public accounting. Exported separately from {@link auditPool} so an altered stream can be tested.
 */
export async function auditEvents(
  events: readonly PoolEvent[],
  chain: AuditChainView,
  range: { pool: string; fromBlock: number; toBlock: number },
): Promise<AuditReport> {
  const epochs = new Map<bigint, EpochAudit>();
  const findings: AuditFinding[] = [];
  const failedEpochs = new Set<bigint>();
  const closeHandles = new Map<bigint, string>();
  const contributors = new Map<bigint, Set<string>>();
  const settlements: SettlementAudit[] = [];
  const requested = new Map<string, { released: string; liability: bigint; maskBits: bigint }>();
  // Mask rule of the pool, replayed from public values: once a noisy epoch is settled, the mask is at least
  // one bit wider than the settled epochs' remainder bound and never narrower than before.
  let maskBits = 0n;
  const epochOf = (id: bigint) => epochs.get(id) ?? epochs.set(id, newEpoch(id)).get(id)!;
  const fail = (epochId: bigint, step: string, message: string, transactionHash?: string) => {
    findings.push({ epochId, step, message, transactionHash });
  };
  let pending: { event: PoolEvent; step: StepOf } | undefined;

  for (const event of events) {
    const a = event.args;
    if (event.name === "LogAppended") {
      const epochId = a.epochId as bigint;
      const epoch = epochOf(epochId);
      const index = a.index as bigint;
      const stepIndex = a.step as bigint;
      if (pending === undefined) {
        fail(
          epochId,
          `log entry ${index}`,
          "log entry without the step event it records (a step was dropped or moved)",
          event.transactionHash,
        );
        failedEpochs.add(epochId);
        continue;
      }
      const { step, event: stepEvent } = pending;
      pending = undefined;
      const where = `${step.step} (entry ${epoch.logLength})`;
      const entry = logEntry(step.step, step.fields);
      const digest = nextDigest(epoch.digest, entry);
      if (!failedEpochs.has(epochId)) {
        if (
          step.epochId !== epochId ||
          index !== epoch.logLength ||
          stepIndex !== BigInt(LOG_STEPS.indexOf(step.step))
        ) {
          fail(
            epochId,
            where,
            `entry ${index} of epoch ${epochId} does not follow entry ${epoch.logLength - 1n}: an event was dropped or reordered`,
            stepEvent.transactionHash,
          );
          failedEpochs.add(epochId);
        } else if (entry !== a.entry) {
          fail(
            epochId,
            where,
            "the step event's fields do not hash to the logged entry: a value (e.g. a handle) was altered",
            stepEvent.transactionHash,
          );
          failedEpochs.add(epochId);
        } else if (digest !== a.digest) {
          fail(epochId, where, "the rebuilt digest differs from the logged one", stepEvent.transactionHash);
          failedEpochs.add(epochId);
        }
      }
      epoch.digest = digest;
      epoch.logLength += 1n;
      continue;
    }

    const step = stepOf(event);
    if (step !== undefined) {
      if (pending !== undefined) {
        fail(
          pending.step.epochId,
          pending.step.step,
          "step event without its log entry (the entry was dropped)",
          pending.event.transactionHash,
        );
        failedEpochs.add(pending.step.epochId);
      }
      pending = { event, step };
    }

    switch (event.name) {
      case "EpochRulesAdopted":
        epochOf(a.epochId as bigint).rulesVersion = a.toVersion as bigint;
        break;
      case "EpochStarted":
        epochOf(a.epochId as bigint).rulesVersion = a.rulesVersion as bigint;
        break;
      case "ContributionSubmitted": {
        const epoch = epochOf(a.epochId as bigint);
        const seen = contributors.get(epoch.epochId) ?? new Set<string>();
        seen.add(a.contributor as string);
        contributors.set(epoch.epochId, seen);
        epoch.participants = BigInt(seen.size);
        break;
      }
      case "PoolFunded":
        epochOf(a.epochId as bigint).funded += a.units as bigint;
        break;
      case "PoolCarriedForward":
        epochOf(a.intoEpochId as bigint).carriedIn += a.amount as bigint;
        break;
      case "EpochTotalNoised":
        epochOf(a.epochId as bigint).noisedTotal = a.total as string;
        break;
      case "EpochClosed": {
        const epoch = epochOf(a.epochId as bigint);
        epoch.closed = true;
        epoch.pool = a.pool as bigint;
        closeHandles.set(epoch.epochId, a.total as string);
        if (epoch.pool !== epoch.funded + epoch.carriedIn) {
          fail(
            epoch.epochId,
            "Close",
            `pool ${epoch.pool} ≠ funds ${epoch.funded} + carried in ${epoch.carriedIn}`,
            event.transactionHash,
          );
        }
        if ((a.participants as bigint) !== epoch.participants) {
          fail(
            epoch.epochId,
            "Close",
            `closed with ${a.participants} participants, the log shows ${epoch.participants}`,
            event.transactionHash,
          );
        }
        ({ minParticipants: epoch.minParticipants, noiseBits: epoch.noiseBits } = await chain.closeRules(
          epoch.rulesVersion,
        ));
        const noised = epoch.noisedTotal !== undefined && epoch.noisedTotal === a.total;
        if ((epoch.noiseBits !== 0n) !== noised) {
          fail(
            epoch.epochId,
            "Close",
            epoch.noiseBits !== 0n
              ? `the rules add noise below 2^${epoch.noiseBits} but the closed total carries none`
              : "noise was added to the total although the rules do not ask for it",
            event.transactionHash,
          );
        }
        if (epoch.participants < epoch.minParticipants) {
          fail(
            epoch.epochId,
            "Close",
            `closed with ${epoch.participants} < k = ${epoch.minParticipants} participants (k-anonymity)`,
            event.transactionHash,
          );
        }
        break;
      }
      case "EpochTotalRevealed": {
        const epoch = epochOf(a.epochId as bigint);
        epoch.revealedTotal = a.total as bigint;
        const handle = closeHandles.get(epoch.epochId);
        if (handle === undefined) {
          fail(epoch.epochId, "Reveal", "revealed without a close in the range", event.transactionHash);
          epoch.revealProofValid = false;
          break;
        }
        if ((a.pool as bigint) !== epoch.pool) {
          fail(epoch.epochId, "Reveal", `revealed pool ${a.pool} ≠ closed pool ${epoch.pool}`, event.transactionHash);
        }
        const submitted = await chain.submittedDecryption(event.transactionHash);
        epoch.revealProofValid =
          submitted.value === epoch.revealedTotal &&
          (await chain.verifyDecryption([handle], submitted.value, submitted.proof));
        if (!epoch.revealProofValid) {
          fail(
            epoch.epochId,
            "Reveal",
            "the KMS decryption proof does not cover the closed total handle and revealed value",
            event.transactionHash,
          );
        }
        break;
      }
      case "RoyaltyClaimed": {
        const epoch = epochOf(a.epochId as bigint);
        epoch.claims += 1n;
        if (epoch.claims > epoch.participants) {
          fail(
            epoch.epochId,
            "Claim",
            `${epoch.claims} claims for ${epoch.participants} participants`,
            event.transactionHash,
          );
        }
        break;
      }
      case "SettlementRequested":
        requested.set(`${a.fromEpochId}-${a.toEpochId}`, {
          released: a.released as string,
          liability: a.liability as bigint,
          maskBits: BigInt(a.maskBits as bigint | number),
        });
        break;
      case "PoolSettled": {
        const from = a.fromEpochId as bigint;
        const to = a.toEpochId as bigint;
        const request = requested.get(`${from}-${to}`);
        const released = a.released as bigint;
        let settledPools = 0n;
        let bound = 0n;
        let noisy = false;
        for (let id = from; id <= to; id++) {
          const epoch = epochs.get(id);
          // An epoch whose pool was carried forward whole paid nothing and is not counted.
          if (epoch?.revealedTotal === undefined || epoch.revealedTotal === 0n || epoch.pool === 0n) continue;
          settledPools += epoch.pool;
          bound += remainderBound(epoch.pool, epoch.revealedTotal, epoch.noiseBits, epoch.participants);
          if (epoch.noiseBits !== 0n) noisy = true;
        }
        const expectedMaskBits = noisy || maskBits !== 0n ? nextMaskBits(maskBits, bound) : 0n;
        let proofValid = false;
        if (request === undefined) {
          fail(
            to,
            "Settle",
            `settlement of epochs ${from}..${to} without its request in the range`,
            event.transactionHash,
          );
        } else {
          const submitted = await chain.submittedDecryption(event.transactionHash);
          proofValid =
            submitted.value === released &&
            (await chain.verifyDecryption([request.released], released, submitted.proof));
          if (!proofValid)
            fail(to, "Settle", "the KMS proof does not cover the released remainder handle", event.transactionHash);
          if (request.maskBits < expectedMaskBits) {
            fail(
              to,
              "Settle",
              `mask of ${request.maskBits} bits is narrower than the ${expectedMaskBits} the settled epochs need`,
              event.transactionHash,
            );
          }
          maskBits = request.maskBits;
        }
        settlements.push({
          fromEpochId: from,
          toEpochId: to,
          intoEpochId: a.intoEpochId as bigint,
          liability: request?.liability ?? 0n,
          released,
          maskBits: request?.maskBits ?? 0n,
          expectedMaskBits,
          settledPools,
          proofValid,
        });
        epochOf(a.intoEpochId as bigint).carriedIn += released;
        break;
      }
      default:
        break;
    }
  }
  if (pending !== undefined) {
    fail(
      pending.step.epochId,
      pending.step.step,
      "step event without its log entry (the entry was dropped)",
      pending.event.transactionHash,
    );
    failedEpochs.add(pending.step.epochId);
  }

  for (const epoch of epochs.values()) {
    const onChain = await chain.epochLog(epoch.epochId);
    epoch.digestMatchesChain = onChain.digest === epoch.digest && onChain.length === epoch.logLength;
    if (!epoch.digestMatchesChain && !failedEpochs.has(epoch.epochId)) {
      fail(
        epoch.epochId,
        `log (${epoch.logLength} entries)`,
        `rebuilt digest ${epoch.digest} ≠ on-chain ${onChain.digest} (${onChain.length} entries): events are missing from the range`,
      );
    }
  }
  const sorted = [...epochs.values()].sort((x, y) => (x.epochId < y.epochId ? -1 : 1));
  return { ...range, epochs: sorted, settlements, findings, ok: findings.length === 0 };
}

/**
 * ERC-7201 slot where @fhevm/solidity keeps a contract's coprocessor config (ACL, coprocessor,
 * KMS verifier addresses), from `Impl.sol`'s `CoprocessorConfigLocation`.
 */
const COPROCESSOR_CONFIG_SLOT = 0x9e7b61f58c47dc699ac88507c4f5bb9f121c03808c5676a8078fe583e4649700n;
const KMS_VERIFIER_FIELD = 2n;

const KMS_VERIFIER_ABI = [
  "function verifyDecryptionEIP712KMSSignatures(bytes32[] handlesList, bytes decryptedResult, bytes decryptionProof) returns (bool)",
];

/** Whether the KMS signatures of `proof` cover `handles` decrypting to `value` (ABI-encoded as `valueType`). */
export type KmsDecryptionCheck = (
  handles: readonly string[],
  valueType: "uint64" | "uint128",
  value: bigint,
  proof: string,
) => Promise<boolean>;

/**
 * Checks KMS decryption proofs against the KMS verifier `contract` itself uses (read from its fhEVM
 * configuration), as of `blockTag`: what `FHE.checkSignatures` accepted on-chain, re-checked off-chain.
 */
export async function kmsDecryptionCheck(
  provider: Provider,
  contract: string,
  blockTag: number,
): Promise<KmsDecryptionCheck> {
  const verifier = new Contract(await kmsVerifierOf(provider, contract), KMS_VERIFIER_ABI, provider);
  const verify = verifier.getFunction("verifyDecryptionEIP712KMSSignatures");
  const coder = AbiCoder.defaultAbiCoder();
  return async (handles, valueType, value, proof) => {
    try {
      return (await verify.staticCall([...handles], coder.encode([valueType], [value]), proof, { blockTag })) === true;
    } catch {
      return false;
    }
  };
}

/** The KMS verifier the pool itself checks proofs against, read from its storage. */
export async function kmsVerifierOf(provider: Provider, pool: string): Promise<string> {
  const word = await provider.getStorage(pool, COPROCESSOR_CONFIG_SLOT + KMS_VERIFIER_FIELD);
  const address = getAddress(dataSlice(word, 12));
  if (address === ZeroAddress) throw new UnsupportedChainError(`Pool ${pool} has no fhEVM coprocessor configured.`);
  return address;
}

/** The pool has no fhEVM coprocessor configuration to audit against. */
export class UnsupportedChainError extends RoyaltiesError {}

/** Reads a contract's events in a block range, decoded with `iface` and in chain order. */
export async function readDecodedEvents(
  provider: Provider,
  address: string,
  iface: Interface,
  fromBlock: number,
  toBlock: number,
): Promise<PoolEvent[]> {
  const logs: Log[] = await provider.getLogs({ address, fromBlock, toBlock });
  const events: PoolEvent[] = [];
  for (const log of logs) {
    const parsed = iface.parseLog(log);
    if (parsed === null) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => (args[input.name] = parsed.args[i]));
    events.push({
      name: parsed.name,
      args,
      transactionHash: log.transactionHash,
      blockNumber: log.blockNumber,
      logIndex: log.index,
    });
  }
  return events;
}

/** Reads a pool's events in a block range, decoded and in chain order. */
export function readPoolEvents(
  provider: Provider,
  pool: string,
  fromBlock: number,
  toBlock: number,
): Promise<PoolEvent[]> {
  return readDecodedEvents(provider, pool, RoyaltyPool__factory.createInterface(), fromBlock, toBlock);
}

/** The public chain reads an audit makes, against a provider, as of `blockTag`. */
export async function providerChainView(provider: Provider, pool: string, blockTag: number): Promise<AuditChainView> {
  const checkDecryption = await kmsDecryptionCheck(provider, pool, blockTag);
  const poolContract = RoyaltyPool__factory.connect(pool, provider);
  const iface = poolContract.interface;
  return {
    async epochLog(epochId) {
      const epoch = await poolContract.getEpoch(epochId, { blockTag });
      return { digest: epoch.logDigest, length: epoch.logLength };
    },
    async closeRules(rulesVersion) {
      const rules = await poolContract.getRules(rulesVersion, { blockTag });
      return { minParticipants: rules.minParticipants, noiseBits: rules.noiseBits };
    },
    async submittedDecryption(transactionHash) {
      const tx = await provider.getTransaction(transactionHash);
      if (tx === null) throw new RoyaltiesError(`Transaction ${transactionHash} not found: is the node archiving?`);
      const call = iface.parseTransaction({ data: tx.data });
      if (call?.name === "revealEpochTotal") return { value: call.args[1] as bigint, proof: call.args[2] as string };
      if (call?.name === "settle") return { value: call.args[0] as bigint, proof: call.args[1] as string };
      throw new RoyaltiesError(`Transaction ${transactionHash} is not a direct reveal or settle call of the pool.`);
    },
    verifyDecryption(handles, value, proof) {
      return checkDecryption(handles, "uint64", value, proof);
    },
  };
}

export interface AuditPoolParameters {
  pool: string;
  fromBlock?: number;
  toBlock?: number;
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
  const events = await readPoolEvents(provider, params.pool, fromBlock, toBlock);
  const chain = await providerChainView(provider, params.pool, toBlock);
  return auditEvents(events, chain, { pool: params.pool, fromBlock, toBlock });
}
