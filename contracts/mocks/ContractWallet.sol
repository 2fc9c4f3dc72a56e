// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @notice A minimal smart-contract wallet for tests: its owner makes it call contracts, and it accepts
 * (ERC-1271) any hash its owner signed. Never deploy it.
 */
contract ContractWallet is IERC1271 {
    /// @notice The EOA controlling the wallet.
    address public immutable owner;

    /// @notice Only the owner may make the wallet call.
    error ContractWalletUnauthorized(address caller);

    /// @param owner_ The controlling EOA.
    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Calls `target` with `data` as the wallet.
    /// @param target The contract to call.
    /// @param data The calldata.
    /// @return The call's return data.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        require(msg.sender == owner, ContractWalletUnauthorized(msg.sender));
        return Address.functionCall(target, data);
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? this.isValidSignature.selector : bytes4(0);
    }
}
