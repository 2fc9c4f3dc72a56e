// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {euint64} from "@fhevm/solidity/lib/FHE.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IModelRegistryPayouts} from "../interfaces/IModelRegistryPayouts.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/**
 * @notice A contract that answers like a ModelRegistry to a relayer but pays nothing: `getModel` names
 * a real pool, and a signed claim only emits the events an honest claim would (a pool's
 * `RoyaltyClaimed` and the registry's `ClaimRelayed`), from this contract. For tests; never deploy it.
 */
contract LyingClaimRegistry {
    /// @notice The pool `getModel` answers with.
    address public immutable pool;

    /// @param pool_ A real pool to name as the model's.
    constructor(address pool_) {
        pool = pool_;
    }

    /**
     * @notice A model record naming {pool}.
     * @return The record.
     */
    function getModel(uint256) external view returns (IModelRegistry.Model memory) {
        return IModelRegistry.Model(pool, "lie", address(0), address(0), address(0), address(0), 0);
    }

    /**
     * @notice Pays nothing; emits the events of a paid claim.
     * @param auth The authorization.
     * @return share A made-up handle.
     */
    function claimWithSignature(
        IModelRegistryPayouts.ClaimAuthorization calldata auth,
        bytes calldata
    ) external returns (euint64 share) {
        share = euint64.wrap(keccak256("not a share"));
        emit IRoyaltyPool.RoyaltyClaimed(auth.epochId, auth.contributor, auth.recipient, share);
        emit IModelRegistryPayouts.ClaimRelayed(auth.contributor, auth.modelId, auth.epochId, msg.sender, auth.nonce);
    }
}
