// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/**
 * @title RoyaltyMath
 * @notice Plaintext arithmetic behind the encrypted royalty computation: rule bounds that make
 * overflow impossible by construction, and the share factor that turns a division by the public
 * epoch total into one encrypted scalar multiply and one shift.
 *
 * @dev Share method. With a public pool `P` and a public total `T`, the exact share of a score `s`
 * (where `s <= T`) is `floor(s * P / T)`. We precompute `f = floor(P * 2^k / T)` and compute
 * `floor(s * f / 2^k)` under FHE. Because `f` is at most one unit below `P * 2^k / T`, the result is
 * `floor(s * P / T)` or one unit less, never more, as long as `2^k > s` (the error term is
 * `s * (P * 2^k / T - f) / 2^k < s / 2^k <= 1`). Two cases keep every intermediate in range:
 *
 * - narrow: when `bits(P) + bits(T) <= 64`, take `k = bits(T)`; then `s * f <= P * 2^k < 2^64`,
 *   so the product fits an `euint64` (the cheapest path);
 * - wide: otherwise take `k = 64`; then `s * f <= P * 2^64 < 2^128` fits an `euint128`.
 */
library RoyaltyMath {
    /// @notice Shift used on the wide (`euint128`) path.
    uint8 internal constant WIDE_SHIFT = 64;
    /// @notice Bit width of the encrypted score and share type.
    uint256 internal constant SCORE_BITS = 64;

    /**
     * @notice Parameters that turn `floor(score * pool / total)` into `floor(score * factor >> shift)`.
     * @param pool Public pool of the epoch, in confidential token units.
     * @param total Publicly revealed epoch total score.
     * @return factor Scalar to multiply the encrypted score by (0 when nothing is to be paid).
     * @return shift Right shift applied to the product.
     * @return wide True when the product needs 128 bits.
     */
    function shareParameters(uint64 pool, uint64 total) internal pure returns (uint128 factor, uint8 shift, bool wide) {
        if (pool == 0 || total == 0) {
            return (0, 0, false);
        }
        uint8 totalBits = bitLength(total);
        if (uint256(bitLength(pool)) + totalBits <= SCORE_BITS) {
            return (uint128((uint256(pool) << totalBits) / total), totalBits, false);
        }
        return (uint128((uint256(pool) << WIDE_SHIFT) / total), WIDE_SHIFT, true);
    }

    /**
     * @notice Plaintext twin of the encrypted share computation, for tests and off-chain checks.
     * @param score A score no larger than the epoch total the parameters were derived from.
     * @param factor Factor from {shareParameters}.
     * @param shift Shift from {shareParameters}.
     * @return The share `floor(score * factor / 2^shift)`.
     */
    function share(uint64 score, uint128 factor, uint8 shift) internal pure returns (uint64) {
        return uint64((uint256(score) * factor) >> shift);
    }

    /**
     * @notice Public upper bound on what an epoch leaves in its pool at the reveal, `pool - floor(T * f >> k)`
     * (what moves to the payout vault is at least the shares' sum, so it is below the bound on `pool - sum(shares)`).
     * @dev Each of the `participants` floors and the factor's floor lose less than one unit, and shares use the
     * noisy total `T' = T + N` with `N < 2^noiseBits`, so `pool - sum(shares) < pool * N / T' + participants + 1`.
     * @param pool Public pool of the epoch.
     * @param noisyTotal The revealed (noisy) total, non-zero.
     * @param noiseBits Noise width of the epoch's rules (0 = none).
     * @param participants Distinct contributors of the epoch.
     * @return The bound, at most `pool`.
     */
    function remainderBound(
        uint64 pool,
        uint64 noisyTotal,
        uint8 noiseBits,
        uint32 participants
    ) internal pure returns (uint64) {
        uint256 bound = uint256(participants) + 1;
        if (noiseBits != 0) bound += Math.ceilDiv(uint256(pool) * ((uint256(1) << noiseBits) - 1), noisyTotal);
        return uint64(Math.min(bound, pool));
    }

    /**
     * @notice Worst-case score of one submission, `sum(weight_k * cap_k)`, computed without overflow.
     * @param weights Plaintext weight of each metric.
     * @param caps Plaintext cap of each metric.
     * @return bound The bound as a 256-bit integer (callers compare it with `type(uint64).max`).
     */
    function maxSubmissionScore(uint64[] memory weights, uint64[] memory caps) internal pure returns (uint256 bound) {
        for (uint256 i = 0; i < weights.length; ++i) {
            bound += uint256(weights[i]) * caps[i];
        }
    }

    /**
     * @notice Whether an epoch total bounded by `scoreBound` can take `added` more score plus the largest noise and
     * still fit 64 bits.
     * @param scoreBound Plaintext bound of the encrypted total so far.
     * @param added Largest score the new submissions can add.
     * @param noiseBits Noise drawn below 2^noiseBits is added to the total at close (0 = none).
     * @return True when `scoreBound + added + 2^noiseBits - 1 <= 2^64 - 1`.
     */
    function fitsBound(uint64 scoreBound, uint256 added, uint8 noiseBits) internal pure returns (bool) {
        uint256 maxNoise = (uint256(1) << noiseBits) - 1;
        return uint256(scoreBound) + added + maxNoise <= type(uint64).max;
    }

    /**
     * @notice Number of bits needed to write `value` (0 for 0), in constant gas so that a reveal
     * costs the same whatever the total.
     * @param value Any 64-bit value.
     * @return bits `floor(log2(value)) + 1`, or 0.
     */
    function bitLength(uint64 value) internal pure returns (uint8 bits) {
        return value == 0 ? 0 : uint8(Math.log2(value) + 1);
    }
}
