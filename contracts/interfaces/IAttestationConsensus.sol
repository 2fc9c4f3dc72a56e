// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {ebool, euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";

/**
 * @title IAttestationConsensus
 * @notice Encrypted multi-attestor consensus for one model: several authorized attestors each submit
 * encrypted metrics about a contributor without seeing the others' values; one O(1) finalize step per
 * contributor takes the encrypted lower median per metric and submits it to the model's pool, which
 * applies weights and caps. Each attestor can decrypt one bit about its own attestation: whether its weighted
 * deviation from the consensus is within the governed tolerance (never the deviation itself, which would tell
 * an attestor that submitted zeros the contributor's exact score).
 * @dev A model "requires consensus" by listing this contract as the ONLY attestor of its pool rules with
 * `attestationRequired: true`. Outcome rule of {finalize}, decided in plaintext from the public
 * attestation count (never by branching on a ciphertext):
 * - count >= minAttestations: the lower median of the `count` attested values, per metric, is added to the
 *   contributor's score (weights and caps applied by the pool);
 * - count < minAttestations: nothing is counted for the contributor in that epoch.
 * {finalize} is possible as soon as `attestationsRequired` attestors attested, or, with fewer, once the
 * finalization period before the pool epoch's end has begun (attesting stops then); never at or after the
 * epoch's end, which is always read from the pool (it can be extended for k-anonymity).
 */
interface IAttestationConsensus {
    /// @notice A consensus configuration (one numbered version).
    struct ConsensusConfig {
        // Attestors authorized to attest (bounded, no zero address, no duplicates).
        address[] attestors;
        // Attestations wanted per contributor and epoch: 3 or 5 (an odd count has a true median).
        uint8 attestationsRequired;
        // Fewest attestations that still count at finalization: 2..attestationsRequired.
        uint8 minAttestations;
        // Seconds before the pool epoch's end when attesting stops and incomplete contributors may be finalized.
        uint64 finalizationPeriod;
        // Largest weighted deviation from the consensus that counts as "within tolerance" (score units); below the
        // pool's largest submission score, or every attestor would always be within it.
        uint64 deviationTolerance;
    }

    /// @notice Public state of one contributor in one epoch: attestation count and finalization outcome.
    struct Tally {
        uint8 count;
        bool finalized;
        bool counted;
    }

    /// @notice A zero address where a contract is required.
    error AttestationConsensusZeroAddress();
    /// @notice The caller may not change the configuration.
    error AttestationConsensusUnauthorized(address caller);
    /// @notice The panel has fewer attestors than required or more than the maximum.
    error AttestationConsensusInvalidPanelSize(uint256 size, uint256 min, uint256 max);
    /// @notice A panel entry is the zero address or a duplicate.
    error AttestationConsensusInvalidAttestor(uint256 index, address attestor);
    /// @notice `attestationsRequired` is not 3 or 5.
    error AttestationConsensusInvalidRequired(uint8 attestationsRequired);
    /// @notice `minAttestations` is outside [2, attestationsRequired].
    error AttestationConsensusInvalidMinimum(uint8 minAttestations, uint8 attestationsRequired);
    /// @notice The finalization period is outside the supported range.
    error AttestationConsensusInvalidFinalizationPeriod(uint64 finalizationPeriod, uint64 min, uint64 max);
    /// @notice The deviation tolerance is not below the pool's largest submission score `max` (sum of weight * cap
    /// of its newest rules): every deviation would be within it.
    error AttestationConsensusInvalidTolerance(uint64 deviationTolerance, uint256 max);
    /// @notice With `attestations` attestations over the pool's newest rules (`metricCount` metrics, every one
    /// tracked across models), a finalize could cost `hcu` HCU at depth `depth`, above the budgets `hcuBudget` /
    /// `depthBudget` kept below the fhEVM's per-transaction limits (20,000,000 HCU, 5,000,000 depth).
    error AttestationConsensusFinalizeTooExpensive(
        uint8 attestations,
        uint256 metricCount,
        uint256 hcu,
        uint256 hcuBudget,
        uint256 depth,
        uint256 depthBudget
    );

    /// @notice The caller is not on the attestor panel in force for the epoch.
    error AttestationConsensusNotAttestor(uint256 epochId, address account);
    /// @notice The contributor is the zero address.
    error AttestationConsensusInvalidContributor(address contributor);
    /// @notice An attestor may not attest about itself.
    error AttestationConsensusSelfAttestation(address attestor);
    /// @notice The attestor already attested this contributor in this epoch.
    error AttestationConsensusAlreadyAttested(uint256 epochId, address contributor, address attestor);
    /// @notice The contributor already has every attestation required.
    error AttestationConsensusAttestationsComplete(uint256 epochId, address contributor, uint8 attestationsRequired);
    /// @notice The number of encrypted metrics does not match the epoch's schema.
    error AttestationConsensusWrongMetricCount(uint256 given, uint256 expected);
    /// @notice Attesting for the epoch stopped at `closedAt` (finalization period or epoch end).
    error AttestationConsensusAttestationClosed(uint256 epochId, uint64 closedAt);
    /// @notice The contributor was already finalized in this epoch.
    error AttestationConsensusAlreadyFinalized(uint256 epochId, address contributor);
    /// @notice Fewer attestations than required and the finalization period has not begun.
    error AttestationConsensusFinalizationNotOpen(uint256 epochId, address contributor, uint8 count, uint64 opensAt);
    /// @notice The pool epoch has ended: nothing more can be submitted to it.
    error AttestationConsensusEpochEnded(uint256 epochId, uint64 end);
    /// @notice Nobody attested the contributor in this epoch.
    error AttestationConsensusNoAttestations(uint256 epochId, address contributor);
    /// @notice The contributor has not been finalized in this epoch.
    error AttestationConsensusNotFinalized(uint256 epochId, address contributor);
    /// @notice The contributor was finalized with fewer than `minAttestations`: there is no consensus.
    error AttestationConsensusNotCounted(uint256 epochId, address contributor);
    /// @notice The caller did not attest this contributor in this epoch.
    error AttestationConsensusDidNotAttest(uint256 epochId, address contributor, address attestor);
    /// @notice The caller's deviation bit for this contributor and epoch was already computed.
    error AttestationConsensusDeviationExists(uint256 epochId, address contributor, address attestor);

    /// @notice A configuration version was recorded; it applies from pool epoch `fromEpochId` (a later call in
    /// the same epoch replaces a pending version under the same number).
    event ConsensusConfigScheduled(
        uint32 indexed version,
        uint256 fromEpochId,
        address[] attestors,
        uint8 attestationsRequired,
        uint8 minAttestations,
        uint64 finalizationPeriod,
        uint64 deviationTolerance
    );
    /// @notice An attestor submitted encrypted metrics about a contributor (only that attestor may decrypt them).
    event Attested(
        uint256 indexed epochId,
        address indexed contributor,
        address indexed attestor,
        uint8 count,
        euint64[] metrics
    );
    /// @notice A contributor's attestations were finalized. `counted` false: fewer than `minAttestations`, nothing
    /// was submitted to the pool (no medians, score handle zero). Otherwise the medians went to the pool and
    /// `score` is the contributor's updated score there (only the contributor may decrypt it).
    event ConsensusFinalized(
        uint256 indexed epochId,
        address indexed contributor,
        address indexed caller,
        uint8 attestations,
        bool counted,
        euint64[] medians,
        euint64 score
    );
    /// @notice Whether an attestor's weighted deviation from the consensus is at most `deviationTolerance` was
    /// computed: `withinTolerance` is one encrypted bit only that attestor may decrypt (the deviation itself is
    /// never stored, allowed or emitted).
    event DeviationChecked(
        uint256 indexed epochId,
        address indexed contributor,
        address indexed attestor,
        uint64 deviationTolerance,
        ebool withinTolerance
    );

    /**
     * @notice Records a new configuration; it applies from the pool's next epoch, never to the running one.
     * @dev Only {governance}. A second call in the same epoch replaces the pending version.
     * @param config The new panel, attestation counts and finalization period.
     * @return version The version number recorded (or replaced).
     * @return fromEpochId The pool epoch it applies from.
     */
    function setConfig(ConsensusConfig calldata config) external returns (uint32 version, uint256 fromEpochId);

    /**
     * @notice A panel attestor submits encrypted metrics about `contributor` for the pool's current epoch.
     * @dev One attestation per (epoch, contributor, attestor), at most `attestationsRequired` per contributor,
     * only before the finalization period and before the contributor is finalized. The values are allowed
     * to this contract and the attestor only.
     * @param contributor The contributor the metrics are about (not zero, not the caller).
     * @param metrics One `externalEuint64` per metric of the epoch's schema, in schema order.
     * @param inputProof The input proof binding the handles to this contract and the caller.
     * @return count The contributor's attestation count in this epoch after this one.
     */
    function attest(
        address contributor,
        externalEuint64[] calldata metrics,
        bytes calldata inputProof
    ) external returns (uint8 count);

    /**
     * @notice Finalizes a contributor's attestations of the current pool epoch; anyone may call, once.
     * @dev Allowed as soon as `attestationsRequired` attestors attested, or with fewer once the finalization
     * period has begun; never at or after the epoch's end. With at least `minAttestations` the encrypted lower
     * median per metric is submitted to the pool; with fewer nothing is counted. O(1): at most 5 values per
     * metric, a fixed network of FHE.min / FHE.max.
     * @param contributor A contributor with at least one attestation in the current epoch.
     * @return counted True when the medians were submitted to the pool.
     */
    function finalize(address contributor) external returns (bool counted);

    /**
     * @notice Whether the calling attestor's weighted deviation from the consensus of a finalized contributor,
     * sum_k weight_k * |min(a_k, cap_k) - min(median_k, cap_k)| with the epoch's pool weights and caps, is at most
     * the `deviationTolerance` of the consensus configuration in force for that epoch: one encrypted bit.
     * @dev The deviation is an intermediate of this transaction only: never stored, allowed or emitted. It is a
     * function of the median the pool counted and of values the attestor chose (zeros make it the contributor's
     * score), so only the comparison leaves: an attestor learns at most one bit about the contributor per
     * (epoch, contributor). Once per (epoch, contributor, attestor); only the attestor (and this contract) may
     * decrypt the bit.
     * @param epochId The pool epoch.
     * @param contributor A contributor the caller attested and that was finalized with a consensus.
     * @return withinTolerance The encrypted bit `deviation <= deviationTolerance`.
     */
    function computeDeviation(uint256 epochId, address contributor) external returns (ebool withinTolerance);

    /**
     * @notice Number of configuration versions recorded (the newest may still be pending).
     * @return The newest version.
     */
    function configVersionCount() external view returns (uint32);

    /**
     * @notice A configuration version and the pool epoch it applies from.
     * @param version A version from 1 to {configVersionCount}.
     * @return config The configuration.
     * @return fromEpochId First pool epoch it applies to (0 for the initial version).
     */
    function getConfig(uint32 version) external view returns (ConsensusConfig memory config, uint256 fromEpochId);

    /**
     * @notice The configuration in force for a pool epoch.
     * @param epochId Any pool epoch id.
     * @return version The version in force.
     * @return config The configuration.
     */
    function configForEpoch(uint256 epochId) external view returns (uint32 version, ConsensusConfig memory config);

    /**
     * @notice The configuration waiting for the next pool epoch, if any.
     * @return pending True when a version applies from a later epoch than the current one.
     * @return version Its number (0 when none).
     * @return fromEpochId The epoch it applies from (0 when none).
     */
    function pendingConfig() external view returns (bool pending, uint32 version, uint256 fromEpochId);

    /**
     * @notice Whether `account` is on the attestor panel in force for a pool epoch.
     * @param epochId Any pool epoch id.
     * @param account Any address.
     * @return True for a panel attestor.
     */
    function isPanelAttestor(uint256 epochId, address account) external view returns (bool);

    /**
     * @notice Attestation count and finalization outcome of a contributor in an epoch (all public).
     * @param epochId A pool epoch id.
     * @param contributor Any address.
     * @return The tally.
     */
    function tallyOf(uint256 epochId, address contributor) external view returns (Tally memory);

    /**
     * @notice Whether an attestor attested a contributor in an epoch.
     * @param epochId A pool epoch id.
     * @param contributor Any address.
     * @param attestor Any address.
     * @return True after the attestation.
     */
    function hasAttested(uint256 epochId, address contributor, address attestor) external view returns (bool);

    /**
     * @notice The encrypted metrics an attestor submitted (only that attestor may decrypt them).
     * @param epochId A pool epoch id.
     * @param contributor The contributor.
     * @param attestor The attestor.
     * @return The handles (empty when the attestor did not attest).
     */
    function attestationOf(
        uint256 epochId,
        address contributor,
        address attestor
    ) external view returns (euint64[] memory);

    /**
     * @notice The encrypted medians submitted for a contributor (nobody may decrypt them; the pool used them).
     * @param epochId A pool epoch id.
     * @param contributor The contributor.
     * @return The handles (empty unless finalized with a consensus).
     */
    function mediansOf(uint256 epochId, address contributor) external view returns (euint64[] memory);

    /**
     * @notice Whether an attestor's deviation from the consensus was within the tolerance: one encrypted bit only
     * that attestor may decrypt.
     * @param epochId A pool epoch id.
     * @param contributor The contributor.
     * @param attestor The attestor.
     * @return The ebool handle (uninitialized before {computeDeviation}).
     */
    function withinToleranceOf(uint256 epochId, address contributor, address attestor) external view returns (ebool);

    /**
     * @notice When attesting stops for the current pool epoch (its end minus the finalization period).
     * @return epochId The current pool epoch.
     * @return closesAt Attesting is possible while `block.timestamp < closesAt`; incomplete contributors may
     * be finalized from then on.
     * @return end The epoch's end as the pool reports it (finalize only before it).
     */
    function schedule() external view returns (uint256 epochId, uint64 closesAt, uint64 end);
}
