// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/**
 * @title EpochLog
 * @notice An epoch's tamper-evident log: a hash chain over every step the pool records, whose digest an auditor
 * rebuilds from the {IRoyaltyPool-LogAppended} events alone.
 */
library EpochLog {
    /**
     * @notice Appends a step: `digest' = keccak256(abi.encode(digest, keccak256(abi.encode(step, fields))))`, so the
     * order and the content of every step are bound.
     * @param epoch The epoch whose chain grows.
     * @param epochId Its id (for the event).
     * @param step The kind of step.
     * @param fields The step's fields, ABI-encoded as listed in {IRoyaltyPool-LogStep}.
     */
    function append(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        IRoyaltyPool.LogStep step,
        bytes memory fields
    ) internal {
        bytes32 entry = keccak256(abi.encode(step, fields));
        bytes32 digest = keccak256(abi.encode(epoch.logDigest, entry));
        uint64 index = epoch.logLength++;
        epoch.logDigest = digest;
        emit IRoyaltyPool.LogAppended(epochId, index, step, entry, digest);
    }
}
