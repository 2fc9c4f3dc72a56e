// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {EncryptedRoyaltyMath} from "../libraries/EncryptedRoyaltyMath.sol";

/// @notice Exposes {EncryptedRoyaltyMath} to tests: results are stored and allowed to the caller.
contract EncryptedRoyaltyMathHarness is ZamaEthereumConfig {
    IRoyaltyPool.Metric[] private _schema;

    /// @notice The last result.
    euint64 public result;
    /// @notice The values of the last {weightedSum}, capped in place.
    euint64[] private _capped;

    /// @notice Replaces the schema {weightedSum} reads.
    function setSchema(IRoyaltyPool.Metric[] calldata schema) external {
        delete _schema;
        for (uint256 i = 0; i < schema.length; ++i) _schema.push(schema[i]);
    }

    /// @notice {EncryptedRoyaltyMath-weightedSum} over the stored schema.
    function weightedSum(externalEuint64[] calldata values, bytes calldata proof, uint64 multiplier) external {
        euint64[] memory metrics = new euint64[](values.length);
        for (uint256 i = 0; i < values.length; ++i) metrics[i] = FHE.fromExternal(values[i], proof);
        _store(EncryptedRoyaltyMath.weightedSum(_schema, metrics, multiplier));
        delete _capped;
        for (uint256 i = 0; i < metrics.length; ++i) {
            FHE.allowThis(metrics[i]);
            FHE.allow(metrics[i], msg.sender);
            _capped.push(metrics[i]);
        }
    }

    /// @notice {EncryptedRoyaltyMath-scale}.
    function scale(externalEuint64 value, bytes calldata proof, uint64 weight) external {
        _store(EncryptedRoyaltyMath.scale(FHE.fromExternal(value, proof), weight));
    }

    /// @notice {EncryptedRoyaltyMath-share}.
    function share(externalEuint64 score, bytes calldata proof, uint128 factor, uint8 shift, bool wide) external {
        _store(EncryptedRoyaltyMath.share(FHE.fromExternal(score, proof), factor, shift, wide));
    }

    /// @notice The capped values of the last {weightedSum}.
    function capped() external view returns (euint64[] memory) {
        return _capped;
    }

    function _store(euint64 value) private {
        FHE.allowThis(value);
        FHE.allow(value, msg.sender);
        result = value;
    }
}
