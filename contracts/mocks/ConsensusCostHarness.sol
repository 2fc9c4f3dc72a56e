// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {ConsensusCost} from "../libraries/ConsensusCost.sol";

/// @notice Exposes {ConsensusCost} to tests.
contract ConsensusCostHarness {
    function finalizeCost(uint256 attestations, uint64[] calldata weights) external pure returns (uint256, uint256) {
        return ConsensusCost.finalizeCost(attestations, weights);
    }

    function medianCost(uint256 attestations) external pure returns (uint256, uint256) {
        return ConsensusCost.medianCost(attestations);
    }

    function withinBudget(uint256 hcu, uint256 depth) external pure returns (bool) {
        return ConsensusCost.withinBudget(hcu, depth);
    }

    function budgets() external pure returns (uint256 hcu, uint256 depth, uint256 hcuLimit, uint256 depthLimit) {
        return (
            ConsensusCost.HCU_BUDGET,
            ConsensusCost.DEPTH_BUDGET,
            ConsensusCost.HCU_LIMIT,
            ConsensusCost.DEPTH_LIMIT
        );
    }
}
