import type { ContractTransactionReceipt } from "ethers";

import { confirmed, requireFhe, requirePoolEvent, requireSigner } from "../client";
import type { PoolClient } from "../client";
import { RoyaltiesError, withPoolErrors } from "../errors";
import { checkMetrics } from "../metrics";
import { getEpoch, getRules } from "./read";

export interface SubmitContributionParameters {
  /** One clear value per metric, in the order of the pool's schema; encrypted before it leaves. */
  metrics: readonly bigint[];
}

export interface SubmitContributionReturnType {
  epochId: bigint;
  scoreHandle: string;
  receipt: ContractTransactionReceipt;
}

/** The metric vector does not fit the pool's schema. */
export class InvalidMetricsError extends RoyaltiesError {}

function checkSchema(metrics: readonly bigint[], schema: readonly { name: string }[]): void {
  const check = checkMetrics(metrics, schema);
  if (!check.ok) throw new InvalidMetricsError(check.problem);
}

/**
 * Encrypts a contribution vector in the signer's wallet and submits it to the current epoch.
 * @example
 * const { scoreHandle } = await submitContribution(client, { metrics: [1200n, 40n, 95n] });
 */
export async function submitContribution(
  client: PoolClient,
  { metrics }: SubmitContributionParameters,
): Promise<SubmitContributionReturnType> {
  const rules = await getRules(client, { version: (await getEpoch(client)).rulesVersion });
  checkSchema(metrics, rules.metrics);
  const user = await requireSigner(client, "submitContribution").getAddress();
  const encrypted = await requireFhe(client, "submitContribution").encryptUint64(client.address, user, metrics);
  const receipt = await withPoolErrors(() =>
    confirmed(client.pool.submitContribution(encrypted.handles, encrypted.inputProof)),
  );
  const event = requirePoolEvent(client, receipt, "ContributionSubmitted", "The submission");
  return { epochId: event.args.epochId, scoreHandle: event.args.score, receipt };
}

export interface SubmitAttestedParameters extends SubmitContributionParameters {
  /** The contributor the metrics are about: only they can decrypt the resulting score and claim. */
  contributor: string;
  /** 0 for none, or a governance-approved bonus class 1..n of the epoch's rules. */
  bonusClass?: number;
}

/**
 * An attestor encrypts metrics about a contributor and submits them (models that score their
 * contributors, as validators score miners).
 * @example
 * await submitAttested(validatorClient, { contributor: miner, metrics: [5_000n, 0n, 90n], bonusClass: 1 });
 */
export async function submitAttested(
  client: PoolClient,
  { contributor, metrics, bonusClass = 0 }: SubmitAttestedParameters,
): Promise<SubmitContributionReturnType> {
  const epoch = await getEpoch(client);
  const rules = await getRules(client, { version: epoch.rulesVersion });
  checkSchema(metrics, rules.metrics);
  const attestor = await requireSigner(client, "submitAttested").getAddress();
  if (!(await client.pool.isAttestor(epoch.rulesVersion, attestor))) {
    throw new RoyaltiesError(
      `${attestor} is not an attestor of epoch ${epoch.epochId}'s rules (version ${epoch.rulesVersion}).`,
    );
  }
  const encrypted = await requireFhe(client, "submitAttested").encryptUint64(client.address, attestor, metrics);
  const receipt = await withPoolErrors(() =>
    confirmed(client.pool.submitAttested(contributor, encrypted.handles, encrypted.inputProof, bonusClass)),
  );
  const event = requirePoolEvent(client, receipt, "ContributionSubmitted", "The submission");
  return { epochId: event.args.epochId, scoreHandle: event.args.score, receipt };
}
