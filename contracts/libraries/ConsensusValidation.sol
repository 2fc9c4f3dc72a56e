// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IAttestationConsensus} from "../interfaces/IAttestationConsensus.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {ConsensusCost} from "./ConsensusCost.sol";

/**
 * @title ConsensusValidation
 * @notice Every plaintext bound a consensus configuration must meet before {AttestationConsensus} records it:
 * panel and median sizes, the finalization period, and, against the pool's rules, the worst-case HCU of a
 * finalize and a deviation tolerance below the largest submission score.
 * @dev Internal functions (compiled into the consensus); reverts with the consensus' own custom errors.
 */
library ConsensusValidation {
    /// @notice Most attestors a panel may list (bounds the cost of replacing a pending configuration).
    uint256 internal constant MAX_PANEL_SIZE = 16;
    /// @notice Fewest attestations that may ever count (the median of one value is that value).
    uint8 internal constant MIN_ATTESTATIONS_FLOOR = 2;
    /// @notice Allowed `attestationsRequired`: odd counts, so the median is a true middle value.
    uint8 internal constant SMALL_PANEL = 3;
    /// @notice Allowed `attestationsRequired`: the largest median network of {EncryptedMedian}.
    uint8 internal constant LARGE_PANEL = 5;
    /// @notice Shortest finalization period.
    uint64 internal constant MIN_FINALIZATION_PERIOD = 1 minutes;
    /// @notice Longest finalization period.
    uint64 internal constant MAX_FINALIZATION_PERIOD = 30 days;

    /**
     * @notice Checks a configuration's own bounds, then those that need the pool's newest rules (the ones the next
     * epoch runs under). The pool checks are skipped while the pool has no code or no rules yet (a consensus
     * deployed first at a predicted pool address). Panel entries are checked by the caller, which stores them.
     * @param config The configuration.
     * @param pool The model's pool.
     */
    function checkConfig(IAttestationConsensus.ConsensusConfig memory config, IRoyaltyPool pool) internal view {
        uint8 required = config.attestationsRequired;
        require(
            required == SMALL_PANEL || required == LARGE_PANEL,
            IAttestationConsensus.AttestationConsensusInvalidRequired(required)
        );
        require(
            config.minAttestations >= MIN_ATTESTATIONS_FLOOR && config.minAttestations <= required,
            IAttestationConsensus.AttestationConsensusInvalidMinimum(config.minAttestations, required)
        );
        require(
            config.finalizationPeriod >= MIN_FINALIZATION_PERIOD &&
                config.finalizationPeriod <= MAX_FINALIZATION_PERIOD,
            IAttestationConsensus.AttestationConsensusInvalidFinalizationPeriod(
                config.finalizationPeriod,
                MIN_FINALIZATION_PERIOD,
                MAX_FINALIZATION_PERIOD
            )
        );
        uint256 size = config.attestors.length;
        require(
            size >= required && size <= MAX_PANEL_SIZE,
            IAttestationConsensus.AttestationConsensusInvalidPanelSize(size, required, MAX_PANEL_SIZE)
        );
        if (address(pool).code.length == 0) return;
        uint32 newest = pool.rulesVersionCount();
        if (newest == 0) return;
        uint256 maxScore = checkFinalizeCost(required, pool.getRules(newest).metrics);
        require(
            config.deviationTolerance < maxScore,
            IAttestationConsensus.AttestationConsensusInvalidTolerance(config.deviationTolerance, maxScore)
        );
    }

    /**
     * @notice Refuses `required` attestations over `metrics` when a finalize's worst case
     * ({ConsensusCost-finalizeCost}) exceeds the budgets.
     * @param required Attestations per contributor.
     * @param metrics The pool rules' schema.
     * @return maxScore The largest submission score (sum of weight * cap, multiplier 1).
     */
    function checkFinalizeCost(
        uint8 required,
        IRoyaltyPool.Metric[] memory metrics
    ) internal pure returns (uint256 maxScore) {
        uint64[] memory weights = new uint64[](metrics.length);
        for (uint256 k = 0; k < metrics.length; ++k) {
            weights[k] = metrics[k].weight;
            maxScore += uint256(metrics[k].weight) * metrics[k].cap;
        }
        (uint256 hcu, uint256 depth) = ConsensusCost.finalizeCost(required, weights);
        require(
            ConsensusCost.withinBudget(hcu, depth),
            IAttestationConsensus.AttestationConsensusFinalizeTooExpensive(
                required,
                metrics.length,
                hcu,
                ConsensusCost.HCU_BUDGET,
                depth,
                ConsensusCost.DEPTH_BUDGET
            )
        );
    }
}
