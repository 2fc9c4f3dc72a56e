// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {euint64, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IMetricAggregator} from "./IMetricAggregator.sol";

/**
 * @title IRoyaltyPool
 * @notice One AI model's royalty pool: contributors submit encrypted metrics per epoch, funders
 * pay the pool in a public ERC20 (wrapped into a confidential ERC7984 token), the epoch total is
 * revealed once enough distinct contributors took part, and each contributor claims an encrypted
 * share `floor(score * pool / total)` (or one unit less), credited to their balance in the registry's payout vault.
 * @dev Nothing here reveals an individual's metrics, score or share: events carry ciphertext
 * handles and public aggregates only.
 */
interface IRoyaltyPool {
    /// @notice Lifecycle of an epoch.
    enum EpochState {
        None, // never started
        Open, // accepting contributions and funds
        Closed, // total made publicly decryptable, waiting for the KMS-signed reveal
        Revealed // total public, contributors can claim
    }

    /// @notice Kinds of step recorded in an epoch's tamper-evident log.
    enum LogStep {
        Submit, // fields: contributor, attestor (zero if self-reported), bonus class, rulesVersion, score, total
        Fund, // fields: funder, amount, units
        Extend, // fields: new end, participants, rules version in force from now on
        Close, // fields: participants, submissions, pool, total handle (with noise when the rules add it)
        Reveal, // fields: total, pool, share factor, share shift
        Claim, // fields: contributor, share handle
        CarryIn, // fields: source epoch, amount (a zero-total epoch's pool)
        Settle // fields: first epoch, last epoch, released amount carried in, hidden carry handle
    }

    /// @notice One metric of a model's schema with its plaintext weight and cap.
    struct Metric {
        string name;
        uint64 weight;
        uint64 cap;
    }

    /// @notice Rules a pool is deployed with (one numbered rules version).
    struct RulesParams {
        Metric[] metrics;
        uint64 epochLength;
        uint32 minParticipants;
        uint32 maxSubmissionsPerContributor;
        // When true, only attestors submit (metrics about a contributor); otherwise contributors self-report too.
        bool attestationRequired;
        address[] attestors;
        // Multipliers of the governance-approved bonus classes 1..n an attestor may attach (class 0 = x1).
        uint64[] bonusMultipliers;
        // Seconds after the reveal during which only contributors claim their shares; afterwards anyone may push
        // an unclaimed share into its contributor's vault balance. 0 = the longest window (730 days).
        uint64 claimWindow;
        // At close, encrypted random noise in [0, 2^noiseBits) is added to the epoch total before its reveal,
        // so k-1 colluders cannot subtract their way to the last contributor's exact score. 0 = no noise
        // (then free Sybil identities defeat k-anonymity in a self-reported pool). Needs a claim window.
        uint8 noiseBits;
    }

    /// @notice A numbered rules version as stored, with its derived overflow bounds.
    struct Rules {
        Metric[] metrics;
        uint64 epochLength;
        uint32 minParticipants;
        uint32 maxSubmissionsPerContributor;
        bool attestationRequired;
        address[] attestors;
        uint64[] bonusMultipliers;
        uint64 claimWindow;
        uint8 noiseBits;
        uint64 maxSubmissionScore;
        uint64 maxSubmissionsPerEpoch;
    }

    /// @notice Public record of one epoch.
    struct Epoch {
        uint64 start;
        uint64 end;
        uint32 rulesVersion;
        EpochState state;
        uint32 participants;
        uint32 claims;
        uint64 submissions;
        uint64 pool;
        uint64 revealedTotal;
        uint64 logLength;
        uint128 shareFactor;
        uint8 shareShift;
        bool wideShare;
        uint64 revealedAt;
        euint64 total;
        bytes32 logDigest;
        // Plaintext bound of the encrypted total so far: the sum of each submission's maxSubmissionScore under
        // the rules version it was made with (an extended epoch may adopt a newer version).
        uint64 scoreBound;
        // With noise: the encrypted total before the noise (only the pool may use it), from which the reveal
        // computes what the shares add up to at most; uninitialized without noise.
        euint64 totalBeforeNoise;
    }

    /// @notice A settlement in progress. `released` (publicly decryptable) is the part of the pool's unpaid
    /// remainder that moves into the public pool; `kept` (never decryptable) stays in the pool's balance,
    /// hidden by uniform noise below `2^maskBits`, and is part of the next settlement's remainder.
    struct PendingSettlement {
        euint64 released;
        euint64 kept;
        uint64 liability;
        uint8 maskBits;
        uint256 fromEpochId;
        uint256 toEpochId;
    }

    /// @notice The schema has no metric, or more than the pool supports.
    error RoyaltyPoolInvalidMetricCount(uint256 count, uint256 max);
    /// @notice A metric's weight or cap is zero.
    error RoyaltyPoolInvalidMetric(uint256 index, uint64 weight, uint64 cap);
    /// @notice `sum(weight * cap)` of one submission does not fit 64 bits.
    error RoyaltyPoolSubmissionBoundOverflow(uint256 maxSubmissionScore, uint256 limit);
    /// @notice The epoch could fill before k contributors each made their allowed submissions.
    error RoyaltyPoolEpochCapacityTooSmall(uint256 maxSubmissionsPerEpoch, uint256 needed);
    /// @notice The epoch length is outside the supported range.
    error RoyaltyPoolInvalidEpochLength(uint64 epochLength, uint64 min, uint64 max);
    /// @notice `minParticipants` is below the k-anonymity floor.
    error RoyaltyPoolInvalidMinParticipants(uint32 minParticipants, uint32 floor);
    /// @notice The per-contributor submission bound is zero.
    error RoyaltyPoolInvalidSubmissionBound(uint32 maxSubmissionsPerContributor);
    /// @notice The noise width is above the supported maximum.
    error RoyaltyPoolInvalidNoiseBits(uint8 noiseBits, uint8 max);
    /// @notice The rules' only attestor is an encrypted consensus whose finalize would exceed the HCU budget
    /// under these rules (every metric tracked across models): its epochs could never count anyone.
    error RoyaltyPoolConsensusTooExpensive(
        address consensus,
        uint256 attestations,
        uint256 hcu,
        uint256 hcuBudget,
        uint256 depth,
        uint256 depthBudget
    );
    /// @notice A masked settlement borrows `2^maskBits` from the current pool for its fresh mask, and the pool
    /// holds less: fund the current epoch with at least `needed - pool` more, then request the settlement again.
    error RoyaltyPoolMaskReserveShort(uint256 epochId, uint64 pool, uint64 needed);
    /// @notice Noise needs a claim window: without one, a single absent participant would block every later
    /// settlement and keep the noise hold-back of every epoch out of every pool.
    error RoyaltyPoolNoiseWithoutClaimWindow(uint8 noiseBits);
    /// @notice A zero address where a contract is required.
    error RoyaltyPoolZeroAddress();
    /// @notice The caller may not change the rules.
    error RoyaltyPoolUnauthorized(address caller);
    /// @notice Only the registry's payout vault may claim (every claim goes through it).
    error RoyaltyPoolNotPayoutVault(address caller);
    /// @notice More attestors than a rules version may list.
    error RoyaltyPoolTooManyAttestors(uint256 count, uint256 max);
    /// @notice An attestor is the zero address.
    error RoyaltyPoolInvalidAttestor(uint256 index);
    /// @notice Attestation is required but the rules list no attestor.
    error RoyaltyPoolNoAttestors();
    /// @notice More bonus classes than a rules version may define.
    error RoyaltyPoolTooManyBonusClasses(uint256 count, uint256 max);
    /// @notice A bonus multiplier is zero.
    error RoyaltyPoolInvalidMultiplier(uint256 index, uint64 multiplier);
    /// @notice The epoch's rules accept contributions from attestors only.
    error RoyaltyPoolAttestationRequired(uint256 epochId);
    /// @notice The caller is not an attestor of the epoch's rules version.
    error RoyaltyPoolNotAttestor(uint256 epochId, address account);
    /// @notice The bonus class is not defined by the epoch's rules version.
    error RoyaltyPoolUnknownBonusClass(uint8 bonusClass, uint256 classes);
    /// @notice The contributor of an attested contribution is the zero address.
    error RoyaltyPoolInvalidContributor(address contributor);

    /// @notice An encrypted metric handle the caller is not allowed to use (it could be anyone's ciphertext).
    error RoyaltyPoolUnauthorizedHandle(uint256 index);

    /// @notice The number of encrypted metrics does not match the epoch's schema.
    error RoyaltyPoolWrongMetricCount(uint256 given, uint256 expected);
    /// @notice The current epoch has ended; it must be closed before new contributions.
    error RoyaltyPoolEpochEnded(uint256 epochId, uint64 end);
    /// @notice The contributor reached the per-epoch submission bound.
    error RoyaltyPoolSubmissionLimitReached(uint256 epochId, address contributor, uint32 limit);
    /// @notice One more submission could overflow the epoch total.
    error RoyaltyPoolEpochCapacityReached(uint256 epochId, uint64 maxSubmissionsPerEpoch);

    /// @notice The amount is below one confidential token unit (`rate` underlying units).
    error RoyaltyPoolAmountBelowUnit(uint256 amount, uint256 rate);
    /// @notice The payment token delivered a different amount than requested (fee-on-transfer).
    error RoyaltyPoolUnsupportedToken(uint256 expected, uint256 received);
    /// @notice The epoch pool would exceed 64 bits of confidential units.
    error RoyaltyPoolPoolOverflow(uint256 epochId, uint256 pool);

    /// @notice The epoch has not reached its end time.
    error RoyaltyPoolEpochNotEnded(uint256 epochId, uint64 end);
    /// @notice The epoch is not in the state this call requires.
    error RoyaltyPoolUnexpectedEpochState(uint256 epochId, EpochState actual, EpochState expected);

    /// @notice The claim window has not ended (or the rules have none): only the contributor may claim.
    error RoyaltyPoolClaimWindowOpen(uint256 epochId, uint64 endsAt);
    /// @notice The claim window is outside the supported range.
    error RoyaltyPoolInvalidClaimWindow(uint64 claimWindow, uint64 min, uint64 max);
    /// @notice The caller made no contribution in the epoch.
    error RoyaltyPoolNoContribution(uint256 epochId, address contributor);
    /// @notice The caller already claimed the epoch.
    error RoyaltyPoolAlreadyClaimed(uint256 epochId, address contributor);
    /// @notice The epoch's total is zero or its pool is empty: every share is zero.
    error RoyaltyPoolNothingToClaim(uint256 epochId);
    /// @notice Some epoch is closed but not revealed: its pool is still owed to its contributors, so the
    /// remainder cannot be told apart from it yet. Reveal it first.
    error RoyaltyPoolEpochsOutstanding(uint256 outstandingEpochs);
    /// @notice No revealed epoch since the last settlement, or no balance to settle.
    error RoyaltyPoolNothingToSettle();
    /// @notice A settlement is already waiting for its reveal.
    error RoyaltyPoolSettlementPending();
    /// @notice No settlement was requested.
    error RoyaltyPoolNoPendingSettlement();

    /// @notice A step was appended to an epoch's hash chain: `digest = keccak256(abi.encode(previous, entry))`
    /// with `entry = keccak256(abi.encode(step, abi.encode(fields...)))`, fields as listed in {LogStep}.
    event LogAppended(uint256 indexed epochId, uint64 index, LogStep step, bytes32 entry, bytes32 digest);
    /// @notice A rules version was recorded.
    event RulesVersionCreated(uint32 indexed version, uint64 maxSubmissionScore, uint64 maxSubmissionsPerEpoch);
    /// @notice An epoch opened under a rules version.
    event EpochStarted(uint256 indexed epochId, uint64 start, uint64 end, uint32 rulesVersion);
    /// @notice A contribution was added to a contributor's encrypted score and the epoch total, either
    /// self-reported (`attestor` zero) or submitted about the contributor by an attestor.
    event ContributionSubmitted(
        uint256 indexed epochId,
        address indexed contributor,
        address indexed attestor,
        uint8 bonusClass,
        uint32 rulesVersion,
        euint64 score,
        euint64 total
    );
    /// @notice The pool of an epoch received funds.
    event PoolFunded(uint256 indexed epochId, address indexed funder, uint256 amount, uint64 units);
    /// @notice The epoch ended with fewer than `minParticipants` distinct contributors: it stays open.
    event EpochExtended(
        uint256 indexed epochId,
        uint64 newEnd,
        uint32 participants,
        uint32 minParticipants,
        uint32 rulesVersion
    );
    /// @notice An extended epoch adopted the newest rules version at its extension boundary (so a rules change,
    /// such as a lower k, can always reach an epoch that could not close).
    event EpochRulesAdopted(uint256 indexed epochId, uint32 fromVersion, uint32 toVersion);
    /// @notice Encrypted random noise below `2^noiseBits` was added to the epoch total before its reveal.
    event EpochTotalNoised(uint256 indexed epochId, uint8 noiseBits, euint64 total);
    /// @notice The epoch was closed and its total made publicly decryptable.
    event EpochClosed(uint256 indexed epochId, uint32 participants, uint64 submissions, uint64 pool, euint64 total);
    /// @notice The epoch total was revealed with a valid KMS decryption proof.
    event EpochTotalRevealed(uint256 indexed epochId, uint64 total, uint64 pool, uint128 shareFactor, uint8 shareShift);
    /// @notice A contributor's encrypted share was computed and credited to their balance in the payout vault.
    event RoyaltyClaimed(uint256 indexed epochId, address indexed contributor, euint64 share);
    /// @notice At the reveal, what the epoch's shares add up to at most (encrypted) moved into the payout vault.
    event EpochFundsMoved(uint256 indexed epochId, address vault, euint64 amount);
    /// @notice A revealed epoch with a zero total (or an empty pool) passed its whole pool to the current epoch.
    event PoolCarriedForward(uint256 indexed epochId, uint64 amount, uint256 indexed intoEpochId);
    /// @notice Every closed epoch is revealed: the unpaid remainder (balance minus `liability`, the current
    /// pool) plus `lent = 2^maskBits` taken from the pool of `lenderEpochId` was split into `kept`, a fresh
    /// uniform value below `2^maskBits` that stays hidden, and `released`, made publicly decryptable and paid
    /// into the current pool by {settle} (maskBits 0: nothing lent or kept, no noisy epoch was ever settled).
    event SettlementRequested(
        uint256 fromEpochId,
        uint256 toEpochId,
        uint64 liability,
        uint8 maskBits,
        euint64 released,
        euint64 kept,
        uint256 indexed lenderEpochId,
        uint64 lent
    );
    /// @notice The released part of the remainder (rounding dust and noise hold-back of epochs
    /// `fromEpochId..toEpochId` and earlier hidden carry, minus the new hidden carry) moved into `intoEpochId`.
    event PoolSettled(
        uint256 fromEpochId,
        uint256 toEpochId,
        uint64 released,
        euint64 kept,
        uint256 indexed intoEpochId
    );

    /**
     * @notice Initializes a freshly cloned pool (called by the registry in the clone's creation transaction).
     * @param modelName Name of the model.
     * @param payoutToken The ERC7984 wrapper of the payment token.
     * @param rules The metric schema and epoch rules (rules version 1).
     * @param governance Address allowed to record new rules versions; zero for rules fixed forever.
     * @param metricAggregator The registry's cross-model aggregates, fed the capped metrics of every submission.
     * @param payoutVault The registry's payout vault (claims, balances, withdrawals).
     */
    function initialize(
        string calldata modelName,
        IERC7984ERC20Wrapper payoutToken,
        RulesParams calldata rules,
        address governance,
        IMetricAggregator metricAggregator,
        address payoutVault
    ) external;

    /**
     * @notice Records a new rules version; it applies from the next epoch, never to a running one.
     * @dev Only {governance}. Bounds are checked as at initialization (no possible overflow).
     * @param rules The new schema and epoch rules.
     * @return version The new version number.
     */
    function updateRules(RulesParams calldata rules) external returns (uint32 version);

    /**
     * @notice Adds an encrypted contribution to the caller's score and the current epoch total.
     * @dev score += sum(weight_k * min(metric_k, cap_k)). One ciphertext per metric of the epoch's
     * schema, all bound to this contract and the caller by `inputProof`.
     * @param encryptedMetrics One `externalEuint64` per metric, in schema order.
     * @param inputProof The input proof covering every handle.
     * @return score The caller's updated encrypted score (the caller may decrypt it).
     */
    function submitContribution(
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof
    ) external returns (euint64 score);

    /**
     * @notice An attestor of the epoch's rules submits encrypted metrics about `contributor`; the
     * contributor, not the attestor, may decrypt the resulting score and claim.
     * @dev The input proof binds the ciphertexts to this pool and the attestor (the sender). The
     * bonus class multiplies every weight in plaintext, so it costs no extra encrypted operation.
     * @param contributor The contributor the metrics are about.
     * @param encryptedMetrics One `externalEuint64` per metric, in schema order.
     * @param inputProof The attestor's input proof.
     * @param bonusClass 0 for none, or a governance-approved bonus class 1..n of the rules.
     * @return score The contributor's updated encrypted score.
     */
    function submitAttested(
        address contributor,
        externalEuint64[] calldata encryptedMetrics,
        bytes calldata inputProof,
        uint8 bonusClass
    ) external returns (euint64 score);

    /**
     * @notice An attestor contract (for instance an encrypted consensus of several attestors) submits
     * metrics it already holds as ciphertexts about `contributor`; weights, caps and bounds apply exactly
     * as in {submitAttested}.
     * @dev The caller must be an attestor of the epoch's rules and be allowed on every handle (for instance
     * transiently), or the call reverts with {RoyaltyPoolUnauthorizedHandle}.
     * @param contributor The contributor the metrics are about.
     * @param metrics One encrypted metric per metric of the schema, in schema order.
     * @param bonusClass 0 for none, or a governance-approved bonus class 1..n of the rules.
     * @return score The contributor's updated encrypted score.
     */
    function submitAttestedValues(
        address contributor,
        euint64[] calldata metrics,
        uint8 bonusClass
    ) external returns (euint64 score);

    /**
     * @notice Pays `amount` of the payment token into the current epoch's pool.
     * @dev Only whole confidential units are taken: `amount - amount % rate` moves; the caller must
     * have approved this contract. Fee-on-transfer tokens are rejected.
     * @param amount Amount in the payment token's smallest unit.
     * @return units Confidential token units added to the pool.
     */
    function fund(uint256 amount) external returns (uint64 units);

    /**
     * @notice Closes the current epoch once it has ended; anyone may call.
     * @dev With fewer than `minParticipants` distinct contributors the epoch is not closed but
     * extended to the next period boundary (k-anonymity), keeping its rules and contributions.
     * @return closed True when the epoch was closed, false when it was extended.
     */
    function closeEpoch() external returns (bool closed);

    /**
     * @notice Records the public epoch total decrypted by the KMS; anyone may call, once.
     * @param epochId A closed epoch.
     * @param total The clear total.
     * @param decryptionProof The KMS-signed decryption proof for the epoch total handle.
     */
    function revealEpochTotal(uint256 epochId, uint64 total, bytes calldata decryptionProof) external;

    /**
     * @notice Computes a contributor's encrypted share of a revealed epoch for the payout vault, which credits it
     * to the contributor's balance (claims, batch claims and pushes all go through the vault).
     * @dev Only the payout vault. No token moves: the epoch's payable funds moved to the vault at the reveal.
     * @param epochId A revealed epoch `contributor` took part in.
     * @param contributor The contributor.
     * @param afterClaimWindow True for a push by anyone: requires the epoch's claim window to have ended.
     * @return share The encrypted share (allowed to the contributor and to the vault).
     * @return wideShare Whether the share took the 128-bit path (the vault budgets a batch's HCU with it).
     */
    function claimFor(
        uint256 epochId,
        address contributor,
        bool afterClaimWindow
    ) external returns (euint64 share, bool wideShare);

    /**
     * @notice Human-readable name of the model this pool pays royalties for.
     * @return The name (unique in the registry).
     */
    function modelName() external view returns (string memory);

    /**
     * @notice Public ERC20 funders pay in.
     * @return The payment token (the payout token's underlying).
     */
    function paymentToken() external view returns (IERC20);

    /**
     * @notice Confidential ERC7984 wrapper of {paymentToken} that payouts are made in.
     * @return The payout token.
     */
    function payoutToken() external view returns (IERC7984ERC20Wrapper);

    /**
     * @notice Address allowed to record new rules versions (the model's timelock).
     * @return The governance; zero when the rules are fixed forever.
     */
    function governance() external view returns (address);

    /**
     * @notice The registry's payout vault: every claim goes through it, and revealed epochs' payable funds move there.
     * @return The vault.
     */
    function payoutVault() external view returns (address);

    /**
     * @notice The registry's cross-model metric aggregates, fed the capped metrics of every submission.
     * @return The aggregator.
     */
    function metricAggregator() external view returns (IMetricAggregator);

    /**
     * @notice Id of the epoch currently accepting contributions and funds.
     * @return The current epoch id (epochs are numbered from 1).
     */
    function currentEpochId() external view returns (uint256);

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
        );

    /**
     * @notice Number of rules versions recorded; the newest applies to epochs started from now on.
     * @return The latest rules version.
     */
    function rulesVersionCount() external view returns (uint32);

    /**
     * @notice Whether `account` may submit attested contributions under a rules version.
     * @param version A rules version.
     * @param account Any address.
     * @return True for an attestor of that version.
     */
    function isAttestor(uint32 version, address account) external view returns (bool);

    /**
     * @notice Number of submissions a contributor made in an epoch (public: submissions are transactions).
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return The count.
     */
    function submissionsOf(uint256 epochId, address contributor) external view returns (uint32);

    /**
     * @notice Whether a contributor's share of an epoch was computed (claimed or pushed into the vault).
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return True after the claim.
     */
    function hasClaimed(uint256 epochId, address contributor) external view returns (bool);

    /**
     * @notice A rules version: schema, weights, caps, epoch rules and derived bounds.
     * @param version A version from 1 to the latest.
     * @return The rules.
     */
    function getRules(uint32 version) external view returns (Rules memory);

    /**
     * @notice Encrypted share a contributor claimed in an epoch (only the contributor may decrypt it).
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return The share handle (uninitialized before the claim).
     */
    function shareOf(uint256 epochId, address contributor) external view returns (euint64);

    /**
     * @notice Encrypted score of a contributor in an epoch (only the contributor may decrypt it).
     * @param epochId An epoch id.
     * @param contributor The contributor.
     * @return The score handle (uninitialized if the contributor did not take part).
     */
    function scoreOf(uint256 epochId, address contributor) external view returns (euint64);

    /**
     * @notice Public record of an epoch.
     * @param epochId Any epoch id.
     * @return The epoch (state `None` for an epoch that never started).
     */
    function getEpoch(uint256 epochId) external view returns (Epoch memory);

    /**
     * @notice Whether `contributor` can claim `epochId` now (revealed, something to share, contributed, not claimed).
     * @param epochId An epoch id.
     * @param contributor Any address.
     * @return True when a claim would succeed.
     */
    function claimable(uint256 epochId, address contributor) external view returns (bool);

    /**
     * @notice Once every closed epoch is revealed, releases the pool's unpaid remainder (its confidential
     * balance minus the current pool) into the current pool, masked once a noisy epoch was settled.
     * @dev The remainder is the factor's rounding and, with noise, the noise hold-back of the settled epochs:
     * `pool - floor(totalBeforeNoise * factor >> shift)` (what did not move to the vault), from which the noise (hence the true total) could be computed. So once any noisy
     * epoch was settled, the current pool lends `2^maskBits`, a fresh uniform `U < 2^maskBits` stays hidden in
     * the pool (`kept`) and only `released = remainder + 2^maskBits - U` is revealed; `maskBits` is one more than
     * the bit length of the public bound on the newly settled epochs' hold-back and never decreases. Because the
     * hidden carry is drawn afresh each time, the released amounts of any number of settlements add up to the
     * settled remainders minus the last `U`: never more precise than `2^maskBits`. Nothing is lost: the hidden
     * carry is part of the next settlement's remainder. Reverts with {RoyaltyPoolMaskReserveShort} when the
     * current pool holds less than `2^maskBits`.
     */
    function requestSettlement() external;

    /**
     * @notice Records the released amount and carries it into the current epoch.
     * @param released The clear value of the pending settlement's `released` handle.
     * @param decryptionProof The KMS-signed decryption proof for that handle.
     */
    function settle(uint64 released, bytes calldata decryptionProof) external;
}
