import { id } from "ethers";
import type { ContractTransactionReceipt, Signer } from "ethers";

import {
  GovernanceToken__factory,
  RoyaltyGovernor__factory,
  RoyaltyPool__factory,
  RoyaltyTimelock__factory,
} from "../types";
import type { GovernanceToken, RoyaltyGovernor, RoyaltyTimelock } from "../types";
import type { PoolClient } from "./client";
import { confirmed } from "./client";
import { toRulesStruct } from "./deploy";
import type { RulesParameters } from "./deploy";
import { RoyaltiesError } from "./errors";
import { getRules } from "./actions/read";
import type { RulesInfo } from "./actions/read";

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
 * const { timelock } = await deployGovernance(deployer, { tokenName: "Subnet 7 Votes", ... });
 * await createModel(registry, { ..., governance: await timelock.getAddress() });
 */
export async function deployGovernance(signer: Signer, params: DeployGovernanceParameters): Promise<Governance> {
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

const list = (values: readonly (string | bigint)[]) => (values.length === 0 ? "none" : values.join(", "));

/**
 * A human-readable description of a rules change: every field that differs, old → new.
 * @example
 * describeRulesChange(current, proposed) // "Change rules of pool 0x…: weight of computeUnits 3 → 4; …"
 */
export function describeRulesChange(pool: string, current: RulesInfo, proposed: RulesParameters): string {
  const changes: string[] = [];
  const before = new Map(current.metrics.map((m) => [m.name, m]));
  for (const metric of proposed.metrics) {
    const old = before.get(metric.name);
    if (old === undefined) {
      changes.push(`add metric ${metric.name} (weight ${metric.weight}, cap ${metric.cap})`);
      continue;
    }
    if (old.weight !== metric.weight) changes.push(`weight of ${metric.name} ${old.weight} → ${metric.weight}`);
    if (old.cap !== metric.cap) changes.push(`cap of ${metric.name} ${old.cap} → ${metric.cap}`);
  }
  for (const name of before.keys()) {
    if (!proposed.metrics.some((m) => m.name === name)) changes.push(`remove metric ${name}`);
  }
  const order = (names: string[]) => names.join(",");
  if (
    changes.length === 0 &&
    order(current.metrics.map((m) => m.name)) !== order(proposed.metrics.map((m) => m.name))
  ) {
    changes.push(`reorder metrics to ${proposed.metrics.map((m) => m.name).join(", ")}`);
  }
  if (current.epochLength !== proposed.epochLength)
    changes.push(`epoch length ${current.epochLength}s → ${proposed.epochLength}s`);
  if (current.minParticipants !== BigInt(proposed.minParticipants)) {
    changes.push(`minParticipants ${current.minParticipants} → ${proposed.minParticipants}`);
  }
  if (current.maxSubmissionsPerContributor !== BigInt(proposed.maxSubmissionsPerContributor)) {
    changes.push(
      `submissions per contributor ${current.maxSubmissionsPerContributor} → ${proposed.maxSubmissionsPerContributor}`,
    );
  }
  if (current.attestationRequired !== (proposed.attestationRequired ?? false)) {
    changes.push(proposed.attestationRequired ? "require attestation" : "allow self-reported contributions");
  }
  const attestors = [...(proposed.attestors ?? [])];
  if (list(current.attestors) !== list(attestors))
    changes.push(`attestors ${list(current.attestors)} → ${list(attestors)}`);
  const multipliers = [...(proposed.bonusMultipliers ?? [])];
  if (list(current.bonusMultipliers) !== list(multipliers)) {
    changes.push(`bonus multipliers ${list(current.bonusMultipliers)} → ${list(multipliers)}`);
  }
  if (current.claimWindow !== (proposed.claimWindow ?? 0n)) {
    changes.push(`claim window ${current.claimWindow}s → ${proposed.claimWindow ?? 0n}s`);
  }
  if (current.noiseBits !== (proposed.noiseBits ?? 0)) {
    changes.push(`total noise ${current.noiseBits} → ${proposed.noiseBits ?? 0} bits`);
  }
  const summary = changes.length === 0 ? "no change" : changes.join("; ");
  return `Change royalty rules of pool ${pool} from the next epoch: ${summary}.`;
}

export interface RulesProposal {
  proposalId: bigint;
  description: string;
  targets: string[];
  values: bigint[];
  calldatas: string[];
  receipt: ContractTransactionReceipt;
}

/**
 * Proposes a rules change of a governed pool, with a description generated from the change.
 * @example
 * const { proposalId } = await proposeRulesChange(governor, pool, newRules);
 */
export async function proposeRulesChange(
  governor: RoyaltyGovernor,
  pool: PoolClient,
  rules: RulesParameters,
): Promise<RulesProposal> {
  const timelock = await governor.timelock();
  if ((await pool.pool.governance()).toLowerCase() !== timelock.toLowerCase()) {
    throw new RoyaltiesError(`Pool ${pool.address} is not governed by this governor's timelock ${timelock}.`);
  }
  const current = await getRules(pool, { version: await pool.pool.rulesVersionCount() });
  const description = describeRulesChange(pool.address, current, rules);
  const calldata = RoyaltyPool__factory.createInterface().encodeFunctionData("updateRules", [toRulesStruct(rules)]);
  const targets = [pool.address];
  const values = [0n];
  const calldatas = [calldata];
  const receipt = await confirmed(governor.propose(targets, values, calldatas, description));
  const proposalId = await governor.hashProposal(targets, values, calldatas, id(description));
  return { proposalId, description, targets, values, calldatas, receipt };
}

/** Queues a passed proposal in the timelock. */
export async function queueProposal(
  governor: RoyaltyGovernor,
  proposal: Omit<RulesProposal, "receipt" | "proposalId">,
) {
  return confirmed(governor.queue(proposal.targets, proposal.values, proposal.calldatas, id(proposal.description)));
}

/** Executes a queued proposal once the timelock delay has passed. */
export async function executeProposal(
  governor: RoyaltyGovernor,
  proposal: Omit<RulesProposal, "receipt" | "proposalId">,
) {
  return confirmed(governor.execute(proposal.targets, proposal.values, proposal.calldatas, id(proposal.description)));
}

/** Governor proposal states, as OpenZeppelin numbers them. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

/**
 * Every rules version of a pool, with the epochs it applied to, oldest first.
 * @example
 * for (const v of await rulesHistory(client)) console.log(v.version, v.firstEpochId);
 */
export async function rulesHistory(client: PoolClient): Promise<(RulesInfo & { epochs: bigint[] })[]> {
  const count = await client.pool.rulesVersionCount();
  const current = await client.pool.currentEpochId();
  const epochsByVersion = new Map<bigint, bigint[]>();
  for (let epochId = 1n; epochId <= current; epochId++) {
    const version = (await client.pool.getEpoch(epochId)).rulesVersion;
    epochsByVersion.set(version, [...(epochsByVersion.get(version) ?? []), epochId]);
  }
  const history: (RulesInfo & { epochs: bigint[] })[] = [];
  for (let version = 1n; version <= count; version++) {
    history.push({ ...(await getRules(client, { version })), epochs: epochsByVersion.get(version) ?? [] });
  }
  return history;
}
