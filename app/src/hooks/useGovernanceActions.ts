/** What the governance buttons send, through the client library (`src/actions/governance/`). */
import {
  applyRulesChange,
  checkRulesUpdate,
  delegateVotes,
  executeProposal,
  proposeRulesChange,
  queueProposal,
  voteOnProposal,
  withSigner,
} from "../../../src";
import type { AppChain } from "../chain";
import { readOnlyPool } from "../data";
import { duration, shortAddress } from "../format";
import type { GovernedModelView } from "../governanceData";
import type { Operations, Report } from "../operation";
import { displayText } from "../untrusted";
import type { Wallet } from "../wallet";
import { runTransaction } from "./transaction";
import { shortProposalId, votes } from "../views/governance/common";
import type { GovernanceActions } from "../views/governance/common";

/** The governance view's actions (delegate, propose, vote, queue, execute), each run as an operation of `ops`. */
export function useGovernanceActions(
  chain: AppChain,
  wallet: Wallet | undefined,
  ops: Operations,
  refresh: (report: Report) => Promise<void>,
): GovernanceActions {
  const signer = () => {
    if (wallet === undefined) throw new Error("Connect a wallet first.");
    return wallet.signer;
  };
  const signed = () => withSigner(chain, signer());
  const name = (view: GovernedModelView) => displayText(view.model.name).text;

  /**
   * One transaction about `view`'s DAO: the wallet's network checked, `send` run (it reports its phases and returns
   * the notice), then every governed model read again before the notice shows.
   */
  const transact = (view: GovernedModelView, title: string, send: (report: Report) => Promise<string>) =>
    runTransaction(ops, wallet, { title, scope: view.model.pool, send, reread: refresh });

  const act: GovernanceActions = {
    delegate: (view, dao, to) =>
      transact(view, `Delegating your ${dao.token.symbol} votes`, async (report) => {
        report("Sending the delegation and waiting for it to be mined…");
        const result = await delegateVotes(signed(), { governor: dao.governor, to });
        const whom = result.delegatee.toLowerCase() === result.delegator.toLowerCase() ? "yourself" : shortAddress(to);
        return `Votes delegated to ${whom}: ${votes(result.votes, dao)} of voting power from block ${result.fromBlock}, counted for proposals made from the next block on.`;
      }),
    propose: (view, dao, change, description) =>
      transact(view, `Proposing a rules change of ${name(view)}`, async (report) => {
        report("Checking the new rules against the pool (nothing is sent yet)…");
        const pool = await readOnlyPool(chain, view.model.pool);
        await checkRulesUpdate(pool, { rules: applyRulesChange(view.rules, change) });
        report("Sending the proposal and waiting for it to be mined…");
        const result = await proposeRulesChange(withSigner(pool, signer()), { governor: dao.governor, change });
        return `Proposal ${shortProposalId(result.proposalId)} created: "${displayText(description, 300).text}" Voting opens in ${dao.votingDelay + 1n} blocks.`;
      }),
    vote: (view, dao, proposal, support) =>
      transact(view, `Voting ${support} on proposal ${shortProposalId(proposal.proposalId)}`, async (report) => {
        report("Sending the vote and waiting for it to be mined…");
        const result = await voteOnProposal(signed(), {
          governor: dao.governor,
          proposalId: proposal.proposalId,
          support,
        });
        return `Voted ${support} with ${votes(result.weight, dao)}.`;
      }),
    queue: (view, dao, proposal) =>
      transact(view, `Queueing proposal ${shortProposalId(proposal.proposalId)}`, async (report) => {
        report("Sending the queue transaction and waiting for it to be mined…");
        await queueProposal(signed(), { governor: dao.governor, ...proposal });
        return `Proposal ${shortProposalId(proposal.proposalId)} queued in the timelock: it can be executed in ${duration(dao.timelockDelay)}.`;
      }),
    execute: (view, dao, proposal) =>
      transact(view, `Executing proposal ${shortProposalId(proposal.proposalId)}`, async (report) => {
        report("Sending the execute transaction and waiting for it to be mined…");
        await executeProposal(signed(), { governor: dao.governor, ...proposal });
        return `Proposal ${shortProposalId(proposal.proposalId)} executed: the new rules apply from the next epoch of ${name(view)}.`;
      }),
  };
  return act;
}
