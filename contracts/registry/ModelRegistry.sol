// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {MetricAggregator} from "../aggregates/MetricAggregator.sol";
import {IPayoutVault} from "../interfaces/IPayoutVault.sol";
import {PayoutVault} from "../payouts/PayoutVault.sol";

/**
 * @title ModelRegistry
 * @notice Many AI models side by side: each gets its own royalty pool, a minimal clone of one
 * {RoyaltyPool} implementation (a few hundred thousand gas instead of a full deployment),
 * initialized in the transaction that creates it so nobody can front-run the initialization.
 * Payouts live in its {PayoutVault}: claims credit encrypted balances there and withdrawals pay them.
 * @dev The registry holds no power over the pools' rules, which belong to each model's governance, nor over
 * the vault's balances.
 */
contract ModelRegistry is IModelRegistry {
    /// @notice Longest model name, in bytes (names are lowercase ASCII: one byte per character).
    uint256 public constant MAX_NAME_LENGTH = 64;
    /// @notice The RoyaltyPool implementation every pool clones.
    address public immutable poolImplementation;
    /// @notice Cross-model encrypted metric sums, fed by this registry's pools (created with the registry).
    IMetricAggregator public immutable metricAggregator;
    /// @inheritdoc IModelRegistry
    IPayoutVault public immutable payoutVault;

    Model[] private _models;
    mapping(address pool => uint256 modelId) private _modelIds;
    mapping(bytes32 nameHash => uint256 modelId) private _modelIdByName;

    /**
     * @param poolImplementation_ A deployed RoyaltyPool (its own initializer is disabled).
     * @param aggregateGovernance Address that chooses which metric names are aggregated across models (the DAO's
     * timelock); zero = none ever.
     * @param aggregateMinContributors Distinct contributors each revealed cross-model aggregate round needs (k >= 3).
     */
    constructor(address poolImplementation_, address aggregateGovernance, uint32 aggregateMinContributors) {
        require(poolImplementation_.code.length != 0, ModelRegistryInvalidImplementation(poolImplementation_));
        poolImplementation = poolImplementation_;
        // Created here, so the aggregator knows its registry and accepts values from this registry's pools only.
        metricAggregator = new MetricAggregator(aggregateGovernance, aggregateMinContributors, poolImplementation_);
        // Created here too, so the vault pays for exactly this registry's pools (the code of both is part of the
        // registry's creation code only, not of its runtime code).
        payoutVault = new PayoutVault();
    }

    /// @inheritdoc IModelRegistry
    function createModel(
        string calldata name,
        IERC7984ERC20Wrapper payoutToken,
        IRoyaltyPool.RulesParams calldata rules,
        address governance
    ) external returns (uint256 modelId, address pool) {
        require(isValidName(name), ModelRegistryInvalidName(name));
        bytes32 nameHash = keccak256(bytes(name));
        require(_modelIdByName[nameHash] == 0, ModelRegistryNameTaken(name));

        pool = Clones.cloneDeterministic(poolImplementation, _salt(msg.sender, nameHash));
        IRoyaltyPool(pool).initialize(name, payoutToken, rules, governance, metricAggregator, address(payoutVault));

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
        _modelIdByName[nameHash] = modelId;
        emit ModelCreated(modelId, pool, name, payoutToken.underlying(), address(payoutToken), governance, msg.sender);
    }

    /// @inheritdoc IModelRegistry
    function predictPool(address creator, string calldata name) external view returns (address) {
        return Clones.predictDeterministicAddress(poolImplementation, _salt(creator, keccak256(bytes(name))));
    }

    /// @inheritdoc IModelRegistry
    function modelIdByName(string calldata name) external view returns (uint256) {
        return _modelIdByName[keccak256(bytes(name))];
    }

    /// @inheritdoc IModelRegistry
    function isValidName(string calldata name) public pure returns (bool) {
        bytes calldata raw = bytes(name);
        if (raw.length == 0 || raw.length > MAX_NAME_LENGTH) return false;
        for (uint256 i = 0; i < raw.length; ++i) {
            bytes1 c = raw[i];
            bool allowed = (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == ".";
            if (!allowed) return false;
        }
        return true;
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint256) {
        return _models.length;
    }

    /// @inheritdoc IModelRegistry
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _model(modelId);
    }

    /// @inheritdoc IModelRegistry
    function modelIdOf(address pool) external view returns (uint256) {
        return _modelIds[pool];
    }

    /// @dev Clone salt of a pool: its creator and its name, so no one else can deploy at a creator's predicted address.
    function _salt(address creator, bytes32 nameHash) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, nameHash));
    }

    function _model(uint256 modelId) private view returns (Model storage) {
        require(modelId != 0 && modelId <= _models.length, ModelRegistryUnknownModel(modelId));
        return _models[modelId - 1];
    }
}
