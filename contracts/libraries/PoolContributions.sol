// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {EncryptedRoyaltyMath} from "./EncryptedRoyaltyMath.sol";
import {EpochLog} from "./EpochLog.sol";
import {RoyaltyMath} from "./RoyaltyMath.sol";

/**
 * @title PoolContributions
 * @notice A pool's per-contributor books: a submission's checks, weighted sum, running score and epoch total, and
 * the claim that turns a score into an encrypted share.
 * @dev An internal library (inlined into the pool, nothing to link): these paths run once per contributor, so a
 * delegatecall would add gas to every one of them. Reverts with and emits the pool's errors and events.
 */
library PoolContributions {
    /// @notice Every contributor's submissions, score and share, per epoch.
    struct Ledger {
        mapping(uint256 epochId => mapping(address contributor => uint32)) submissions;
        mapping(uint256 epochId => mapping(address contributor => euint64)) scores;
        mapping(uint256 epochId => mapping(address contributor => euint64)) shares;
    }

    /// @notice Who a contribution is for, who submitted it (zero if self-reported) and its bonus.
    struct Submitter {
        address contributor;
        address attestor;
        uint64 multiplier;
        uint8 bonusClass;
    }

    /**
     * @notice A submission by the calling attestor about `contributor`, with the bonus class's multiplier.
     * @param rules The rules of the current epoch.
     * @param contributor The contributor the metrics are about.
     * @param bonusClass 0 for none, or a bonus class 1..n of the rules.
     * @return The submitter.
     */
    function attestedBy(
        IRoyaltyPool.Rules storage rules,
        address contributor,
        uint8 bonusClass
    ) internal view returns (Submitter memory) {
        uint256 classes = rules.bonusMultipliers.length;
        require(bonusClass <= classes, IRoyaltyPool.RoyaltyPoolUnknownBonusClass(bonusClass, classes));
        uint64 multiplier = bonusClass == 0 ? 1 : rules.bonusMultipliers[bonusClass - 1];
        return Submitter(contributor, msg.sender, multiplier, bonusClass);
    }

    /**
     * @notice The ciphertexts of encrypted inputs, checked against their proof.
     * @param encryptedMetrics The encrypted inputs.
     * @param inputProof Their proof.
     * @return values One handle per input.
     */
    function fromExternal(
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof
    ) internal returns (euint64[] memory values) {
        values = new euint64[](encryptedMetrics.length);
        for (uint256 i = 0; i < encryptedMetrics.length; ++i) {
            values[i] = FHE.fromExternal(encryptedMetrics[i], inputProof);
        }
    }

    /**
     * @notice The handles a caller passes, each checked to be allowed to it.
     * @param metrics The handles.
     * @return values The same handles, in memory.
     */
    function fromAllowed(euint64[] calldata metrics) internal view returns (euint64[] memory values) {
        values = new euint64[](metrics.length);
        for (uint256 i = 0; i < metrics.length; ++i) {
            // A handle not allowed to the caller could be anyone's ciphertext: using it would leak it.
            require(FHE.isSenderAllowed(metrics[i]), IRoyaltyPool.RoyaltyPoolUnauthorizedHandle(i));
            values[i] = metrics[i];
        }
    }

    /**
     * @notice Checks and records a submission: its weighted capped sum joins the contributor's score and the
     * epoch total, and its capped values go to the aggregator.
     * @param ledger The pool's books.
     * @param epoch The current epoch.
     * @param epochId Its id.
     * @param rules The epoch's rules (version `epoch.rulesVersion`).
     * @param submitter Who the contribution is for and who submitted it.
     * @param metrics One value per metric of the schema.
     * @param aggregator The registry's metric aggregator (it keeps only the tracked names).
     * @param payoutVault The vault, which relays the contributor's selective disclosures (it can grant, never
     * decrypt, alone).
     * @return score The contributor's updated encrypted score.
     */
    function submit(
        Ledger storage ledger,
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        IRoyaltyPool.Rules storage rules,
        Submitter memory submitter,
        euint64[] memory metrics,
        IMetricAggregator aggregator,
        address payoutVault
    ) internal returns (euint64 score) {
        uint32 previous = _check(ledger, epoch, epochId, rules, submitter.contributor, metrics.length);
        euint64 contribution = EncryptedRoyaltyMath.weightedSum(rules.metrics, metrics, submitter.multiplier);
        for (uint256 i = 0; i < metrics.length; ++i) {
            FHE.allowTransient(metrics[i], address(aggregator));
        }
        aggregator.recordMetrics(submitter.contributor, epoch.rulesVersion, metrics);
        return _accumulate(ledger, epoch, epochId, rules, submitter, previous, contribution, payoutVault);
    }

    /**
     * @notice Whether `contributor` may claim a share of `epochId` now.
     * @param ledger The pool's books.
     * @param epoch The epoch.
     * @param epochId Its id.
     * @param contributor The contributor.
     * @return True when the epoch is revealed with a non-zero pool and the contributor submitted and has not claimed.
     */
    function claimable(
        Ledger storage ledger,
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        address contributor
    ) internal view returns (bool) {
        return
            epoch.state == IRoyaltyPool.EpochState.Revealed &&
            epoch.shareFactor != 0 &&
            ledger.submissions[epochId][contributor] != 0 &&
            !FHE.isInitialized(ledger.shares[epochId][contributor]);
    }

    /**
     * @notice Computes and records a contributor's encrypted share of a revealed epoch.
     * @dev No token moves: the epoch's payable funds are in the vault since the reveal.
     * @param ledger The pool's books.
     * @param epoch The epoch.
     * @param epochId Its id.
     * @param contributor The contributor.
     * @param payoutVault The vault that credits the share now and may disclose it later, at the contributor's request.
     * @return share The contributor's encrypted share.
     */
    function claim(
        Ledger storage ledger,
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        address contributor,
        address payoutVault
    ) internal returns (euint64 share) {
        require(
            epoch.state == IRoyaltyPool.EpochState.Revealed,
            IRoyaltyPool.RoyaltyPoolUnexpectedEpochState(epochId, epoch.state, IRoyaltyPool.EpochState.Revealed)
        );
        require(epoch.shareFactor != 0, IRoyaltyPool.RoyaltyPoolNothingToClaim(epochId));
        require(
            ledger.submissions[epochId][contributor] != 0,
            IRoyaltyPool.RoyaltyPoolNoContribution(epochId, contributor)
        );
        require(
            !FHE.isInitialized(ledger.shares[epochId][contributor]),
            IRoyaltyPool.RoyaltyPoolAlreadyClaimed(epochId, contributor)
        );

        share = EncryptedRoyaltyMath.share(
            ledger.scores[epochId][contributor],
            epoch.shareFactor,
            epoch.shareShift,
            epoch.wideShare
        );
        FHE.allowThis(share);
        FHE.allow(share, contributor);
        FHE.allow(share, payoutVault);
        ledger.shares[epochId][contributor] = share;
        ++epoch.claims;
        emit IRoyaltyPool.RoyaltyClaimed(epochId, contributor, share);
        EpochLog.append(epoch, epochId, IRoyaltyPool.LogStep.Claim, abi.encode(contributor, share));
    }

    /// @dev Every plaintext precondition of a submission; returns the contributor's submissions so far.
    function _check(
        Ledger storage ledger,
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        IRoyaltyPool.Rules storage rules,
        address contributor,
        uint256 metricCount
    ) private view returns (uint32 previous) {
        require(block.timestamp < epoch.end, IRoyaltyPool.RoyaltyPoolEpochEnded(epochId, epoch.end));
        require(
            metricCount == rules.metrics.length,
            IRoyaltyPool.RoyaltyPoolWrongMetricCount(metricCount, rules.metrics.length)
        );
        previous = ledger.submissions[epochId][contributor];
        require(
            previous < rules.maxSubmissionsPerContributor,
            IRoyaltyPool.RoyaltyPoolSubmissionLimitReached(epochId, contributor, rules.maxSubmissionsPerContributor)
        );
        // Equivalent to `submissions < maxSubmissionsPerEpoch` under one rules version; the bound also covers an
        // extended epoch that adopted a newer version after submissions made under an older one.
        require(
            RoyaltyMath.fitsBound(epoch.scoreBound, rules.maxSubmissionScore, rules.noiseBits),
            IRoyaltyPool.RoyaltyPoolEpochCapacityReached(epochId, rules.maxSubmissionsPerEpoch)
        );
    }

    /// @dev Adds a contribution to the contributor's score and the epoch total, with their ACL.
    function _accumulate(
        Ledger storage ledger,
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        IRoyaltyPool.Rules storage rules,
        Submitter memory submitter,
        uint32 previous,
        euint64 contribution,
        address payoutVault
    ) private returns (euint64 score) {
        address contributor = submitter.contributor;
        // A first value needs no addition: the ciphertext itself starts the running sum.
        if (previous == 0) {
            ++epoch.participants;
            score = contribution;
        } else {
            score = FHE.add(ledger.scores[epochId][contributor], contribution);
        }
        euint64 total = epoch.submissions == 0 ? contribution : FHE.add(epoch.total, contribution);

        ledger.submissions[epochId][contributor] = previous + 1;
        ++epoch.submissions;
        epoch.scoreBound += rules.maxSubmissionScore;
        ledger.scores[epochId][contributor] = score;
        epoch.total = total;

        FHE.allowThis(score);
        FHE.allow(score, contributor);
        FHE.allow(score, payoutVault);
        FHE.allowThis(total);

        _record(epoch, epochId, submitter, score, total);
    }

    function _record(
        IRoyaltyPool.Epoch storage epoch,
        uint256 epochId,
        Submitter memory submitter,
        euint64 score,
        euint64 total
    ) private {
        uint32 version = epoch.rulesVersion;
        emit IRoyaltyPool.ContributionSubmitted(
            epochId,
            submitter.contributor,
            submitter.attestor,
            submitter.bonusClass,
            version,
            score,
            total
        );
        EpochLog.append(
            epoch,
            epochId,
            IRoyaltyPool.LogStep.Submit,
            abi.encode(submitter.contributor, submitter.attestor, submitter.bonusClass, version, score, total)
        );
    }
}
