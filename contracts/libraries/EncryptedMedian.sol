// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64} from "@fhevm/solidity/lib/FHE.sol";

/**
 * @title EncryptedMedian
 * @notice Lower median of 2 to 5 encrypted `euint64` values with fixed comparator networks of
 * `FHE.min` / `FHE.max`: the same operations run whatever the values are, so nothing about them leaks
 * through control flow, and the cost of each size is a constant.
 * @dev "Lower median" of n values sorted as s1 <= s2 <= ... <= sn is s_ceil(n/2): s1 for n = 2, s2 for
 * n = 3 and n = 4, s3 for n = 5. Every network below only selects among its inputs (min and max return
 * one of their operands' values), so ties need no special care: with equal values, whichever operand
 * "wins" carries the same value, and every argument below holds for the multiset of values, ordering
 * equal values arbitrarily but consistently (e.g. by input position).
 *
 * Cost per call (FHE ops on euint64, 219,000 HCU each for min/max between two ciphertexts):
 * n = 2: 1 op, n = 3: 4 ops, n = 4: 7 ops, n = 5: 10 ops; sequential depth 1, 3, 3 and 5 ops.
 */
library EncryptedMedian {
    /// @notice Fewest values a median is taken of.
    uint256 internal constant MIN_VALUES = 2;
    /// @notice Most values a median is taken of.
    uint256 internal constant MAX_VALUES = 5;

    /// @notice The number of values is outside [MIN_VALUES, MAX_VALUES].
    error EncryptedMedianUnsupportedCount(uint256 count, uint256 min, uint256 max);

    /**
     * @notice Lower median of `values` (2 to 5 of them), dispatching on the public length.
     * @param values The encrypted values; their order does not matter.
     * @return The encrypted lower median (a new handle, not yet allowed to anyone).
     */
    function lowerMedian(euint64[] memory values) internal returns (euint64) {
        uint256 n = values.length;
        if (n == 2) return median2(values[0], values[1]);
        if (n == 3) return median3(values[0], values[1], values[2]);
        if (n == 4) return median4(values[0], values[1], values[2], values[3]);
        if (n == 5) return median5(values[0], values[1], values[2], values[3], values[4]);
        revert EncryptedMedianUnsupportedCount(n, MIN_VALUES, MAX_VALUES);
    }

    /**
     * @notice Lower median of two values: the smaller one.
     * @dev Lower median of {s1 <= s2} is s1 = min(a, b). Taking the lower value (not the mean) keeps the
     * result one of the attested values and needs no division; the price is that with two values a single
     * low outlier decides, which is why consensus asks for 3 or 5 attestations and accepts 2 only as an
     * explicit governance minimum for attestors who did not all show up.
     * @param a A value.
     * @param b A value.
     * @return min(a, b).
     */
    function median2(euint64 a, euint64 b) internal returns (euint64) {
        return FHE.min(a, b);
    }

    /**
     * @notice Median of three values: max(min(a, b), min(max(a, b), c)).
     * @dev With lo = min(a, b) <= hi = max(a, b), three cases for c (ties fall in either case and give
     * the same value):
     * - c <= lo: min(hi, c) = c, max(lo, c) = lo, and the sorted order is c, lo, hi: median lo.
     * - lo <= c <= hi: min(hi, c) = c, max(lo, c) = c, sorted lo, c, hi: median c.
     * - c >= hi: min(hi, c) = hi, max(lo, hi) = hi, sorted lo, hi, c: median hi.
     * Four comparators, depth 3 (min and max of (a, b) run in parallel).
     * @param a A value.
     * @param b A value.
     * @param c A value.
     * @return The median.
     */
    function median3(euint64 a, euint64 b, euint64 c) internal returns (euint64) {
        euint64 lo = FHE.min(a, b);
        euint64 hi = FHE.max(a, b);
        return FHE.max(lo, FHE.min(hi, c));
    }

    /**
     * @notice Lower median (second smallest) of four values.
     * @dev Sort the pairs: lo1 = min(a, b) <= hi1 = max(a, b), lo2 = min(c, d) <= hi2 = max(c, d).
     * The smallest of the four is min(lo1, lo2), because each hi is at least its own lo. Removing it
     * leaves the other pair's lo, which is max(lo1, lo2), and both his: {max(lo1, lo2), hi1, hi2} (with
     * lo1 = lo2 either one may be "removed", the leftover value is the same). The second smallest of the
     * four is the smallest of these three: min(max(lo1, lo2), min(hi1, hi2)). Seven comparators, depth 3.
     * @param a A value.
     * @param b A value.
     * @param c A value.
     * @param d A value.
     * @return The second smallest value.
     */
    function median4(euint64 a, euint64 b, euint64 c, euint64 d) internal returns (euint64) {
        (euint64 lo1, euint64 hi1) = _sortPair(a, b);
        (euint64 lo2, euint64 hi2) = _sortPair(c, d);
        return FHE.min(FHE.max(lo1, lo2), FHE.min(hi1, hi2));
    }

    /**
     * @notice Median of five values.
     * @dev Sort the pairs (a, b) and (c, d) as in {median4}. Then:
     * - x = min(lo1, lo2) is the smallest of a..d: at least three of the five values (the other three of
     *   a..d) are >= x, so x ranks 1st or 2nd of the five: x is at or below s2.
     * - y = max(hi1, hi2) is the largest of a..d: at least three values are <= y, so y ranks 4th or 5th.
     * Removing one value ranked <= 2 and one ranked >= 4 from s1..s5 leaves s3 plus one value from
     * {s1, s2} and one from {s4, s5}, whose median is s3. The three that remain are exactly
     * max(lo1, lo2), min(hi1, hi2) and e: if x and y come from different pairs, what is left of a..d is
     * the other lo (= max(lo1, lo2)) and the other hi (= min(hi1, hi2)); if both come from one pair, that
     * pair's lo <= the other lo and its hi >= the other hi, so what is left is the other pair, again
     * {max(lo1, lo2), min(hi1, hi2)}. The median of five is therefore {median3} of those three.
     * Ten comparators, depth 5.
     * @param a A value.
     * @param b A value.
     * @param c A value.
     * @param d A value.
     * @param e A value.
     * @return The median.
     */
    function median5(euint64 a, euint64 b, euint64 c, euint64 d, euint64 e) internal returns (euint64) {
        (euint64 lo1, euint64 hi1) = _sortPair(a, b);
        (euint64 lo2, euint64 hi2) = _sortPair(c, d);
        return median3(FHE.max(lo1, lo2), FHE.min(hi1, hi2), e);
    }

    /// @dev (min, max) of two values: one comparator pair, both at depth 1.
    function _sortPair(euint64 a, euint64 b) private returns (euint64 lo, euint64 hi) {
        lo = FHE.min(a, b);
        hi = FHE.max(a, b);
    }
}
