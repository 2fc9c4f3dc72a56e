/**
 * Finding a model's pool from what a user types: a model name or registry id, looked up with one
 * check that code exists (the registry's, made by `createRoyaltiesClient`); a pool the registry created is a clone, so it has code.
 */
import type { RoyaltiesClient } from "../client";
import { modelIdByName } from "../client";
import { RoyaltiesError } from "../errors";
import type { ModelInfo } from "./registry";
import { listModels, toModelInfo } from "./registry";

/** The registry has no model yet, or its models pay in several tokens, and no token was named. */
export class PayoutTokenChoiceError extends RoyaltiesError {}

export interface ResolveModelParameters {
  /** The model's unique name or its registry id. */
  model: string;
}

/**
 * A model of the registry named by its unique name or, when no model has that name, its registry id
 * (names may be digits too: the name wins). Pools by name: `connectPool(client, { model })`.
 * @example
 * const model = await resolveModel(client, { model: "subnet-7" }); // or { model: "2" }
 */
export async function resolveModel(
  client: Pick<RoyaltiesClient, "registry">,
  { model }: ResolveModelParameters,
): Promise<ModelInfo> {
  const modelId = await modelIdByName(client, model);
  return toModelInfo(modelId, await client.registry.getModel(modelId));
}

/**
 * The payout tokens of the registry's models, each once, in model order.
 * @example
 * const tokens = await registryPayoutTokens(client); // ["0xcMUD…"]
 */
export async function registryPayoutTokens(client: Pick<RoyaltiesClient, "registry">): Promise<string[]> {
  return [...new Set((await listModels(client)).map((m) => m.payoutToken))];
}

/**
 * The registry's payout token when all its models pay in one; otherwise the caller must name one.
 * @example
 * const token = await onlyPayoutToken(client);
 */
export async function onlyPayoutToken(client: Pick<RoyaltiesClient, "registry">): Promise<string> {
  const tokens = await registryPayoutTokens(client);
  if (tokens.length === 1) return tokens[0];
  throw new PayoutTokenChoiceError(
    tokens.length === 0
      ? "The registry has no model yet, so no payout token: create a model, contribute and claim first."
      : `The registry's models pay in ${tokens.length} tokens: name one with --token 0x… or --model <name> ` +
          "(see them with royalties balance).",
  );
}
