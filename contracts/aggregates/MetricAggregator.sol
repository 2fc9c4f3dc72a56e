// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, euint128} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/**
 * @title MetricAggregator
 * @notice Encrypted cross-model sums of a metric (say, all "computeUnits" contributed to every model of
 * the registry), public only in k-anonymous rounds.
 * @dev Created by the {ModelRegistry} constructor, so only that registry's pools can feed it. A pool
 * passes the capped value of every metric of each submission; the values of tracked metric names are
 * widened to `euint128` and added to the metric's open round, so no sum can wrap (fewer than 2^64
 * additions of values below 2^64). A round's sum becomes public only when at least {minContributors}
 * distinct contributors fed it; sealing it starts a fresh round from zero. Revealing running totals
 * instead would let anyone subtract two successive reveals and read the one submission in between.
 */
contract MetricAggregator is IMetricAggregator, ZamaEthereumConfig {
    /// @notice k-anonymity floor for every revealed sum.
    uint32 public constant MIN_CONTRIBUTORS_FLOOR = 3;
    /// @notice Most metric names tracked at once (each tracked value costs its submission one 128-bit add).
    uint256 public constant MAX_TRACKED_METRICS = 16;

    /// @notice The registry whose pools feed the aggregates.
    IModelRegistry public immutable registry;
    /// @notice Address allowed to choose the tracked metric names (the DAO's timelock); zero = none ever.
    address public immutable governance;
    /// @notice Distinct contributors a round needs before its sum may be revealed.
    uint32 public immutable minContributors;

    /// @dev Metric key (keccak256 of the name) per metric index of one pool rules version; zero = not tracked.
    struct SchemaKeys {
        uint64 trackingVersion;
        bytes32[] keys;
    }

    string[] private _trackedNames;
    mapping(bytes32 metricKey => uint256 indexPlusOne) private _trackedIndex;
    /// @dev Bumped on every tracking change so cached schema lookups are rebuilt.
    uint64 private _trackingVersion;
    mapping(address pool => mapping(uint32 rulesVersion => SchemaKeys)) private _schemaKeys;
    mapping(bytes32 metricKey => uint64) private _sealedRounds;
    mapping(bytes32 metricKey => mapping(uint64 round => Round)) private _rounds;
    mapping(bytes32 metricKey => mapping(uint64 round => mapping(address contributor => bool))) private _fed;
    mapping(bytes32 metricKey => uint256) private _cumulative;

    /**
     * @param governance_ Address allowed to track and untrack metric names.
     * @param minContributors_ Distinct contributors per revealed round (at least {MIN_CONTRIBUTORS_FLOOR}).
     */
    constructor(address governance_, uint32 minContributors_) {
        require(
            minContributors_ >= MIN_CONTRIBUTORS_FLOOR,
            MetricAggregatorInvalidMinContributors(minContributors_, MIN_CONTRIBUTORS_FLOOR)
        );
        registry = IModelRegistry(msg.sender);
        governance = governance_;
        minContributors = minContributors_;
    }

    /// @inheritdoc IMetricAggregator
    function trackMetric(string calldata name) external {
        _onlyGovernance();
        require(bytes(name).length != 0, MetricAggregatorEmptyName());
        bytes32 metricKey = keccak256(bytes(name));
        require(_trackedIndex[metricKey] == 0, MetricAggregatorAlreadyTracked(name));
        require(_trackedNames.length < MAX_TRACKED_METRICS, MetricAggregatorTooManyMetrics(MAX_TRACKED_METRICS));
        _trackedNames.push(name);
        _trackedIndex[metricKey] = _trackedNames.length;
        ++_trackingVersion;
        emit MetricTracked(metricKey, name);
    }

    /// @inheritdoc IMetricAggregator
    function untrackMetric(string calldata name) external {
        _onlyGovernance();
        bytes32 metricKey = keccak256(bytes(name));
        uint256 indexPlusOne = _trackedIndex[metricKey];
        require(indexPlusOne != 0, MetricAggregatorNotTracked(name));
        string memory last = _trackedNames[_trackedNames.length - 1];
        _trackedNames[indexPlusOne - 1] = last;
        _trackedIndex[keccak256(bytes(last))] = indexPlusOne;
        _trackedNames.pop();
        delete _trackedIndex[metricKey];
        ++_trackingVersion;
        emit MetricUntracked(metricKey, name);
    }

    /// @inheritdoc IMetricAggregator
    function recordMetrics(address contributor, uint32 rulesVersion, euint64[] calldata cappedMetrics) external {
        require(registry.modelIdOf(msg.sender) != 0, MetricAggregatorUnknownPool(msg.sender));
        if (_trackedNames.length == 0) return;
        bytes32[] memory keys = _keysOf(msg.sender, rulesVersion);
        for (uint256 i = 0; i < keys.length && i < cappedMetrics.length; ++i) {
            if (keys[i] != bytes32(0)) _add(keys[i], contributor, cappedMetrics[i]);
        }
    }

    /// @inheritdoc IMetricAggregator
    function requestReveal(string calldata name) external returns (uint64 round) {
        bytes32 metricKey = keccak256(bytes(name));
        round = _sealedRounds[metricKey] + 1;
        Round storage open = _rounds[metricKey][round];
        require(
            open.contributors >= minContributors,
            MetricAggregatorBelowThreshold(name, round, open.contributors, minContributors)
        );
        // Sealed rounds never grow again: each public sum covers its own k or more contributors only.
        open.closed = true;
        _sealedRounds[metricKey] = round;
        FHE.makePubliclyDecryptable(open.sum);
        emit AggregateRevealRequested(metricKey, round, open.contributors, open.submissions, open.sum);
    }

    /// @inheritdoc IMetricAggregator
    function revealAggregate(
        string calldata name,
        uint64 round,
        uint128 value,
        bytes calldata decryptionProof
    ) external {
        bytes32 metricKey = keccak256(bytes(name));
        Round storage sealedRound = _rounds[metricKey][round];
        require(sealedRound.closed && !sealedRound.revealed, MetricAggregatorRoundNotPending(name, round));
        // Flag first: a KMS proof is public and unbound to any caller, so each reveal happens once.
        sealedRound.revealed = true;
        bytes32[] memory handles = new bytes32[](1);
        handles[0] = euint128.unwrap(sealedRound.sum);
        FHE.checkSignatures(handles, abi.encode(value), decryptionProof);
        sealedRound.value = value;
        uint256 cumulative = _cumulative[metricKey] + value;
        _cumulative[metricKey] = cumulative;
        emit AggregateRevealed(metricKey, round, value, cumulative);
    }

    // ---------------------------------------------------------------- views

    /**
     * @notice Metric names currently aggregated.
     * @return The tracked names (order changes when one is untracked).
     */
    function trackedMetrics() external view returns (string[] memory) {
        return _trackedNames;
    }

    /**
     * @notice Whether a metric name is aggregated.
     * @param name A metric name.
     * @return True when tracked.
     */
    function isTracked(string calldata name) external view returns (bool) {
        return _trackedIndex[keccak256(bytes(name))] != 0;
    }

    /**
     * @notice The open (unsealed) round of a metric.
     * @param name A metric name.
     * @return round Its number (rounds count from 1).
     * @return record Its contributors, submissions and encrypted sum.
     */
    function openRound(string calldata name) external view returns (uint64 round, Round memory record) {
        bytes32 metricKey = keccak256(bytes(name));
        round = _sealedRounds[metricKey] + 1;
        record = _rounds[metricKey][round];
    }

    /**
     * @notice Any round of a metric.
     * @param name A metric name.
     * @param round A round number.
     * @return The round (all zero if it never received a value).
     */
    function getRound(string calldata name, uint64 round) external view returns (Round memory) {
        return _rounds[keccak256(bytes(name))][round];
    }

    /**
     * @notice Sum of every revealed round of a metric (public: the sum of public values).
     * @param name A metric name.
     * @return The cumulative revealed sum.
     */
    function cumulativeOf(string calldata name) external view returns (uint256) {
        return _cumulative[keccak256(bytes(name))];
    }

    /**
     * @notice Number of sealed rounds of a metric (revealed or waiting for the KMS proof).
     * @param name A metric name.
     * @return The count.
     */
    function sealedRounds(string calldata name) external view returns (uint64) {
        return _sealedRounds[keccak256(bytes(name))];
    }

    // ---------------------------------------------------------------- internals

    function _onlyGovernance() private view {
        require(msg.sender == governance && governance != address(0), MetricAggregatorUnauthorized(msg.sender));
    }

    /// @dev Which metric indexes of a pool's rules version are tracked, read from the pool once per tracking change.
    function _keysOf(address pool, uint32 rulesVersion) private returns (bytes32[] memory keys) {
        SchemaKeys storage cached = _schemaKeys[pool][rulesVersion];
        if (cached.trackingVersion == _trackingVersion) return cached.keys;
        IRoyaltyPool.Metric[] memory metrics = IRoyaltyPool(pool).getRules(rulesVersion).metrics;
        keys = new bytes32[](metrics.length);
        for (uint256 i = 0; i < metrics.length; ++i) {
            bytes32 metricKey = keccak256(bytes(metrics[i].name));
            if (_trackedIndex[metricKey] != 0) keys[i] = metricKey;
        }
        cached.trackingVersion = _trackingVersion;
        cached.keys = keys;
    }

    function _add(bytes32 metricKey, address contributor, euint64 value) private {
        uint64 round = _sealedRounds[metricKey] + 1;
        Round storage open = _rounds[metricKey][round];
        euint128 wide = FHE.asEuint128(value);
        euint128 sum = open.submissions == 0 ? wide : FHE.add(open.sum, wide);
        FHE.allowThis(sum);
        open.sum = sum;
        ++open.submissions;
        if (!_fed[metricKey][round][contributor]) {
            _fed[metricKey][round][contributor] = true;
            ++open.contributors;
        }
        emit MetricRecorded(metricKey, round, msg.sender, open.contributors, sum);
    }
}
