/** What the governance view's parts share: vote amounts, short proposal ids, the actions interface. */
import { formatAmount } from "../../../../src";
import type { ProposalInfo, RulesChange, VOTE_SUPPORT } from "../../../../src";
import type { Wallet } from "../../wallet";
import type { GovernanceInfo, GovernedModelView } from "../../governanceData";

export type Support = keyof typeof VOTE_SUPPORT;

/** "12345678…9012": a proposal id is a 77-digit hash. */
export function shortProposalId(id: bigint): string {
  const text = id.toString();
  return text.length > 14 ? `${text.slice(0, 8)}…${text.slice(-4)}` : text;
}

/** An amount of the voting token, with its symbol. */
export function votes(units: bigint, dao: GovernanceInfo): string {
  return `${formatAmount(units, dao.token.decimals)} ${dao.token.symbol}`;
}

/** What the governance buttons and forms do (sent through the operation queue of the view). */
export interface GovernanceActions {
  delegate(view: GovernedModelView, dao: GovernanceInfo, to: string): void;
  propose(view: GovernedModelView, dao: GovernanceInfo, change: RulesChange, description: string): void;
  vote(view: GovernedModelView, dao: GovernanceInfo, proposal: ProposalInfo, support: Support): void;
  queue(view: GovernedModelView, dao: GovernanceInfo, proposal: ProposalInfo): void;
  execute(view: GovernedModelView, dao: GovernanceInfo, proposal: ProposalInfo): void;
}

/** What the delegate and propose forms of a governed model are given. */
export interface GovernanceFormProps {
  view: GovernedModelView;
  dao: GovernanceInfo;
  wallet: Wallet | undefined;
  busy: boolean;
  act: GovernanceActions;
}
