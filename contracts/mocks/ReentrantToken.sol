// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/**
 * @notice Hostile payment token for tests: once armed, every `transferFrom` first calls `target`
 * with `data` (for example `RoyaltyPool.fund`), bubbling any revert, as an ERC777-style
 * `tokensToSend` hook or a malicious token would. Never deploy it to a real network.
 */
contract ReentrantToken is ERC20 {
    /// @notice Contract the hook calls; zero when disarmed.
    address public hookTarget;
    /// @notice Calldata of the hook call.
    bytes public hookData;
    /// @notice Number of hook calls that returned successfully.
    uint256 public hookCalls;

    constructor() ERC20("Reentrant Token", "REENT") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the hook: the next `transferFrom` calls `target` with `data` first.
    function arm(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    /// @notice Disarms the hook.
    function disarm() external {
        delete hookTarget;
        delete hookData;
    }

    /// @inheritdoc ERC20
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        address target = hookTarget;
        if (target != address(0)) {
            // One shot: the hook does not fire again from inside itself or from the wrapper's own transferFrom.
            delete hookTarget;
            Address.functionCall(target, hookData);
            ++hookCalls;
        }
        return super.transferFrom(from, to, value);
    }
}
