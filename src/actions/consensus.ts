import { ZeroAddress, getAddress } from "ethers";
import type { Signer } from "ethers";

import { AttestationConsensus__factory, RoyaltyPool__factory } from "../../types";
import type { AttestationConsensus, RoyaltyPool } from "../../types";
import { requireFhe, requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";
import { RoyaltiesError, toRoyaltiesError } from "../errors";
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

/**
 * Translates consensus custom errors (`ConsensusRevertError`), and pool custom errors raised when the medians are
 * submitted (`PoolRevertError`), with the one decoder.
 */
export function toConsensusError(error: unknown): unknown {
  return toRoyaltiesError(error, "AttestationConsensus");
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
