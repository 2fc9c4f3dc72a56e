import { Interface, ZeroAddress, getAddress } from "ethers";
import type { Signer } from "ethers";

import { AttestationConsensus__factory, RoyaltyPool__factory } from "../../types";
import type { AttestationConsensus, RoyaltyPool } from "../../types";
import { requireFhe, requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";
import { ContractRevertError, RoyaltiesError, parseRevert, toRoyaltiesError } from "../errors";
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
export async function poolRequiresConsensus(pool: RoyaltyPool, consensus: string): Promise<boolean> {
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
