/**
 * A governed model as its DAO sees it: the governor found from the model's timelock, the voting
 * token, every proposal with its state, votes, quorum and ETA, and the latest rules version (what a
 * new proposal starts from). Everything here is public; the voter's own position is added when a
 * wallet is connected. Read with the client library (`src/actions/governance/`).
 */
import { ZeroAddress } from "ethers";

import { GovernanceToken__factory, RoyaltyTimelock__factory } from "../../types";
import { connectGovernor, findGovernor, getVoterStatus, listProposals, getRules } from "../../src";
import type { ProposalInfo, VoterStatus, RulesInfo, ModelInfo } from "../../src";
import type { AppChain } from "./chain";
import { readOnlyPool } from "./data";
import { unreadableReason, validateTokenMetadata, withTimeout } from "./untrusted";

export interface VotingToken {
  address: string;
  symbol: string;
  decimals: number;
  totalSupply: bigint;
}

/** A model's DAO: its governor, timelock and voting token, their settings, and every proposal. */
export interface GovernanceInfo {
  governor: string;
  timelock: string;
  token: VotingToken;
  /** Blocks between a proposal and the start of its vote. */
  votingDelay: bigint;
  /** Blocks the vote lasts. */
  votingPeriod: bigint;
  /** Seconds between queueing and executing. */
  timelockDelay: bigint;
  /** Votes a proposer needs. */
  proposalThreshold: bigint;
  /** Percent of the voting supply needed (for + abstain). */
  quorumPercent: bigint;
  /** Every proposal, oldest first. */
  proposals: ProposalInfo[];
}

/** A governed model, its latest rules and its DAO (or why the DAO cannot be read). */
export interface GovernedModelView {
  model: ModelInfo;
  /** The latest rules version (the one the next epoch starts under): what a proposal starts from. */
  rules: RulesInfo;
  dao: GovernanceInfo | { unreadable: string };
  /** The connected voter's position, when a wallet is connected. */
  voter?: VoterStatus;
}

export function daoOf(view: GovernedModelView): GovernanceInfo | undefined {
  return "unreadable" in view.dao ? undefined : view.dao;
}

/** How long one model's DAO may take to load before it is shown as unreadable. */
const DAO_TIMEOUT_MS = 20_000;

/** The DAO behind a model's governance address, or why there is none to show. */
export async function loadGovernanceInfo(
  chain: AppChain,
  model: ModelInfo,
  toBlock: number,
): Promise<GovernanceInfo | { unreadable: string }> {
  const { provider, fromBlock } = chain;
  try {
    return await withTimeout(
      (async () => {
        const governor = await findGovernor(chain, { timelock: model.governance, fromBlock, toBlock });
        if (governor === undefined) {
          return {
            unreadable: `its governance ${model.governance} is not a timelock with a Governor: its proposals cannot be shown here`,
          };
        }
        const contract = connectGovernor(chain, { governor });
        const tokenAddress = await contract.token();
        const token = GovernanceToken__factory.connect(tokenAddress, provider);
        const [symbol, decimals, totalSupply, votingDelay, votingPeriod, threshold, numerator, denominator, delay] =
          await Promise.all([
            token.symbol(),
            token.decimals(),
            token.totalSupply(),
            contract.votingDelay(),
            contract.votingPeriod(),
            contract.proposalThreshold(),
            contract["quorumNumerator()"](),
            contract.quorumDenominator(),
            RoyaltyTimelock__factory.connect(model.governance, provider).getMinDelay(),
          ]);
        const proposals = await listProposals(chain, { governor, fromBlock, toBlock });
        return {
          governor,
          timelock: model.governance,
          token: { address: tokenAddress, ...validateTokenMetadata(symbol, decimals), totalSupply },
          votingDelay,
          votingPeriod,
          timelockDelay: delay,
          proposalThreshold: threshold,
          quorumPercent: denominator === 0n ? 0n : (numerator * 100n) / denominator,
          proposals,
        };
      })(),
      DAO_TIMEOUT_MS,
      "the model's governance",
    );
  } catch (error) {
    return { unreadable: unreadableReason(error) };
  }
}

/** The latest rules version of a pool (what a new proposal starts from). */
export async function latestRules(chain: AppChain, pool: string): Promise<RulesInfo> {
  const client = await readOnlyPool(chain, pool);
  return getRules(client, { version: await client.pool.rulesVersionCount() });
}

/** Every governed model of `models` (the others have fixed rules), with its DAO and the voter's position. */
export async function loadGovernedModels(
  chain: AppChain,
  models: readonly ModelInfo[],
  voter?: string,
): Promise<GovernedModelView[]> {
  const toBlock = await chain.provider.getBlockNumber();
  const governed = models.filter((m) => m.governance !== ZeroAddress);
  const views = await Promise.all(
    governed.map(async (model): Promise<GovernedModelView | undefined> => {
      const [rules, dao] = await Promise.all([
        latestRules(chain, model.pool).catch(() => undefined),
        loadGovernanceInfo(chain, model, toBlock),
      ]);
      if (rules === undefined) return undefined; // an unreadable pool: the explorer says why
      let status: VoterStatus | undefined;
      if (voter !== undefined && !("unreadable" in dao)) {
        status = await getVoterStatus(chain, {
          governor: dao.governor,
          voter,
          proposals: dao.proposals,
        }).catch(() => undefined);
      }
      return { model, rules, dao, voter: status };
    }),
  );
  return views.filter((v): v is GovernedModelView => v !== undefined);
}
