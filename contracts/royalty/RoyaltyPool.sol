// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, euint128, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {RoyaltyMath} from "../libraries/RoyaltyMath.sol";
import {RulesValidation} from "../libraries/RulesValidation.sol";

/**
 * @title RoyaltyPool
 * @notice Encrypted contributions, epoch royalty shares and confidential payouts for one AI model.
 * @dev Every per-contributor value (metrics, score, share) is an FHE ciphertext that only its
 * contributor may decrypt. The only values made public are aggregates of at least
 * `minParticipants` distinct contributors: the epoch total and a masked part of the remainder the
 * settlement carries forward. At the reveal, what the shares add up to moves into the registry's payout
 * vault, where claims credit each contributor's encrypted balance.
 * Overflow is impossible by construction: each rules version bounds one submission's score in
 * plaintext, and the number of submissions per epoch is capped so the total fits 64 bits.
 *
 * Deployed as a minimal clone by {ModelRegistry} and initialized in the same transaction, so the
 * initialization cannot be front-run; the implementation itself can never be initialized.
 * Every recorded step is appended to a per-epoch hash chain whose digest an auditor can rebuild
 * from the {LogAppended} events alone.
 */
contract RoyaltyPool is IRoyaltyPool, Initializable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Most metrics a schema may have (bounds the HCU of one submission).
    uint256 public constant MAX_METRICS = RulesValidation.MAX_METRICS;
    /// @notice k-anonymity floor: no aggregate of fewer distinct contributors is ever revealed.
    uint32 public constant MIN_PARTICIPANTS_FLOOR = RulesValidation.MIN_PARTICIPANTS_FLOOR;

    /// @notice Widest settlement mask (`FHE.randEuint64` takes a power-of-two bound of at most 2^63).
    uint8 public constant MAX_MASK_BITS = 63;
    /// @notice Extra mask bits beyond the hold-back bound: a mask twice as wide as the secret it hides reveals
    /// nothing in at least half of the settlements and at most a one-sided bound in the others.
    uint8 public constant MASK_EXTRA_BITS = 1;

    /// @notice Human-readable name of the model this pool pays royalties for.
    string public modelName;
    /// @notice Public ERC20 funders pay in.
    IERC20 public paymentToken;
    /// @notice Confidential ERC7984 wrapper of {paymentToken} that payouts are made in.
    IERC7984ERC20Wrapper public payoutToken;
    /// @notice Address allowed to record new rules versions (the model's timelock); zero = rules fixed forever.
    address public governance;
    /// @notice The registry's payout vault: every claim goes through it, and revealed epochs' payable funds move there.
    address public payoutVault;
    /// @notice The registry's cross-model metric aggregates, fed the capped metrics of every submission.
    IMetricAggregator public metricAggregator;

    /// @dev outstandingEpochs: closed but not yet revealed;
    /// settledThroughEpochId: every epoch up to it had its remainder carried forward;
    /// remainderBound / noisy: public bound on the remainder of the epochs revealed since the last request,
    /// and whether one of them was noisy; maskBits: width of the settlement mask (never decreases);
    /// hiddenCarry: the part of the remainder the last settlement kept hidden in the pool.
    struct SettlementState {
        uint256 outstandingEpochs;
        uint256 settledThroughEpochId;
        PendingSettlement pending;
        uint64 remainderBound;
        bool noisy;
        uint8 maskBits;
        euint64 hiddenCarry;
    }

    /// @dev Who a contribution is for, who submitted it (zero if self-reported) and its bonus.
    struct Submitter {
        address contributor;
        address attestor;
        uint64 multiplier;
        uint8 bonusClass;
    }

    uint32 private _rulesVersionCount;
    uint256 private _currentEpochId;
    /// @dev Settlement bookkeeping (see {settlementStatus}).
    SettlementState private _settlement;

    mapping(uint32 version => Rules) private _rules;
    mapping(uint32 version => mapping(address account => bool)) private _isAttestor;
    mapping(uint256 epochId => Epoch) private _epochs;
    mapping(uint256 epochId => mapping(address contributor => uint32)) private _submissions;
    mapping(uint256 epochId => mapping(address contributor => euint64)) private _scores;
    mapping(uint256 epochId => mapping(address contributor => euint64)) private _shares;

    /// @dev The implementation behind the clones is never initialized.
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IRoyaltyPool
    function initialize(
        string calldata modelName_,
        IERC7984ERC20Wrapper payoutToken_,
        RulesParams calldata rules_,
        address governance_,
        IMetricAggregator metricAggregator_,
        address payoutVault_
    ) external initializer {
        require(
            address(payoutToken_) != address(0) &&
                payoutVault_ != address(0) &&
                address(metricAggregator_) != address(0),
            RoyaltyPoolZeroAddress()
        );
        // A clone has no constructor: the fhEVM coprocessor addresses live in its own storage.
        FHE.setCoprocessor(ZamaConfig.getEthereumCoprocessorConfig());
        modelName = modelName_;
        payoutToken = payoutToken_;
        paymentToken = IERC20(payoutToken_.underlying());
        governance = governance_;
        metricAggregator = metricAggregator_;
        payoutVault = payoutVault_;
        uint32 version = _storeRules(rules_);
        _startEpoch(1, uint64(block.timestamp), version);
    }

    /// @inheritdoc IRoyaltyPool
    function updateRules(RulesParams calldata rules_) external returns (uint32 version) {
        require(msg.sender == governance && governance != address(0), RoyaltyPoolUnauthorized(msg.sender));
        // Running epochs keep the version they started with: the new one applies from the next epoch.
        version = _storeRules(rules_);
    }

    // ---------------------------------------------------------------- contributions

    /// @inheritdoc IRoyaltyPool
    function submitContribution(
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof
    ) external returns (euint64 score) {
        uint256 epochId = _currentEpochId;
        Rules storage rules = _rules[_epochs[epochId].rulesVersion];
        require(!rules.attestationRequired, RoyaltyPoolAttestationRequired(epochId));
        return
            _contribute(
                epochId,
                rules,
                Submitter(msg.sender, address(0), 1, 0),
                _fromExternal(encryptedMetrics, inputProof)
            );
    }

    /// @inheritdoc IRoyaltyPool
    function submitAttested(
        address contributor,
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof,
        uint8 bonusClass
    ) external returns (euint64 score) {
        uint256 epochId = _currentEpochId;
        Rules storage rules = _attestorRules(epochId);
        require(contributor != address(0), RoyaltyPoolInvalidContributor(contributor));
        Submitter memory submitter = _attestedBy(rules, contributor, bonusClass);
        return _contribute(epochId, rules, submitter, _fromExternal(encryptedMetrics, inputProof));
    }

    /// @inheritdoc IRoyaltyPool
    function submitAttestedValues(
        address contributor,
        euint64[] calldata metrics,
        uint8 bonusClass
    ) external returns (euint64 score) {
        uint256 epochId = _currentEpochId;
        Rules storage rules = _attestorRules(epochId);
        require(contributor != address(0), RoyaltyPoolInvalidContributor(contributor));
        euint64[] memory values = new euint64[](metrics.length);
        for (uint256 i = 0; i < metrics.length; ++i) {
            // A handle not allowed to the caller could be anyone's ciphertext: using it would leak it.
            require(FHE.isSenderAllowed(metrics[i]), RoyaltyPoolUnauthorizedHandle(i));
            values[i] = metrics[i];
        }
        return _contribute(epochId, rules, _attestedBy(rules, contributor, bonusClass), values);
    }

    /// @dev The rules of `epochId`, after checking the caller is one of their attestors.
    function _attestorRules(uint256 epochId) private view returns (Rules storage) {
        uint32 version = _epochs[epochId].rulesVersion;
        require(_isAttestor[version][msg.sender], RoyaltyPoolNotAttestor(epochId, msg.sender));
        return _rules[version];
    }

    /// @dev A submission by the calling attestor about `contributor`, with the bonus class's multiplier.
    function _attestedBy(
        Rules storage rules,
        address contributor,
        uint8 bonusClass
    ) private view returns (Submitter memory) {
        return Submitter(contributor, msg.sender, _bonusMultiplier(rules, bonusClass), bonusClass);
    }

    function _bonusMultiplier(Rules storage rules, uint8 bonusClass) private view returns (uint64) {
        uint256 classes = rules.bonusMultipliers.length;
        require(bonusClass <= classes, RoyaltyPoolUnknownBonusClass(bonusClass, classes));
        return bonusClass == 0 ? 1 : rules.bonusMultipliers[bonusClass - 1];
    }

    function _contribute(
        uint256 epochId,
        Rules storage rules,
        Submitter memory submitter,
        euint64[] memory metrics
    ) private returns (euint64) {
        Epoch storage epoch = _epochs[epochId];
        uint32 previous = _checkSubmission(epochId, epoch, rules, submitter.contributor, metrics.length);
        euint64 contribution = _weightedSum(rules, metrics, submitter.multiplier);
        _feedAggregates(submitter.contributor, epoch.rulesVersion, metrics);
        return _accumulate(epochId, epoch, submitter, previous, contribution);
    }

    /// @dev Every plaintext precondition of a submission; returns the contributor's submissions so far.
    function _checkSubmission(
        uint256 epochId,
        Epoch storage epoch,
        Rules storage rules,
        address contributor,
        uint256 metricCount
    ) private view returns (uint32 previous) {
        require(block.timestamp < epoch.end, RoyaltyPoolEpochEnded(epochId, epoch.end));
        require(metricCount == rules.metrics.length, RoyaltyPoolWrongMetricCount(metricCount, rules.metrics.length));
        previous = _submissions[epochId][contributor];
        require(
            previous < rules.maxSubmissionsPerContributor,
            RoyaltyPoolSubmissionLimitReached(epochId, contributor, rules.maxSubmissionsPerContributor)
        );
        // Equivalent to `submissions < maxSubmissionsPerEpoch` under one rules version; the bound also covers an
        // extended epoch that adopted a newer version after submissions made under an older one.
        require(
            _fitsBound(epoch.scoreBound, rules.maxSubmissionScore, rules.noiseBits),
            RoyaltyPoolEpochCapacityReached(epochId, rules.maxSubmissionsPerEpoch)
        );
    }

    /// @dev Whether `scoreBound + added` plus the largest noise still fits 64 bits.
    function _fitsBound(uint64 scoreBound, uint256 added, uint8 noiseBits) private pure returns (bool) {
        uint256 maxNoise = (uint256(1) << noiseBits) - 1;
        return uint256(scoreBound) + added + maxNoise <= type(uint64).max;
    }

    /// @dev Adds a contribution to the contributor's score and the epoch total, with their ACL.
    function _accumulate(
        uint256 epochId,
        Epoch storage epoch,
        Submitter memory submitter,
        uint32 previous,
        euint64 contribution
    ) private returns (euint64 score) {
        address contributor = submitter.contributor;
        // A first value needs no addition: the ciphertext itself starts the running sum.
        if (previous == 0) {
            ++epoch.participants;
            score = contribution;
        } else {
            score = FHE.add(_scores[epochId][contributor], contribution);
        }
        euint64 total = epoch.submissions == 0 ? contribution : FHE.add(epoch.total, contribution);

        _submissions[epochId][contributor] = previous + 1;
        ++epoch.submissions;
        epoch.scoreBound += _rules[epoch.rulesVersion].maxSubmissionScore;
        _scores[epochId][contributor] = score;
        epoch.total = total;

        FHE.allowThis(score);
        FHE.allow(score, contributor);
        // The vault relays the contributor's selective disclosures (it can grant, never decrypt, alone).
        FHE.allow(score, payoutVault);
        FHE.allowThis(total);

        _recordSubmission(epochId, epoch.rulesVersion, submitter, score, total);
    }

    function _recordSubmission(
        uint256 epochId,
        uint32 version,
        Submitter memory submitter,
        euint64 score,
        euint64 total
    ) private {
        emit ContributionSubmitted(
            epochId,
            submitter.contributor,
            submitter.attestor,
            submitter.bonusClass,
            version,
            score,
            total
        );
        _appendLog(
            epochId,
            LogStep.Submit,
            abi.encode(submitter.contributor, submitter.attestor, submitter.bonusClass, version, score, total)
        );
    }

    // ---------------------------------------------------------------- funding

    /// @inheritdoc IRoyaltyPool
    function fund(uint256 amount) external nonReentrant returns (uint64 units) {
        uint256 rate = payoutToken.rate();
        uint256 wholeUnits = amount / rate;
        require(wholeUnits != 0, RoyaltyPoolAmountBelowUnit(amount, rate));
        uint256 epochId = _currentEpochId;
        Epoch storage epoch = _epochs[epochId];
        uint256 newPool = uint256(epoch.pool) + wholeUnits;
        require(newPool <= type(uint64).max, RoyaltyPoolPoolOverflow(epochId, newPool));

        uint256 accepted = wholeUnits * rate;
        uint256 balanceBefore = paymentToken.balanceOf(address(this));
        paymentToken.safeTransferFrom(msg.sender, address(this), accepted);
        uint256 received = paymentToken.balanceOf(address(this)) - balanceBefore;
        require(received == accepted, RoyaltyPoolUnsupportedToken(accepted, received));

        paymentToken.forceApprove(address(payoutToken), accepted);
        payoutToken.wrap(address(this), accepted);

        units = uint64(wholeUnits);
        epoch.pool = uint64(newPool);
        emit PoolFunded(epochId, msg.sender, accepted, units);
        _appendLog(epochId, LogStep.Fund, abi.encode(msg.sender, accepted, units));
    }

    // ---------------------------------------------------------------- close and reveal

    /// @inheritdoc IRoyaltyPool
    function closeEpoch() external nonReentrant returns (bool closed) {
        uint256 epochId = _currentEpochId;
        Epoch storage epoch = _epochs[epochId];
        require(block.timestamp >= epoch.end, RoyaltyPoolEpochNotEnded(epochId, epoch.end));
        Rules storage rules = _adoptNewestRules(epochId, epoch);

        if (epoch.participants < rules.minParticipants) {
            // k-anonymity: revealing a total of fewer contributors would expose their scores, so the
            // epoch stays open until the first period boundary at which it has enough of them.
            uint64 periodsPassed = (uint64(block.timestamp) - epoch.end) / rules.epochLength + 1;
            epoch.end += periodsPassed * rules.epochLength;
            emit EpochExtended(epochId, epoch.end, epoch.participants, rules.minParticipants, epoch.rulesVersion);
            _appendLog(epochId, LogStep.Extend, abi.encode(epoch.end, epoch.participants, epoch.rulesVersion));
            return false;
        }

        epoch.state = EpochState.Closed;
        ++_settlement.outstandingEpochs;
        if (rules.noiseBits != 0) _addNoise(epochId, epoch, rules.noiseBits);
        FHE.makePubliclyDecryptable(epoch.total);
        emit EpochClosed(epochId, epoch.participants, epoch.submissions, epoch.pool, epoch.total);
        _appendLog(epochId, LogStep.Close, abi.encode(epoch.participants, epoch.submissions, epoch.pool, epoch.total));
        _startEpoch(epochId + 1, uint64(block.timestamp), _rulesVersionCount);
        return true;
    }

    /// @dev At a boundary where the epoch is still below its k, it takes the newest rules version, so that no
    /// rules version, such as a k nobody can reach, can hold an epoch, its pool and every later funding for ever:
    /// a new vote applies at the next boundary. An epoch that has reached its k closes under the rules it has.
    /// Never adopted: a version with less noise than the one its contributors submitted under (a vote must not
    /// strip the protection of values already submitted), or one whose submissions would no longer fit the epoch's
    /// 64-bit bound for the contributors it still needs.
    function _adoptNewestRules(uint256 epochId, Epoch storage epoch) private returns (Rules storage rules) {
        uint32 version = epoch.rulesVersion;
        rules = _rules[version];
        uint32 newest = _rulesVersionCount;
        if (newest == version || epoch.participants >= rules.minParticipants) return rules;
        Rules storage candidate = _rules[newest];
        if (candidate.noiseBits < rules.noiseBits) return rules;
        uint256 missing =
            candidate.minParticipants > epoch.participants ? candidate.minParticipants - epoch.participants : 1;
        if (!_fitsBound(epoch.scoreBound, missing * candidate.maxSubmissionScore, candidate.noiseBits)) return rules;
        epoch.rulesVersion = newest;
        emit EpochRulesAdopted(epochId, version, newest);
        return candidate;
    }

    /// @inheritdoc IRoyaltyPool
    function revealEpochTotal(uint256 epochId, uint64 total, bytes calldata decryptionProof) external nonReentrant {
        Epoch storage epoch = _epochs[epochId];
        _requireState(epochId, epoch, EpochState.Closed);
        // Flag first: a KMS proof is public and unbound to any caller, so each reveal happens once.
        epoch.state = EpochState.Revealed;
        FHE.checkSignatures(_handleList(epoch.total), abi.encode(total), decryptionProof);

        (uint128 factor, uint8 shift, bool wide) = RoyaltyMath.shareParameters(epoch.pool, total);
        epoch.revealedTotal = total;
        epoch.revealedAt = uint64(block.timestamp);
        epoch.shareFactor = factor;
        epoch.shareShift = shift;
        epoch.wideShare = wide;
        emit EpochTotalRevealed(epochId, total, epoch.pool, factor, shift);
        _appendLog(epochId, LogStep.Reveal, abi.encode(total, epoch.pool, factor, shift));

        --_settlement.outstandingEpochs;
        if (factor == 0) {
            // Every share is zero: nothing to claim, the whole pool moves to the current epoch.
            _addToCurrentPool(epoch.pool);
            emit PoolCarriedForward(epochId, epoch.pool, _currentEpochId);
            _appendLog(_currentEpochId, LogStep.CarryIn, abi.encode(epochId, epoch.pool));
            return;
        }
        uint8 noiseBits = _rules[epoch.rulesVersion].noiseBits;
        _moveSharesToVault(epochId, epoch, total, noiseBits);
        uint256 bound =
            uint256(_settlement.remainderBound) +
                RoyaltyMath.remainderBound(epoch.pool, total, noiseBits, epoch.participants);
        _settlement.remainderBound = uint64(Math.min(bound, type(uint64).max));
        if (noiseBits != 0) _settlement.noisy = true;
    }

    // ---------------------------------------------------------------- claims and settlement

    /// @inheritdoc IRoyaltyPool
    function claimFor(
        uint256 epochId,
        address contributor,
        bool afterClaimWindow
    ) external nonReentrant returns (euint64 share, bool wideShare) {
        require(msg.sender == payoutVault, RoyaltyPoolNotPayoutVault(msg.sender));
        Epoch storage epoch = _epochs[epochId];
        if (afterClaimWindow) {
            uint64 window = _rules[epoch.rulesVersion].claimWindow;
            // No window in the rules means the longest one.
            if (window == 0) window = RulesValidation.MAX_CLAIM_WINDOW;
            uint64 endsAt = epoch.revealedAt + window;
            require(
                epoch.revealedAt != 0 && block.timestamp >= endsAt,
                RoyaltyPoolClaimWindowOpen(epochId, epoch.revealedAt == 0 ? type(uint64).max : endsAt)
            );
        }
        return (_claim(epochId, epoch, contributor), epoch.wideShare);
    }

    /// @inheritdoc IRoyaltyPool
    function claimable(uint256 epochId, address contributor) public view returns (bool) {
        Epoch storage epoch = _epochs[epochId];
        return
            epoch.state == EpochState.Revealed &&
            epoch.shareFactor != 0 &&
            _submissions[epochId][contributor] != 0 &&
            !FHE.isInitialized(_shares[epochId][contributor]);
    }

    function _claim(uint256 epochId, Epoch storage epoch, address contributor) private returns (euint64 share) {
        _requireState(epochId, epoch, EpochState.Revealed);
        require(epoch.shareFactor != 0, RoyaltyPoolNothingToClaim(epochId));
        require(_submissions[epochId][contributor] != 0, RoyaltyPoolNoContribution(epochId, contributor));
        require(!FHE.isInitialized(_shares[epochId][contributor]), RoyaltyPoolAlreadyClaimed(epochId, contributor));

        share = _computeShare(epoch, _scores[epochId][contributor]);
        FHE.allowThis(share);
        FHE.allow(share, contributor);
        // The vault credits it now and may disclose it later, at the contributor's request.
        FHE.allow(share, payoutVault);
        _shares[epochId][contributor] = share;
        ++epoch.claims;
        // No token moves: the epoch's payable funds are in the vault since the reveal.
        emit RoyaltyClaimed(epochId, contributor, share);
        _appendLog(epochId, LogStep.Claim, abi.encode(contributor, share));
    }

    /// @dev Moves what the epoch's shares add up to at most, floor(totalBeforeNoise * factor >> shift) (public when
    /// the total has no noise), into the vault, so claims only credit balances there. What stays is the epoch's
    /// noise hold-back and the factor's rounding, which the settlement carries forward; the per-share floors
    /// (fewer units than participants) stay in the vault.
    function _moveSharesToVault(uint256 epochId, Epoch storage epoch, uint64 total, uint8 noiseBits) private {
        euint64 payable_ =
            noiseBits == 0
                ? FHE.asEuint64(RoyaltyMath.share(total, epoch.shareFactor, epoch.shareShift))
                : _computeShare(epoch, epoch.totalBeforeNoise);
        FHE.allowThis(payable_);
        FHE.allowTransient(payable_, address(payoutToken));
        // Plaintext accounting (the amount is at most the epoch's pool) guarantees the balance covers it.
        payoutToken.confidentialTransfer(payoutVault, payable_);
        emit EpochFundsMoved(epochId, payoutVault, payable_);
    }

    /// @inheritdoc IRoyaltyPool
    function requestSettlement() external nonReentrant {
        SettlementState storage settlement = _settlement;
        require(!FHE.isInitialized(settlement.pending.released), RoyaltyPoolSettlementPending());
        require(settlement.outstandingEpochs == 0, RoyaltyPoolEpochsOutstanding(settlement.outstandingEpochs));
        uint256 currentId = _currentEpochId;
        uint256 fromEpochId = settlement.settledThroughEpochId + 1;
        euint64 balance = payoutToken.confidentialBalanceOf(address(this));
        require(fromEpochId < currentId && FHE.isInitialized(balance), RoyaltyPoolNothingToSettle());

        Epoch storage current = _epochs[currentId];
        uint64 liability = current.pool;
        // Plaintext accounting keeps the balance at or above the liability; max() keeps a token that breaks
        // it from wrapping the subtraction into a huge remainder.
        euint64 remainder = FHE.sub(FHE.max(balance, liability), liability);
        uint8 maskBits = _nextMaskBits(settlement);
        euint64 released = remainder;
        euint64 kept;
        uint64 lent;
        if (maskBits != 0) {
            // pool - sum(shares) would give away the noise of a noisy total: only a masked part is revealed. The
            // current pool lends 2^maskBits so that the hidden carry is a fresh uniform U every time (a min() with
            // the old carry would shrink over repeated settlements and wear the mask down); released >= 1.
            lent = uint64(1) << maskBits;
            require(liability >= lent, RoyaltyPoolMaskReserveShort(currentId, liability, lent));
            kept = FHE.randEuint64(lent);
            released = FHE.sub(FHE.add(remainder, lent), kept);
            current.pool = liability - lent;
            FHE.allowThis(kept);
        }
        FHE.allowThis(released);
        FHE.makePubliclyDecryptable(released);
        settlement.pending = PendingSettlement(released, kept, liability, maskBits, fromEpochId, currentId - 1);
        emit SettlementRequested(fromEpochId, currentId - 1, liability, maskBits, released, kept, currentId, lent);
    }

    /// @dev Masks once a noisy epoch was settled, at least as wide as before and one bit wider than the new
    /// epochs' remainder bound; consumes that bound.
    function _nextMaskBits(SettlementState storage settlement) private returns (uint8 maskBits) {
        maskBits = settlement.maskBits;
        if (settlement.noisy || maskBits != 0) {
            uint256 needed = uint256(RoyaltyMath.bitLength(settlement.remainderBound)) + MASK_EXTRA_BITS;
            maskBits = uint8(Math.min(Math.max(needed, maskBits), MAX_MASK_BITS));
        }
        settlement.maskBits = maskBits;
        settlement.remainderBound = 0;
        settlement.noisy = false;
    }

    /// @inheritdoc IRoyaltyPool
    function settle(uint64 released, bytes calldata decryptionProof) external nonReentrant {
        PendingSettlement memory pending = _settlement.pending;
        require(FHE.isInitialized(pending.released), RoyaltyPoolNoPendingSettlement());
        // Cleared first: a KMS proof is public and unbound to any caller, so it counts once.
        delete _settlement.pending;
        FHE.checkSignatures(_handleList(pending.released), abi.encode(released), decryptionProof);

        _settlement.settledThroughEpochId = pending.toEpochId;
        _settlement.hiddenCarry = pending.kept;
        _addToCurrentPool(released);
        emit PoolSettled(pending.fromEpochId, pending.toEpochId, released, pending.kept, _currentEpochId);
        _appendLog(
            _currentEpochId,
            LogStep.Settle,
            abi.encode(pending.fromEpochId, pending.toEpochId, released, pending.kept)
        );
    }

    // ---------------------------------------------------------------- views

    /**
     * @notice Id of the epoch currently accepting contributions and funds.
     * @return The current epoch id (epochs are numbered from 1).
     */
    function currentEpochId() external view returns (uint256) {
        return _currentEpochId;
    }

    /**
     * @notice Public record of an epoch.
     * @param epochId Any epoch id.
     * @return The epoch (state `None` for an epoch that never started).
     */
    function getEpoch(uint256 epochId) external view returns (Epoch memory) {
        return _epochs[epochId];
    }

    /**
     * @notice Settlement bookkeeping: epochs still blocking a settlement, the last settled epoch, the settlement
     * waiting for its reveal (released handle zero when none), the mask width and the hidden carry.
     * @return outstandingEpochs Epochs closed but not yet revealed.
     * @return settledThroughEpochId Every epoch up to this id has had its remainder carried forward.
     * @return pending The pending settlement.
     * @return maskBits Width of the settlement mask (0 until a noisy epoch is settled; never decreases).
     * @return hiddenCarry The encrypted part of the remainder kept in the pool by the last settlement (below
     * `2^maskBits`; nobody may decrypt it).
     */
    function settlementStatus()
        external
        view
        returns (
            uint256 outstandingEpochs,
            uint256 settledThroughEpochId,
            PendingSettlement memory pending,
            uint8 maskBits,
            euint64 hiddenCarry
        )
    {
        SettlementState storage settlement = _settlement;
        return (
            settlement.outstandingEpochs,
            settlement.settledThroughEpochId,
            settlement.pending,
            settlement.maskBits,
            settlement.hiddenCarry
        );
    }

    /**
     * @notice Number of rules versions recorded; the newest applies to epochs started from now on.
     * @return The latest rules version.
     */
    function rulesVersionCount() external view returns (uint32) {
        return _rulesVersionCount;
    }

    /// @inheritdoc IRoyaltyPool
    function getRules(uint32 version) external view returns (Rules memory) {
        return _rules[version];
    }

    /**
     * @notice Whether `account` may submit attested contributions under a rules version.
     * @param version A rules version.
     * @param account Any address.
     * @return True for an attestor of that version.
     */
    function isAttestor(uint32 version, address account) external view returns (bool) {
        return _isAttestor[version][account];
    }

    /**
     * @notice Encrypted score of a contributor in an epoch (only the contributor may decrypt it).
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return The score handle (uninitialized if the contributor did not take part).
     */
    function scoreOf(uint256 epochId, address contributor) external view returns (euint64) {
        return _scores[epochId][contributor];
    }

    /// @inheritdoc IRoyaltyPool
    function shareOf(uint256 epochId, address contributor) external view returns (euint64) {
        return _shares[epochId][contributor];
    }

    /**
     * @notice Number of submissions a contributor made in an epoch (public: submissions are transactions).
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return The count.
     */
    function submissionsOf(uint256 epochId, address contributor) external view returns (uint32) {
        return _submissions[epochId][contributor];
    }

    /**
     * @notice Whether a contributor has claimed an epoch.
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return True after the claim.
     */
    function hasClaimed(uint256 epochId, address contributor) external view returns (bool) {
        return FHE.isInitialized(_shares[epochId][contributor]);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Hands the capped metric values to the registry's aggregator (it keeps only the tracked names).
    function _feedAggregates(address contributor, uint32 rulesVersion, euint64[] memory capped) private {
        IMetricAggregator aggregator = metricAggregator;
        for (uint256 i = 0; i < capped.length; ++i) {
            FHE.allowTransient(capped[i], address(aggregator));
        }
        aggregator.recordMetrics(contributor, rulesVersion, capped);
    }

    function _fromExternal(
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof
    ) private returns (euint64[] memory values) {
        values = new euint64[](encryptedMetrics.length);
        for (uint256 i = 0; i < encryptedMetrics.length; ++i) {
            values[i] = FHE.fromExternal(encryptedMetrics[i], inputProof);
        }
    }

    /// @dev sum(weight * min(metric, cap)); leaves each metric capped in `metrics`.
    function _weightedSum(
        Rules storage rules,
        euint64[] memory metrics,
        uint64 multiplier
    ) private returns (euint64 sum) {
        for (uint256 i = 0; i < metrics.length; ++i) {
            Metric storage metric = rules.metrics[i];
            // The rules bound sum(weight * cap) * max multiplier below 2^64, so this product fits.
            uint64 weight = metric.weight * multiplier;
            // Every cap is below 2^64 - 1: the capacity rule refuses an uncapped metric (it alone could fill
            // an epoch below k), so the min is never redundant.
            euint64 value = FHE.min(metrics[i], metric.cap);
            // Kept capped: the cross-model aggregates add exactly what the model accepted.
            metrics[i] = value;
            if (weight != 1) value = _scale(value, weight);
            sum = i == 0 ? value : FHE.add(sum, value);
        }
    }

    /// @dev value * weight; a power-of-two weight costs a shift (34k HCU) instead of a multiply (365k HCU).
    function _scale(euint64 value, uint64 weight) private returns (euint64) {
        if (weight & (weight - 1) == 0) return FHE.shl(value, uint8(Math.log2(weight)));
        return FHE.mul(value, weight);
    }

    function _computeShare(Epoch storage epoch, euint64 score) private returns (euint64) {
        if (epoch.wideShare) {
            euint128 product = FHE.mul(FHE.asEuint128(score), epoch.shareFactor);
            return FHE.asEuint64(FHE.shr(product, epoch.shareShift));
        }
        // Narrow path: RoyaltyMath guarantees score * factor < 2^64, so the factor fits 64 bits too.
        return FHE.shr(FHE.mul(score, uint64(epoch.shareFactor)), epoch.shareShift);
    }

    /// @dev total += uniform noise in [0, 2^noiseBits); the epoch capacity leaves room for it (no wrap).
    /// Shares then use the noisy total, so they sum to at most pool * total / (total + noise) <= pool and
    /// the held-back part stays in the pool, carried forward by the next settlement.
    function _addNoise(uint256 epochId, Epoch storage epoch, uint8 noiseBits) private {
        epoch.totalBeforeNoise = epoch.total;
        euint64 noisy = FHE.add(epoch.total, FHE.randEuint64(uint64(1) << noiseBits));
        FHE.allowThis(noisy);
        epoch.total = noisy;
        emit EpochTotalNoised(epochId, noiseBits, noisy);
    }

    function _addToCurrentPool(uint64 amount) private {
        Epoch storage current = _epochs[_currentEpochId];
        uint256 newPool = uint256(current.pool) + amount;
        require(newPool <= type(uint64).max, RoyaltyPoolPoolOverflow(_currentEpochId, newPool));
        current.pool = uint64(newPool);
    }

    function _startEpoch(uint256 epochId, uint64 start, uint32 rulesVersion) private {
        uint64 end = start + _rules[rulesVersion].epochLength;
        Epoch storage epoch = _epochs[epochId];
        epoch.start = start;
        epoch.end = end;
        epoch.rulesVersion = rulesVersion;
        epoch.state = EpochState.Open;
        _currentEpochId = epochId;
        emit EpochStarted(epochId, start, end, rulesVersion);
    }

    function _storeRules(RulesParams calldata params) private returns (uint32 version) {
        version = ++_rulesVersionCount;
        RulesValidation.store(_rules[version], _isAttestor[version], version, params);
    }

    /// @dev digest' = keccak256(digest, keccak256(step, fields)): order and content of every step are bound.
    function _appendLog(uint256 epochId, LogStep step, bytes memory fields) private {
        Epoch storage epoch = _epochs[epochId];
        bytes32 entry = keccak256(abi.encode(step, fields));
        bytes32 digest = keccak256(abi.encode(epoch.logDigest, entry));
        uint64 index = epoch.logLength++;
        epoch.logDigest = digest;
        emit LogAppended(epochId, index, step, entry, digest);
    }

    function _requireState(uint256 epochId, Epoch storage epoch, EpochState expected) private view {
        require(epoch.state == expected, RoyaltyPoolUnexpectedEpochState(epochId, epoch.state, expected));
    }

    function _handleList(euint64 handle) private pure returns (bytes32[] memory handles) {
        handles = new bytes32[](1);
        handles[0] = euint64.unwrap(handle);
    }
}
