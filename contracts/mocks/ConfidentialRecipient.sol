// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, ebool, euint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IERC7984} from "@openzeppelin/confidential-contracts/interfaces/IERC7984.sol";
import {IERC7984Receiver} from "@openzeppelin/confidential-contracts/interfaces/IERC7984Receiver.sol";

/**
 * @notice A contract that receives royalty payouts, for tests. Its receiver callback always
 * reverts, so a payout that invoked it (and could re-enter the payer) would fail; it can make its
 * own confidential balance publicly decryptable to show what it received. Never deploy it.
 */
contract ConfidentialRecipient is IERC7984Receiver, ZamaEthereumConfig {
    /// @notice The receiver callback was invoked.
    error ConfidentialRecipientCallbackInvoked(address operator, address from);

    /// @inheritdoc IERC7984Receiver
    function onConfidentialTransferReceived(
        address operator,
        address from,
        euint64,
        bytes calldata
    ) external pure returns (ebool) {
        revert ConfidentialRecipientCallbackInvoked(operator, from);
    }

    /// @notice Makes this contract's confidential balance of `token` publicly decryptable.
    /// @param token The ERC7984 token.
    /// @return balance The balance handle.
    function discloseBalance(IERC7984 token) external returns (euint64 balance) {
        balance = token.confidentialBalanceOf(address(this));
        FHE.makePubliclyDecryptable(balance);
    }
}
