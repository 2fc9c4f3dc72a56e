import { GovernanceToken__factory, RoyaltyGovernor__factory, RoyaltyTimelock__factory } from "../../../types";
import type { GovernanceToken, RoyaltyGovernor, RoyaltyTimelock } from "../../../types";
import { confirmed, requireSigner } from "../../client";
import type { RoyaltiesClient } from "../../client";

export interface DeployGovernanceParameters {
  tokenName: string;
  tokenSymbol: string;
  holders: readonly string[];
  amounts: readonly bigint[];
  /** Blocks between a proposal and the start of its vote. */
  votingDelay: number;
  /** Blocks the vote lasts. */
  votingPeriod: number;
  /** Percent of the voting supply needed (for + abstain) for a proposal to pass. */
  quorumPercent: number;
  /** Seconds between queueing and executing a passed proposal. */
  timelockDelay: bigint;
}

/** The three contracts of a model's governance. */
export interface Governance {
  token: GovernanceToken;
  timelock: RoyaltyTimelock;
  governor: RoyaltyGovernor;
}

/**
 * Deploys a model's governance: an ERC20Votes token minted to the initial holders, a timelock and
 * a Governor. The governor is the timelock's only proposer and canceller, anyone may execute a
 * ready operation, and the deployer renounces the timelock's admin role, keeping no power at all.
 * @example
 * const { timelock } = await deployGovernance({ signer: deployer }, { tokenName: "Subnet 7 Votes", ... });
 * await createModel(registry, { ..., governance: await timelock.getAddress() });
 */
export type DeployGovernanceReturnType = Governance;

export async function deployGovernance(
  client: Pick<RoyaltiesClient, "signer">,
  params: DeployGovernanceParameters,
): Promise<DeployGovernanceReturnType> {
  const signer = requireSigner(client, "deployGovernance");
  const deployer = await signer.getAddress();
  const token = await new GovernanceToken__factory(signer).deploy(
    params.tokenName,
    params.tokenSymbol,
    [...params.holders],
    [...params.amounts],
  );
  await token.waitForDeployment();
  const anyone = "0x0000000000000000000000000000000000000000";
  const timelock = await new RoyaltyTimelock__factory(signer).deploy(params.timelockDelay, [], [anyone], deployer);
  await timelock.waitForDeployment();
  const governor = await new RoyaltyGovernor__factory(signer).deploy(
    await token.getAddress(),
    await timelock.getAddress(),
    params.votingDelay,
    params.votingPeriod,
    params.quorumPercent,
  );
  await governor.waitForDeployment();
  const governorAddress = await governor.getAddress();
  await confirmed(timelock.grantRole(await timelock.PROPOSER_ROLE(), governorAddress));
  await confirmed(timelock.grantRole(await timelock.CANCELLER_ROLE(), governorAddress));
  await confirmed(timelock.renounceRole(await timelock.DEFAULT_ADMIN_ROLE(), deployer));
  return { token, timelock, governor };
}
