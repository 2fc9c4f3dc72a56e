import { GOVERNANCE_TEXTS } from "./governance";
import { AGGREGATOR_TEXTS, CONSENSUS_TEXTS, REGISTRY_TEXTS } from "./models";
import { ERC20_TEXTS, PAYOUT_TOKEN_TEXTS, VAULT_TEXTS } from "./payouts";
import { FHE_TEXTS, UTILITY_TEXTS } from "./platform";
import { POOL_TEXTS } from "./pool";
import type { RevertTexts } from "./types";

export { PROPOSAL_STATES } from "./governance";
export type { RevertArgs, RevertText, RevertTexts } from "./types";

/** What to say about every custom error the decoder knows, keyed by error name (one meaning per name). */
export const REVERT_TEXTS: RevertTexts = {
  ...POOL_TEXTS,
  ...VAULT_TEXTS,
  ...REGISTRY_TEXTS,
  ...AGGREGATOR_TEXTS,
  ...CONSENSUS_TEXTS,
  ...GOVERNANCE_TEXTS,
  ...PAYOUT_TOKEN_TEXTS,
  ...ERC20_TEXTS,
  ...FHE_TEXTS,
  ...UTILITY_TEXTS,
};
