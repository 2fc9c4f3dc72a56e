// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64} from "@fhevm/solidity/lib/FHE.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {EpochLog} from "./EpochLog.sol";
import {RoyaltyMath} from "./RoyaltyMath.sol";

/**
 * @title PoolAccounting
 * @notice A pool's public accounting of its confidential balance: funding (public ERC20 in, wrapped into whole
 * confidential units of the current pool) and settlement: once every closed epoch is revealed, the unpaid remainder
 * (rounding dust and noise hold-back) moves into the current pool, masked once a noisy epoch was settled
 * (see {IRoyaltyPool-requestSettlement}).
 * @dev An external (linked) library, like {RulesValidation}: the pool delegates these steps here and keeps its
 * bytecode for submissions and claims. Runs in the pool's context (its storage, ACL and token balances) and reverts
 * with the pool's custom errors.
 */
library PoolAccounting {
    using SafeERC20 for IERC20;
    /// @notice Widest settlement mask (`FHE.randEuint64` takes a power-of-two bound of at most 2^63).
    uint8 internal constant MAX_MASK_BITS = 63;
    /// @notice Extra mask bits beyond the hold-back bound: a mask twice as wide as the secret it hides reveals
    /// nothing in at least half of the settlements and at most a one-sided bound in the others.
    uint8 internal constant MASK_EXTRA_BITS = 1;

    /// @notice A pool's settlement bookkeeping.
    /// @dev outstandingEpochs: closed but not yet revealed; settledThroughEpochId: every epoch up to it had its
    /// remainder carried forward; remainderBound / noisy: public bound on the remainder of the epochs revealed since
    /// the last request, and whether one of them was noisy; maskBits: width of the settlement mask (never
    /// decreases); hiddenCarry: the part of the remainder the last settlement kept hidden in the pool.
    struct State {
        uint256 outstandingEpochs;
        uint256 settledThroughEpochId;
        IRoyaltyPool.PendingSettlement pending;
        uint64 remainderBound;
        bool noisy;
        uint8 maskBits;
        euint64 hiddenCarry;
    }

    /**
     * @notice Takes `amount - amount % rate` of the payment token from the caller, wraps it and adds the units to
     * the current pool (see {IRoyaltyPool-fund}).
     * @param current The current epoch.
     * @param currentId Its id.
     * @param paymentToken The public ERC20.
     * @param payoutToken Its confidential wrapper.
     * @param amount Amount in the payment token's smallest unit.
     * @return units Confidential token units added to the pool.
     */
    function fund(
        IRoyaltyPool.Epoch storage current,
        uint256 currentId,
        IERC20 paymentToken,
        IERC7984ERC20Wrapper payoutToken,
        uint256 amount
    ) external returns (uint64 units) {
        uint256 rate = payoutToken.rate();
        uint256 wholeUnits = amount / rate;
        require(wholeUnits != 0, IRoyaltyPool.RoyaltyPoolAmountBelowUnit(amount, rate));
        uint256 newPool = uint256(current.pool) + wholeUnits;
        require(newPool <= type(uint64).max, IRoyaltyPool.RoyaltyPoolPoolOverflow(currentId, newPool));

        uint256 accepted = wholeUnits * rate;
        uint256 balanceBefore = paymentToken.balanceOf(address(this));
        paymentToken.safeTransferFrom(msg.sender, address(this), accepted);
        uint256 received = paymentToken.balanceOf(address(this)) - balanceBefore;
        require(received == accepted, IRoyaltyPool.RoyaltyPoolUnsupportedToken(accepted, received));

        paymentToken.forceApprove(address(payoutToken), accepted);
        payoutToken.wrap(address(this), accepted);

        units = uint64(wholeUnits);
        current.pool = uint64(newPool);
        emit IRoyaltyPool.PoolFunded(currentId, msg.sender, accepted, units);
        EpochLog.append(current, currentId, IRoyaltyPool.LogStep.Fund, abi.encode(msg.sender, accepted, units));
    }

    /**
     * @notice Splits the remainder into a released part, made publicly decryptable, and a hidden carry.
     * @param state The pool's settlement state.
     * @param current The current epoch, whose pool is the liability (and lends the mask).
     * @param currentId Its id.
     * @param payoutToken The pool's confidential token (its balance holds the remainder).
     */
    function request(
        State storage state,
        IRoyaltyPool.Epoch storage current,
        uint256 currentId,
        IERC7984ERC20Wrapper payoutToken
    ) external {
        require(!FHE.isInitialized(state.pending.released), IRoyaltyPool.RoyaltyPoolSettlementPending());
        require(state.outstandingEpochs == 0, IRoyaltyPool.RoyaltyPoolEpochsOutstanding(state.outstandingEpochs));
        uint256 fromEpochId = state.settledThroughEpochId + 1;
        euint64 balance = payoutToken.confidentialBalanceOf(address(this));
        require(fromEpochId < currentId && FHE.isInitialized(balance), IRoyaltyPool.RoyaltyPoolNothingToSettle());

        uint64 liability = current.pool;
        // Plaintext accounting keeps the balance at or above the liability; max() keeps a token that breaks
        // it from wrapping the subtraction into a huge remainder.
        euint64 remainder = FHE.sub(FHE.max(balance, liability), liability);
        uint8 maskBits = _nextMaskBits(state);
        euint64 released = remainder;
        euint64 kept;
        uint64 lent;
        if (maskBits != 0) {
            // pool - sum(shares) would give away the noise of a noisy total: only a masked part is revealed. The
            // current pool lends 2^maskBits so that the hidden carry is a fresh uniform U every time (a min() with
            // the old carry would shrink over repeated settlements and wear the mask down); released >= 1.
            lent = uint64(1) << maskBits;
            require(liability >= lent, IRoyaltyPool.RoyaltyPoolMaskReserveShort(currentId, liability, lent));
            kept = FHE.randEuint64(lent);
            released = FHE.sub(FHE.add(remainder, lent), kept);
            current.pool = liability - lent;
            FHE.allowThis(kept);
        }
        FHE.allowThis(released);
        FHE.makePubliclyDecryptable(released);
        state.pending = IRoyaltyPool.PendingSettlement(released, kept, liability, maskBits, fromEpochId, currentId - 1);
        emit IRoyaltyPool.SettlementRequested(
            fromEpochId,
            currentId - 1,
            liability,
            maskBits,
            released,
            kept,
            currentId,
            lent
        );
    }

    /**
     * @notice Checks the KMS proof of the pending `released` handle and carries the amount into the current epoch.
     * @param state The pool's settlement state.
     * @param current The current epoch.
     * @param currentId Its id.
     * @param released The clear released amount.
     * @param decryptionProof The KMS-signed decryption proof of the pending `released` handle.
     */
    function settle(
        State storage state,
        IRoyaltyPool.Epoch storage current,
        uint256 currentId,
        uint64 released,
        bytes calldata decryptionProof
    ) external {
        IRoyaltyPool.PendingSettlement memory pending = state.pending;
        require(FHE.isInitialized(pending.released), IRoyaltyPool.RoyaltyPoolNoPendingSettlement());
        // Cleared first: a KMS proof is public and unbound to any caller, so it counts once.
        delete state.pending;
        bytes32[] memory handles = new bytes32[](1);
        handles[0] = euint64.unwrap(pending.released);
        FHE.checkSignatures(handles, abi.encode(released), decryptionProof);

        state.settledThroughEpochId = pending.toEpochId;
        state.hiddenCarry = pending.kept;
        addToPool(current, currentId, released);
        emit IRoyaltyPool.PoolSettled(pending.fromEpochId, pending.toEpochId, released, pending.kept, currentId);
        EpochLog.append(
            current,
            currentId,
            IRoyaltyPool.LogStep.Settle,
            abi.encode(pending.fromEpochId, pending.toEpochId, released, pending.kept)
        );
    }

    /**
     * @notice Adds a revealed epoch's unpaid part to the settlement's public remainder bound.
     * @param state The pool's settlement state.
     * @param pool The epoch's pool.
     * @param total Its revealed (noisy) total, non-zero.
     * @param noiseBits Its rules' noise width.
     * @param participants Its distinct contributors.
     */
    function recordReveal(
        State storage state,
        uint64 pool,
        uint64 total,
        uint8 noiseBits,
        uint32 participants
    ) internal {
        uint256 bound =
            uint256(state.remainderBound) + RoyaltyMath.remainderBound(pool, total, noiseBits, participants);
        state.remainderBound = uint64(Math.min(bound, type(uint64).max));
        if (noiseBits != 0) state.noisy = true;
    }

    /**
     * @notice `epoch.pool += amount`, refusing a pool above 64 bits of confidential units.
     * @param epoch The epoch.
     * @param epochId Its id (for the error).
     * @param amount Confidential token units.
     */
    function addToPool(IRoyaltyPool.Epoch storage epoch, uint256 epochId, uint64 amount) internal {
        uint256 newPool = uint256(epoch.pool) + amount;
        require(newPool <= type(uint64).max, IRoyaltyPool.RoyaltyPoolPoolOverflow(epochId, newPool));
        epoch.pool = uint64(newPool);
    }

    /// @dev Masks once a noisy epoch was settled, at least as wide as before and one bit wider than the new
    /// epochs' remainder bound; consumes that bound.
    function _nextMaskBits(State storage state) private returns (uint8 maskBits) {
        maskBits = state.maskBits;
        if (state.noisy || maskBits != 0) {
            uint256 needed = uint256(RoyaltyMath.bitLength(state.remainderBound)) + MASK_EXTRA_BITS;
            maskBits = uint8(Math.min(Math.max(needed, maskBits), MAX_MASK_BITS));
        }
        state.maskBits = maskBits;
        state.remainderBound = 0;
        state.noisy = false;
    }
}
