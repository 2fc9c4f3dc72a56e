import { requireSigner } from "../client";
import type { RoyaltiesClient } from "../client";
import { createModel } from "../deploy";
import type { CreateModelParameters } from "../deploy";
import { RoyaltiesError, toRoyaltiesError } from "../errors";
import { findModel } from "./findModel";
import type { ModelInfo } from "./registry";

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
