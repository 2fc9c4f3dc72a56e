// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {EpochClosing} from "../libraries/EpochClosing.sol";
import {EpochLog} from "../libraries/EpochLog.sol";
import {PoolAccounting} from "../libraries/PoolAccounting.sol";
import {PoolContributions} from "../libraries/PoolContributions.sol";
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
    /// @notice Most metrics a schema may have (bounds the HCU of one submission).
    uint256 public constant MAX_METRICS = RulesValidation.MAX_METRICS;
    /// @notice k-anonymity floor: no aggregate of fewer distinct contributors is ever revealed.
    uint32 public constant MIN_PARTICIPANTS_FLOOR = RulesValidation.MIN_PARTICIPANTS_FLOOR;

    /// @notice Widest settlement mask (`FHE.randEuint64` takes a power-of-two bound of at most 2^63).
    uint8 public constant MAX_MASK_BITS = PoolAccounting.MAX_MASK_BITS;
    /// @notice Extra mask bits beyond the hold-back bound (see {PoolAccounting}).
    uint8 public constant MASK_EXTRA_BITS = PoolAccounting.MASK_EXTRA_BITS;

    /// @inheritdoc IRoyaltyPool
    string public modelName;
    /// @inheritdoc IRoyaltyPool
    IERC20 public paymentToken;
    /// @inheritdoc IRoyaltyPool
    IERC7984ERC20Wrapper public payoutToken;
    /// @inheritdoc IRoyaltyPool
    address public governance;
    /// @inheritdoc IRoyaltyPool
    address public payoutVault;
    /// @inheritdoc IRoyaltyPool
    IMetricAggregator public metricAggregator;

    uint32 private _rulesVersionCount;
    uint256 private _currentEpochId;
    /// @dev Settlement bookkeeping (see {settlementStatus}).
    PoolAccounting.State private _settlement;

    mapping(uint32 version => Rules) private _rules;
    mapping(uint32 version => mapping(address account => bool)) private _isAttestor;
    mapping(uint256 epochId => Epoch) private _epochs;
    /// @dev Per epoch and contributor: submissions, score and share (see {PoolContributions}).
    PoolContributions.Ledger private _ledger;

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
        PoolContributions.Submitter memory submitter = PoolContributions.Submitter(msg.sender, address(0), 1, 0);
        return _contribute(epochId, rules, submitter, PoolContributions.fromExternal(encryptedMetrics, inputProof));
    }

    /// @inheritdoc IRoyaltyPool
    function submitAttested(
        address contributor,
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof,
        uint8 bonusClass
    ) external returns (euint64 score) {
        uint256 epochId = _currentEpochId;
        Rules storage rules = _attestorRules(epochId, contributor);
        PoolContributions.Submitter memory submitter = PoolContributions.attestedBy(rules, contributor, bonusClass);
        return _contribute(epochId, rules, submitter, PoolContributions.fromExternal(encryptedMetrics, inputProof));
    }

    /// @inheritdoc IRoyaltyPool
    function submitAttestedValues(
        address contributor,
        euint64[] calldata metrics,
        uint8 bonusClass
    ) external returns (euint64 score) {
        uint256 epochId = _currentEpochId;
        Rules storage rules = _attestorRules(epochId, contributor);
        euint64[] memory values = PoolContributions.fromAllowed(metrics);
        return _contribute(epochId, rules, PoolContributions.attestedBy(rules, contributor, bonusClass), values);
    }

    /// @dev The rules of `epochId`, after checking the caller is one of their attestors and the contributor is set.
    function _attestorRules(uint256 epochId, address contributor) private view returns (Rules storage) {
        uint32 version = _epochs[epochId].rulesVersion;
        require(_isAttestor[version][msg.sender], RoyaltyPoolNotAttestor(epochId, msg.sender));
        require(contributor != address(0), RoyaltyPoolInvalidContributor(contributor));
        return _rules[version];
    }

    function _contribute(
        uint256 epochId,
        Rules storage rules,
        PoolContributions.Submitter memory submitter,
        euint64[] memory metrics
    ) private returns (euint64) {
        Epoch storage epoch = _epochs[epochId];
        return
            PoolContributions.submit(_ledger, epoch, epochId, rules, submitter, metrics, metricAggregator, payoutVault);
    }

    // ---------------------------------------------------------------- funding

    /// @inheritdoc IRoyaltyPool
    function fund(uint256 amount) external nonReentrant returns (uint64 units) {
        uint256 currentId = _currentEpochId;
        return PoolAccounting.fund(_epochs[currentId], currentId, paymentToken, payoutToken, amount);
    }

    // ---------------------------------------------------------------- close and reveal

    /// @inheritdoc IRoyaltyPool
    function closeEpoch() external nonReentrant returns (bool closed) {
        uint256 epochId = _currentEpochId;
        closed = EpochClosing.close(_epochs[epochId], epochId, _rules, _rulesVersionCount);
        if (closed) {
            ++_settlement.outstandingEpochs;
            _startEpoch(epochId + 1, uint64(block.timestamp), _rulesVersionCount);
        }
    }

    /// @inheritdoc IRoyaltyPool
    function revealEpochTotal(uint256 epochId, uint64 total, bytes calldata decryptionProof) external nonReentrant {
        Epoch storage epoch = _epochs[epochId];
        uint8 noiseBits = _rules[epoch.rulesVersion].noiseBits;
        bool paid = EpochClosing.reveal(epoch, epochId, noiseBits, total, decryptionProof, payoutToken, payoutVault);
        --_settlement.outstandingEpochs;
        if (paid) {
            PoolAccounting.recordReveal(_settlement, epoch.pool, total, noiseBits, epoch.participants);
            return;
        }
        // Every share is zero: nothing to claim, the whole pool moves to the current epoch.
        uint256 currentId = _currentEpochId;
        Epoch storage current = _epochs[currentId];
        PoolAccounting.addToPool(current, currentId, epoch.pool);
        emit PoolCarriedForward(epochId, epoch.pool, currentId);
        EpochLog.append(current, currentId, LogStep.CarryIn, abi.encode(epochId, epoch.pool));
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
        return (PoolContributions.claim(_ledger, epoch, epochId, contributor, payoutVault), epoch.wideShare);
    }

    /// @inheritdoc IRoyaltyPool
    function claimable(uint256 epochId, address contributor) public view returns (bool) {
        return PoolContributions.claimable(_ledger, _epochs[epochId], epochId, contributor);
    }

    /// @inheritdoc IRoyaltyPool
    function requestSettlement() external nonReentrant {
        uint256 currentId = _currentEpochId;
        PoolAccounting.request(_settlement, _epochs[currentId], currentId, payoutToken);
    }

    /// @inheritdoc IRoyaltyPool
    function settle(uint64 released, bytes calldata decryptionProof) external nonReentrant {
        uint256 currentId = _currentEpochId;
        PoolAccounting.settle(_settlement, _epochs[currentId], currentId, released, decryptionProof);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRoyaltyPool
    function currentEpochId() external view returns (uint256) {
        return _currentEpochId;
    }

    /// @inheritdoc IRoyaltyPool
    function getEpoch(uint256 epochId) external view returns (Epoch memory) {
        return _epochs[epochId];
    }

    /// @inheritdoc IRoyaltyPool
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
        PoolAccounting.State storage settlement = _settlement;
        return (
            settlement.outstandingEpochs,
            settlement.settledThroughEpochId,
            settlement.pending,
            settlement.maskBits,
            settlement.hiddenCarry
        );
    }

    /// @inheritdoc IRoyaltyPool
    function rulesVersionCount() external view returns (uint32) {
        return _rulesVersionCount;
    }

    /// @inheritdoc IRoyaltyPool
    function getRules(uint32 version) external view returns (Rules memory) {
        return _rules[version];
    }

    /// @inheritdoc IRoyaltyPool
    function isAttestor(uint32 version, address account) external view returns (bool) {
        return _isAttestor[version][account];
    }

    /// @inheritdoc IRoyaltyPool
    function scoreOf(uint256 epochId, address contributor) external view returns (euint64) {
        return _ledger.scores[epochId][contributor];
    }

    /// @inheritdoc IRoyaltyPool
    function shareOf(uint256 epochId, address contributor) external view returns (euint64) {
        return _ledger.shares[epochId][contributor];
    }

    /// @inheritdoc IRoyaltyPool
    function submissionsOf(uint256 epochId, address contributor) external view returns (uint32) {
        return _ledger.submissions[epochId][contributor];
    }

    /// @inheritdoc IRoyaltyPool
    function hasClaimed(uint256 epochId, address contributor) external view returns (bool) {
        return FHE.isInitialized(_ledger.shares[epochId][contributor]);
    }

    // ---------------------------------------------------------------- internals

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
}
