// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {eaddress, euint64, externalEaddress, externalEuint64} from "@fhevm/solidity/lib/FHE.sol";
import {IModelRegistry} from "./IModelRegistry.sol";
import {IRoyaltyPool} from "./IRoyaltyPool.sol";

/**
 * @title IPayoutVault
 * @notice The one place royalties are paid from: claiming an epoch adds the contributor's encrypted share to their
 * encrypted balance in that model's payout token (no token moves per claim), and a withdrawal sends all or part of a
 * balance, whatever the number of epochs and models it came from, to any recipient, to an omnibus sub-account or
 * unwrapped to the public ERC20. Modelled on 0xSplits' warehouse, with every amount encrypted: the whole-balance
 * withdrawals take no amount, the partial ones (`withdrawAmount…`) an encrypted input, so none publishes one.
 * @dev Every claim goes through this contract, so each one is added to the contributor's balance and applies the
 * contributor's disclosure grants. A pool moves an epoch's payable funds here once, when its total is revealed
 * (`IRoyaltyPool.EpochFundsMoved`);
 * the rounding dust of the per-contributor floors (fewer units than the epoch has contributors) stays here.
 * Balances are decryptable by their owner only; a disclosure viewer gets one epoch's score and share, never a balance.
 */
interface IPayoutVault {
    /// @notice One (model, epoch) pair of a claim.
    struct ClaimRequest {
        uint256 modelId;
        uint256 epochId;
    }

    /**
     * @notice A withdrawal the contributor signed (EIP-712) for someone else to submit (a relayer pays the gas).
     * @dev `amount` is the handle of an encrypted input bound to (vault, relayer), signed as bytes32; the relayer
     * submits it with its input proof. The zero handle withdraws the whole balance.
     */
    struct WithdrawAuthorization {
        address contributor;
        address token;
        address recipient;
        externalEuint64 amount; // zero handle: the whole balance
        bool unwrap; // true: the recipient receives the public ERC20
        address relayer; // zero = anyone may submit it (whole balance only: an amount names its relayer)
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A signed withdrawal to a sub-account of an omnibus; binds the encrypted recipient handle.
    struct OmnibusWithdrawAuthorization {
        address contributor;
        address token;
        address omnibus;
        externalEaddress recipient;
        externalEuint64 amount; // zero handle: the whole balance; else an input bound to (vault, relayer)
        address relayer; // required: the input proof of `recipient` is bound to (vault, relayer)
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice Only the registry's own pools may be paid through the vault, and only the registry calls it.
    error PayoutVaultUnauthorized(address caller);
    /// @notice More pairs than {maxClaimsPerTransaction}; split the batch.
    error PayoutVaultBatchTooLarge(uint256 pairs, uint256 maxPairs);
    /// @notice The batch's shares would exceed the fhEVM per-transaction HCU limit at pair `index`; split it there.
    error PayoutVaultBatchTooExpensive(uint256 index, uint256 hcu, uint256 limit);
    /// @notice The contributor holds no balance in `token` (never credited, or fully withdrawn since).
    error PayoutVaultNoBalance(address contributor, address token);
    /// @notice A withdrawal needs a recipient.
    error PayoutVaultInvalidRecipient(address recipient);
    /// @notice A disclosure was asked for an epoch whose score may still change (open or never started).
    error PayoutVaultEpochNotFinal(uint256 modelId, uint256 epochId, IRoyaltyPool.EpochState state);
    /// @notice The contributor has no score in this epoch: there is nothing of theirs to disclose.
    error PayoutVaultNoScore(uint256 modelId, uint256 epochId, address contributor);
    /// @notice A viewer must be a non-zero address other than the contributor.
    error PayoutVaultInvalidViewer(address viewer);
    /// @notice The pair already has the maximum number of viewers.
    error PayoutVaultTooManyViewers(uint256 modelId, uint256 epochId, uint256 max);
    /// @notice The payout token has no omnibus transfers (ERC7984Omnibus).
    error PayoutVaultOmnibusUnsupported(address token);
    /// @notice The omnibus must be a non-zero address other than the vault.
    error PayoutVaultInvalidOmnibus(address omnibus);
    /// @notice The signed authorization's deadline has passed.
    error PayoutVaultSignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice The signature is not the contributor's (EOA or ERC-1271 wallet).
    error PayoutVaultInvalidSigner(address contributor);
    /// @notice The authorization names another relayer than the caller.
    error PayoutVaultWrongRelayer(address relayer, address caller);
    /// @notice An omnibus or partial signed withdrawal must name its relayer (its input proofs are bound to it).
    error PayoutVaultRelayerRequired();

    /// @notice `share` of (model, epoch) was credited to the contributor's balance in `token`.
    event ShareCredited(
        address indexed contributor,
        uint256 indexed modelId,
        uint256 indexed epochId,
        address token,
        euint64 share
    );
    /// @notice A pair of a batch claim was skipped (already claimed, not revealed, nothing owed...).
    event PairSkipped(address indexed contributor, uint256 indexed modelId, uint256 indexed epochId);
    /// @notice The contributor's balance in `token` changed to `balance` (a new handle, decryptable by them).
    event BalanceUpdated(address indexed contributor, address indexed token, euint64 balance);
    /// @notice `sent` (what really left the balance: everything, or all of an encrypted amount or nothing) went to
    /// `recipient`. No amount is logged in clear.
    event Withdrawn(
        address indexed contributor,
        address indexed token,
        address indexed recipient,
        euint64 sent,
        bool unwrapped
    );
    /// @notice `sent` went to `omnibus` for the encrypted sub-account `recipient`.
    event WithdrawnToOmnibus(
        address indexed contributor,
        address indexed token,
        address indexed omnibus,
        eaddress recipient,
        euint64 sent
    );
    /// @notice A withdrawal signed by the contributor was submitted by `relayer`.
    event WithdrawalRelayed(address indexed contributor, address indexed relayer, uint256 nonce);
    /// @notice `viewer` may decrypt the contributor's score (and share, once claimed) of a pair.
    event DisclosureGranted(
        address indexed contributor,
        address indexed viewer,
        uint256 indexed modelId,
        uint256 epochId
    );
    /// @notice `viewer` was allowed on the contributor's share of a pair.
    event DisclosureApplied(
        address indexed contributor,
        address indexed viewer,
        uint256 indexed modelId,
        uint256 epochId
    );

    /**
     * @notice Claims the caller's share of one revealed epoch into their balance in the model's payout token.
     * @dev Reverts with the pool's error when the pair cannot be claimed (not revealed, no contribution, claimed).
     * @param modelId A model id.
     * @param epochId A revealed epoch the caller took part in.
     * @return share The encrypted share (decryptable by the caller and the pair's disclosure viewers).
     */
    function claim(uint256 modelId, uint256 epochId) external returns (euint64 share);

    /**
     * @notice Claims many (model, epoch) pairs of the caller at once; pairs that cannot be claimed are skipped
     * (an unknown model id reverts the whole batch with the registry's `ModelRegistryUnknownModel`).
     * @dev Shares of one payout token are summed in a tree (the depth grows with log2 of the pairs) and added to
     * the balance once. Reverts with {PayoutVaultBatchTooExpensive} when the pairs' shares exceed the HCU limit.
     * @param pairs The pairs, at most {maxClaimsPerTransaction}.
     * @return claimed Number of pairs claimed.
     */
    function claimMany(ClaimRequest[] calldata pairs) external returns (uint256 claimed);

    /**
     * @notice After the epoch's claim window, anyone may claim a contributor's share into the contributor's own
     * balance (a keeper makes every share land in a balance; only the contributor can decrypt it).
     * @param modelId A model id.
     * @param epochId A revealed epoch whose claim window has ended.
     * @param contributor A contributor of the epoch who has not claimed.
     * @return share The encrypted share.
     */
    function pushUnclaimed(uint256 modelId, uint256 epochId, address contributor) external returns (euint64 share);

    /**
     * @notice Sends the caller's whole balance in `token` to `recipient` (the cheapest withdrawal: no FHE operation).
     * @param token A payout token (ERC7984 wrapper).
     * @param recipient Receiver of the confidential tokens.
     * @return sent The encrypted amount that left the balance (decryptable by the caller).
     */
    function withdraw(address token, address recipient) external returns (euint64 sent);

    /**
     * @notice Like {withdraw}, but unwraps: `recipient` receives the public ERC20 once anyone finalizes the
     * unwrap with the KMS proof of the burnt amount (the wrapper's `finalizeUnwrap`).
     * @dev The unwrapped amount becomes public at the finalization: that is what paying a public ERC20 means.
     * @param token A payout token (ERC7984 wrapper).
     * @param recipient Receiver of the public ERC20.
     * @return sent The encrypted amount burnt (the unwrap request id is its handle).
     */
    function withdrawUnwrapped(address token, address recipient) external returns (euint64 sent);

    /**
     * @notice Sends the caller's whole balance to `omnibus` for the encrypted sub-account `recipient`.
     * @dev Observers see vault -> omnibus; only the omnibus (and the caller) can decrypt the sub-account.
     * @param token A payout token with omnibus transfers.
     * @param omnibus The omnibus account receiving the tokens.
     * @param recipient The sub-account, encrypted for (vault, caller).
     * @param inputProof The input proof of `recipient`.
     * @return sent The encrypted amount sent.
     */
    function withdrawToOmnibus(
        address token,
        address omnibus,
        externalEaddress recipient,
        bytes calldata inputProof
    ) external returns (euint64 sent);

    /**
     * @notice Sends an encrypted `amount` of the caller's balance in `token` to `recipient`.
     * @dev The amount is compared with the balance under FHE: an amount above the balance sends nothing, and so does
     * an encrypted zero (neither can be refused in public); the returned and logged `sent` says what left. The client
     * library decrypts the balance with the caller's key and refuses an amount above it before sending.
     * @param token A payout token (ERC7984 wrapper).
     * @param recipient Receiver of the confidential tokens.
     * @param amount The units to send, encrypted for (vault, caller).
     * @param inputProof The input proof of `amount`.
     * @return sent The encrypted amount that left the balance (decryptable by the caller).
     */
    function withdrawAmount(
        address token,
        address recipient,
        externalEuint64 amount,
        bytes calldata inputProof
    ) external returns (euint64 sent);

    /**
     * @notice Like {withdrawAmount}, but unwraps (see {withdrawUnwrapped}).
     * @param token A payout token (ERC7984 wrapper).
     * @param recipient Receiver of the public ERC20.
     * @param amount The units to unwrap, encrypted for (vault, caller).
     * @param inputProof The input proof of `amount`.
     * @return sent The encrypted amount burnt (the unwrap request id is its handle).
     */
    function withdrawAmountUnwrapped(
        address token,
        address recipient,
        externalEuint64 amount,
        bytes calldata inputProof
    ) external returns (euint64 sent);

    /**
     * @notice Sends an encrypted `amount` of the caller's balance to `omnibus` for the encrypted sub-account
     * `recipient` (see {withdrawToOmnibus} and {withdrawAmount}).
     * @param token A payout token with omnibus transfers.
     * @param omnibus The omnibus account receiving the tokens.
     * @param recipient The sub-account, encrypted for (vault, caller).
     * @param recipientProof The input proof of `recipient`.
     * @param amount The units to send, encrypted for (vault, caller).
     * @param amountProof The input proof of `amount` (may be `recipientProof` when one input holds both).
     * @return sent The encrypted amount sent.
     */
    function withdrawAmountToOmnibus(
        address token,
        address omnibus,
        externalEaddress recipient,
        bytes calldata recipientProof,
        externalEuint64 amount,
        bytes calldata amountProof
    ) external returns (euint64 sent);

    /**
     * @notice Submits a withdrawal the contributor signed; the tokens go to the signed recipient.
     * @dev With an amount (a non-zero handle), only the named relayer may submit it: the amount's input proof is bound
     * to (vault, relayer). WARNING: that relayer can reuse the input in a withdrawal of its own balance and decrypt
     * what it sent, so it can learn the amount; the public learns nothing. Sign a whole-balance withdrawal (zero
     * handle) to keep the amount from the relayer too.
     * @param auth The signed authorization.
     * @param amountProof The input proof of `auth.amount` (empty for the whole balance).
     * @param signature The contributor's EIP-712 signature (EOA) or ERC-1271 wallet signature.
     * @return sent The encrypted amount sent (the caller is not allowed on it).
     */
    function withdrawWithSignature(
        WithdrawAuthorization calldata auth,
        bytes calldata amountProof,
        bytes calldata signature
    ) external returns (euint64 sent);

    /**
     * @notice Submits an omnibus withdrawal the contributor signed; only the named relayer may submit it.
     * @dev See {withdrawWithSignature} for what the relayer of a signed amount can learn.
     * @param auth The signed authorization.
     * @param inputProof The input proof of `auth.recipient`, bound to (vault, relayer).
     * @param amountProof The input proof of `auth.amount`, bound to (vault, relayer) (empty for the whole balance).
     * @param signature The contributor's EIP-712 or ERC-1271 signature.
     * @return sent The encrypted amount sent (the relayer is not allowed on it).
     */
    function withdrawToOmnibusWithSignature(
        OmnibusWithdrawAuthorization calldata auth,
        bytes calldata inputProof,
        bytes calldata amountProof,
        bytes calldata signature
    ) external returns (euint64 sent);

    /**
     * @notice Lets `viewer` decrypt the caller's score and share for each (model, epoch) pair.
     * @dev The score is granted at once; the share too if it was claimed, otherwise when it is (every claim goes
     * through the vault). Irrevocable: ACL grants cannot be taken back. Each pair must be closed or revealed (an
     * open epoch's score handle still changes) and the caller must have a score there.
     * @param viewer The auditor or authority allowed to decrypt.
     * @param pairs The (model, epoch) pairs to disclose.
     */
    function grantDisclosure(address viewer, ClaimRequest[] calldata pairs) external;

    /**
     * @notice Viewers a contributor granted on a pair.
     * @param contributor The contributor.
     * @param modelId A model id.
     * @param epochId An epoch id.
     * @return viewers The viewers, in grant order.
     */
    function disclosureViewers(
        address contributor,
        uint256 modelId,
        uint256 epochId
    ) external view returns (address[] memory viewers);

    /**
     * @notice Encrypted balance of a contributor in a payout token (only the contributor may decrypt it).
     * @param contributor The contributor.
     * @param token A payout token.
     * @return The balance handle (uninitialized when there is none).
     */
    function balanceOf(address contributor, address token) external view returns (euint64);

    /**
     * @notice Most pairs one {claimMany} accepts (each pair on the common 64-bit share path; pairs on the 128-bit
     * path cost more and may make a batch of that size revert with {PayoutVaultBatchTooExpensive}).
     * @return The number of pairs.
     */
    function maxClaimsPerTransaction() external pure returns (uint256);

    /**
     * @notice HCU one claimed pair adds to a batch.
     * @param wideShare Whether the epoch's share takes the 128-bit path ({IRoyaltyPool.Epoch.wideShare}).
     * @return The HCU of the share plus its addition to the balance.
     */
    function pairHcu(bool wideShare) external pure returns (uint256);

    /**
     * @notice The registry whose pools the vault pays for.
     * @return The registry.
     */
    function registry() external view returns (IModelRegistry);
}
