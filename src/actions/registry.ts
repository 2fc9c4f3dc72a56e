import type { ModelRegistry } from "../../types";
import { ModelNotFoundError, RegistryNotFoundError, modelIdByName, requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";
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

export { ModelNotFoundError, RegistryNotFoundError };

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

export type ListModelsReturnType = ModelInfo[];

/**
 * Lists every model of the registry, oldest first.
 * @example
 * for (const model of await listModels(client)) console.log(model.name, model.pool);
 */
export async function listModels({ registry }: Pick<RoyaltiesClient, "registry">): Promise<ListModelsReturnType> {
  const count = await registry.modelCount();
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1));
  return Promise.all(ids.map(async (id) => toModelInfo(id, await registry.getModel(id))));
}

export interface FindModelParameters {
  /** The model's unique name or, when no model has that name, its registry id (the name wins). */
  name: string;
}

export type FindModelReturnType = ModelInfo;

/**
 * Finds a model by its unique name or registry id (one lookup in the registry's name index).
 * @example
 * const { pool } = await findModel(client, { name: "subnet-7" }); // or { name: "2" }
 */
export async function findModel(
  client: Pick<RoyaltiesClient, "registry">,
  { name }: FindModelParameters,
): Promise<FindModelReturnType> {
  const modelId = await modelIdByName(client, name);
  return toModelInfo(modelId, await client.registry.getModel(modelId));
}

export type RegisterModelParameters = CreateModelParameters;
export type RegisterModelReturnType = ModelInfo;

/**
 * Creates a model through the registry (its pool is a clone initialized in the same transaction)
 * and returns its registry record. Rejects a taken name before sending anything; rules the pool
 * refuses come back as {@link PoolRevertError} (e.g. `RoyaltyPoolInvalidMinParticipants`).
 * @example
 * const model = await registerModel(client, { modelName: "subnet-7", payoutToken, metrics,
 *   epochLength: 604800n, minParticipants: 3, maxSubmissionsPerContributor: 4 });
 * console.log(model.modelId, model.pool);
 */
export async function registerModel(
  client: RoyaltiesClient,
  params: RegisterModelParameters,
): Promise<RegisterModelReturnType> {
  requireSigner(client, "registerModel");
  const { registry } = client;
  const taken = params.modelName === "" ? 0n : await registry.modelIdByName(params.modelName);
  if (taken !== 0n) throw new ModelNameTakenError(params.modelName, (await registry.getModel(taken)).pool);
  try {
    await createModel(registry, params);
  } catch (error) {
    throw toRegistryError(error);
  }
  return findModel(client, { name: params.modelName });
}
