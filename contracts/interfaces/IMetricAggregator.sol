// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {euint64, euint128} from "@fhevm/solidity/lib/FHE.sol";

/**
 * @title IMetricAggregator
 * @notice Encrypted sums of one metric (by name, e.g. "computeUnits") across every model of a registry,
 * revealed publicly in rounds: a round is revealed only once at least `minContributors` distinct
 * contributors fed it, and the next round starts from zero. Rounds never overlap, so no two reveals
 * can be subtracted to isolate fewer than `minContributors` contributors.
 */
interface IMetricAggregator {
    /// @notice One reveal round of a tracked metric.
    struct Round {
        uint32 contributors; // distinct contributors who fed the round
        uint64 submissions; // submissions added to the round
        euint128 sum; // encrypted sum of the capped metric values
        bool closed; // the round's sum was made publicly decryptable (it takes no more values)
        bool revealed; // the clear sum was recorded with a valid KMS proof
        uint128 value; // the clear sum (once revealed)
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
    /// @notice The caller is not a pool of the registry.
    error MetricAggregatorUnknownPool(address caller);
    /// @notice The round has fewer distinct contributors than `minContributors`: its sum stays encrypted.
    error MetricAggregatorBelowThreshold(string name, uint64 round, uint32 contributors, uint32 minContributors);
    /// @notice The round is not sealed, or already revealed.
    error MetricAggregatorRoundNotPending(string name, uint64 round);

    /// @notice A metric name is now aggregated across models (from the next submission on).
    event MetricTracked(bytes32 indexed metricKey, string name);
    /// @notice A metric name is no longer aggregated; its open round stays as it is.
    event MetricUntracked(bytes32 indexed metricKey, string name);
    /// @notice A submission's capped metric value was added to a round (the value stays encrypted).
    event MetricRecorded(
        bytes32 indexed metricKey,
        uint64 indexed round,
        address indexed pool,
        uint32 roundContributors,
        euint128 sum
    );
    /// @notice A round reached the threshold and its sum was made publicly decryptable; a new round began.
    event AggregateRevealRequested(
        bytes32 indexed metricKey,
        uint64 indexed round,
        uint32 contributors,
        uint64 submissions,
        euint128 sum
    );
    /// @notice A round's clear sum was recorded with a valid KMS decryption proof.
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
     * @notice Adds a submission's capped metric values to the open rounds of the tracked ones.
     * @dev Only pools of the registry; the pool allows each handle transiently to this contract.
     * @param contributor The contributor the submission counts for.
     * @param rulesVersion The pool rules version of the submission (gives the metric names).
     * @param cappedMetrics min(metric, cap) per metric of that version, in schema order.
     */
    function recordMetrics(address contributor, uint32 rulesVersion, euint64[] calldata cappedMetrics) external;

    /**
     * @notice Seals the open round of a metric once it has at least `minContributors` distinct contributors,
     * makes its sum publicly decryptable and starts the next round. Anyone may call.
     * @param name A metric name.
     * @return round The sealed round.
     */
    function requestReveal(string calldata name) external returns (uint64 round);

    /**
     * @notice Records the clear sum of a sealed round; anyone may call, once per round.
     * @param name The metric name.
     * @param round A sealed, unrevealed round.
     * @param value The clear sum.
     * @param decryptionProof The KMS-signed decryption proof for the round's sum handle.
     */
    function revealAggregate(
        string calldata name,
        uint64 round,
        uint128 value,
        bytes calldata decryptionProof
    ) external;
}
