// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, ebool, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IAttestationConsensus} from "../interfaces/IAttestationConsensus.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {ConsensusValidation} from "../libraries/ConsensusValidation.sol";
import {EncryptedMedian} from "../libraries/EncryptedMedian.sol";
import {EncryptedRoyaltyMath} from "../libraries/EncryptedRoyaltyMath.sol";

/**
 * @title AttestationConsensus
 * @notice Encrypted multi-attestor consensus in front of one model's {RoyaltyPool}: each contributor's
 * metrics are attested by several panel attestors who never see each other's values, and the encrypted
 * lower median per metric is what reaches the pool.
 * @dev The pool must list this contract as its only attestor with `attestationRequired: true`. Epochs,
 * their end (which the pool may extend for k-anonymity) and the metric schema, weights and caps are always
 * read from the pool; this contract keeps only attestations, medians, deviation bits and its own configuration.
 *
 * Outcome rule of {finalize}, decided in plaintext from the public attestation count:
 * count >= minAttestations -> lower median of the `count` values per metric goes to the pool;
 * count < minAttestations -> nothing is counted. Nothing ever branches on a ciphertext.
 *
 * Configuration versions: version n applies from pool epoch `fromEpochId(n)`; ids increase strictly and
 * at most the newest version is pending (it applies from the next epoch), so the configuration of the
 * current epoch is always the newest or the one before it: O(1) for every state-changing call.
 *
 * Every configuration is checked against the pool's newest rules when it is recorded: the worst-case HCU of a
 * {finalize} ({ConsensusCost-finalizeCost}, every metric tracked across models) must fit the budgets below the
 * fhEVM's per-transaction limits, and the deviation tolerance must be below the largest submission score. Rules
 * changed later are the pool's side to check (its rules validation can call the same library); as a backstop, and
 * for a consensus deployed before its pool (at a predicted address, when no rules can be read), the first
 * attestation under each (configuration, pool rules) pair checks the cost again and refuses to collect attestations
 * that no finalize could count.
 */
contract AttestationConsensus is IAttestationConsensus, ZamaEthereumConfig {
    /// @notice Most attestors a panel may list (bounds the cost of replacing a pending configuration).
    uint256 public constant MAX_PANEL_SIZE = ConsensusValidation.MAX_PANEL_SIZE;
    /// @notice Fewest attestations that may ever count (the median of one value is that value).
    uint8 public constant MIN_ATTESTATIONS_FLOOR = ConsensusValidation.MIN_ATTESTATIONS_FLOOR;
    /// @notice Allowed `attestationsRequired`: odd counts, so the median is a true middle value.
    uint8 public constant SMALL_PANEL = ConsensusValidation.SMALL_PANEL;
    /// @notice Allowed `attestationsRequired`: the largest median network of {EncryptedMedian}.
    uint8 public constant LARGE_PANEL = ConsensusValidation.LARGE_PANEL;
    /// @notice Shortest finalization period.
    uint64 public constant MIN_FINALIZATION_PERIOD = ConsensusValidation.MIN_FINALIZATION_PERIOD;
    /// @notice Longest finalization period.
    uint64 public constant MAX_FINALIZATION_PERIOD = ConsensusValidation.MAX_FINALIZATION_PERIOD;

    /// @notice The model's royalty pool the medians are submitted to.
    IRoyaltyPool public immutable pool;
    /// @notice Address allowed to change the configuration (the model's timelock); zero = fixed forever.
    address public immutable governance;

    /// @dev A configuration version and the pool epoch it applies from.
    struct ConfigVersion {
        ConsensusConfig config;
        uint256 fromEpochId;
    }

    /// @dev Versions 1..n at indexes 0..n-1.
    ConfigVersion[] private _configs;
    mapping(uint32 version => mapping(address account => bool)) private _onPanel;
    /// @dev What the attestations of a pool rules version need from those rules (immutable in the pool once
    /// recorded, so safe to cache): their metric count, and the last configuration version whose finalize cost was
    /// checked against them (configuration versions are immutable once an epoch runs under them). One slot.
    struct RulesCache {
        uint64 metricCount;
        uint32 costCheckedVersion;
    }

    mapping(uint32 rulesVersion => RulesCache) private _rulesCache;

    mapping(uint256 epochId => mapping(address contributor => Tally)) private _tallies;
    /// @dev Attested values by arrival slot 0..count-1.
    mapping(uint256 epochId => mapping(address contributor => mapping(uint256 slot => euint64[]))) private _values;
    /// @dev slot + 1 of an attestor's values; 0 = did not attest.
    mapping(uint256 epochId => mapping(address contributor => mapping(address attestor => uint256))) private _slots;
    mapping(uint256 epochId => mapping(address contributor => euint64[])) private _medians;
    mapping(uint256 epochId => mapping(address contributor => mapping(address attestor => ebool)))
        private _withinTolerance;

    /**
     * @param pool_ The model's RoyaltyPool (it may not exist yet: deploy this first at a predicted pool address,
     * or predict this address and list it in the pool's rules).
     * @param governance_ Address allowed to change the configuration; zero for a configuration fixed forever.
     * @param config The initial configuration, in force from the pool's first epoch.
     */
    constructor(address pool_, address governance_, ConsensusConfig memory config) {
        require(pool_ != address(0), AttestationConsensusZeroAddress());
        pool = IRoyaltyPool(pool_);
        governance = governance_;
        _configs.push();
        _writeConfig(1, config, 0);
    }

    // ---------------------------------------------------------------- configuration

    /// @inheritdoc IAttestationConsensus
    function setConfig(ConsensusConfig calldata config) external returns (uint32 version, uint256 fromEpochId) {
        require(msg.sender == governance && governance != address(0), AttestationConsensusUnauthorized(msg.sender));
        fromEpochId = pool.currentEpochId() + 1;
        version = uint32(_configs.length);
        if (_configs[version - 1].fromEpochId != fromEpochId) {
            // Nothing pending: a new version for the next epoch. (A pending one is replaced in place: no epoch
            // has run under it, so no attestation depends on it.)
            _configs.push();
            ++version;
        } else {
            address[] storage old = _configs[version - 1].config.attestors;
            for (uint256 i = 0; i < old.length; ++i) _onPanel[version][old[i]] = false;
        }
        _writeConfig(version, config, fromEpochId);
    }

    function _writeConfig(uint32 version, ConsensusConfig memory config, uint256 fromEpochId) private {
        ConsensusValidation.checkConfig(config, pool);
        uint256 size = config.attestors.length;
        for (uint256 i = 0; i < size; ++i) {
            address attestor = config.attestors[i];
            require(
                attestor != address(0) && !_onPanel[version][attestor],
                AttestationConsensusInvalidAttestor(i, attestor)
            );
            _onPanel[version][attestor] = true;
        }
        ConfigVersion storage stored = _configs[version - 1];
        stored.config = config;
        stored.fromEpochId = fromEpochId;
        emit ConsensusConfigScheduled(
            version,
            fromEpochId,
            config.attestors,
            config.attestationsRequired,
            config.minAttestations,
            config.finalizationPeriod,
            config.deviationTolerance
        );
    }

    // ---------------------------------------------------------------- attest

    /// @inheritdoc IAttestationConsensus
    function attest(
        address contributor,
        externalEuint64[] calldata metrics,
        bytes calldata inputProof
    ) external returns (uint8 count) {
        (uint256 epochId, uint256 expected) = _checkAttestation(contributor);
        require(metrics.length == expected, AttestationConsensusWrongMetricCount(metrics.length, expected));
        euint64[] memory values = new euint64[](expected);
        for (uint256 i = 0; i < expected; ++i) {
            euint64 value = FHE.fromExternal(metrics[i], inputProof);
            // Only the attestor who submitted a value (and this contract) may ever use or decrypt it.
            FHE.allowThis(value);
            FHE.allow(value, msg.sender);
            values[i] = value;
        }
        Tally storage tally = _tallies[epochId][contributor];
        uint256 slot = tally.count;
        _values[epochId][contributor][slot] = values;
        _slots[epochId][contributor][msg.sender] = slot + 1;
        count = tally.count + 1;
        tally.count = count;
        emit Attested(epochId, contributor, msg.sender, count, values);
    }

    /// @dev Every plaintext precondition of an attestation; returns the current epoch and its metric count.
    function _checkAttestation(address contributor) private returns (uint256 epochId, uint256 metricCount) {
        epochId = pool.currentEpochId();
        IRoyaltyPool.Epoch memory epoch = pool.getEpoch(epochId);
        (uint32 version, ConsensusConfig storage config) = _configAt(epochId);
        require(_onPanel[version][msg.sender], AttestationConsensusNotAttestor(epochId, msg.sender));
        require(contributor != address(0), AttestationConsensusInvalidContributor(contributor));
        require(contributor != msg.sender, AttestationConsensusSelfAttestation(msg.sender));
        Tally storage tally = _tallies[epochId][contributor];
        require(!tally.finalized, AttestationConsensusAlreadyFinalized(epochId, contributor));
        require(
            _slots[epochId][contributor][msg.sender] == 0,
            AttestationConsensusAlreadyAttested(epochId, contributor, msg.sender)
        );
        require(
            tally.count < config.attestationsRequired,
            AttestationConsensusAttestationsComplete(epochId, contributor, config.attestationsRequired)
        );
        uint64 closesAt = epoch.end - config.finalizationPeriod;
        require(block.timestamp < closesAt, AttestationConsensusAttestationClosed(epochId, closesAt));
        metricCount = _checkedMetricCount(version, config.attestationsRequired, epoch.rulesVersion);
    }

    // ---------------------------------------------------------------- finalize

    /// @inheritdoc IAttestationConsensus
    function finalize(address contributor) external returns (bool counted) {
        uint256 epochId = pool.currentEpochId();
        IRoyaltyPool.Epoch memory epoch = pool.getEpoch(epochId);
        (, ConsensusConfig storage config) = _configAt(epochId);
        Tally storage tally = _tallies[epochId][contributor];
        uint8 count = tally.count;
        require(count != 0, AttestationConsensusNoAttestations(epochId, contributor));
        require(!tally.finalized, AttestationConsensusAlreadyFinalized(epochId, contributor));
        require(block.timestamp < epoch.end, AttestationConsensusEpochEnded(epochId, epoch.end));
        if (count < config.attestationsRequired) {
            uint64 opensAt = epoch.end - config.finalizationPeriod;
            require(
                block.timestamp >= opensAt,
                AttestationConsensusFinalizationNotOpen(epochId, contributor, count, opensAt)
            );
        }

        tally.finalized = true;
        counted = count >= config.minAttestations;
        euint64 score;
        euint64[] memory medians;
        if (counted) {
            tally.counted = true;
            medians = _computeMedians(epochId, contributor, count);
            // Effects before the call: the pool is trusted, but nothing here depends on it being so.
            score = pool.submitAttestedValues(contributor, medians, 0);
        }
        emit ConsensusFinalized(epochId, contributor, msg.sender, count, counted, medians, score);
    }

    /// @dev Per metric, the lower median of the `count` attested values; stored (this contract only) and
    /// allowed to the pool for this transaction.
    function _computeMedians(
        uint256 epochId,
        address contributor,
        uint8 count
    ) private returns (euint64[] memory medians) {
        mapping(uint256 slot => euint64[]) storage values = _values[epochId][contributor];
        uint256 metricCount = values[0].length;
        medians = new euint64[](metricCount);
        euint64[] memory column = new euint64[](count);
        for (uint256 k = 0; k < metricCount; ++k) {
            for (uint256 s = 0; s < count; ++s) column[s] = values[s][k];
            euint64 median = EncryptedMedian.lowerMedian(column);
            FHE.allowThis(median);
            FHE.allowTransient(median, address(pool));
            medians[k] = median;
        }
        _medians[epochId][contributor] = medians;
    }

    // ---------------------------------------------------------------- deviation

    /// @inheritdoc IAttestationConsensus
    function computeDeviation(uint256 epochId, address contributor) external returns (ebool withinTolerance) {
        Tally storage tally = _tallies[epochId][contributor];
        require(tally.finalized, AttestationConsensusNotFinalized(epochId, contributor));
        require(tally.counted, AttestationConsensusNotCounted(epochId, contributor));
        uint256 slot = _slots[epochId][contributor][msg.sender];
        require(slot != 0, AttestationConsensusDidNotAttest(epochId, contributor, msg.sender));
        require(
            !FHE.isInitialized(_withinTolerance[epochId][contributor][msg.sender]),
            AttestationConsensusDeviationExists(epochId, contributor, msg.sender)
        );

        IRoyaltyPool.Metric[] memory schema = pool.getRules(pool.getEpoch(epochId).rulesVersion).metrics;
        euint64[] storage own = _values[epochId][contributor][slot - 1];
        euint64[] storage medians = _medians[epochId][contributor];
        euint64 deviation;
        for (uint256 k = 0; k < schema.length; ++k) {
            // Every cap is below 2^64 - 1 (the pool's capacity rule refuses an uncapped metric).
            euint64 a = FHE.min(own[k], schema[k].cap);
            euint64 m = FHE.min(medians[k], schema[k].cap);
            // |a - m| without a branch or an underflow: max - min.
            euint64 term = FHE.sub(FHE.max(a, m), FHE.min(a, m));
            term = EncryptedRoyaltyMath.scale(term, schema[k].weight);
            // Each term <= weight * cap and the pool's rules bound sum(weight * cap) below 2^64: no wrap.
            deviation = k == 0 ? term : FHE.add(deviation, term);
        }
        // The deviation is a function of the counted median and of values the attestor chose (zeros make it the
        // contributor's score): it stays an intermediate of this transaction, allowed to nobody. One bit leaves.
        (, ConsensusConfig storage config) = _configAt(epochId);
        uint64 tolerance = config.deviationTolerance;
        withinTolerance = FHE.le(deviation, tolerance);
        FHE.allowThis(withinTolerance);
        FHE.allow(withinTolerance, msg.sender);
        _withinTolerance[epochId][contributor][msg.sender] = withinTolerance;
        emit DeviationChecked(epochId, contributor, msg.sender, tolerance, withinTolerance);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAttestationConsensus
    function configVersionCount() external view returns (uint32) {
        return uint32(_configs.length);
    }

    /// @inheritdoc IAttestationConsensus
    function getConfig(uint32 version) external view returns (ConsensusConfig memory config, uint256 fromEpochId) {
        ConfigVersion storage stored = _configs[version - 1];
        return (stored.config, stored.fromEpochId);
    }

    /// @inheritdoc IAttestationConsensus
    function configForEpoch(uint256 epochId) external view returns (uint32 version, ConsensusConfig memory config) {
        ConsensusConfig storage stored;
        (version, stored) = _configAt(epochId);
        config = stored;
    }

    /// @inheritdoc IAttestationConsensus
    function pendingConfig() external view returns (bool pending, uint32 version, uint256 fromEpochId) {
        ConfigVersion storage newest = _configs[_configs.length - 1];
        if (newest.fromEpochId > pool.currentEpochId()) return (true, uint32(_configs.length), newest.fromEpochId);
        return (false, 0, 0);
    }

    /// @inheritdoc IAttestationConsensus
    function isPanelAttestor(uint256 epochId, address account) external view returns (bool) {
        (uint32 version, ) = _configAt(epochId);
        return _onPanel[version][account];
    }

    /// @inheritdoc IAttestationConsensus
    function tallyOf(uint256 epochId, address contributor) external view returns (Tally memory) {
        return _tallies[epochId][contributor];
    }

    /// @inheritdoc IAttestationConsensus
    function hasAttested(uint256 epochId, address contributor, address attestor) external view returns (bool) {
        return _slots[epochId][contributor][attestor] != 0;
    }

    /// @inheritdoc IAttestationConsensus
    function attestationOf(
        uint256 epochId,
        address contributor,
        address attestor
    ) external view returns (euint64[] memory) {
        uint256 slot = _slots[epochId][contributor][attestor];
        if (slot == 0) return new euint64[](0);
        return _values[epochId][contributor][slot - 1];
    }

    /// @inheritdoc IAttestationConsensus
    function mediansOf(uint256 epochId, address contributor) external view returns (euint64[] memory) {
        return _medians[epochId][contributor];
    }

    /// @inheritdoc IAttestationConsensus
    function withinToleranceOf(uint256 epochId, address contributor, address attestor) external view returns (ebool) {
        return _withinTolerance[epochId][contributor][attestor];
    }

    /// @inheritdoc IAttestationConsensus
    function schedule() external view returns (uint256 epochId, uint64 closesAt, uint64 end) {
        epochId = pool.currentEpochId();
        end = pool.getEpoch(epochId).end;
        (, ConsensusConfig storage config) = _configAt(epochId);
        closesAt = end - config.finalizationPeriod;
    }

    // ---------------------------------------------------------------- internals

    /// @dev The version in force for `epochId`: scanning from the newest, the current epoch needs at most
    /// two steps (only the newest version can be pending).
    function _configAt(uint256 epochId) private view returns (uint32 version, ConsensusConfig storage config) {
        uint256 i = _configs.length;
        while (i > 1 && _configs[i - 1].fromEpochId > epochId) --i;
        return (uint32(i), _configs[i - 1].config);
    }

    /// @dev The metric count of a rules version; the first attestation under each (configuration version, rules
    /// version) pair also checks the finalize cost (a backstop for rules or a pool that appeared after the check
    /// of {setConfig}), with one read of the rules.
    function _checkedMetricCount(uint32 version, uint8 required, uint32 rulesVersion) private returns (uint256) {
        RulesCache storage cache = _rulesCache[rulesVersion];
        if (cache.costCheckedVersion != version) {
            IRoyaltyPool.Metric[] memory metrics = pool.getRules(rulesVersion).metrics;
            ConsensusValidation.checkFinalizeCost(required, metrics);
            cache.metricCount = uint64(metrics.length);
            cache.costCheckedVersion = version;
        }
        return cache.metricCount;
    }
}
