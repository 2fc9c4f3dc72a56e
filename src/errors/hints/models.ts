import { formatCount, formatDate, formatDuration } from "../render";
import { big, hint, text } from "./types";
import type { RevertTexts } from "./types";

/** The ModelRegistry's errors. */
export const REGISTRY_TEXTS: RevertTexts = {
  ModelRegistryNameTaken: hint(
    ([name]) => `a model named "${text(name)}" already exists: pick another name (royalties deploy-model --name).`,
  ),
  ModelRegistryInvalidName: hint(
    ([name]) =>
      `"${text(name)}" is not a valid model name: use 1 to 64 characters of a-z, 0-9, '-', '_' and '.' ` +
      "(lowercase ASCII only) with royalties deploy-model --name.",
  ),
  ModelRegistryUnknownModel: hint(
    ([modelId]) => `no model has id ${text(modelId)}: royalties models lists the ids (from 1 to the model count).`,
  ),
  ModelRegistryInvalidImplementation: hint(
    ([implementation]) =>
      `the pool implementation ${text(implementation)} has no code: deploy the registry with its pool implementation ` +
      "(npx hardhat deploy).",
  ),
};

/** The cross-model MetricAggregator's errors. */
export const AGGREGATOR_TEXTS: RevertTexts = {
  MetricAggregatorUnauthorized: hint(
    ([caller]) =>
      `${text(caller)} is not the aggregator's governance: only the aggregator's governance (the DAO timelock) ` +
      "chooses the metric names and approves the pools (royalties track-metric, royalties approve-pool).",
  ),
  MetricAggregatorInvalidMinContributors: hint(
    ([min, floor]) =>
      `a round threshold of ${text(min)} contributors is below the k-anonymity floor of ${text(floor)}: deploy with ` +
      `${text(floor)} or more (npx hardhat deploy).`,
  ),
  MetricAggregatorEmptyName: hint(
    () => "give the metric name as it appears in the model schemas (royalties track-metric --metric).",
  ),
  MetricAggregatorAlreadyTracked: hint(
    ([name]) => `"${text(name)}" is already aggregated: royalties aggregates shows its rounds.`,
  ),
  MetricAggregatorNotTracked: hint(
    ([name]) => `"${text(name)}" is not aggregated: list the tracked metrics (royalties aggregates) first.`,
  ),
  MetricAggregatorTooManyMetrics: hint(
    ([max]) =>
      `${text(max)} metrics are already tracked, the maximum: untrack one first (royalties track-metric --untrack).`,
  ),
  MetricAggregatorUnknownPool: hint(
    ([pool]) =>
      `${text(pool)} is not a pool of this registry: only pools of this registry can feed or be approved; check the ` +
      "pool address (royalties models lists them).",
  ),
  MetricAggregatorPoolAlreadyApproved: hint(
    ([pool]) => `pool ${text(pool)} already feeds the aggregates: nothing to approve (royalties aggregates).`,
  ),
  MetricAggregatorPoolNotApproved: hint(
    ([pool]) =>
      `pool ${text(pool)} does not feed the aggregates; nothing to revoke (royalties approve-pool approves it).`,
  ),
  MetricAggregatorRoundNotEnded: hint(
    ([name, round, end]) =>
      `rounds are sealed on a fixed schedule: round ${text(round)} of "${text(name)}" ends at ` +
      `${formatDate(big(end))}; reveal it after that (royalties reveal-aggregate).`,
  ),
  MetricAggregatorBelowThreshold: hint(
    ([name, round, contributors, min]) =>
      `round ${text(round)} of "${text(name)}" has ${text(contributors)} distinct contributors of the ${text(min)} ` +
      "needed: the round needs more distinct contributors before its sum may be public; its end moves to the next " +
      "boundary at its next submission (royalties aggregates shows it), then royalties reveal-aggregate.",
  ),
  MetricAggregatorRoundNotPending: hint(
    ([name, round]) =>
      `round ${text(round)} of "${text(name)}" is not sealed yet or was already revealed: royalties aggregates ` +
      "shows its state.",
  ),
};

/** The AttestationConsensus's errors, with those of its libraries (ConsensusCost, EncryptedMedian). */
export const CONSENSUS_TEXTS: RevertTexts = {
  AttestationConsensusZeroAddress: hint(
    () => "the consensus needs its pool's address: deploy it with royalties consensus-deploy --pool / --model.",
  ),
  AttestationConsensusUnauthorized: hint(
    ([caller]) =>
      `${text(caller)} is not the consensus' governance: only its governance (the model's timelock) may change it, ` +
      "through a proposal on the model's governor (royalties proposals lists them).",
  ),
  AttestationConsensusInvalidPanelSize: hint(
    ([size, min, max]) =>
      `a panel of ${text(size)} attestors is outside ${text(min)} to ${text(max)}: list that many ` +
      "(royalties consensus-deploy --attestors).",
  ),
  AttestationConsensusInvalidAttestor: hint(
    ([index, attestor]) =>
      `panel entry #${text(index)} (${text(attestor)}) is the zero address or a duplicate: remove it from ` +
      "royalties consensus-deploy --attestors.",
  ),
  AttestationConsensusInvalidRequired: hint(
    ([required]) =>
      `${text(required)} attestations per contributor is not supported: use royalties consensus-deploy --required 3 or 5.`,
  ),
  AttestationConsensusInvalidMinimum: hint(
    ([min, required]) =>
      `a minimum of ${text(min)} attestations is outside 2 to ${text(required)}: pick royalties consensus-deploy ` +
      "--min in that range.",
  ),
  AttestationConsensusInvalidFinalizationPeriod: hint(
    ([period, min, max]) =>
      `a finalization period of ${formatDuration(big(period))} is outside ${formatDuration(big(min))} to ` +
      `${formatDuration(big(max))}: pick one in that range (royalties consensus-deploy).`,
  ),
  AttestationConsensusInvalidTolerance: hint(
    ([tolerance, max]) =>
      `a deviation tolerance of ${formatCount(big(tolerance))} is not below the pool's largest submission score ` +
      `${formatCount(big(max))}: pick a smaller tolerance (royalties consensus-deploy).`,
  ),
  AttestationConsensusFinalizeTooExpensive: hint(
    ([attestations, metrics, hcu, hcuBudget, depth, depthBudget]) =>
      `a finalize of ${text(attestations)} attestations over ${text(metrics)} metrics could cost ` +
      `${formatCount(big(hcu))} HCU (budget ${formatCount(big(hcuBudget))}) at depth ${formatCount(big(depth))} ` +
      `(budget ${formatCount(big(depthBudget))}), over the per-transaction HCU limit: use 3 attestations, fewer ` +
      "metrics or power-of-two weights (royalties consensus-deploy --required 3).",
  ),
  AttestationConsensusNotAttestor: hint(
    ([epochId, account]) =>
      `${text(account)} is not on the panel in force for epoch ${text(epochId)}: attest from a panel member's ` +
      "account (royalties consensus-status lists the panel).",
  ),
  AttestationConsensusInvalidContributor: hint(
    () => "name a non-zero contributor address (royalties consensus-attest --contributor).",
  ),
  AttestationConsensusSelfAttestation: hint(
    ([attestor]) =>
      `${text(attestor)} cannot attest about itself: another panel member attests it (royalties consensus-attest ` +
      "from that member's account).",
  ),
  AttestationConsensusAlreadyAttested: hint(
    ([epochId, contributor]) =>
      `you already attested ${text(contributor)} in epoch ${text(epochId)}: an attestor attests once per epoch ` +
      "(royalties consensus-status shows the tally).",
  ),
  AttestationConsensusAttestationsComplete: hint(
    ([epochId, contributor, required]) =>
      `${text(contributor)} has all ${text(required)} attestations of epoch ${text(epochId)}: finalize it ` +
      "(royalties consensus-finalize).",
  ),
  AttestationConsensusWrongMetricCount: hint(
    ([given, expected]) =>
      `${text(given)} values were sent and the pool's schema has ${text(expected)} metrics: send one value per metric ` +
      "(royalties consensus-attest --metrics).",
  ),
  AttestationConsensusAttestationClosed: hint(
    ([epochId, closedAt]) =>
      `attesting for epoch ${text(epochId)} stopped at ${formatDate(big(closedAt))}: finalize the contributors ` +
      "(royalties consensus-finalize), or attest in the next epoch.",
  ),
  AttestationConsensusAlreadyFinalized: hint(
    ([epochId, contributor]) =>
      `${text(contributor)} is already finalized in epoch ${text(epochId)}: nothing is left to do for this epoch ` +
      "(royalties consensus-status shows it).",
  ),
  AttestationConsensusFinalizationNotOpen: hint(
    ([epochId, contributor, count, opensAt]) =>
      `${text(contributor)} has ${text(count)} attestations in epoch ${text(epochId)}: wait for the remaining ` +
      `attestations or until ${formatDate(big(opensAt))}, when the finalization period opens (royalties ` +
      "consensus-status), then royalties consensus-finalize.",
  ),
  AttestationConsensusEpochEnded: hint(
    ([epochId, end]) =>
      `pool epoch ${text(epochId)} ended at ${formatDate(big(end))}: close it (royalties close / the Close epoch ` +
      "button); attestations restart in the next one.",
  ),
  AttestationConsensusNoAttestations: hint(
    ([epochId, contributor]) =>
      `nobody attested ${text(contributor)} in epoch ${text(epochId)}: attest first (royalties consensus-attest).`,
  ),
  AttestationConsensusNotFinalized: hint(
    ([epochId, contributor]) =>
      `${text(contributor)} is not finalized in epoch ${text(epochId)}: finalize it first (royalties consensus-finalize).`,
  ),
  AttestationConsensusNotCounted: hint(
    ([epochId, contributor]) =>
      `${text(contributor)} was finalized in epoch ${text(epochId)} with too few attestations: there is no consensus ` +
      "to deviate from; nothing to compute (royalties consensus-status shows the counts).",
  ),
  AttestationConsensusDidNotAttest: hint(
    ([epochId, contributor]) =>
      `you did not attest ${text(contributor)} in epoch ${text(epochId)}: only its attestors have a deviation bit ` +
      "(royalties consensus-deviation from an attestor's account).",
  ),
  AttestationConsensusDeviationExists: hint(
    ([epochId, contributor]) =>
      `your deviation for ${text(contributor)} in epoch ${text(epochId)} is already computed: decrypt it ` +
      "(royalties consensus-deviation).",
  ),
  ConsensusCostUnsupportedAttestations: hint(
    ([attestations, min, max]) =>
      `${text(attestations)} attestations are outside ${text(min)} to ${text(max)}: use --required 3 or 5 ` +
      "(royalties consensus-deploy).",
  ),
  EncryptedMedianUnsupportedCount: hint(
    ([count, min, max]) =>
      `a median of ${text(count)} values is outside ${text(min)} to ${text(max)}: use --required 3 or 5 ` +
      "(royalties consensus-deploy).",
  ),
};
