/** Which epochs of a contributor a viewer (auditor, tax authority) may decrypt: what `disclosed` reads by default. */
import { RoyaltyPool__factory } from "../../types";
import { requireSigner } from "../client";
import { NotDisclosedError } from "./disclosure";
import type { VaultClient } from "./vault";

export interface DisclosedEpochIdsParameters {
  contributor: string;
  modelId: bigint;
  /** The model's pool, whose current epoch bounds the search. */
  pool: string;
  /** Default: the vault client's signer. */
  viewer?: string;
}

/**
 * Every epoch of a model (1 to the current one) the contributor disclosed to the viewer, oldest first.
 * Throws {@link NotDisclosedError} when there is none, saying whom to ask.
 * @example
 * for (const epochId of await disclosedEpochIds(vault, { contributor, modelId, pool })) …
 */
export async function disclosedEpochIds(
  client: VaultClient,
  { contributor, modelId, pool, viewer: requested }: DisclosedEpochIdsParameters,
): Promise<bigint[]> {
  const viewer = requested ?? (await requireSigner(client, "disclosedEpochIds").getAddress());
  const current = await RoyaltyPool__factory.connect(pool, client.runner).currentEpochId();
  const epochIds: bigint[] = [];
  for (let epochId = 1n; epochId <= current; epochId++) {
    const viewers = await client.vault.disclosureViewers(contributor, modelId, epochId);
    if (viewers.some((v) => v.toLowerCase() === viewer.toLowerCase())) epochIds.push(epochId);
  }
  if (epochIds.length === 0) {
    throw new NotDisclosedError(
      `No epoch of model ${modelId} of ${contributor} is disclosed to you (${viewer}): ask the contributor ` +
        `to run royalties disclose --viewer ${viewer} --model ${modelId} --epochs <ids>.`,
    );
  }
  return epochIds;
}
