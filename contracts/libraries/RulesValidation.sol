// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IAttestationConsensus} from "../interfaces/IAttestationConsensus.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {ConsensusCost} from "./ConsensusCost.sol";
import {RoyaltyMath} from "./RoyaltyMath.sol";

/**
 * @title RulesValidation
 * @notice Every plaintext bound a rules version must meet before a pool records it: schema size,
 * epoch length, the k-anonymity floor, claim window, attestors, bonus multipliers, and the overflow
 * bounds that make a wrapped encrypted sum impossible.
 * @dev An external (linked) library: rules change rarely, so the pool delegates the checks here and
 * keeps its own bytecode for the per-epoch work. Reverts with the pool's own custom errors.
 */
library RulesValidation {
    /// @notice Most metrics a schema may have (bounds the HCU of one submission).
    uint256 internal constant MAX_METRICS = 8;
    /// @notice k-anonymity floor: no aggregate of fewer distinct contributors is ever revealed.
    uint32 internal constant MIN_PARTICIPANTS_FLOOR = 3;
    /// @notice Shortest epoch period.
    uint64 internal constant MIN_EPOCH_LENGTH = 1 minutes;
    /// @notice Longest epoch period.
    uint64 internal constant MAX_EPOCH_LENGTH = 365 days;
    /// @notice Most attestors one rules version may list (bounds the cost of recording it).
    uint256 internal constant MAX_ATTESTORS = 32;
    /// @notice Most bonus classes one rules version may define.
    uint256 internal constant MAX_BONUS_CLASSES = 8;
    /// @notice Shortest claim window (when one is set).
    uint64 internal constant MIN_CLAIM_WINDOW = 1 days;
    /// @notice Longest claim window.
    uint64 internal constant MAX_CLAIM_WINDOW = 730 days;
    /// @notice Widest noise a rules version may add to an epoch total (noise < 2^MAX_NOISE_BITS).
    uint8 internal constant MAX_NOISE_BITS = 60;

    /**
     * @notice Checks a rules version and writes it, with its derived overflow bounds, to the pool's storage.
     * @param rules Storage slot of the new version.
     * @param isAttestor The new version's attestor set.
     * @param version The version number (for the event).
     * @param params The rules to check and record.
     */
    function store(
        IRoyaltyPool.Rules storage rules,
        mapping(address account => bool) storage isAttestor,
        uint32 version,
        IRoyaltyPool.RulesParams calldata params
    ) external {
        uint64 maxScore = maxSubmissionScore(params);
        checkConsensusCost(params);
        for (uint256 i = 0; i < params.metrics.length; ++i) {
            rules.metrics.push(params.metrics[i]);
        }
        rules.epochLength = params.epochLength;
        rules.minParticipants = params.minParticipants;
        rules.maxSubmissionsPerContributor = params.maxSubmissionsPerContributor;
        rules.attestationRequired = params.attestationRequired;
        rules.bonusMultipliers = params.bonusMultipliers;
        rules.claimWindow = params.claimWindow;
        rules.noiseBits = params.noiseBits;
        for (uint256 i = 0; i < params.attestors.length; ++i) {
            address attestor = params.attestors[i];
            require(attestor != address(0), IRoyaltyPool.RoyaltyPoolInvalidAttestor(i));
            rules.attestors.push(attestor);
            isAttestor[attestor] = true;
        }
        rules.maxSubmissionScore = maxScore;
        // Worst-case epoch total = submissions * maxSubmissionScore + max noise <= 2^64 - 1: no wraparound, ever.
        rules.maxSubmissionsPerEpoch = submissionCapacity(maxScore, params.noiseBits);
        emit IRoyaltyPool.RulesVersionCreated(version, maxScore, rules.maxSubmissionsPerEpoch);
    }

    /**
     * @notice Checks a rules version and returns the largest score one submission can add.
     * @param params The rules to check.
     * @return The bound sum(weight * cap) * max bonus multiplier, which fits 64 bits.
     */
    function maxSubmissionScore(IRoyaltyPool.RulesParams calldata params) public pure returns (uint64) {
        _checkEpochRules(params);
        uint256 metricCount = params.metrics.length;
        uint64[] memory weights = new uint64[](metricCount);
        uint64[] memory caps = new uint64[](metricCount);
        for (uint256 i = 0; i < metricCount; ++i) {
            IRoyaltyPool.Metric calldata metric = params.metrics[i];
            require(
                metric.weight != 0 && metric.cap != 0,
                IRoyaltyPool.RoyaltyPoolInvalidMetric(i, metric.weight, metric.cap)
            );
            weights[i] = metric.weight;
            caps[i] = metric.cap;
        }
        uint64 maxMultiplier = 1;
        for (uint256 i = 0; i < params.bonusMultipliers.length; ++i) {
            uint64 multiplier = params.bonusMultipliers[i];
            require(multiplier != 0, IRoyaltyPool.RoyaltyPoolInvalidMultiplier(i, multiplier));
            if (multiplier > maxMultiplier) maxMultiplier = multiplier;
        }
        uint256 maxScore = RoyaltyMath.maxSubmissionScore(weights, caps) * maxMultiplier;
        require(
            maxScore <= type(uint64).max,
            IRoyaltyPool.RoyaltyPoolSubmissionBoundOverflow(maxScore, type(uint64).max)
        );
        // An epoch must hold at least k contributors' worth of submissions, or one contributor could fill
        // it alone and it could never reach k: its funds would stay locked in an ever-extended epoch.
        uint256 capacity = submissionCapacity(uint64(maxScore), params.noiseBits);
        uint256 needed = uint256(params.minParticipants) * params.maxSubmissionsPerContributor;
        require(capacity >= needed, IRoyaltyPool.RoyaltyPoolEpochCapacityTooSmall(capacity, needed));
        return uint64(maxScore);
    }

    /**
     * @notice When the rules' only attestor is a deployed encrypted consensus, checks that its finalize stays
     * within the HCU budget under these rules ({ConsensusCost-finalizeCost}, every metric tracked across models),
     * for the newest configuration and the one before it (either may be in force when the rules apply).
     * @dev The consensus checks the same bound when its configuration changes; this covers the other side, a rules
     * change. An attestor that is not a consensus (an account, or a contract without these views) is skipped; a
     * consensus deployed later against this pool checks at its deployment.
     * @param params The rules to check.
     */
    function checkConsensusCost(IRoyaltyPool.RulesParams calldata params) public view {
        if (!params.attestationRequired || params.attestors.length != 1) return;
        address consensus = params.attestors[0];
        if (consensus.code.length == 0) return;
        uint256 attestations = _largestPanel(IAttestationConsensus(consensus));
        if (attestations == 0) return;
        uint64[] memory weights = new uint64[](params.metrics.length);
        for (uint256 i = 0; i < weights.length; ++i) weights[i] = params.metrics[i].weight;
        (uint256 hcu, uint256 depth) = ConsensusCost.finalizeCost(attestations, weights);
        require(
            ConsensusCost.withinBudget(hcu, depth),
            IRoyaltyPool.RoyaltyPoolConsensusTooExpensive(
                consensus,
                attestations,
                hcu,
                ConsensusCost.HCU_BUDGET,
                depth,
                ConsensusCost.DEPTH_BUDGET
            )
        );
    }

    /// @dev The larger `attestationsRequired` of a consensus' two newest configurations; 0 if it has none.
    function _largestPanel(IAttestationConsensus consensus) private view returns (uint256 largest) {
        uint32 count;
        try consensus.configVersionCount() returns (uint32 versions) {
            count = versions;
        } catch {
            return 0;
        }
        for (uint32 version = count; version != 0 && version + 2 > count; --version) {
            try consensus.getConfig(version) returns (IAttestationConsensus.ConsensusConfig memory config, uint256) {
                if (config.attestationsRequired > largest) largest = config.attestationsRequired;
            } catch {
                return largest;
            }
        }
    }

    /**
     * @notice Most submissions an epoch may take so that the total plus the largest noise fits 64 bits.
     * @param maxScore Largest score one submission can add.
     * @param noiseBits Noise drawn below 2^noiseBits is added to the total at close (0 = none).
     * @return The capacity: floor((2^64 - 1 - (2^noiseBits - 1)) / maxScore).
     */
    function submissionCapacity(uint64 maxScore, uint8 noiseBits) public pure returns (uint64) {
        uint64 maxNoise = noiseBits == 0 ? 0 : uint64((uint256(1) << noiseBits) - 1);
        return (type(uint64).max - maxNoise) / maxScore;
    }

    /// @dev Checks the rules that do not depend on the metric weights and caps.
    function _checkEpochRules(IRoyaltyPool.RulesParams calldata params) private pure {
        uint256 metricCount = params.metrics.length;
        require(
            metricCount != 0 && metricCount <= MAX_METRICS,
            IRoyaltyPool.RoyaltyPoolInvalidMetricCount(metricCount, MAX_METRICS)
        );
        require(
            params.epochLength >= MIN_EPOCH_LENGTH && params.epochLength <= MAX_EPOCH_LENGTH,
            IRoyaltyPool.RoyaltyPoolInvalidEpochLength(params.epochLength, MIN_EPOCH_LENGTH, MAX_EPOCH_LENGTH)
        );
        require(
            params.minParticipants >= MIN_PARTICIPANTS_FLOOR,
            IRoyaltyPool.RoyaltyPoolInvalidMinParticipants(params.minParticipants, MIN_PARTICIPANTS_FLOOR)
        );
        require(params.maxSubmissionsPerContributor != 0, IRoyaltyPool.RoyaltyPoolInvalidSubmissionBound(0));
        require(
            params.claimWindow == 0 ||
                (params.claimWindow >= MIN_CLAIM_WINDOW && params.claimWindow <= MAX_CLAIM_WINDOW),
            IRoyaltyPool.RoyaltyPoolInvalidClaimWindow(params.claimWindow, MIN_CLAIM_WINDOW, MAX_CLAIM_WINDOW)
        );
        require(
            params.noiseBits <= MAX_NOISE_BITS,
            IRoyaltyPool.RoyaltyPoolInvalidNoiseBits(params.noiseBits, MAX_NOISE_BITS)
        );
        require(
            params.noiseBits == 0 || params.claimWindow != 0,
            IRoyaltyPool.RoyaltyPoolNoiseWithoutClaimWindow(params.noiseBits)
        );
        require(
            params.attestors.length <= MAX_ATTESTORS,
            IRoyaltyPool.RoyaltyPoolTooManyAttestors(params.attestors.length, MAX_ATTESTORS)
        );
        require(!params.attestationRequired || params.attestors.length != 0, IRoyaltyPool.RoyaltyPoolNoAttestors());
        uint256 classes = params.bonusMultipliers.length;
        require(classes <= MAX_BONUS_CLASSES, IRoyaltyPool.RoyaltyPoolTooManyBonusClasses(classes, MAX_BONUS_CLASSES));
    }
}
