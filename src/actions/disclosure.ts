/**
 * Selective disclosure: a contributor lets a viewer (an auditor, a tax authority) decrypt the score and share of
 * chosen (model, epoch) pairs; the grants live in the payout vault and every claim applies them.
 */
import { ZeroHash, getAddress } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { RoyaltyPool__factory } from "../../types";
import type { RoyaltyPool } from "../../types";
import { confirmed, requireFhe, requireSigner } from "../client";
import { RoyaltiesError } from "../errors";
import { vaultEvents, withVaultErrors } from "./vault";
import type { VaultClient } from "./vault";

/** The viewer was not granted the (contributor, model, epoch) pair. */
export class NotDisclosedError extends RoyaltiesError {}

/** The pair is disclosed but its share does not exist yet: the contributor has not claimed it. */
export class DisclosedShareNotClaimedError extends RoyaltiesError {}

/** One (model, epoch) pair. */
export interface DisclosurePair {
  modelId: bigint;
  epochId: bigint;
}

export interface GrantDisclosureParameters {
  /** The auditor or authority allowed to decrypt. */
  viewer: string;
  pairs: readonly DisclosurePair[];
}

export interface GrantDisclosureReturnType {
  /** Pairs newly granted (a pair granted to this viewer before is left as is). */
  granted: number;
  /** Share grants applied in the same transaction (pairs already claimed; the others get theirs at the claim). */
  applied: number;
  receipt: ContractTransactionReceipt;
}

/**
 * Lets `viewer` (an auditor, a tax authority) decrypt the signer's score and share of chosen pairs: the score at
 * once, the share at once if claimed, otherwise by the claim itself (every claim applies the grants). Irrevocable:
 * fhEVM ACL grants cannot be taken back; stop by not granting later epochs.
 * @example
 * await grantDisclosure(aliceVault, { viewer: auditor, pairs: [{ modelId: 1n, epochId: 4n }] });
 */
export async function grantDisclosure(
  client: VaultClient,
  { viewer, pairs }: GrantDisclosureParameters,
): Promise<GrantDisclosureReturnType> {
  const list = pairs.map((p) => ({ modelId: p.modelId, epochId: p.epochId }));
  const receipt = await withVaultErrors(() => confirmed(client.vault.grantDisclosure(viewer, list)));
  return {
    granted: vaultEvents(client, receipt, "DisclosureGranted").length,
    applied: vaultEvents(client, receipt, "DisclosureApplied").length,
    receipt,
  };
}

/** The pool of a registry model, with a one-line error for an unknown id. */
async function poolOfModel(client: VaultClient, modelId: bigint): Promise<RoyaltyPool> {
  const { registry } = client;
  const count = await registry.modelCount();
  if (modelId < 1n || modelId > count) {
    throw new RoyaltiesError(
      `Model ${modelId} does not exist (ids run from 1 to ${count}): list them with royalties models.`,
    );
  }
  return RoyaltyPool__factory.connect((await registry.getModel(modelId)).pool, client.runner);
}

export interface DisclosureQuery extends DisclosurePair {
  contributor: string;
}

export interface DisclosureViewersReturnType {
  /** The viewers, in grant order. */
  viewers: string[];
  /** Whether the share exists (claimed): every viewer can decrypt it then, and only the score before. */
  shareClaimed: boolean;
}

/**
 * Viewers a contributor granted on a pair, and whether they can decrypt the share yet (once it is claimed).
 * @example
 * const { viewers, shareClaimed } = await disclosureViewers(vault, { contributor, modelId: 1n, epochId: 4n });
 */
export async function disclosureViewers(
  client: VaultClient,
  { contributor, modelId, epochId }: DisclosureQuery,
): Promise<DisclosureViewersReturnType> {
  const pool = await poolOfModel(client, modelId);
  const [viewers, share] = await Promise.all([
    client.vault.disclosureViewers(contributor, modelId, epochId),
    pool.shareOf(epochId, contributor),
  ]);
  return { viewers: viewers.map((v) => getAddress(v)), shareClaimed: share !== ZeroHash };
}

export interface DecryptDisclosedParameters extends DisclosureQuery {
  /** Throw {@link DisclosedShareNotClaimedError} instead of leaving `share` out when it is not claimed yet. */
  requireShare?: boolean;
}

export interface DecryptDisclosedReturnType {
  score: bigint;
  /** Present once the contributor claimed the epoch. */
  share?: bigint;
}

/**
 * Decrypts, with the client's key (the viewer's), what a contributor disclosed to it of one pair: the score as soon as
 * it is granted, the share once the contributor has claimed it. Throws {@link NotDisclosedError} when the pair is not
 * disclosed to the signer.
 * @example
 * const { score, share } = await decryptDisclosed(auditorVault, { contributor: alice, modelId: 1n, epochId: 4n });
 */
export async function decryptDisclosed(
  client: VaultClient,
  { contributor, modelId, epochId, requireShare }: DecryptDisclosedParameters,
): Promise<DecryptDisclosedReturnType> {
  const signer = requireSigner(client, "decryptDisclosed");
  const fhe = requireFhe(client, "decryptDisclosed");
  const viewer = getAddress(await signer.getAddress());
  const owner = getAddress(contributor);
  const pool = await poolOfModel(client, modelId);
  const poolAddress = await pool.getAddress();
  const viewers = (await client.vault.disclosureViewers(owner, modelId, epochId)).map((v) => getAddress(v));
  if (viewer !== owner && !viewers.includes(viewer)) {
    throw new NotDisclosedError(
      `Epoch ${epochId} of model ${modelId} of ${owner} is not disclosed to you (${viewer}): ask the contributor to ` +
        `run royalties disclose --viewer ${viewer} --model ${modelId} --epochs ${epochId}.`,
    );
  }
  const [scoreHandle, shareHandle] = await Promise.all([pool.scoreOf(epochId, owner), pool.shareOf(epochId, owner)]);
  const score = await fhe.userDecryptUint64(scoreHandle, poolAddress, signer);
  if (shareHandle === ZeroHash) {
    if (requireShare === true) {
      throw new DisclosedShareNotClaimedError(
        `${owner} has not claimed epoch ${epochId} of model ${modelId} yet: the share becomes visible to you when ` +
          "they claim it (royalties claim, or Claim all in the dashboard).",
      );
    }
    return { score };
  }
  return {
    score,
    share: await fhe.userDecryptUint64(shareHandle, poolAddress, signer),
  };
}
