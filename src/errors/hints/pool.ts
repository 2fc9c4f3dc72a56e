import { formatCount, formatDate, formatDuration, formatUnits } from "../render";
import { big, hint, text } from "./types";
import type { RevertTexts } from "./types";

/** The pool's epoch states, as `IRoyaltyPool.EpochState` numbers them. */
const EPOCH_STATE_NAMES = ["None", "Open", "Closed", "Revealed"] as const;

/** What to do about an epoch in each state, when a step needed another one. */
const NEXT_STEP_BY_EPOCH_STATE: readonly string[] = [
  "it has not started: act on the current epoch (royalties epoch shows it)",
  "it is still open: close it once it has ended (royalties close / the Close epoch button)",
  "it is closed: reveal its total (royalties reveal / the Reveal total button)",
  "it is revealed: claim it (royalties claim / the Claim button)",
];

function epochState(value: unknown): string {
  return EPOCH_STATE_NAMES[Number(big(value))] ?? `state ${text(value)}`;
}

/** Where a rules value is changed: at creation, or by a governance proposal. */
const CHANGE_RULES =
  "fix it in royalties deploy-model, or propose it with royalties propose-rules / the Propose button";

const confidential = (value: unknown) => formatUnits(big(value), "confidential units");
const baseUnits = (value: unknown) => formatUnits(big(value), "base units of the payment token");

/** The RoyaltyPool's errors, with those of its linked libraries (EpochClosing, PoolAccounting, RulesValidation). */
export const POOL_TEXTS: RevertTexts = {
  RoyaltyPoolInvalidMetricCount: hint(
    ([count, max]) =>
      `the schema has ${formatCount(big(count))} metrics; use 1 to ${formatCount(big(max))}: ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidMetric: hint(
    ([index, weight, cap]) =>
      `metric #${text(index)} has weight ${text(weight)} and cap ${text(cap)}; both must be positive: ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolSubmissionBoundOverflow: hint(
    ([score, limit]) =>
      `one submission could score ${formatCount(big(score))}, above ${formatCount(big(limit))}: lower the weights, ` +
      `caps or bonus multipliers; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolEpochCapacityTooSmall: hint(
    ([max, needed]) =>
      `an epoch would fill after ${formatCount(big(max))} submissions, before k contributors could each submit ` +
      `(${formatCount(big(needed))} needed): lower the caps, weights or submissions per contributor; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidEpochLength: hint(
    ([length, min, max]) =>
      `an epoch of ${formatDuration(big(length))} is outside ${formatDuration(big(min))} to ` +
      `${formatDuration(big(max))}: pick a length in that range; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidMinParticipants: hint(
    ([k, floor]) =>
      `k = ${text(k)} distinct contributors is below the k-anonymity floor of ${text(floor)}: set k to ` +
      `${text(floor)} or more; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidSubmissionBound: hint(
    () => `allow at least 1 submission per contributor and epoch; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidNoiseBits: hint(
    ([bits, max]) =>
      `noise of ${text(bits)} bits is above the maximum of ${text(max)}: pick 0 to ${text(max)}; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolConsensusTooExpensive: hint(
    ([consensus, attestations, hcu, hcuBudget, depth, depthBudget]) =>
      `a finalize of consensus ${text(consensus)} with ${text(attestations)} attestations would cost ` +
      `${formatCount(big(hcu))} HCU (budget ${formatCount(big(hcuBudget))}) at depth ${formatCount(big(depth))} ` +
      `(budget ${formatCount(big(depthBudget))}): use fewer metrics or power-of-two weights in the rules, or a ` +
      "consensus with 3 attestations (royalties consensus-deploy --required 3).",
  ),
  RoyaltyPoolMaskReserveShort: hint(
    ([epochId, pool, needed]) =>
      `epoch ${text(epochId)} holds ${confidential(pool)} and a masked settlement borrows ${confidential(needed)}: ` +
      `fund the current epoch with at least ${confidential(big(needed) - big(pool))} more (royalties fund), then ` +
      "settle again (royalties settle).",
  ),
  RoyaltyPoolNoiseWithoutClaimWindow: hint(
    ([bits]) =>
      `noise of ${text(bits)} bits needs a claim window (else one absent contributor blocks every settlement): ` +
      `set a claim window or 0 noise bits; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolZeroAddress: hint(
    () => "a contract address the pool needs is zero: create models through the registry (royalties deploy-model).",
  ),
  RoyaltyPoolUnauthorized: hint(
    ([caller]) =>
      `${text(caller)} is not this pool's governance: rules change only through a proposal ` +
      "(royalties propose-rules / the Propose button), voted and executed by the DAO.",
  ),
  RoyaltyPoolNotPayoutVault: hint(
    () =>
      "claims go through the payout vault: use royalties claim or royalties claim-all (the Claim / Claim all buttons).",
  ),
  RoyaltyPoolTooManyAttestors: hint(
    ([count, max]) => `${text(count)} attestors listed, at most ${text(max)} allowed: list fewer; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidAttestor: hint(
    ([index]) => `attestor #${text(index)} is the zero address: remove it from --attestors; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolNoAttestors: hint(
    () =>
      "attestation is required but the rules list no attestor: name attestors (--attestors), or deploy a consensus " +
      "first (royalties consensus-deploy) and name it.",
  ),
  RoyaltyPoolTooManyBonusClasses: hint(
    ([count, max]) =>
      `${text(count)} bonus classes, at most ${text(max)} allowed: list fewer in --bonus; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolInvalidMultiplier: hint(
    ([index, multiplier]) =>
      `bonus class #${text(index)} has multiplier ${text(multiplier)}; multipliers are whole numbers ≥ 1 (--bonus); ` +
      `${CHANGE_RULES}.`,
  ),
  RoyaltyPoolAttestationRequired: hint(
    ([epochId]) =>
      `epoch ${text(epochId)} takes attested contributions only: ask one of its attestors to attest your metrics ` +
      "(royalties attest or royalties consensus-attest) instead of submitting them yourself.",
  ),
  RoyaltyPoolNotAttestor: hint(
    ([epochId, account]) =>
      `${text(account)} is not an attestor of epoch ${text(epochId)}'s rules: attest from a listed attestor's account ` +
      "(royalties attest), or submit your own metrics (royalties submit / the Encrypt & submit button).",
  ),
  RoyaltyPoolUnknownBonusClass: hint(
    ([bonusClass, classes]) =>
      `bonus class ${text(bonusClass)} is not defined; the rules define ${text(classes)}: pick a class below ` +
      `${text(classes)} (royalties rules-history lists the multipliers).`,
  ),
  RoyaltyPoolInvalidContributor: hint(
    () => "name the contributor the metrics are about, not the zero address (royalties attest --contributor).",
  ),
  RoyaltyPoolUnauthorizedHandle: hint(
    ([index]) =>
      `encrypted metric #${text(index)} was not encrypted by you for this pool: encrypt the metrics again in your ` +
      "own wallet (royalties submit / the Encrypt & submit button).",
  ),
  RoyaltyPoolWrongMetricCount: hint(
    ([given, expected]) =>
      `${text(given)} values were sent and the pool's schema has ${text(expected)} metrics: send one value per ` +
      "metric, in schema order (royalties submit --metrics; royalties epoch shows the schema).",
  ),
  RoyaltyPoolEpochEnded: hint(
    ([epochId, end]) =>
      `epoch ${text(epochId)} ended at ${formatDate(big(end))}: close it (royalties close / the Close epoch button), ` +
      "then submit to the next epoch.",
  ),
  RoyaltyPoolSubmissionLimitReached: hint(
    ([epochId, contributor, limit]) =>
      `${text(contributor)} made all ${text(limit)} submissions allowed in epoch ${text(epochId)}: submit again in ` +
      "the next epoch (royalties epoch shows when this one ends).",
  ),
  RoyaltyPoolEpochCapacityReached: hint(
    ([epochId, max]) =>
      `epoch ${text(epochId)} has all ${formatCount(big(max))} submissions it can take: submit in the next epoch ` +
      "(royalties epoch shows when this one ends).",
  ),
  RoyaltyPoolAmountBelowUnit: hint(
    ([amount, rate]) =>
      `${baseUnits(amount)} is below one confidential unit (${baseUnits(rate)}): fund at least ${formatCount(big(rate))} ` +
      "base units (royalties fund).",
  ),
  RoyaltyPoolUnsupportedToken: hint(
    ([expected, received]) =>
      `the payment token delivered ${baseUnits(received)} instead of ${formatCount(big(expected))} (a fee on ` +
      "transfer): pools can be funded only in a standard ERC-20; create a model with another payout token " +
      "(royalties deploy-model --payout-token).",
  ),
  RoyaltyPoolPoolOverflow: hint(
    ([epochId, pool]) =>
      `epoch ${text(epochId)}'s pool would reach ${confidential(pool)}, above 64 bits: fund a smaller amount ` +
      "(royalties fund), the rest in a later epoch.",
  ),
  RoyaltyPoolEpochNotEnded: hint(
    ([epochId, end]) =>
      `epoch ${text(epochId)} ends at ${formatDate(big(end))}: wait until then, then close it with royalties close / ` +
      "the Close epoch button.",
  ),
  RoyaltyPoolUnexpectedEpochState: hint(
    ([epochId, actual, expected]) =>
      `epoch ${text(epochId)} is ${epochState(actual)} and this step needs it ${epochState(expected)}: ` +
      `${NEXT_STEP_BY_EPOCH_STATE[Number(big(actual))] ?? "check it with royalties epoch"}.`,
  ),
  RoyaltyPoolClaimWindowOpen: hint(([epochId, endsAt]) =>
    big(endsAt) === 0n
      ? `only the contributor may claim until the claim window ends, and epoch ${text(epochId)}'s rules have none: ` +
        "the contributor claims it (royalties claim / the Claim button)."
      : `only the contributor may claim until the claim window ends at ${formatDate(big(endsAt))}: the contributor ` +
        "claims it (royalties claim / the Claim button); after that date anyone may push it to the contributor.",
  ),
  RoyaltyPoolInvalidClaimWindow: hint(
    ([window, min, max]) =>
      `a claim window of ${formatDuration(big(window))} is outside ${formatDuration(big(min))} to ` +
      `${formatDuration(big(max))} (or 0 for none): pick one in that range; ${CHANGE_RULES}.`,
  ),
  RoyaltyPoolNoContribution: hint(
    ([epochId, contributor]) =>
      `${text(contributor)} made no contribution in epoch ${text(epochId)}: only its contributors can claim it ` +
      "(royalties contributor lists the epochs you took part in).",
  ),
  RoyaltyPoolAlreadyClaimed: hint(
    ([epochId]) =>
      `epoch ${text(epochId)} is already in your vault balance: see it with royalties balance, withdraw it with ` +
      "royalties withdraw or the Withdraw button.",
  ),
  RoyaltyPoolNothingToClaim: hint(
    ([epochId]) =>
      `epoch ${text(epochId)}'s total or pool was zero, so nothing is owed for it: claim your other epochs ` +
      "(royalties claim-all / the Claim all button).",
  ),
  RoyaltyPoolEpochsOutstanding: hint(
    ([count]) =>
      `${text(count)} closed epoch(s) are not revealed yet: reveal them first (royalties reveal / the Reveal total ` +
      "button), then settle (royalties settle).",
  ),
  RoyaltyPoolNothingToSettle: hint(
    () =>
      "no epoch was revealed since the last settlement: reveal one (royalties reveal), then settle (royalties settle).",
  ),
  RoyaltyPoolSettlementPending: hint(
    () => "a settlement is already requested: finish it with royalties settle (it reveals the released amount).",
  ),
  RoyaltyPoolNoPendingSettlement: hint(
    () => "no settlement is requested: run royalties settle, which requests one and then completes it.",
  ),
};
