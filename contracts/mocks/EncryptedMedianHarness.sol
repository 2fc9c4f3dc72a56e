// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {EncryptedMedian} from "../libraries/EncryptedMedian.sol";

/// @notice Exposes {EncryptedMedian} to tests: encrypts the inputs, stores the median, lets the caller decrypt it.
contract EncryptedMedianHarness is ZamaEthereumConfig {
    /// @notice The last median computed.
    euint64 public result;

    /// @notice A median was computed.
    event MedianComputed(address indexed caller, uint256 count, euint64 result);

    /**
     * @notice Lower median of 2..5 encrypted inputs (reverts for other counts).
     * @param inputs The encrypted values, bound to this contract and the caller by `inputProof`.
     * @param inputProof The input proof.
     * @return value The encrypted lower median, decryptable by the caller.
     */
    function median(externalEuint64[] calldata inputs, bytes calldata inputProof) external returns (euint64 value) {
        euint64[] memory values = new euint64[](inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) {
            values[i] = FHE.fromExternal(inputs[i], inputProof);
        }
        value = EncryptedMedian.lowerMedian(values);
        FHE.allowThis(value);
        FHE.allow(value, msg.sender);
        result = value;
        emit MedianComputed(msg.sender, inputs.length, value);
    }
}
