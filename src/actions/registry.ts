import type { ContractRunner } from "ethers";

import { ModelRegistry__factory } from "../../types";
import type { ModelRegistry } from "../../types";
import { createModel } from "../deploy";
import type { CreateModelParameters } from "../deploy";
import { RoyaltiesError, toRoyaltiesError } from "../errors";

/** Public metadata of a model of the registry. */
export interface ModelInfo {
  modelId: bigint;
  name: string;
  pool: string;
  paymentToken: string;
  payoutToken: string;
  /** Address allowed to change the rules; the zero address when the rules are fixed. */
  governance: string;
  creator: string;
  createdAt: bigint;
}

export interface ConnectRegistryParameters {
  address: string;
  /** A signer (to create models) or a provider (to read). */
  runner: ContractRunner;
}

/** No contract is deployed at the address given as a registry. */
export class RegistryNotFoundError extends RoyaltiesError {
  constructor(address: string) {
    super(`No contract at ${address}: check the registry address and the --network you are on.`);
  }
}

/** The registry has no model of that name. */
export class ModelNotFoundError extends RoyaltiesError {
  constructor(name: string) {
    super(`The registry has no model named "${name}": list its models (royalties models) or create it first.`);
  }
}

/** A model with this name already exists (names are unique: they fix the pool's address). */
export class ModelNameTakenError extends RoyaltiesError {
  constructor(
    readonly modelName: string,
    readonly pool: string,
  ) {
    super(`A model named "${modelName}" already exists (pool ${pool}): pick another name.`);
  }
}

/** Translates registry custom errors, and pool custom errors raised by the pool's initializer (one decoder). */
function toRegistryError(error: unknown): unknown {
  return toRoyaltiesError(error, "ModelRegistry");
}

/**
 * Connects to a deployed ModelRegistry, checking that code exists at the address.
 * @example
 * const registry = await connectRegistry({ address: registryAddress, runner: deployer });
 */
export async function connectRegistry({ address, runner }: ConnectRegistryParameters): Promise<ModelRegistry> {
  const provider = runner.provider;
  if (provider === null || provider === undefined) {
    throw new RoyaltiesError("The runner has no provider: connect it to a network first.");
  }
  if ((await provider.getCode(address)) === "0x") throw new RegistryNotFoundError(address);
  return ModelRegistry__factory.connect(address, runner);
}

/** A registry record (`getModel`) as a {@link ModelInfo}. */
export function toModelInfo(modelId: bigint, m: Awaited<ReturnType<ModelRegistry["getModel"]>>): ModelInfo {
  return {
    modelId,
    name: m.name,
    pool: m.pool,
    paymentToken: m.paymentToken,
    payoutToken: m.payoutToken,
    governance: m.governance,
    creator: m.creator,
    createdAt: m.createdAt,
  };
}

/**
 * Lists every model of the registry, oldest first.
 * @example
 * for (const model of await listModels(registry)) console.log(model.name, model.pool);
 */
export async function listModels(registry: ModelRegistry): Promise<ModelInfo[]> {
  const count = await registry.modelCount();
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1));
  return Promise.all(ids.map(async (id) => toModelInfo(id, await registry.getModel(id))));
}

/**
 * Finds a model by its unique name (one lookup in the registry's name index).
 * @example
 * const { pool } = await findModel(registry, { name: "subnet-7" });
 */
export async function findModel(registry: ModelRegistry, { name }: { name: string }): Promise<ModelInfo> {
  if (name === "") throw new ModelNotFoundError(name);
  const modelId = await registry.modelIdByName(name);
  if (modelId === 0n) throw new ModelNotFoundError(name);
  return toModelInfo(modelId, await registry.getModel(modelId));
}

/**
 * Creates a model through the registry (its pool is a clone initialized in the same transaction)
 * and returns its registry record. Rejects a taken name before sending anything; rules the pool
 * refuses come back as {@link PoolRevertError} (e.g. `RoyaltyPoolInvalidMinParticipants`).
 * @example
 * const model = await registerModel(registry, { modelName: "subnet-7", payoutToken, metrics,
 *   epochLength: 604800n, minParticipants: 3, maxSubmissionsPerContributor: 4 });
 * console.log(model.modelId, model.pool);
 */
export async function registerModel(registry: ModelRegistry, params: CreateModelParameters): Promise<ModelInfo> {
  const taken = params.modelName === "" ? 0n : await registry.modelIdByName(params.modelName);
  if (taken !== 0n) throw new ModelNameTakenError(params.modelName, (await registry.getModel(taken)).pool);
  try {
    await createModel(registry, params);
  } catch (error) {
    throw toRegistryError(error);
  }
  return findModel(registry, { name: params.modelName });
}
