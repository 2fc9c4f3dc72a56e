// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {IMetricAggregator} from "./IMetricAggregator.sol";
import {IPayoutVault} from "./IPayoutVault.sol";
import {IRoyaltyPool} from "./IRoyaltyPool.sol";

/**
 * @title IModelRegistry
 * @notice Deploys one royalty pool per AI model as a minimal clone of a single implementation and
 * keeps the list of models with their metadata, for UIs and indexers.
 */
interface IModelRegistry {
    /// @notice Public metadata of a model.
    struct Model {
        address pool;
        string name;
        address paymentToken;
        address payoutToken;
        address governance;
        address creator;
        uint64 createdAt;
    }

    /// @notice A model with this name already exists.
    error ModelRegistryNameTaken(string name);
    /**
     * @notice The model name is not 1 to {MAX_NAME_LENGTH} bytes of lowercase ASCII letters, digits, '-', '_'
     * and '.' (which rules out look-alikes, invisible, bidirectional and control characters, and huge names).
     */
    error ModelRegistryInvalidName(string name);
    /// @notice No model has this id.
    error ModelRegistryUnknownModel(uint256 modelId);
    /// @notice The pool implementation address has no code.
    error ModelRegistryInvalidImplementation(address implementation);
    /// @notice A model and its pool were created.
    event ModelCreated(
        uint256 indexed modelId,
        address indexed pool,
        string name,
        address paymentToken,
        address payoutToken,
        address governance,
        address indexed creator
    );

    /**
     * @notice Deploys and initializes the royalty pool of a new model in one transaction, at
     * {predictPool}(msg.sender, name): the address is bound to its creator, so nobody else can create a
     * pool there, even by taking the name first.
     * @dev Reverts with {ModelRegistryInvalidName} unless the name is 1 to 64 bytes of `[a-z0-9._-]`,
     * and with {ModelRegistryNameTaken} if a model already has it.
     * @param name Unique model name.
     * @param payoutToken The ERC7984 wrapper of the model's payment token.
     * @param rules The metric schema and epoch rules (rules version 1).
     * @param governance Address allowed to change the rules (the model's timelock); zero = fixed rules.
     * @return modelId The new model's id (from 1).
     * @return pool The pool's address (see {predictPool}).
     */
    function createModel(
        string calldata name,
        IERC7984ERC20Wrapper payoutToken,
        IRoyaltyPool.RulesParams calldata rules,
        address governance
    ) external returns (uint256 modelId, address pool);

    /**
     * @notice Address the pool of a model named `name` will have if `creator` creates it (clone salt
     * keccak256(abi.encode(creator, keccak256(name)))). Only `creator` can ever create a pool there.
     * @dev WARNING: a name is still first come, first served. If someone else takes `name` first, the
     * creator's call reverts with {ModelRegistryNameTaken} and nothing is ever created at this address:
     * check {modelIdByName} and {getModel}'s creator before relying on a model.
     * @param creator The account that will call {createModel}.
     * @param name A model name.
     * @return The deterministic clone address.
     */
    function predictPool(address creator, string calldata name) external view returns (address);

    /**
     * @notice Id of the model named `name` (0 if none).
     * @param name A model name.
     * @return The model id.
     */
    function modelIdByName(string calldata name) external view returns (uint256);

    /**
     * @notice Whether `name` is a valid model name: 1 to 64 bytes of lowercase ASCII letters, digits,
     * '-', '_' and '.'.
     * @param name A candidate name.
     * @return True when {createModel} accepts the name (if it is not taken).
     */
    function isValidName(string calldata name) external pure returns (bool);

    /**
     * @notice Number of models created.
     * @return The count (model ids run from 1 to it).
     */
    function modelCount() external view returns (uint256);

    /**
     * @notice Metadata of a model.
     * @param modelId A model id.
     * @return The model.
     */
    function getModel(uint256 modelId) external view returns (Model memory);

    /**
     * @notice Model id of a pool created by this registry (0 if none).
     * @param pool A pool address.
     * @return The model id.
     */
    function modelIdOf(address pool) external view returns (uint256);

    /**
     * @notice The cross-model metric aggregator this registry's pools feed.
     * @return The aggregator.
     */
    function metricAggregator() external view returns (IMetricAggregator);

    /**
     * @notice The payout vault of this registry's models: claims credit balances there, withdrawals pay them.
     * @return The vault.
     */
    function payoutVault() external view returns (IPayoutVault);
}
