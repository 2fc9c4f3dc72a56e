import { id } from "ethers";
import type { ContractTransactionReceipt } from "ethers";

import { RoyaltyPool__factory } from "../../../types";
import { confirmed, requireSigner } from "../../client";
import type { PoolClient } from "../../client";
import { toRulesStruct } from "../../deploy";
import { RoyaltiesError } from "../../errors";
import { getRules } from "../read";
import { connectGovernor } from "./governor";
import type { GovernanceClient, GovernorParameters } from "./governor";
import { NoRulesChangeError, applyRulesChange, describeRulesChange, rulesChanges } from "./rulesChange";
import type { RulesChange } from "./rulesChange";

export interface RulesProposal {
  proposalId: bigint;
  description: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  receipt: ContractTransactionReceipt;
}

export interface ProposeRulesChangeParameters extends GovernorParameters {
  /** Only what it names changes. */
  change: RulesChange;
}

export type ProposeRulesChangeReturnType = RulesProposal;

/**
 * Proposes a rules change of the client's pool (its governance must be the governor's timelock), as the client's
 * signer, starting from the pool's latest rules version: only what
 * `change` names changes, and the description lists exactly those changes. A change that changes
 * nothing is refused ({@link NoRulesChangeError}) before anything is sent.
 * @example
 * const { proposalId, description } = await proposeRulesChange(pool, { governor, change: { weights: { computeUnits: 4n } } });
 * // description: "Change royalty rules of pool 0x… from the next epoch: weight of computeUnits 3 → 4."
 */
export async function proposeRulesChange(
  pool: PoolClient,
  { change, ...params }: ProposeRulesChangeParameters,
): Promise<ProposeRulesChangeReturnType> {
  requireSigner(pool, "proposeRulesChange");
  const governor = connectGovernor(pool, params);
  const timelock = await governor.timelock();
  if ((await pool.pool.governance()).toLowerCase() !== timelock.toLowerCase()) {
    throw new RoyaltiesError(`Pool ${pool.address} is not governed by this governor's timelock ${timelock}.`);
  }
  const current = await getRules(pool, { version: await pool.pool.rulesVersionCount() });
  const rules = applyRulesChange(current, change);
  if (rulesChanges(current, rules).length === 0) {
    throw new NoRulesChangeError(
      `The proposal changes nothing: rules version ${current.version} of pool ${pool.address} already has every value it names.`,
    );
  }
  const description = describeRulesChange(pool.address, current, rules);
  const calldata = RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [toRulesStruct(rules)]);
  const targets = [pool.address];
  const values = [0n];
  const calldatas = [calldata];
  const receipt = await confirmed(governor.propose(targets, values, calldatas, description));
  const proposalId = await governor.hashProposal(targets, values, calldatas, id(description));
  return { proposalId, description, targets, values, calldatas, receipt };
}

/** A proposal's actions and description, as proposed (what queue and execute hash), and the governor it went to. */
export type ProposalCallParameters = GovernorParameters &
  Pick<RulesProposal, "targets" | "values" | "calldatas" | "description">;

export type ProposalCallReturnType = ContractTransactionReceipt;

/** Sends a proposal's `queue` or `execute` call (same arguments, hashed the same way) as the client's signer. */
async function sendProposalCall(
  client: GovernanceClient,
  proposal: ProposalCallParameters,
  step: "queue" | "execute",
): Promise<ProposalCallReturnType> {
  requireSigner(client, `${step}Proposal`);
  const governor = connectGovernor(client, proposal);
  const { targets, values, calldatas, description } = proposal;
  return confirmed(governor[step](targets, values, calldatas, id(description)));
}

/**
 * Queues a passed proposal in the timelock.
 * @example
 * await queueProposal(client, { governor, ...proposal });
 */
export async function queueProposal(
  client: GovernanceClient,
  proposal: ProposalCallParameters,
): Promise<ProposalCallReturnType> {
  return sendProposalCall(client, proposal, "queue");
}

/**
 * Executes a queued proposal once the timelock delay has passed.
 * @example
 * await executeProposal(client, { governor, ...proposal });
 */
export async function executeProposal(
  client: GovernanceClient,
  proposal: ProposalCallParameters,
): Promise<ProposalCallReturnType> {
  return sendProposalCall(client, proposal, "execute");
}
