// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/**
 * @title ModelRegistry
 * @notice Many AI models side by side: each gets its own royalty pool, a minimal clone of one
 * {RoyaltyPool} implementation (a few hundred thousand gas instead of a full deployment),
 * initialized in the transaction that creates it so nobody can front-run the initialization.
 * @dev The registry holds no power over the pools it creates: rules belong to each model's governance.
 */
contract ModelRegistry is IModelRegistry {
    /// @notice The RoyaltyPool implementation every pool clones.
    address public immutable poolImplementation;

    Model[] private _models;
    mapping(address pool => uint256 modelId) private _modelIds;
    mapping(bytes32 nameHash => bool) private _nameTaken;

    /// @param poolImplementation_ A deployed RoyaltyPool (its own initializer is disabled).
    constructor(address poolImplementation_) {
        require(poolImplementation_.code.length != 0, ModelRegistryInvalidImplementation(poolImplementation_));
        poolImplementation = poolImplementation_;
    }

    /// @inheritdoc IModelRegistry
    function createModel(
        string calldata name,
        IERC7984ERC20Wrapper payoutToken,
        IRoyaltyPool.RulesParams calldata rules,
        address governance
    ) external returns (uint256 modelId, address pool) {
        require(bytes(name).length != 0, ModelRegistryEmptyName());
        bytes32 nameHash = keccak256(bytes(name));
        require(!_nameTaken[nameHash], ModelRegistryNameTaken(name));
        _nameTaken[nameHash] = true;

        pool = Clones.cloneDeterministic(poolImplementation, nameHash);
        IRoyaltyPool(pool).initialize(name, payoutToken, rules, governance);

        _models.push(
            Model({
                pool: pool,
                name: name,
                paymentToken: payoutToken.underlying(),
                payoutToken: address(payoutToken),
                governance: governance,
                creator: msg.sender,
                createdAt: uint64(block.timestamp)
            })
        );
        modelId = _models.length;
        _modelIds[pool] = modelId;
        emit ModelCreated(modelId, pool, name, payoutToken.underlying(), address(payoutToken), governance, msg.sender);
    }

    /// @inheritdoc IModelRegistry
    function predictPool(string calldata name) external view returns (address) {
        return Clones.predictDeterministicAddress(poolImplementation, keccak256(bytes(name)));
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint256) {
        return _models.length;
    }

    /// @inheritdoc IModelRegistry
    function getModel(uint256 modelId) external view returns (Model memory) {
        require(modelId != 0 && modelId <= _models.length, ModelRegistryUnknownModel(modelId));
        return _models[modelId - 1];
    }

    /// @inheritdoc IModelRegistry
    function modelIdOf(address pool) external view returns (uint256) {
        return _modelIds[pool];
    }
}
