// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {eaddress, euint64, externalEaddress} from "@fhevm/solidity/lib/FHE.sol";
import {IModelRegistry} from "./IModelRegistry.sol";
import {IRoyaltyPool} from "./IRoyaltyPool.sol";

/**
 * @title IModelRegistryPayouts
 * @notice Selective disclosure of a contributor's own score and share to named viewers, and claims
 * that unlink the payout from the contributor: to a sub-account of an omnibus (the final recipient is
 * an encrypted address), and claims signed by the contributor and submitted by anyone (a relayer pays gas).
 * @dev ACL grants on fhEVM ciphertexts are permanent: a disclosure cannot be revoked. A contributor
 * stops disclosing by not granting later epochs.
 */
interface IModelRegistryPayouts {
    /// @notice A claim the contributor signed (EIP-712) for someone else to submit.
    struct ClaimAuthorization {
        address contributor;
        uint256 modelId;
        uint256 epochId;
        address recipient;
        address relayer; // zero = anyone may submit it
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A signed claim paid to a sub-account of an omnibus; binds the encrypted recipient handle.
    struct OmnibusClaimAuthorization {
        address contributor;
        uint256 modelId;
        uint256 epochId;
        address omnibus;
        externalEaddress recipient;
        address relayer; // required: the input proof of `recipient` is bound to (registry, relayer)
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A disclosure was asked for an epoch whose score may still change (open or never started).
    error ModelRegistryEpochNotFinal(uint256 modelId, uint256 epochId, IRoyaltyPool.EpochState state);
    /// @notice The contributor has no score in this epoch: there is nothing of theirs to disclose.
    error ModelRegistryNoScore(uint256 modelId, uint256 epochId, address contributor);
    /// @notice A viewer must be a non-zero address other than the contributor.
    error ModelRegistryInvalidViewer(address viewer);
    /// @notice The pair already has the maximum number of viewers.
    error ModelRegistryTooManyViewers(uint256 modelId, uint256 epochId, uint256 max);
    /// @notice The contributor has not claimed this pair yet: no share to disclose.
    error ModelRegistryShareNotClaimed(uint256 modelId, uint256 epochId, address contributor);
    /// @notice The model's payout token has no omnibus transfers (ERC7984Omnibus).
    error ModelRegistryOmnibusUnsupported(address payoutToken);
    /// @notice The omnibus must be a non-zero address other than the registry (which never keeps a balance).
    error ModelRegistryInvalidOmnibus(address omnibus);
    /// @notice The signed authorization's deadline has passed.
    error ModelRegistrySignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice The signature is not the contributor's (EOA or ERC-1271 wallet).
    error ModelRegistryInvalidSigner(address contributor);
    /// @notice The authorization names another relayer than the caller.
    error ModelRegistryWrongRelayer(address relayer, address caller);
    /// @notice An omnibus authorization must name its relayer (the input proof is bound to it).
    error ModelRegistryRelayerRequired();

    /// @notice `viewer` may decrypt the contributor's score (and share, once it exists) of a pair.
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
    /// @notice A share was forwarded to an omnibus for an encrypted sub-account.
    event OmnibusClaimed(
        address indexed contributor,
        uint256 indexed modelId,
        uint256 indexed epochId,
        address omnibus,
        eaddress recipient,
        euint64 amount
    );
    /// @notice A claim signed by the contributor was submitted by `relayer`.
    event ClaimRelayed(
        address indexed contributor,
        uint256 indexed modelId,
        uint256 indexed epochId,
        address relayer,
        uint256 nonce
    );

    /**
     * @notice Lets `viewer` decrypt the caller's score and share for each (model, epoch) pair.
     * @dev The score is granted at once; the share too if it exists, otherwise the grant is recorded
     * and applied when the share appears (automatically in registry claims, or via {applyDisclosures}).
     * Irrevocable: ACL grants cannot be taken back. Each pair must be closed or revealed (an open
     * epoch's score handle still changes) and the caller must have a score there.
     * @param viewer The auditor or authority allowed to decrypt.
     * @param pairs The (model, epoch) pairs to disclose.
     */
    function grantDisclosure(address viewer, IModelRegistry.ClaimRequest[] calldata pairs) external;

    /**
     * @notice Applies a contributor's recorded disclosures to their share of a pair (permissionless:
     * needed when the share was claimed directly at the pool).
     * @param contributor The contributor.
     * @param modelId A model id.
     * @param epochId An epoch the contributor claimed.
     * @return applied Number of viewers newly allowed on the share.
     */
    function applyDisclosures(address contributor, uint256 modelId, uint256 epochId) external returns (uint256 applied);

    /**
     * @notice Claims the caller's share and forwards it to `omnibus` for the encrypted sub-account `recipient`.
     * @dev Observers see pool -> registry -> omnibus; only the omnibus (and the contributor) can decrypt
     * the sub-account. The registry keeps nothing.
     * @param modelId A model id.
     * @param epochId A revealed epoch the caller took part in.
     * @param omnibus The omnibus account receiving the tokens.
     * @param recipient The sub-account, encrypted for (registry, caller).
     * @param inputProof The input proof of `recipient`.
     * @return amount The forwarded amount (equal to the share).
     */
    function claimToOmnibus(
        uint256 modelId,
        uint256 epochId,
        address omnibus,
        externalEaddress recipient,
        bytes calldata inputProof
    ) external returns (euint64 amount);

    /**
     * @notice Submits a claim the contributor signed; the payout goes to the signed recipient.
     * @param auth The signed authorization.
     * @param signature The contributor's EIP-712 signature (EOA) or ERC-1271 wallet signature.
     * @return share The encrypted share (the caller is not allowed on it).
     */
    function claimWithSignature(
        ClaimAuthorization calldata auth,
        bytes calldata signature
    ) external returns (euint64 share);

    /**
     * @notice Submits an omnibus claim the contributor signed; only the named relayer may submit it.
     * @param auth The signed authorization.
     * @param inputProof The input proof of `auth.recipient`, bound to (registry, relayer).
     * @param signature The contributor's EIP-712 or ERC-1271 signature.
     * @return amount The forwarded amount (the relayer is not allowed on it).
     */
    function claimToOmnibusWithSignature(
        OmnibusClaimAuthorization calldata auth,
        bytes calldata inputProof,
        bytes calldata signature
    ) external returns (euint64 amount);

    /**
     * @notice Viewers a contributor granted on a pair.
     * @param contributor The contributor.
     * @param modelId A model id.
     * @param epochId An epoch id.
     * @return viewers The viewers, in grant order.
     * @return applied How many of them (the first ones) are allowed on the share already.
     */
    function disclosureViewers(
        address contributor,
        uint256 modelId,
        uint256 epochId
    ) external view returns (address[] memory viewers, uint256 applied);
}
