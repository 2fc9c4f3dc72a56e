import type { RoyaltiesClient } from "../client";
import { toModelInfo } from "./registry";
import type { ModelInfo } from "./registry";

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
