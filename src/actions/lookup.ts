/**
 * The payout token a command acts on when the user names none: the registry's only one, or a request to name it.
 * (Models by name or id: `findModel`, `connectPool(client, { model })`.)
 */
import type { RoyaltiesClient } from "../client";
import { RoyaltiesError } from "../errors";
import { listModels } from "./listModels";

/** The registry has no model yet, or its models pay in several tokens, and no token was named. */
export class PayoutTokenChoiceError extends RoyaltiesError {}

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
