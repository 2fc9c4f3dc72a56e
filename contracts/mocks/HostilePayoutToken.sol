// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64} from "@fhevm/solidity/lib/FHE.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC7984} from "@openzeppelin/confidential-contracts/interfaces/IERC7984.sol";
import {ERC7984} from "@openzeppelin/confidential-contracts/token/ERC7984/ERC7984.sol";
import {ConfidentialPayoutToken} from "../token/ConfidentialPayoutToken.sol";

/**
 * @notice Hostile confidential payout token for tests: OpenZeppelin's wrapper plus three powers a
 * real one never has. A hook re-enters any contract from `confidentialTransfer`; anyone may burn a
 * holder's confidential balance; anyone may take the underlying out of the wrapper (which frees
 * the wrapper's supply cap). Used to show what the pool's defensive checks do when the payout token
 * it was created with misbehaves. Never deploy it to a real network.
 */
contract HostilePayoutToken is ConfidentialPayoutToken {
    using SafeERC20 for IERC20;

    /// @notice Contract the hook calls; zero when disarmed.
    address public hookTarget;
    /// @notice Calldata of the hook call.
    bytes public hookData;

    constructor(IERC20 underlying_) ConfidentialPayoutToken(underlying_, "Hostile", "HOST", "") {}

    /// @notice Arms the hook: the next `confidentialTransfer(address, euint64)` calls `target` with `data` first.
    function arm(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    /// @notice Burns `amount` units of `from`'s confidential balance (nothing if the balance is smaller).
    function burnFrom(address from, uint64 amount) external {
        _burn(from, FHE.asEuint64(amount));
    }

    /// @notice Sends `amount` of the underlying held by the wrapper to `to`.
    function drainUnderlying(address to, uint256 amount) external {
        IERC20(underlying()).safeTransfer(to, amount);
    }

    /// @inheritdoc IERC7984
    function confidentialTransfer(address to, euint64 amount) public override(IERC7984, ERC7984) returns (euint64) {
        address target = hookTarget;
        if (target != address(0)) {
            delete hookTarget;
            Address.functionCall(target, hookData);
        }
        return super.confidentialTransfer(to, amount);
    }
}
