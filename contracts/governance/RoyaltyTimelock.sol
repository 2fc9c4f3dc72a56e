// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/**
 * @title RoyaltyTimelock
 * @notice OpenZeppelin's TimelockController, unchanged, named for this project so deployments and
 * artifacts say what it is: it owns every governed pool's rule setter. Deploy it with no admin
 * (`admin = address(0)`) so that only proposals that passed the vote can change anything.
 */
contract RoyaltyTimelock is TimelockController {
    /**
     * @param minDelay Seconds between queueing and executing a passed proposal.
     * @param proposers Addresses allowed to queue (and cancel): the governor.
     * @param executors Addresses allowed to execute; `address(0)` lets anyone execute a ready operation.
     * @param admin Optional bootstrap admin; pass `address(0)` to keep none.
     */
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
