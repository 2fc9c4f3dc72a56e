// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64, euint128} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/**
 * @title MetricAggregator
 * @notice Encrypted cross-model sums of a metric (say, all "computeUnits" contributed to the approved models
 * of the registry), public only in k-anonymous, scheduled and noisy rounds.
 * @dev Created by the {ModelRegistry} constructor, so only that registry's pools can call it, and only the
 * pools its governance approved feed it. A pool passes the capped value of every metric of each submission;
 * the values of tracked metric names are widened to `euint128` and added to the metric's open round, so no
 * sum can wrap (fewer than 2^64 additions of values below 2^64, plus noise below 2^NOISE_BITS).
 *
 * Designed against an attacker with free identities who chooses when to call every permissionless function:
 * - Admission: anyone can create a model with a tracked metric name, be its attestor and attest any number
 *   of "contributors"; such a model feeds nothing until the aggregate governance approves its pool.
 * - Schedule: rounds end on a fixed grid of {ROUND_LENGTH} from {genesis}. A round is sealed only once its end
 *   has passed and it has at least {minContributors} distinct contributors (otherwise its end moves to the
 *   next boundary; rounds are never merged, which would count a contributor twice). The first submission after
 *   the end seals it before its own value is added, so a round holds exactly the submissions made before its
 *   end (or extended end): nobody can cut a round around one submission by choosing when to seal.
 * - Noise: sealing adds encrypted uniform noise below 2^NOISE_BITS to the round's sum and only that noisy sum
 *   becomes decryptable. k−1 Sybils of an approved self-reported pool can still share a round with one victim;
 *   the noise then leaves the victim's value uncertain over 2^NOISE_BITS values (at least NOISE_BITS − 1 bits
 *   for any value at least 2^(NOISE_BITS−1) from the bounds of its range). Public aggregates are therefore
 *   high by less than 2^NOISE_BITS per round, and the cumulative total is the sum of the noisy reveals.
 * Revealing running totals instead of per-round sums would let anyone subtract two successive reveals.
 */
contract MetricAggregator is IMetricAggregator, ZamaEthereumConfig {
    /// @notice k-anonymity floor for every revealed sum.
    uint32 public constant MIN_CONTRIBUTORS_FLOOR = 3;
    /// @notice Most metric names tracked at once (each tracked value costs its submission one 128-bit add).
    uint256 public constant MAX_TRACKED_METRICS = 16;
    /// @notice Length of the round grid: a round ends on a boundary `genesis + n * ROUND_LENGTH`.
    uint64 public constant ROUND_LENGTH = 1 days;
    /// @notice Width of the uniform noise added to every revealed round: [0, 2^NOISE_BITS). 20 bits (about
    /// 10^6) is the scale of one capped metric (the default computeUnits cap is 10^6), so a round that holds
    /// one real submission among Sybil zeros still hides it over about a million values, while a round of
    /// many real contributors (sums far above 2^20) stays useful; each reveal is high by at most 2^20 − 1.
    uint8 public constant NOISE_BITS = 20;

    /// @notice The registry whose pools feed the aggregates.
    IModelRegistry public immutable registry;
    /// @notice Address allowed to choose the tracked metric names (the DAO's timelock); zero = none ever.
    address public immutable governance;
    /// @notice Distinct contributors a round needs before its sum may be revealed.
    uint32 public immutable minContributors;
    /// @notice Origin of the round grid (the deployment time).
    uint64 public immutable genesis;
    /// @dev Code hash of an ERC-1167 clone of the registry's pool implementation: every registry pool has it, so a
    /// submission of an unapproved pool is told apart from a stranger's call without asking the registry.
    bytes32 private immutable _poolCodeHash;

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
    mapping(address pool => bool) private _approvedPools;

    /**
     * @param governance_ Address allowed to track and untrack metric names.
     * @param minContributors_ Distinct contributors per revealed round (at least {MIN_CONTRIBUTORS_FLOOR}).
     * @param poolImplementation The implementation the registry's pools are clones of.
     */
    constructor(address governance_, uint32 minContributors_, address poolImplementation) {
        require(
            minContributors_ >= MIN_CONTRIBUTORS_FLOOR,
            MetricAggregatorInvalidMinContributors(minContributors_, MIN_CONTRIBUTORS_FLOOR)
        );
        registry = IModelRegistry(msg.sender);
        governance = governance_;
        minContributors = minContributors_;
        genesis = uint64(block.timestamp);
        _poolCodeHash = keccak256(
            abi.encodePacked(hex"363d3d373d3d3d363d73", poolImplementation, hex"5af43d82803e903d91602b57fd5bf3")
        );
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
    function approvePool(address pool) external {
        _onlyGovernance();
        require(registry.modelIdOf(pool) != 0, MetricAggregatorUnknownPool(pool));
        require(!_approvedPools[pool], MetricAggregatorPoolAlreadyApproved(pool));
        _approvedPools[pool] = true;
        emit PoolApproved(pool);
    }

    /// @inheritdoc IMetricAggregator
    function revokePool(address pool) external {
        _onlyGovernance();
        require(_approvedPools[pool], MetricAggregatorPoolNotApproved(pool));
        delete _approvedPools[pool];
        emit PoolRevoked(pool);
    }

    /// @inheritdoc IMetricAggregator
    function recordMetrics(address contributor, uint32 rulesVersion, euint64[] calldata cappedMetrics) external {
        if (!_approvedPools[msg.sender]) {
            // Approved pools are registry pools (checked at approval). Any other pool is ignored, so its submission
            // never fails because of us, and costs no call back to the registry: a clone's code hash tells a pool
            // (which cannot feed anything unapproved) from a stranger, which is refused.
            require(msg.sender.codehash == _poolCodeHash, MetricAggregatorUnknownPool(msg.sender));
            return;
        }
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
        // On schedule only: sealing at a chosen moment would let the caller cut a round around one submission.
        require(block.timestamp >= open.end, MetricAggregatorRoundNotEnded(name, round, open.end));
        _seal(metricKey, round, open);
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
     * @return record Its contributors, submissions, end and encrypted sum.
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
     * @return The round (all zero if it never received a value); `end` may lie in the past for a round below
     * the threshold: its next submission moves it to the next grid boundary.
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

    /**
     * @notice Whether a pool's submissions feed the aggregates.
     * @param pool A pool address.
     * @return True when approved by the aggregate governance.
     */
    function isApprovedPool(address pool) external view returns (bool) {
        return _approvedPools[pool];
    }

    /**
     * @notice The first grid boundary strictly after a time: the end a round opened (or extended) then gets.
     * @param timestamp A time at or after {genesis}.
     * @return The boundary.
     */
    function nextBoundary(uint64 timestamp) public view returns (uint64) {
        return genesis + ((timestamp - genesis) / ROUND_LENGTH + 1) * ROUND_LENGTH;
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
        if (open.end == 0) {
            _schedule(metricKey, round, open);
        } else if (block.timestamp >= open.end) {
            if (open.contributors >= minContributors) {
                // The round ended with k: seal it as it was at its end; this value opens the next one.
                _seal(metricKey, round, open);
                ++round;
                open = _rounds[metricKey][round];
            }
            // Fewer than k at its end: it stays open one more period (never merged into another round).
            _schedule(metricKey, round, open);
        }
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

    function _schedule(bytes32 metricKey, uint64 round, Round storage open) private {
        uint64 end = nextBoundary(uint64(block.timestamp));
        open.end = end;
        emit RoundScheduled(metricKey, round, end);
    }

    /// @dev Seals a round of at least k contributors past its end: only sum + noise becomes decryptable.
    /// Sealed rounds never grow again, so each public sum covers its own k or more contributors only.
    function _seal(bytes32 metricKey, uint64 round, Round storage open) private {
        open.closed = true;
        _sealedRounds[metricKey] = round;
        euint128 sum = open.sum;
        euint128 noisy = FHE.add(sum, FHE.randEuint128(uint128(1) << NOISE_BITS));
        FHE.allowThis(noisy);
        open.sum = noisy;
        FHE.makePubliclyDecryptable(noisy);
        emit AggregateNoised(metricKey, round, NOISE_BITS, sum, noisy);
        emit AggregateRevealRequested(metricKey, round, open.contributors, open.submissions, noisy);
    }
}
