// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, euint128, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {RoyaltyMath} from "../libraries/RoyaltyMath.sol";

/**
 * @notice Benchmark harness: the share computation alone, as RoyaltyPool does it and as the naive
 * encrypted 128-bit multiply-then-divide would, so both are measured in the same run.
 */
contract ShareBenchmark is ZamaEthereumConfig {
    /// @notice The last computed share (kept so the result is a live, allowed handle).
    euint64 public lastShare;

    /// @notice Share with the precomputed factor (narrow or wide path, as RoyaltyMath chooses).
    function factorShare(externalEuint64 encryptedScore, bytes calldata proof, uint64 pool, uint64 total) external {
        euint64 score = FHE.fromExternal(encryptedScore, proof);
        (uint128 factor, uint8 shift, bool wide) = RoyaltyMath.shareParameters(pool, total);
        euint64 result;
        if (wide) {
            result = FHE.asEuint64(FHE.shr(FHE.mul(FHE.asEuint128(score), factor), shift));
        } else {
            result = FHE.shr(FHE.mul(score, uint64(factor)), shift);
        }
        _store(result);
    }

    /// @notice Naive baseline: floor(score * pool / total) as an encrypted 128-bit multiply then divide.
    function naiveShare(externalEuint64 encryptedScore, bytes calldata proof, uint64 pool, uint64 total) external {
        euint128 product = FHE.mul(FHE.asEuint128(FHE.fromExternal(encryptedScore, proof)), uint128(pool));
        _store(FHE.asEuint64(FHE.div(product, uint128(total))));
    }

    function _store(euint64 result) private {
        FHE.allowThis(result);
        FHE.allow(result, msg.sender);
        lastShare = result;
    }
}
