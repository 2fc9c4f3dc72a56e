// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {RoyaltyMath} from "../libraries/RoyaltyMath.sol";

/// @notice Exposes {RoyaltyMath} to tests.
contract RoyaltyMathHarness {
    function shareParameters(uint64 pool, uint64 total) external pure returns (uint128, uint8, bool) {
        return RoyaltyMath.shareParameters(pool, total);
    }

    function share(uint64 score, uint128 factor, uint8 shift) external pure returns (uint64) {
        return RoyaltyMath.share(score, factor, shift);
    }

    function maxSubmissionScore(uint64[] calldata weights, uint64[] calldata caps) external pure returns (uint256) {
        return RoyaltyMath.maxSubmissionScore(weights, caps);
    }

    function bitLength(uint64 value) external pure returns (uint8) {
        return RoyaltyMath.bitLength(value);
    }
}
