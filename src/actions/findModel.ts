import { modelIdByName } from "../client";
import type { RoyaltiesClient } from "../client";
import { toModelInfo } from "./registry";
import type { ModelInfo } from "./registry";

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
