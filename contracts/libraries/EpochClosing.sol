// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64} from "@fhevm/solidity/lib/FHE.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {EncryptedRoyaltyMath} from "./EncryptedRoyaltyMath.sol";
import {EpochLog} from "./EpochLog.sol";
import {RoyaltyMath} from "./RoyaltyMath.sol";

/**
 * @title EpochClosing
 * @notice The end of a pool's epoch: closing it once it has `minParticipants` distinct contributors (else extending
 * it, k-anonymity), adding the rules' noise to its total, and the KMS-checked reveal of that total, which fixes the
 * share parameters and moves what the shares add up to into the payout vault.
 * @dev An external (linked) library, like {RulesValidation}: these steps run once per epoch, so the pool delegates
 * them here and keeps its bytecode for submissions and claims. Runs in the pool's context (its storage, ACL and
 * token balance) and reverts with the pool's custom errors.
 */
library EpochClosing {
    /**
     * @notice Closes `epoch` (it has ended) or, below its k, extends it to the next period boundary.
     * @dev The pool starts the next epoch when this returns true.
     * @param epoch The current epoch.
     * @param epochId Its id.
     * @param rules The pool's rules versions.
     * @param newestVersion The newest rules version.
     * @return closed True when the epoch was closed, false when it was extended.
     */
    function close(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        mapping(uint32 version => IRoyaltyPool.Rules) storage rules,
        uint32 newestVersion
    ) external returns (bool closed) {
        require(block.timestamp >= epoch.end, IRoyaltyPool.RoyaltyPoolEpochNotEnded(epochId, epoch.end));
        IRoyaltyPool.Rules storage inForce = _adoptNewestRules(epoch, epochId, rules, newestVersion);

        if (epoch.participants < inForce.minParticipants) {
            // k-anonymity: revealing a total of fewer contributors would expose their scores, so the
            // epoch stays open until the first period boundary at which it has enough of them.
            uint64 periodsPassed = (uint64(block.timestamp) - epoch.end) / inForce.epochLength + 1;
            epoch.end += periodsPassed * inForce.epochLength;
            emit IRoyaltyPool.EpochExtended(
                epochId,
                epoch.end,
                epoch.participants,
                inForce.minParticipants,
                epoch.rulesVersion
            );
            EpochLog.append(
                epoch,
                epochId,
                IRoyaltyPool.LogStep.Extend,
                abi.encode(epoch.end, epoch.participants, epoch.rulesVersion)
            );
            return false;
        }

        epoch.state = IRoyaltyPool.EpochState.Closed;
        if (inForce.noiseBits != 0) _addNoise(epoch, epochId, inForce.noiseBits);
        FHE.makePubliclyDecryptable(epoch.total);
        emit IRoyaltyPool.EpochClosed(epochId, epoch.participants, epoch.submissions, epoch.pool, epoch.total);
        EpochLog.append(
            epoch,
            epochId,
            IRoyaltyPool.LogStep.Close,
            abi.encode(epoch.participants, epoch.submissions, epoch.pool, epoch.total)
        );
        return true;
    }

    /**
     * @notice Records a closed epoch's total from its KMS decryption proof, once, and fixes its share parameters;
     * unless every share is zero, moves what the shares add up to at most into the payout vault.
     * @param epoch The closed epoch.
     * @param epochId Its id.
     * @param noiseBits Its rules' noise width.
     * @param total The clear total.
     * @param decryptionProof The KMS-signed decryption proof of the epoch's total handle.
     * @param payoutToken The pool's confidential token.
     * @param payoutVault The registry's payout vault.
     * @return paid False when every share is zero (the caller carries the whole pool forward).
     */
    function reveal(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        uint8 noiseBits,
        uint64 total,
        bytes calldata decryptionProof,
        IERC7984ERC20Wrapper payoutToken,
        address payoutVault
    ) external returns (bool paid) {
        require(
            epoch.state == IRoyaltyPool.EpochState.Closed,
            IRoyaltyPool.RoyaltyPoolUnexpectedEpochState(epochId, epoch.state, IRoyaltyPool.EpochState.Closed)
        );
        // Flag first: a KMS proof is public and unbound to any caller, so each reveal happens once.
        epoch.state = IRoyaltyPool.EpochState.Revealed;
        bytes32[] memory handles = new bytes32[](1);
        handles[0] = euint64.unwrap(epoch.total);
        FHE.checkSignatures(handles, abi.encode(total), decryptionProof);
        if (!_recordShareParameters(epoch, epochId, total)) return false;
        _moveSharesToVault(epoch, epochId, noiseBits, total, payoutToken, payoutVault);
        return true;
    }

    /// @dev Fixes the share parameters of a revealed total; false when every share is zero.
    function _recordShareParameters(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        uint64 total
    ) private returns (bool) {
        (uint128 factor, uint8 shift, bool wide) = RoyaltyMath.shareParameters(epoch.pool, total);
        epoch.revealedTotal = total;
        epoch.revealedAt = uint64(block.timestamp);
        epoch.shareFactor = factor;
        epoch.shareShift = shift;
        epoch.wideShare = wide;
        emit IRoyaltyPool.EpochTotalRevealed(epochId, total, epoch.pool, factor, shift);
        EpochLog.append(epoch, epochId, IRoyaltyPool.LogStep.Reveal, abi.encode(total, epoch.pool, factor, shift));
        return factor != 0;
    }

    /// @dev Moves what the epoch's shares add up to at most, floor(totalBeforeNoise * factor >> shift) (public when
    /// the total has no noise), into the vault, so claims only credit balances there. What stays is the noise
    /// hold-back and the factor's rounding, which the settlement carries forward; the per-share floors (fewer units
    /// than participants) stay in the vault.
    function _moveSharesToVault(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        uint8 noiseBits,
        uint64 total,
        IERC7984ERC20Wrapper payoutToken,
        address payoutVault
    ) private {
        euint64 payable_ =
            noiseBits == 0
                ? FHE.asEuint64(RoyaltyMath.share(total, epoch.shareFactor, epoch.shareShift))
                : EncryptedRoyaltyMath.share(
                    epoch.totalBeforeNoise,
                    epoch.shareFactor,
                    epoch.shareShift,
                    epoch.wideShare
                );
        FHE.allowThis(payable_);
        FHE.allowTransient(payable_, address(payoutToken));
        // Plaintext accounting (the amount is at most the epoch's pool) guarantees the balance covers it.
        payoutToken.confidentialTransfer(payoutVault, payable_);
        emit IRoyaltyPool.EpochFundsMoved(epochId, payoutVault, payable_);
    }

    /// @dev At a boundary where the epoch is still below its k, it takes the newest rules version, so that no
    /// rules version, such as a k nobody can reach, can hold an epoch, its pool and every later funding for ever:
    /// a new vote applies at the next boundary. An epoch that has reached its k closes under the rules it has.
    /// Never adopted: a version with less noise than the one its contributors submitted under (a vote must not
    /// strip the protection of values already submitted), or one whose submissions would no longer fit the epoch's
    /// 64-bit bound for the contributors it still needs.
    function _adoptNewestRules(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        mapping(uint32 version => IRoyaltyPool.Rules) storage rules,
        uint32 newest
    ) private returns (IRoyaltyPool.Rules storage current) {
        uint32 version = epoch.rulesVersion;
        current = rules[version];
        if (newest == version || epoch.participants >= current.minParticipants) return current;
        IRoyaltyPool.Rules storage candidate = rules[newest];
        if (candidate.noiseBits < current.noiseBits) return current;
        uint256 missing =
            candidate.minParticipants > epoch.participants ? candidate.minParticipants - epoch.participants : 1;
        if (!RoyaltyMath.fitsBound(epoch.scoreBound, missing * candidate.maxSubmissionScore, candidate.noiseBits)) {
            return current;
        }
        epoch.rulesVersion = newest;
        emit IRoyaltyPool.EpochRulesAdopted(epochId, version, newest);
        return candidate;
    }

    /// @dev total += uniform noise in [0, 2^noiseBits); the epoch capacity leaves room for it (no wrap).
    /// Shares then use the noisy total, so they sum to at most pool * total / (total + noise) <= pool and
    /// the held-back part stays in the pool, carried forward by the next settlement.
    function _addNoise(IRoyaltyPool.Epoch storage epoch, uint256 epochId, uint8 noiseBits) private {
        epoch.totalBeforeNoise = epoch.total;
        euint64 noisy = FHE.add(epoch.total, FHE.randEuint64(uint64(1) << noiseBits));
        FHE.allowThis(noisy);
        epoch.total = noisy;
        emit IRoyaltyPool.EpochTotalNoised(epochId, noiseBits, noisy);
    }
}
