import type { Signer } from "ethers";

import { ConfidentialPayoutToken__factory, RoyaltyPool__factory } from "../types";
import type { ConfidentialPayoutToken, RoyaltyPool } from "../types";
import type { IRoyaltyPool } from "../types/contracts/royalty/RoyaltyPool";

export interface DeployRoyaltyPoolParameters {
  modelName: string;
  /** The ERC7984 wrapper of the payment token; deploy one with {@link deployPayoutToken}. */
  payoutToken: string;
  metrics: readonly { name: string; weight: bigint; cap: bigint }[];
  epochLength: bigint;
  minParticipants: number;
  maxSubmissionsPerContributor: number;
}

/**
 * Deploys the confidential wrapper of a payment token.
 * @example
 * const cusd = await deployPayoutToken(deployer, { underlying: usdAddress, name: "Confidential USD", symbol: "cUSD" });
 */
export async function deployPayoutToken(
  signer: Signer,
  params: { underlying: string; name: string; symbol: string; contractURI?: string },
): Promise<ConfidentialPayoutToken> {
  const token = await new ConfidentialPayoutToken__factory(signer).deploy(
    params.underlying,
    params.name,
    params.symbol,
    params.contractURI ?? "",
  );
  await token.waitForDeployment();
  return token;
}

/**
 * Deploys a royalty pool for one model (rules version 1 = the given schema and epoch rules).
 * @example
 * const pool = await deployRoyaltyPool(deployer, { modelName: "subnet-7", payoutToken, metrics, ... });
 */
export async function deployRoyaltyPool(signer: Signer, params: DeployRoyaltyPoolParameters): Promise<RoyaltyPool> {
  const rules: IRoyaltyPool.RulesParamsStruct = {
    metrics: params.metrics.map((m) => ({ name: m.name, weight: m.weight, cap: m.cap })),
    epochLength: params.epochLength,
    minParticipants: params.minParticipants,
    maxSubmissionsPerContributor: params.maxSubmissionsPerContributor,
  };
  const pool = await new RoyaltyPool__factory(signer).deploy(params.modelName, params.payoutToken, rules);
  await pool.waitForDeployment();
  return pool;
}
