// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

/**
 * @title ConsensusCost
 * @notice Plaintext worst case of the FHE work of one consensus {AttestationConsensus-finalize}, in HCU (total)
 * and HCU depth (longest chain of dependent operations), so that a configuration whose finalize could exceed the
 * per-transaction limits of the fhEVM (20,000,000 HCU, 5,000,000 depth) is refused when it is set, instead of
 * every epoch of the model dying at finalize.
 * @dev What one finalize runs, per metric k of the pool's schema (with `n` attestations, `w_k` its weight):
 * - {EncryptedMedian} of `n` euint64 values (min/max networks): 1 / 4 / 7 / 10 comparators for n = 2..5;
 * - in the pool's `submitAttestedValues`: `min(median, cap)` (scalar min), then `* w_k`: nothing for 1, a scalar
 *   shift for a power of two, a scalar multiply otherwise; every term after the first is added to the sum;
 * - in the cross-model aggregator, for a tracked metric: a cast to euint128 and one 128-bit add. The worst case
 *   counts every metric of the schema as tracked, and chains the adds (two metrics of one name feed one sum);
 * and once: the score and the epoch total each take one euint64 add.
 * Per-op costs are those of the host contracts' HCULimit.sol (euint64 unless said): min 219,000, max 218,000,
 * scalar min 150,000, scalar shl 34,000, scalar mul 365,000, add 162,000, cast 32, euint128 add 259,000. Depth
 * follows HCULimit's rule: an op's depth is its cost plus the largest depth of its operands, and a handle from
 * storage (an earlier transaction) has depth 0. The figures are upper bounds of what the mock measures (see
 * test/consensus/ConsensusCost.test.ts): a first submission of an epoch skips the total's add, a first record of an
 * aggregate round skips its add.
 *
 * WARNING: the model is tied to the code of {EncryptedMedian}, `RoyaltyPool.submitAttestedValues` and
 * `MetricAggregator.recordMetrics`. Any FHE operation added to those paths must be added here.
 */
library ConsensusCost {
    /// @notice HCU a transaction may use (HCULimit's MAX_HOMOMORPHIC_COMPUTE_UNITS_PER_TX; it reverts at >=).
    uint256 internal constant HCU_LIMIT = 20_000_000;
    /// @notice HCU depth a transaction may reach (HCULimit's MAX_HOMOMORPHIC_COMPUTE_UNITS_DEPTH_PER_TX).
    uint256 internal constant DEPTH_LIMIT = 5_000_000;
    /// @notice Largest worst-case HCU accepted for a finalize: 10 % below the limit, for changes the model misses.
    uint256 internal constant HCU_BUDGET = 18_000_000;
    /// @notice Largest worst-case HCU depth accepted for a finalize: 10 % below the limit.
    uint256 internal constant DEPTH_BUDGET = 4_500_000;
    /// @notice Fewest attestations a median is taken of.
    uint256 internal constant MIN_ATTESTATIONS = 2;
    /// @notice Most attestations a median is taken of (the largest {EncryptedMedian} network).
    uint256 internal constant MAX_ATTESTATIONS = 5;

    uint256 private constant MIN_64 = 219_000;
    uint256 private constant MAX_64 = 218_000;
    uint256 private constant MIN_SCALAR_64 = 150_000;
    uint256 private constant SHL_SCALAR_64 = 34_000;
    uint256 private constant MUL_SCALAR_64 = 365_000;
    uint256 private constant ADD_64 = 162_000;
    uint256 private constant CAST = 32;
    uint256 private constant ADD_128 = 259_000;
    uint256 private constant RAND_BOUNDED_128 = 25_000;
    /// @dev A tracked metric's first value after its round's scheduled end seals the round: noise drawn below
    /// 2^NOISE_BITS and added to the 128-bit sum, in the same transaction.
    uint256 private constant SEAL_128 = RAND_BOUNDED_128 + ADD_128;

    /// @notice The attestation count is outside [MIN_ATTESTATIONS, MAX_ATTESTATIONS].
    error ConsensusCostUnsupportedAttestations(uint256 attestations, uint256 min, uint256 max);

    /**
     * @notice Worst-case HCU and HCU depth of one finalize with `attestations` attestations over a schema with
     * these weights (bonus class 0: the consensus submits with multiplier 1), every metric tracked across models.
     * @dev Pure and internal: callable from a pool's rules validation as well as from the consensus. The cost grows
     * with the attestation count, so a consensus checks its `attestationsRequired`; a pool that does not know its
     * consensus' panel checks {MAX_ATTESTATIONS}. A configuration is safe when `hcu <= HCU_BUDGET` and
     * `depth <= DEPTH_BUDGET` ({withinBudget}).
     * @param attestations Values per median, 2 to 5.
     * @param weights The pool rules' metric weights, in schema order (one per metric).
     * @return hcu Upper bound of the transaction's HCU.
     * @return depth Upper bound of the transaction's HCU depth.
     */
    function finalizeCost(
        uint256 attestations,
        uint64[] memory weights
    ) internal pure returns (uint256 hcu, uint256 depth) {
        (uint256 medianHcu, uint256 medianDepth) = medianCost(attestations);
        uint256 m = weights.length;
        if (m == 0) return (0, 0);
        uint256 cappedDepth = medianDepth + MIN_SCALAR_64;
        uint256 sumDepth;
        for (uint256 k = 0; k < m; ++k) {
            uint256 scale = scaleCost(weights[k]);
            hcu += medianHcu + MIN_SCALAR_64 + scale + CAST + ADD_128 + SEAL_128;
            uint256 termDepth = cappedDepth + scale;
            if (k == 0) {
                sumDepth = termDepth;
            } else {
                hcu += ADD_64;
                sumDepth = (sumDepth > termDepth ? sumDepth : termDepth) + ADD_64;
            }
        }
        // The score's add and the total's add run in parallel on the sum.
        hcu += 2 * ADD_64;
        uint256 poolDepth = sumDepth + ADD_64;
        // Aggregator: each capped value cast to 128 bits, the adds chained in the worst case; a seal works on the
        // stored sum (rand + add), beside them.
        uint256 aggregateDepth = cappedDepth + CAST + m * ADD_128;
        if (aggregateDepth < m * SEAL_128) aggregateDepth = m * SEAL_128;
        depth = poolDepth > aggregateDepth ? poolDepth : aggregateDepth;
    }

    /**
     * @notice HCU and depth of one {EncryptedMedian-lowerMedian} of `attestations` values.
     * @param attestations Values, 2 to 5.
     * @return hcu The comparators' HCU.
     * @return depth The network's depth in HCU.
     */
    function medianCost(uint256 attestations) internal pure returns (uint256 hcu, uint256 depth) {
        if (attestations == 2) return (MIN_64, MIN_64);
        // median3: lo = min(a, b), hi = max(a, b), max(lo, min(hi, c)).
        if (attestations == 3) return (2 * MIN_64 + 2 * MAX_64, MAX_64 + MIN_64 + MAX_64);
        // median4: two sorted pairs, max(lo1, lo2) and min(hi1, hi2), then their min.
        if (attestations == 4) return (4 * MIN_64 + 3 * MAX_64, MIN_64 + MAX_64 + MIN_64);
        // median5: two sorted pairs, x = max(lo1, lo2), y = min(hi1, hi2) (depth 437,000), then median3(x, y, e):
        // lo = min(x, y) 656,000; hi = max(x, y) 655,000; min(hi, e) 874,000; max(lo, .) 1,092,000.
        if (attestations == 5) return (5 * MIN_64 + 5 * MAX_64, 2 * MIN_64 + 3 * MAX_64);
        revert ConsensusCostUnsupportedAttestations(attestations, MIN_ATTESTATIONS, MAX_ATTESTATIONS);
    }

    /**
     * @notice HCU the pool spends scaling a capped metric by its weight (as `RoyaltyPool._weightedSum` does).
     * @param weight A metric weight (multiplier 1).
     * @return 0 for weight 1, a scalar shift for a power of two, a scalar multiply otherwise (0 included).
     */
    function scaleCost(uint64 weight) internal pure returns (uint256) {
        if (weight == 1) return 0;
        if (weight != 0 && weight & (weight - 1) == 0) return SHL_SCALAR_64;
        return MUL_SCALAR_64;
    }

    /**
     * @notice Whether a worst case fits the budgets below the per-transaction limits.
     * @param hcu Worst-case HCU from {finalizeCost}.
     * @param depth Worst-case depth from {finalizeCost}.
     * @return True when `hcu <= HCU_BUDGET` and `depth <= DEPTH_BUDGET`.
     */
    function withinBudget(uint256 hcu, uint256 depth) internal pure returns (bool) {
        return hcu <= HCU_BUDGET && depth <= DEPTH_BUDGET;
    }
}
