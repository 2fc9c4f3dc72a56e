/**
 * Finding a model's pool from what a user types: a model name or registry id, looked up with one
 * check that code exists (the registry's); a pool the registry created is a clone, so it has code.
 */
import type { Signer } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import type { ModelRegistry } from "../../types";
import type { PoolClient } from "../client";
import { RoyaltiesError } from "../errors";
import type { FheBackend } from "../fhe/backend";
import type { ModelInfo } from "./registry";
import { listModels, toModelInfo } from "./registry";

/** No model of the registry has that name or id. */
export class UnknownModelError extends RoyaltiesError {
  constructor(readonly model: string) {
    super(`No model "${model}" in the registry: list them with npx hardhat royalties models.`);
  }
}

/** The registry has no model, or its models pay in several tokens, and no token was named. */
export class PayoutTokenChoiceError extends RoyaltiesError {}

/** A registry id as users write it: 1 to 78 digits (any uint256). */
const MODEL_ID = /^\d{1,78}$/;

/**
 * A model of the registry named by its unique name or, when no model has that name, its registry id
 * (names may be digits too: the name wins).
 * @example
 * const model = await resolveModel(registry, { model: "subnet-7" }); // or { model: "2" }
 */
export async function resolveModel(registry: ModelRegistry, { model }: { model: string }): Promise<ModelInfo> {
  let modelId = model === "" ? 0n : await registry.modelIdByName(model);
  if (modelId === 0n && MODEL_ID.test(model)) {
    const id = BigInt(model);
    if (id >= 1n && id <= (await registry.modelCount())) modelId = id;
  }
  if (modelId === 0n) throw new UnknownModelError(model);
  return toModelInfo(modelId, await registry.getModel(modelId));
}

export interface ConnectModelPoolParameters {
  /** A registry already checked to have code (e.g. from `connectRegistry`). */
  registry: ModelRegistry;
  /** The model's name or registry id. */
  model: string;
  signer: Signer;
  fhe: FheBackend;
}

/**
 * The pool of a model, bound to `signer` and `fhe`, without a second code check: the registry only
 * records pools it created (clones of its implementation), so the pool has code whenever the
 * registry has.
 * @example
 * const { client, model } = await connectModelPool({ registry, model: "subnet-7", signer: alice, fhe });
 */
export async function connectModelPool({
  registry,
  model,
  signer,
  fhe,
}: ConnectModelPoolParameters): Promise<{ client: PoolClient; model: ModelInfo }> {
  const info = await resolveModel(registry, { model });
  const client = { pool: RoyaltyPool__factory.connect(info.pool, signer), address: info.pool, signer, fhe };
  return { client, model: info };
}

/**
 * The payout tokens of the registry's models, each once, in model order.
 * @example
 * const tokens = await registryPayoutTokens(registry); // ["0xcMUD…"]
 */
export async function registryPayoutTokens(registry: ModelRegistry): Promise<string[]> {
  return [...new Set((await listModels(registry)).map((m) => m.payoutToken))];
}

/**
 * The registry's payout token when all its models pay in one; otherwise the caller must name one.
 * @example
 * const token = await onlyPayoutToken(registry);
 */
export async function onlyPayoutToken(registry: ModelRegistry): Promise<string> {
  const tokens = await registryPayoutTokens(registry);
  if (tokens.length === 1) return tokens[0];
  throw new PayoutTokenChoiceError(
    tokens.length === 0
      ? "The registry has no model yet, so no payout token: create a model, contribute and claim first."
      : `The registry's models pay in ${tokens.length} tokens: name one with --token 0x… or --model <name> ` +
          "(see them with royalties balance).",
  );
}
