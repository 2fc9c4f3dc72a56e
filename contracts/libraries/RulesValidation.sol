// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
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
        IRoyaltyPool.RulesParams memory params
    ) external {
        uint64 maxScore = maxSubmissionScore(params);
        for (uint256 i = 0; i < params.metrics.length; ++i) {
            rules.metrics.push(params.metrics[i]);
        }
        rules.epochLength = params.epochLength;
        rules.minParticipants = params.minParticipants;
        rules.maxSubmissionsPerContributor = params.maxSubmissionsPerContributor;
        rules.attestationRequired = params.attestationRequired;
        rules.bonusMultipliers = params.bonusMultipliers;
        rules.claimWindow = params.claimWindow;
        for (uint256 i = 0; i < params.attestors.length; ++i) {
            address attestor = params.attestors[i];
            require(attestor != address(0), IRoyaltyPool.RoyaltyPoolInvalidAttestor(i));
            rules.attestors.push(attestor);
            isAttestor[attestor] = true;
        }
        rules.maxSubmissionScore = maxScore;
        // Worst-case epoch total = submissions * maxSubmissionScore <= 2^64 - 1: no wraparound, ever.
        rules.maxSubmissionsPerEpoch = type(uint64).max / maxScore;
        emit IRoyaltyPool.RulesVersionCreated(version, maxScore, rules.maxSubmissionsPerEpoch);
    }

    /**
     * @notice Checks a rules version and returns the largest score one submission can add.
     * @param params The rules to check.
     * @return The bound sum(weight * cap) * max bonus multiplier, which fits 64 bits.
     */
    function maxSubmissionScore(IRoyaltyPool.RulesParams memory params) public pure returns (uint64) {
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

        uint64[] memory weights = new uint64[](metricCount);
        uint64[] memory caps = new uint64[](metricCount);
        for (uint256 i = 0; i < metricCount; ++i) {
            IRoyaltyPool.Metric memory metric = params.metrics[i];
            require(
                metric.weight != 0 && metric.cap != 0,
                IRoyaltyPool.RoyaltyPoolInvalidMetric(i, metric.weight, metric.cap)
            );
            weights[i] = metric.weight;
            caps[i] = metric.cap;
        }
        require(
            params.attestors.length <= MAX_ATTESTORS,
            IRoyaltyPool.RoyaltyPoolTooManyAttestors(params.attestors.length, MAX_ATTESTORS)
        );
        require(!params.attestationRequired || params.attestors.length != 0, IRoyaltyPool.RoyaltyPoolNoAttestors());
        uint256 classes = params.bonusMultipliers.length;
        require(classes <= MAX_BONUS_CLASSES, IRoyaltyPool.RoyaltyPoolTooManyBonusClasses(classes, MAX_BONUS_CLASSES));
        uint64 maxMultiplier = 1;
        for (uint256 i = 0; i < classes; ++i) {
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
        uint256 capacity = type(uint64).max / maxScore;
        uint256 needed = uint256(params.minParticipants) * params.maxSubmissionsPerContributor;
        require(capacity >= needed, IRoyaltyPool.RoyaltyPoolEpochCapacityTooSmall(capacity, needed));
        return uint64(maxScore);
    }
}
