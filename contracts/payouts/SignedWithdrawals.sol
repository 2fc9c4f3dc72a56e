// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IPayoutVault} from "../interfaces/IPayoutVault.sol";

/**
 * @title SignedWithdrawals
 * @notice The EIP-712 authorizations a contributor signs so that a relayer submits their withdrawal: types, domain,
 * signature and deadline checks, and the sequential per-contributor nonce.
 * @dev Inherited by {PayoutVault}, which pays what an authorization allows; the errors are the vault's.
 */
abstract contract SignedWithdrawals is EIP712, Nonces {
    /// @notice EIP-712 type of {IPayoutVault-WithdrawAuthorization}.
    bytes32 public constant WITHDRAW_AUTHORIZATION_TYPEHASH = keccak256(
        "WithdrawAuthorization(address contributor,address token,address recipient,bytes32 amount,bool unwrap,address relayer,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of {IPayoutVault-OmnibusWithdrawAuthorization} (`recipient` is the external encrypted
    /// address handle).
    bytes32 public constant OMNIBUS_WITHDRAW_AUTHORIZATION_TYPEHASH = keccak256(
        "OmnibusWithdrawAuthorization(address contributor,address token,address omnibus,bytes32 recipient,bytes32 amount,address relayer,uint256 nonce,uint256 deadline)"
    );

    /// @dev The uninitialized handle as a withdrawal amount: the whole balance (an encrypted input is never zero).
    euint64 internal constant WHOLE_BALANCE = euint64.wrap(0);

    constructor() EIP712("AiRoyalties PayoutVault", "2") {}

    /// @dev Checks a signed authorization (deadline, relayer, EOA or ERC-1271 signature) and spends its nonce.
    function _useAuthorization(
        address contributor,
        address relayer,
        uint256 nonce,
        uint256 deadline,
        bytes32 structHash,
        bytes calldata signature
    ) internal {
        require(block.timestamp <= deadline, IPayoutVault.PayoutVaultSignatureExpired(deadline, block.timestamp));
        require(
            relayer == address(0) || relayer == msg.sender,
            IPayoutVault.PayoutVaultWrongRelayer(relayer, msg.sender)
        );
        require(
            SignatureChecker.isValidSignatureNow(contributor, _hashTypedDataV4(structHash), signature),
            IPayoutVault.PayoutVaultInvalidSigner(contributor)
        );
        // Sequential per-contributor nonce: a used (or future) nonce reverts with InvalidAccountNonce.
        _useCheckedNonce(contributor, nonce);
    }

    /// @dev A signed withdrawal's amount: {WHOLE_BALANCE} for the zero handle, else the input the relayer submits.
    function _signedAmount(
        externalEuint64 amount,
        address relayer,
        bytes calldata amountProof
    ) internal returns (euint64) {
        if (externalEuint64.unwrap(amount) == bytes32(0)) return WHOLE_BALANCE;
        // The amount's input proof is bound to (vault, relayer): only a named relayer can submit it.
        require(relayer != address(0), IPayoutVault.PayoutVaultRelayerRequired());
        return FHE.fromExternal(amount, amountProof);
    }
}
