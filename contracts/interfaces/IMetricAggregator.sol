// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {euint64, euint128} from "@fhevm/solidity/lib/FHE.sol";

/**
 * @title IMetricAggregator
 * @notice Encrypted sums of one metric (by name, e.g. "computeUnits") across the models of a registry that
 * the aggregate governance approved, revealed publicly in rounds with encrypted noise added. Rounds are
 * windows on a fixed time grid: a round ends on a grid boundary, and it is sealed only after its end and
 * only once at least `minContributors` distinct contributors fed it (until then its end moves to the next
 * boundary). The next round starts from zero. Rounds never overlap, so no two reveals can be subtracted to
 * isolate fewer than `minContributors` contributors; what a round holds depends on submission times only,
 * never on who seals it when; and each public sum is noisy by less than 2^NOISE_BITS.
 */
interface IMetricAggregator {
    /// @notice One reveal round of a tracked metric.
    struct Round {
        uint32 contributors; // distinct contributors who fed the round
        uint64 submissions; // submissions added to the round
        uint64 end; // grid boundary from which the round may be sealed (0 until its first value)
        euint128 sum; // encrypted sum of the capped values; once sealed, that sum plus noise (the revealed handle)
        bool closed; // the round's sum was made publicly decryptable (it takes no more values)
        bool revealed; // the clear sum was recorded with a valid KMS proof
        uint128 value; // the clear noisy sum (once revealed)
    }

    /// @notice The caller may not do this.
    error MetricAggregatorUnauthorized(address caller);
    /// @notice `minContributors` is below the k-anonymity floor.
    error MetricAggregatorInvalidMinContributors(uint32 minContributors, uint32 floor);
    /// @notice The metric name is empty.
    error MetricAggregatorEmptyName();
    /// @notice The metric is already tracked.
    error MetricAggregatorAlreadyTracked(string name);
    /// @notice The metric is not tracked.
    error MetricAggregatorNotTracked(string name);
    /// @notice More tracked metrics than supported (each costs every matching submission HCU).
    error MetricAggregatorTooManyMetrics(uint256 max);
    /// @notice The caller (or the pool to approve) is not a pool of the registry.
    error MetricAggregatorUnknownPool(address caller);
    /// @notice The pool already feeds the aggregates.
    error MetricAggregatorPoolAlreadyApproved(address pool);
    /// @notice The pool is not approved.
    error MetricAggregatorPoolNotApproved(address pool);
    /// @notice The round's end (a grid boundary) has not passed yet: rounds are sealed on schedule, not on demand.
    error MetricAggregatorRoundNotEnded(string name, uint64 round, uint64 end);
    /// @notice The round has fewer distinct contributors than `minContributors`: its sum stays encrypted.
    error MetricAggregatorBelowThreshold(string name, uint64 round, uint32 contributors, uint32 minContributors);
    /// @notice The round is not sealed, or already revealed.
    error MetricAggregatorRoundNotPending(string name, uint64 round);

    /// @notice A metric name is now aggregated across models (from the next submission on).
    event MetricTracked(bytes32 indexed metricKey, string name);
    /// @notice A metric name is no longer aggregated; its open round stays as it is.
    event MetricUntracked(bytes32 indexed metricKey, string name);
    /// @notice The aggregate governance let a pool's submissions feed the aggregates (from its next submission on).
    event PoolApproved(address indexed pool);
    /// @notice A pool no longer feeds the aggregates (values it already added stay in their rounds).
    event PoolRevoked(address indexed pool);
    /// @notice A round's end was set: at its first value, or moved to the next boundary because it had fewer
    /// than `minContributors` contributors at its end.
    event RoundScheduled(bytes32 indexed metricKey, uint64 indexed round, uint64 end);
    /// @notice A submission's capped metric value was added to a round (the value stays encrypted).
    event MetricRecorded(
        bytes32 indexed metricKey,
        uint64 indexed round,
        address indexed pool,
        uint32 roundContributors,
        euint128 sum
    );
    /// @notice At sealing, uniform noise below 2^noiseBits was added to the round's sum (`sum`, the last
    /// recorded handle), giving `noisySum`, the only handle made publicly decryptable.
    event AggregateNoised(
        bytes32 indexed metricKey,
        uint64 indexed round,
        uint8 noiseBits,
        euint128 sum,
        euint128 noisySum
    );
    /// @notice A round past its end with at least `minContributors` contributors was sealed and its noisy sum
    /// (`sum`) made publicly decryptable; a new round began.
    event AggregateRevealRequested(
        bytes32 indexed metricKey,
        uint64 indexed round,
        uint32 contributors,
        uint64 submissions,
        euint128 sum
    );
    /// @notice A round's clear noisy sum was recorded with a valid KMS decryption proof; `cumulative` is the sum
    /// of every revealed (noisy) round.
    event AggregateRevealed(bytes32 indexed metricKey, uint64 indexed round, uint128 value, uint256 cumulative);

    /**
     * @notice Starts aggregating a metric name across models. Only the aggregator's governance.
     * @param name The metric name as it appears in model schemas.
     */
    function trackMetric(string calldata name) external;

    /**
     * @notice Stops aggregating a metric name. Only the aggregator's governance.
     * @param name A tracked metric name.
     */
    function untrackMetric(string calldata name) external;

    /**
     * @notice Lets a pool of the registry feed the aggregates. Only the aggregator's governance.
     * @dev Anyone can create a model with a tracked metric name and any number of attested "contributors":
     * admission is what keeps such a model from filling a round around one victim.
     * @param pool A pool of the registry.
     */
    function approvePool(address pool) external;

    /**
     * @notice Stops a pool feeding the aggregates. Only the aggregator's governance.
     * @param pool An approved pool.
     */
    function revokePool(address pool) external;

    /**
     * @notice Adds a submission's capped metric values to the open rounds of the tracked ones. Seals first an
     * open round whose end has passed and that has `minContributors` contributors (the value then opens the
     * next round), or moves the end of one with fewer to the next grid boundary.
     * @dev Only pools of the registry (others revert); a pool that is not approved returns without effect, so a
     * submission never fails because of the aggregator. The pool allows each handle transiently to this contract.
     * @param contributor The contributor the submission counts for.
     * @param rulesVersion The pool rules version of the submission (gives the metric names).
     * @param cappedMetrics min(metric, cap) per metric of that version, in schema order.
     */
    function recordMetrics(address contributor, uint32 rulesVersion, euint64[] calldata cappedMetrics) external;

    /**
     * @notice Seals the open round of a metric once its end has passed and it has at least `minContributors`
     * distinct contributors: adds noise below 2^NOISE_BITS to its sum, makes that noisy sum publicly
     * decryptable and starts the next round. Anyone may call; the call cannot change what the round holds.
     * @param name A metric name.
     * @return round The sealed round.
     */
    function requestReveal(string calldata name) external returns (uint64 round);

    /**
     * @notice Records the clear noisy sum of a sealed round; anyone may call, once per round.
     * @param name The metric name.
     * @param round A sealed, unrevealed round.
     * @param value The clear noisy sum (true sum plus noise below 2^NOISE_BITS).
     * @param decryptionProof The KMS-signed decryption proof for the round's noisy sum handle.
     */
    function revealAggregate(
        string calldata name,
        uint64 round,
        uint128 value,
        bytes calldata decryptionProof
    ) external;
}
