// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64} from "@fhevm/solidity/lib/FHE.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/**
 * @title EncryptedRoyaltyMath
 * @notice The encrypted half of the royalty arithmetic: a submission's weighted capped score, a scaling by a
 * plaintext weight, and a share from the plaintext factor and shift of {RoyaltyMath-shareParameters}.
 * @dev Internal functions: they compile into the calling contract, so a submission or a claim pays no library
 * call. No function here can wrap: the callers' plaintext bounds (sum(weight * cap) * multiplier below 2^64,
 * score * factor below 2^64 on the narrow path) make every intermediate fit its type. Nothing branches on a
 * ciphertext; the branches below read plaintext weights and flags only.
 */
library EncryptedRoyaltyMath {
    /**
     * @notice `sum(weight_k * multiplier * min(value_k, cap_k))` over a schema.
     * @dev Leaves every value capped in `values` (the cross-model aggregates add exactly what the model accepted).
     * A scaled weight of 1 costs no operation, a power of two a shift, any other weight a scalar multiply.
     * @param schema The metrics, weights and caps of the rules version; `values.length` must equal its length.
     * @param values One encrypted metric per schema entry, capped in place.
     * @param multiplier The bonus multiplier (1 for none).
     * @return sum The encrypted score of the submission.
     */
    function weightedSum(
        IRoyaltyPool.Metric[] storage schema,
        euint64[] memory values,
        uint64 multiplier
    ) internal returns (euint64 sum) {
        for (uint256 i = 0; i < values.length; ++i) {
            IRoyaltyPool.Metric storage metric = schema[i];
            // Every cap is below 2^64 - 1: the capacity rule refuses an uncapped metric (it alone could fill
            // an epoch below k), so the min is never redundant.
            euint64 value = FHE.min(values[i], metric.cap);
            values[i] = value;
            // The rules bound sum(weight * cap) * max multiplier below 2^64, so this product fits.
            value = scale(value, metric.weight * multiplier);
            sum = i == 0 ? value : FHE.add(sum, value);
        }
    }

    /**
     * @notice `value * weight` at the least cost: free for 1, a shift (34k HCU) for a power of two, else a scalar
     * multiply (365k HCU).
     * @param value An encrypted value whose product with `weight` fits 64 bits.
     * @param weight A plaintext weight.
     * @return The product.
     */
    function scale(euint64 value, uint64 weight) internal returns (euint64) {
        if (weight == 1) return value;
        if (weight & (weight - 1) == 0) return FHE.shl(value, uint8(Math.log2(weight)));
        return FHE.mul(value, weight);
    }

    /**
     * @notice `floor(score * factor >> shift)`: `floor(score * pool / total)` or one unit less, never more.
     * @dev On the narrow path {RoyaltyMath-shareParameters} guarantees `score * factor < 2^64`, so the factor
     * fits 64 bits and one 64-bit multiply and shift suffice; the wide path widens the score to 128 bits.
     * @param score An encrypted score no larger than the total the parameters were derived from.
     * @param factor The share factor.
     * @param shift The share shift.
     * @param wide Whether the product needs 128 bits.
     * @return The encrypted share.
     */
    function share(euint64 score, uint128 factor, uint8 shift, bool wide) internal returns (euint64) {
        if (wide) return FHE.asEuint64(FHE.shr(FHE.mul(FHE.asEuint128(score), factor), shift));
        return FHE.shr(FHE.mul(score, uint64(factor)), shift);
    }
}
