// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, eaddress, ebool, euint64, externalEaddress, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IERC7984} from "@openzeppelin/confidential-contracts/interfaces/IERC7984.sol";
import {ERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984ERC20Wrapper.sol";
import {ERC7984Omnibus} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984Omnibus.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPayoutVault} from "../interfaces/IPayoutVault.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {SignedWithdrawals} from "./SignedWithdrawals.sol";

/**
 * @title PayoutVault
 * @notice Encrypted balances of every contributor in every payout token of a registry's models: claims credit them,
 * withdrawals pay them out.
 * @dev Created by the {ModelRegistry} constructor, so it trusts exactly that registry's pools. It never compares an
 * encrypted value in public, and no amount is ever in clear: a partial withdrawal's amount is an encrypted input,
 * compared with the balance under FHE, and sends all of it or nothing.
 */
contract PayoutVault is IPayoutVault, ZamaEthereumConfig, ReentrancyGuard, SignedWithdrawals {
    /// @notice fhEVM per-transaction HCU limit (HCULimit.sol).
    uint256 public constant TX_HCU_LIMIT = 20_000_000;
    /// @notice HCU of one pair on the 64-bit share path: scalar mul 365,000 + shift 34,000 + one euint64 add 162,000.
    uint256 public constant NARROW_PAIR_HCU = 561_000;
    /// @notice HCU of one pair on the 128-bit share path: casts, 128-bit scalar mul and shift 733,064 + add 162,000.
    uint256 public constant WIDE_PAIR_HCU = 895_064;
    /// @notice Most viewers one (contributor, model, epoch) pair may disclose to (bounds the grants in a claim).
    uint256 public constant MAX_DISCLOSURE_VIEWERS = 8;

    /// @inheritdoc IPayoutVault
    IModelRegistry public immutable registry;

    mapping(address contributor => mapping(address token => euint64)) private _balances;
    mapping(address contributor => mapping(uint256 modelId => mapping(uint256 epochId => address[]))) private _viewers;

    constructor() {
        registry = IModelRegistry(msg.sender);
    }

    // ---------------------------------------------------------------- claims

    /// @inheritdoc IPayoutVault
    function claim(uint256 modelId, uint256 epochId) external nonReentrant returns (euint64 share) {
        (IRoyaltyPool pool, address token) = _modelPool(modelId);
        (share, ) = pool.claimFor(epochId, msg.sender, false);
        _recordShare(msg.sender, modelId, epochId, token, share);
        _credit(msg.sender, token, share);
    }

    /// @inheritdoc IPayoutVault
    function claimMany(ClaimRequest[] calldata pairs) external nonReentrant returns (uint256 claimed) {
        uint256 maxPairs = maxClaimsPerTransaction();
        require(pairs.length <= maxPairs, PayoutVaultBatchTooLarge(pairs.length, maxPairs));
        address[] memory tokens = new address[](pairs.length);
        euint64[] memory shares = new euint64[](pairs.length);
        uint256 hcu;
        for (uint256 i = 0; i < pairs.length; ++i) {
            ClaimRequest calldata pair = pairs[i];
            (IRoyaltyPool pool, address token) = _modelPool(pair.modelId);
            if (!pool.claimable(pair.epochId, msg.sender)) {
                emit PairSkipped(msg.sender, pair.modelId, pair.epochId);
                continue;
            }
            (euint64 share, bool wide) = pool.claimFor(pair.epochId, msg.sender, false);
            hcu += pairHcu(wide);
            require(hcu <= TX_HCU_LIMIT, PayoutVaultBatchTooExpensive(i, hcu, TX_HCU_LIMIT));
            _recordShare(msg.sender, pair.modelId, pair.epochId, token, share);
            tokens[claimed] = token;
            shares[claimed] = share;
            ++claimed;
        }
        _creditByToken(msg.sender, tokens, shares, claimed);
    }

    /// @inheritdoc IPayoutVault
    function pushUnclaimed(
        uint256 modelId,
        uint256 epochId,
        address contributor
    ) external nonReentrant returns (euint64 share) {
        (IRoyaltyPool pool, address token) = _modelPool(modelId);
        (share, ) = pool.claimFor(epochId, contributor, true);
        _recordShare(contributor, modelId, epochId, token, share);
        _credit(contributor, token, share);
    }

    // ---------------------------------------------------------------- withdrawals

    /// @inheritdoc IPayoutVault
    function withdraw(address token, address recipient) external nonReentrant returns (euint64 sent) {
        return _withdraw(msg.sender, token, recipient, WHOLE_BALANCE, false);
    }

    /// @inheritdoc IPayoutVault
    function withdrawUnwrapped(address token, address recipient) external nonReentrant returns (euint64 sent) {
        return _withdraw(msg.sender, token, recipient, WHOLE_BALANCE, true);
    }

    /// @inheritdoc IPayoutVault
    function withdrawToOmnibus(
        address token,
        address omnibus,
        externalEaddress recipient,
        bytes calldata inputProof
    ) external nonReentrant returns (euint64 sent) {
        return _withdrawToOmnibus(msg.sender, token, omnibus, FHE.fromExternal(recipient, inputProof), WHOLE_BALANCE);
    }

    /// @inheritdoc IPayoutVault
    function withdrawAmount(
        address token,
        address recipient,
        externalEuint64 amount,
        bytes calldata inputProof
    ) external nonReentrant returns (euint64 sent) {
        return _withdraw(msg.sender, token, recipient, FHE.fromExternal(amount, inputProof), false);
    }

    /// @inheritdoc IPayoutVault
    function withdrawAmountUnwrapped(
        address token,
        address recipient,
        externalEuint64 amount,
        bytes calldata inputProof
    ) external nonReentrant returns (euint64 sent) {
        return _withdraw(msg.sender, token, recipient, FHE.fromExternal(amount, inputProof), true);
    }

    /// @inheritdoc IPayoutVault
    function withdrawAmountToOmnibus(
        address token,
        address omnibus,
        externalEaddress recipient,
        bytes calldata recipientProof,
        externalEuint64 amount,
        bytes calldata amountProof
    ) external nonReentrant returns (euint64 sent) {
        eaddress to = FHE.fromExternal(recipient, recipientProof);
        return _withdrawToOmnibus(msg.sender, token, omnibus, to, FHE.fromExternal(amount, amountProof));
    }

    /// @inheritdoc IPayoutVault
    function withdrawWithSignature(
        WithdrawAuthorization calldata auth,
        bytes calldata amountProof,
        bytes calldata signature
    ) external nonReentrant returns (euint64 sent) {
        // Every field is static, so abi.encode(struct) is exactly the EIP-712 encoding of its members.
        bytes32 structHash = keccak256(abi.encode(WITHDRAW_AUTHORIZATION_TYPEHASH, auth));
        _useAuthorization(auth.contributor, auth.relayer, auth.nonce, auth.deadline, structHash, signature);
        euint64 amount = _signedAmount(auth.amount, auth.relayer, amountProof);
        sent = _withdraw(auth.contributor, auth.token, auth.recipient, amount, auth.unwrap);
        emit WithdrawalRelayed(auth.contributor, msg.sender, auth.nonce);
    }

    /// @inheritdoc IPayoutVault
    function withdrawToOmnibusWithSignature(
        OmnibusWithdrawAuthorization calldata auth,
        bytes calldata inputProof,
        bytes calldata amountProof,
        bytes calldata signature
    ) external nonReentrant returns (euint64 sent) {
        // An input proof binds its ciphertexts to (contract, submitter): the contributor encrypts the
        // sub-account for one relayer, so "anyone may submit" cannot work here.
        require(auth.relayer != address(0), PayoutVaultRelayerRequired());
        bytes32 structHash = keccak256(abi.encode(OMNIBUS_WITHDRAW_AUTHORIZATION_TYPEHASH, auth));
        _useAuthorization(auth.contributor, auth.relayer, auth.nonce, auth.deadline, structHash, signature);
        eaddress recipient = FHE.fromExternal(auth.recipient, inputProof);
        euint64 amount = _signedAmount(auth.amount, auth.relayer, amountProof);
        sent = _withdrawToOmnibus(auth.contributor, auth.token, auth.omnibus, recipient, amount);
        emit WithdrawalRelayed(auth.contributor, msg.sender, auth.nonce);
    }

    // ---------------------------------------------------------------- selective disclosure

    /// @inheritdoc IPayoutVault
    function grantDisclosure(address viewer, ClaimRequest[] calldata pairs) external {
        require(viewer != address(0) && viewer != msg.sender, PayoutVaultInvalidViewer(viewer));
        for (uint256 i = 0; i < pairs.length; ++i) {
            _grantDisclosure(viewer, pairs[i].modelId, pairs[i].epochId);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IPayoutVault
    function disclosureViewers(
        address contributor,
        uint256 modelId,
        uint256 epochId
    ) external view returns (address[] memory viewers) {
        return _viewers[contributor][modelId][epochId];
    }

    /// @inheritdoc IPayoutVault
    function balanceOf(address contributor, address token) external view returns (euint64) {
        return _balances[contributor][token];
    }

    /// @inheritdoc IPayoutVault
    function maxClaimsPerTransaction() public pure returns (uint256) {
        // The shares are independent and summed in a tree, so the depth (share + log2(pairs) adds) stays far below
        // the 5,000,000 limit: the total HCU is the bound.
        return TX_HCU_LIMIT / NARROW_PAIR_HCU;
    }

    /// @inheritdoc IPayoutVault
    function pairHcu(bool wideShare) public pure returns (uint256) {
        return wideShare ? WIDE_PAIR_HCU : NARROW_PAIR_HCU;
    }

    // ---------------------------------------------------------------- internals

    function _modelPool(uint256 modelId) private view returns (IRoyaltyPool pool, address token) {
        IModelRegistry.Model memory model = registry.getModel(modelId);
        return (IRoyaltyPool(model.pool), model.payoutToken);
    }

    /// @dev Applies the pair's disclosure grants to a freshly claimed share and logs the credit.
    function _recordShare(address contributor, uint256 modelId, uint256 epochId, address token, euint64 share) private {
        address[] storage viewers = _viewers[contributor][modelId][epochId];
        for (uint256 i = 0; i < viewers.length; ++i) {
            FHE.allow(share, viewers[i]);
            emit DisclosureApplied(contributor, viewers[i], modelId, epochId);
        }
        emit ShareCredited(contributor, modelId, epochId, token, share);
    }

    /// @dev Adds the shares of each token (tree sums, one balance update per token).
    function _creditByToken(
        address contributor,
        address[] memory tokens,
        euint64[] memory shares,
        uint256 count
    ) private {
        for (uint256 i = 0; i < count; ++i) {
            address token = tokens[i];
            if (token == address(0)) continue; // credited with an earlier token
            euint64[] memory group = new euint64[](count - i);
            uint256 size;
            for (uint256 j = i; j < count; ++j) {
                if (tokens[j] != token) continue;
                group[size++] = shares[j];
                tokens[j] = address(0);
            }
            _credit(contributor, token, _treeSum(group, size));
        }
    }

    /// @dev Pairwise sum: depth log2(size) adds instead of a chain of `size`.
    function _treeSum(euint64[] memory values, uint256 size) private returns (euint64) {
        while (size > 1) {
            uint256 half = size / 2;
            for (uint256 i = 0; i < half; ++i) {
                values[i] = FHE.add(values[2 * i], values[2 * i + 1]);
            }
            if (size % 2 == 1) values[half] = values[size - 1];
            size = size - half;
        }
        return values[0];
    }

    function _credit(address contributor, address token, euint64 amount) private {
        euint64 balance = _balances[contributor][token];
        // A first credit still makes a new handle: the share's own handle may be allowed to disclosure viewers, who
        // must never hold a balance handle.
        euint64 updated = FHE.isInitialized(balance) ? FHE.add(balance, amount) : FHE.add(amount, uint64(0));
        FHE.allowThis(updated);
        FHE.allow(updated, contributor);
        _balances[contributor][token] = updated;
        emit BalanceUpdated(contributor, token, updated);
    }

    /**
     * @dev Takes the encrypted `amount` out of a balance: all of it when the balance covers it, nothing otherwise
     * (an encrypted zero takes nothing). Compared and selected under FHE, so nothing public depends on the amount.
     * {WHOLE_BALANCE} takes everything with no operation under FHE (the balance is known to be zero afterwards).
     */
    function _debit(address contributor, address token, euint64 amount) private returns (euint64 sent) {
        euint64 balance = _balances[contributor][token];
        require(FHE.isInitialized(balance), PayoutVaultNoBalance(contributor, token));
        if (!FHE.isInitialized(amount)) {
            _balances[contributor][token] = euint64.wrap(0);
            emit BalanceUpdated(contributor, token, euint64.wrap(0));
            return balance;
        }
        ebool covered = FHE.ge(balance, amount);
        sent = FHE.select(covered, amount, FHE.asEuint64(0));
        euint64 remaining = FHE.sub(balance, sent);
        FHE.allowThis(remaining);
        FHE.allow(remaining, contributor);
        _balances[contributor][token] = remaining;
        emit BalanceUpdated(contributor, token, remaining);
    }

    function _withdraw(
        address contributor,
        address token,
        address recipient,
        euint64 amount,
        bool unwrap
    ) private returns (euint64 sent) {
        require(recipient != address(0), PayoutVaultInvalidRecipient(recipient));
        euint64 debited = _debit(contributor, token, amount);
        FHE.allowTransient(debited, token);
        if (unwrap) {
            // The wrapper burns from the vault and pays the ERC20 to `recipient` at finalizeUnwrap.
            sent = euint64.wrap(ERC7984ERC20Wrapper(token).unwrap(address(this), recipient, debited));
        } else {
            sent = IERC7984(token).confidentialTransfer(recipient, debited);
        }
        FHE.allow(sent, contributor);
        emit Withdrawn(contributor, token, recipient, sent, unwrap);
    }

    function _withdrawToOmnibus(
        address contributor,
        address token,
        address omnibus,
        eaddress recipient,
        euint64 amount
    ) private returns (euint64 sent) {
        require(omnibus != address(0) && omnibus != address(this), PayoutVaultInvalidOmnibus(omnibus));
        euint64 debited = _debit(contributor, token, amount);
        // The omnibus learns the vault as sender, not the contributor.
        eaddress sender = FHE.asEaddress(address(this));
        FHE.allowTransient(debited, token);
        FHE.allowTransient(sender, token);
        FHE.allowTransient(recipient, token);
        try ERC7984Omnibus(token).confidentialTransferOmnibus(omnibus, sender, recipient, debited) returns (
            euint64 transferred
        ) {
            sent = transferred;
        } catch (bytes memory reason) {
            // The wrapper has no fallback, so a function it lacks reverts without data: ERC-165 cannot tell
            // (ERC7984Omnibus registers no interface id). Any other failure is passed on unchanged.
            require(reason.length != 0, PayoutVaultOmnibusUnsupported(token));
            LowLevelCall.bubbleRevert(reason);
        }
        FHE.allow(sent, contributor);
        emit WithdrawnToOmnibus(contributor, token, omnibus, recipient, sent);
    }

    /// @dev Allows `viewer` on the caller's final score of a pair, and on the share if it was claimed.
    function _grantDisclosure(address viewer, uint256 modelId, uint256 epochId) private {
        (IRoyaltyPool pool, ) = _modelPool(modelId);
        IRoyaltyPool.EpochState state = pool.getEpoch(epochId).state;
        // Each submission replaces an open epoch's score handle: a grant on it would miss the final score.
        require(
            state == IRoyaltyPool.EpochState.Closed || state == IRoyaltyPool.EpochState.Revealed,
            PayoutVaultEpochNotFinal(modelId, epochId, state)
        );
        euint64 score = pool.scoreOf(epochId, msg.sender);
        require(FHE.isInitialized(score), PayoutVaultNoScore(modelId, epochId, msg.sender));

        address[] storage viewers = _viewers[msg.sender][modelId][epochId];
        uint256 count = viewers.length;
        for (uint256 i = 0; i < count; ++i) {
            if (viewers[i] == viewer) return; // granted already: ACL grants are permanent
        }
        require(count < MAX_DISCLOSURE_VIEWERS, PayoutVaultTooManyViewers(modelId, epochId, MAX_DISCLOSURE_VIEWERS));
        viewers.push(viewer);
        FHE.allow(score, viewer);
        emit DisclosureGranted(msg.sender, viewer, modelId, epochId);

        euint64 share = pool.shareOf(epochId, msg.sender);
        if (FHE.isInitialized(share)) {
            FHE.allow(share, viewer);
            emit DisclosureApplied(msg.sender, viewer, modelId, epochId);
        }
    }
}
