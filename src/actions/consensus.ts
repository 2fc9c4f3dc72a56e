import { Interface, ZeroAddress, ZeroHash, getAddress } from "ethers";
import type { ContractTransactionReceipt, Signer } from "ethers";

import { AttestationConsensus__factory, RoyaltyPool__factory } from "../../types";
import type { AttestationConsensus, RoyaltyPool } from "../../types";
import { confirmed, requireFhe, requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";
import { ContractRevertError, RoyaltiesError, parseRevert, toRoyaltiesError } from "../errors";
import { parseEvent } from "../events";
import type { FheBackend } from "../fhe/backend";

const UINT64_MAX = 2n ** 64n - 1n;

/** An AttestationConsensus bound to the signer acting on it, its pool and the FHE backend of its network. */
export interface ConsensusClient {
  readonly consensus: AttestationConsensus;
  readonly address: string;
  readonly pool: RoyaltyPool;
  readonly poolAddress: string;
  readonly signer: Signer;
  readonly fhe: FheBackend;
}

/** A consensus configuration: the attestor panel and the attestation counts and timing. */
export interface ConsensusConfigParameters {
  /** Attestors allowed to attest (at least `attestationsRequired`, at most 16, no duplicates). */
  attestors: readonly string[];
  /** Attestations wanted per contributor and epoch: 3 or 5. */
  attestationsRequired: number;
  /** Fewest attestations that still count at finalization: 2..attestationsRequired. */
  minAttestations: number;
  /** Seconds before the pool epoch's end when attesting stops and incomplete contributors may be finalized. */
  finalizationPeriod: bigint;
  /**
   * Largest weighted deviation from the consensus (score units) an attestor's "within tolerance" bit accepts;
   * below the pool's largest submission score (sum of weight * cap).
   */
  deviationTolerance: bigint;
}

export interface DeployConsensusParameters extends ConsensusConfigParameters {
  /** The model's RoyaltyPool (it may be created later at this address, e.g. `registry.predictPool(creator, name)`). */
  pool: string;
  /** Address allowed to change the configuration (the model's timelock); omitted = fixed forever. */
  governance?: string;
}

export interface DeployConsensusReturnType {
  client: ConsensusClient;
  /**
   * True when the pool's current rules require attestation and list this consensus as their only attestor:
   * only then do the consensus medians reach the pool, and nobody bypasses them.
   */
  poolWired: boolean;
}

/** What to do after each custom error of the consensus, keyed by error name. */
const CONSENSUS_NEXT_STEP: Record<string, string> = {
  AttestationConsensusUnauthorized: "only the consensus' governance (the model's timelock) may change it.",
  AttestationConsensusInvalidPanelSize: "list at least attestationsRequired and at most 16 attestors.",
  AttestationConsensusInvalidAttestor: "remove the zero address or the duplicate from the panel.",
  AttestationConsensusInvalidRequired: "attestationsRequired must be 3 or 5.",
  AttestationConsensusInvalidMinimum: "minAttestations must be between 2 and attestationsRequired.",
  AttestationConsensusInvalidFinalizationPeriod: "pick a finalization period between 1 minute and 30 days.",
  AttestationConsensusInvalidTolerance: "pick a deviation tolerance below the pool's largest submission score.",
  AttestationConsensusFinalizeTooExpensive:
    "a finalize could exceed the per-transaction HCU limit: use 3 attestations, fewer metrics or power-of-two weights.",
  AttestationConsensusNotAttestor: "only attestors of the panel in force for this epoch may attest.",
  AttestationConsensusInvalidContributor: "name a non-zero contributor address.",
  AttestationConsensusSelfAttestation: "an attestor cannot attest about itself.",
  AttestationConsensusAlreadyAttested: "you already attested this contributor in this epoch.",
  AttestationConsensusAttestationsComplete: "this contributor has every attestation required: finalize it.",
  AttestationConsensusWrongMetricCount: "send one value per metric of the pool's schema.",
  AttestationConsensusAttestationClosed: "attesting stopped for this epoch; finalize, or attest in the next epoch.",
  AttestationConsensusAlreadyFinalized: "this contributor is already finalized in this epoch.",
  AttestationConsensusFinalizationNotOpen:
    "wait for the remaining attestations or for the finalization period (see consensus status).",
  AttestationConsensusEpochEnded: "the pool epoch ended: close it, attestations restart in the next one.",
  AttestationConsensusNoAttestations: "nobody attested this contributor in the current epoch.",
  AttestationConsensusNotFinalized: "finalize the contributor first.",
  AttestationConsensusNotCounted: "too few attestations: there is no consensus to deviate from.",
  AttestationConsensusDidNotAttest: "only attestors of this contributor have a deviation bit.",
  AttestationConsensusDeviationExists: "already computed: decrypt it instead.",
};

const consensusInterface: Interface = new Interface(AttestationConsensus__factory.abi);

/** A transaction the consensus rejected with one of its custom errors. */
export class ConsensusRevertError extends ContractRevertError {
  constructor(errorName: string, args: readonly unknown[]) {
    super(errorName, args, CONSENSUS_NEXT_STEP);
  }
}

/** Translates consensus custom errors, and pool custom errors raised when the medians are submitted. */
export function toConsensusError(error: unknown): unknown {
  return (
    parseRevert(error, consensusInterface, (name, args) => new ConsensusRevertError(name, args)) ??
    toRoyaltiesError(error)
  );
}

async function withConsensusErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toConsensusError(error);
  }
}

/** The metric vector or the configuration is invalid before anything is sent. */
export class InvalidConsensusInputError extends RoyaltiesError {}

function checkConfig(config: ConsensusConfigParameters): void {
  if (config.attestationsRequired !== 3 && config.attestationsRequired !== 5) {
    throw new InvalidConsensusInputError(`attestationsRequired must be 3 or 5, got ${config.attestationsRequired}.`);
  }
  if (config.minAttestations < 2 || config.minAttestations > config.attestationsRequired) {
    throw new InvalidConsensusInputError(
      `minAttestations must be between 2 and ${config.attestationsRequired}, got ${config.minAttestations}.`,
    );
  }
  const unique = new Set(config.attestors.map((a) => getAddress(a)));
  if (unique.size !== config.attestors.length || unique.has(ZeroAddress)) {
    throw new InvalidConsensusInputError("The attestor panel has a duplicate or the zero address.");
  }
  if (config.deviationTolerance < 0n || config.deviationTolerance > UINT64_MAX) {
    throw new InvalidConsensusInputError(`deviationTolerance must fit 64 bits, got ${config.deviationTolerance}.`);
  }
  if (config.attestors.length < config.attestationsRequired) {
    throw new InvalidConsensusInputError(
      `The panel lists ${config.attestors.length} attestors but ${config.attestationsRequired} attestations are required.`,
    );
  }
}

export interface ConnectConsensusParameters {
  /** The AttestationConsensus' address. */
  address: string;
  /** The account acting on it (an attestor, or anyone to finalize). */
  signer: Signer;
  fhe: FheBackend;
}

/**
 * Connects to a deployed AttestationConsensus and its pool.
 * @example
 * const consensus = await connectConsensus({ address, signer: validator, fhe: createHardhatFheBackend(hre.fhevm) });
 */
export async function connectConsensus({ address, signer, fhe }: ConnectConsensusParameters): Promise<ConsensusClient> {
  const provider = signer.provider;
  if (provider === null) throw new RoyaltiesError("The signer has no provider: connect it to a network first.");
  if ((await provider.getCode(address)) === "0x") {
    throw new RoyaltiesError(`No contract at ${address}: check the consensus address and the --network you are on.`);
  }
  const consensus = AttestationConsensus__factory.connect(address, signer);
  const poolAddress = await consensus.pool();
  return { consensus, address, pool: RoyaltyPool__factory.connect(poolAddress, signer), poolAddress, signer, fhe };
}

/** Whether the pool's current rules send every attested contribution through `consensus`. */
async function poolRequiresConsensus(pool: RoyaltyPool, consensus: string): Promise<boolean> {
  const provider = pool.runner?.provider;
  if (provider && (await provider.getCode(await pool.getAddress())) === "0x") return false;
  const epoch = await pool.getEpoch(await pool.currentEpochId());
  const rules = await pool.getRules(epoch.rulesVersion);
  return (
    rules.attestationRequired &&
    rules.attestors.length === 1 &&
    getAddress(rules.attestors[0]) === getAddress(consensus)
  );
}

/**
 * Deploys the encrypted consensus of a model. The pool must require attestation and list the consensus as its
 * only attestor (create the model with the predicted address, or change its rules through governance).
 * @example
 * const { client, poolWired } = await deployConsensus(deployerClient, { pool, governance: timelock,
 *   attestors: [v1, v2, v3], attestationsRequired: 3, minAttestations: 2, finalizationPeriod: 86_400n });
 */
export async function deployConsensus(
  client: Pick<RoyaltiesClient, "signer" | "fhe">,
  params: DeployConsensusParameters,
): Promise<DeployConsensusReturnType> {
  const signer = requireSigner(client, "deployConsensus");
  const fhe = requireFhe(client, "deployConsensus");
  checkConfig(params);
  const contract = await withConsensusErrors(async () => {
    const deployed = await new AttestationConsensus__factory(signer).deploy(
      params.pool,
      params.governance ?? ZeroAddress,
      toConfigStruct(params),
    );
    await deployed.waitForDeployment();
    return deployed;
  });
  const address = await contract.getAddress();
  const connected = await connectConsensus({ address, signer, fhe });
  return { client: connected, poolWired: await poolRequiresConsensus(connected.pool, address) };
}

function toConfigStruct(config: ConsensusConfigParameters) {
  return {
    attestors: [...config.attestors],
    attestationsRequired: config.attestationsRequired,
    minAttestations: config.minAttestations,
    finalizationPeriod: config.finalizationPeriod,
    deviationTolerance: config.deviationTolerance,
  };
}

export interface AttestParameters {
  /** The contributor the metrics are about. */
  contributor: string;
  /** One clear value per metric of the pool's schema; encrypted in the attestor's wallet before it leaves. */
  metrics: readonly bigint[];
}

export interface AttestReturnType {
  epochId: bigint;
  /** Attestations of the contributor in this epoch, this one included. */
  count: bigint;
  /** Handles of the attested values (only the attestor can decrypt them). */
  metricHandles: string[];
  receipt: ContractTransactionReceipt;
}

/**
 * A panel attestor encrypts metrics about a contributor and attests them for the pool's current epoch.
 * @example
 * await attest(validatorClient, { contributor: miner, metrics: [5_000n, 120n, 90n] });
 */
export async function attest(
  client: ConsensusClient,
  { contributor, metrics }: AttestParameters,
): Promise<AttestReturnType> {
  const epoch = await client.pool.getEpoch(await client.pool.currentEpochId());
  const schema = (await client.pool.getRules(epoch.rulesVersion)).metrics;
  if (metrics.length !== schema.length) {
    const names = schema.map((m) => m.name).join(", ");
    throw new InvalidConsensusInputError(
      `The pool expects ${schema.length} metrics (${names}), got ${metrics.length}.`,
    );
  }
  metrics.forEach((value, i) => {
    if (value < 0n || value > UINT64_MAX) {
      throw new InvalidConsensusInputError(`Metric ${schema[i].name} = ${value} is outside 0..2^64-1.`);
    }
  });
  const attestor = await client.signer.getAddress();
  const encrypted = await client.fhe.encryptUint64(client.address, attestor, metrics);
  const receipt = await withConsensusErrors(() =>
    confirmed(client.consensus.attest(contributor, encrypted.handles, encrypted.inputProof)),
  );
  const event = parseEvent(client.consensus, receipt, "Attested");
  return {
    epochId: event.args.epochId,
    count: event.args.count,
    metricHandles: [...event.args.metrics],
    receipt,
  };
}

export interface FinalizeReturnType {
  epochId: bigint;
  attestations: bigint;
  /** True when the medians were submitted to the pool; false when too few attestations counted nothing. */
  counted: boolean;
  /** The contributor's updated score in the pool (only they can decrypt it); null when nothing counted. */
  scoreHandle: string | null;
  receipt: ContractTransactionReceipt;
}

/**
 * Finalizes a contributor's attestations of the current epoch (anyone may call): the per-metric encrypted
 * medians go to the pool when at least `minAttestations` attested.
 * @example
 * const { counted } = await finalize(anyClient, { contributor: miner });
 */
export interface FinalizeParameters {
  /** The contributor whose attestations to finalize. */
  contributor: string;
}

export async function finalize(
  client: ConsensusClient,
  { contributor }: FinalizeParameters,
): Promise<FinalizeReturnType> {
  const receipt = await withConsensusErrors(() => confirmed(client.consensus.finalize(contributor)));
  const event = parseEvent(client.consensus, receipt, "ConsensusFinalized");
  const counted = event.args.counted as boolean;
  return {
    epochId: event.args.epochId,
    attestations: event.args.attestations,
    counted,
    scoreHandle: counted ? event.args.score : null,
    receipt,
  };
}

export interface DeviationParameters {
  epochId: bigint;
  contributor: string;
}

export interface ComputeDeviationReturnType {
  /** Handle of the encrypted bit "my deviation <= deviationTolerance" (only the signer can decrypt it). */
  withinToleranceHandle: string;
  /** The tolerance of the configuration in force for the epoch (public). */
  deviationTolerance: bigint;
  receipt: ContractTransactionReceipt;
}

/**
 * The signer (an attestor of the contributor) computes whether its weighted deviation from the consensus is within
 * the configuration's tolerance: one encrypted bit. The numeric deviation is never revealed to anyone: an attestor
 * that submitted zeros would read the contributor's score in it.
 * @example
 * const { withinToleranceHandle } = await computeDeviation(validatorClient, { epochId: 1n, contributor: miner });
 */
export async function computeDeviation(
  client: ConsensusClient,
  { epochId, contributor }: DeviationParameters,
): Promise<ComputeDeviationReturnType> {
  const receipt = await withConsensusErrors(() => confirmed(client.consensus.computeDeviation(epochId, contributor)));
  const event = parseEvent(client.consensus, receipt, "DeviationChecked");
  return {
    withinToleranceHandle: event.args.withinTolerance,
    deviationTolerance: event.args.deviationTolerance,
    receipt,
  };
}

/**
 * Decrypts the signer's own "within tolerance" bit (computed with {@link computeDeviation}): true when its weighted
 * deviation from the consensus was at most the configuration's `deviationTolerance`.
 * @example
 * const within = await decryptWithinTolerance(validatorClient, { epochId: 1n, contributor: miner });
 */
export type DecryptWithinToleranceReturnType = boolean;

export async function decryptWithinTolerance(
  client: ConsensusClient,
  { epochId, contributor }: DeviationParameters,
): Promise<DecryptWithinToleranceReturnType> {
  const attestor = await client.signer.getAddress();
  const handle = await client.consensus.withinToleranceOf(epochId, contributor, attestor);
  if (handle === ZeroHash) {
    throw new RoyaltiesError(
      `No deviation bit of ${attestor} for ${contributor} in epoch ${epochId}: compute it first (computeDeviation).`,
    );
  }
  if (client.fhe.userDecryptBool === undefined) {
    throw new RoyaltiesError("This FHE backend cannot decrypt an ebool: use the Hardhat or relayer backend.");
  }
  return client.fhe.userDecryptBool(handle, client.address, client.signer);
}

export interface ConsensusStatus {
  epochId: bigint;
  /** Configuration version in force for the epoch, and its values. */
  configVersion: bigint;
  config: ConsensusConfigParameters;
  /** A configuration waiting for a later epoch, if any. */
  pending: { version: bigint; fromEpochId: bigint } | null;
  /** Attesting stops at this time; incomplete contributors may be finalized from then on. */
  closesAt: bigint;
  /** The epoch's end as the pool reports it: finalize only before it. */
  end: bigint;
  /** The pool sends attested contributions only through this consensus. */
  poolWired: boolean;
  contributor?: {
    address: string;
    attestations: bigint;
    finalized: boolean;
    counted: boolean;
    /** A finalize call would be accepted now (given the block time `now`). */
    finalizable: boolean;
  };
}

/**
 * Public state of the consensus for the current epoch, optionally for one contributor.
 * @example
 * const status = await consensusStatus(client, { contributor: miner });
 */
export interface ConsensusStatusParameters {
  /** Also report this contributor's tally. */
  contributor?: string;
}

export type ConsensusStatusReturnType = ConsensusStatus;

export async function consensusStatus(
  client: ConsensusClient,
  params: ConsensusStatusParameters = {},
): Promise<ConsensusStatusReturnType> {
  const [[epochId, closesAt, end], pendingRaw] = await Promise.all([
    client.consensus.schedule(),
    client.consensus.pendingConfig(),
  ]);
  const [configVersion, c] = await client.consensus.configForEpoch(epochId);
  const config: ConsensusConfigParameters = {
    attestors: [...c.attestors],
    attestationsRequired: Number(c.attestationsRequired),
    minAttestations: Number(c.minAttestations),
    finalizationPeriod: c.finalizationPeriod,
    deviationTolerance: c.deviationTolerance,
  };
  const status: ConsensusStatus = {
    epochId,
    configVersion,
    config,
    pending: pendingRaw[0] ? { version: pendingRaw[1], fromEpochId: pendingRaw[2] } : null,
    closesAt,
    end,
    poolWired: await poolRequiresConsensus(client.pool, client.address),
  };
  if (params.contributor !== undefined) {
    const tally = await client.consensus.tallyOf(epochId, params.contributor);
    const block = await client.signer.provider?.getBlock("latest");
    const now = BigInt(block?.timestamp ?? 0);
    const complete = tally.count >= BigInt(config.attestationsRequired);
    status.contributor = {
      address: params.contributor,
      attestations: tally.count,
      finalized: tally.finalized,
      counted: tally.counted,
      finalizable: tally.count > 0n && !tally.finalized && now < end && (complete || now >= closesAt),
    };
  }
  return status;
}
