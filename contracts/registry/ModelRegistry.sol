// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, euint64} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";
import {IMetricAggregator} from "../interfaces/IMetricAggregator.sol";
import {MetricAggregator} from "../aggregates/MetricAggregator.sol";

/**
 * @title ModelRegistry
 * @notice Many AI models side by side: each gets its own royalty pool, a minimal clone of one
 * {RoyaltyPool} implementation (a few hundred thousand gas instead of a full deployment),
 * initialized in the transaction that creates it so nobody can front-run the initialization.
 * It also keeps, per contributor and payout token, an encrypted running total of what they earned
 * across models, and claims many (model, epoch) pairs in one transaction.
 * @dev The registry holds no power over the pools' rules, which belong to each model's governance;
 * it may only claim for its own caller.
 */
contract ModelRegistry is IModelRegistry, ZamaEthereumConfig, ReentrancyGuard {
    /// @notice fhEVM per-transaction HCU limit (HCULimit.sol).
    uint256 public constant TX_HCU_LIMIT = 20_000_000;
    /// @notice fhEVM per-transaction HCU depth limit (HCULimit.sol).
    uint256 public constant TX_HCU_DEPTH_LIMIT = 5_000_000;
    /// @notice Worst-case HCU of one batch pair: 128-bit share (733,064) + confidential transfer
    /// (586,064) + earnings add (162,000), as measured by `npm run bench`.
    uint256 public constant PAIR_HCU = 1_481_128;
    /// @notice Worst-case depth a pair adds when every pair draws on the same pool's balance (measured:
    /// 11 pairs of one pool on the 128-bit path reach 3,272,064).
    uint256 public constant PAIR_HCU_DEPTH = 217_000;
    /// @notice Depth of the first pair's share computation before the chained balance updates (measured).
    uint256 public constant FIRST_PAIR_HCU_DEPTH = 1_102_064;

    /// @notice The RoyaltyPool implementation every pool clones.
    address public immutable poolImplementation;
    /// @notice Cross-model encrypted metric sums, fed by this registry's pools (created with the registry).
    IMetricAggregator public immutable metricAggregator;

    Model[] private _models;
    mapping(address pool => uint256 modelId) private _modelIds;
    mapping(bytes32 nameHash => bool) private _nameTaken;
    mapping(address contributor => mapping(address payoutToken => euint64)) private _earnings;
    mapping(uint256 modelId => mapping(uint256 epochId => mapping(address contributor => bool))) private _counted;

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
        metricAggregator = new MetricAggregator(aggregateGovernance, aggregateMinContributors);
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
    function claimMany(
        ClaimRequest[] calldata requests,
        address recipient
    ) external nonReentrant returns (uint256 claimed) {
        uint256 maxPairs = maxClaimsPerTransaction();
        require(requests.length <= maxPairs, ModelRegistryBatchTooLarge(requests.length, maxPairs));
        for (uint256 i = 0; i < requests.length; ++i) {
            ClaimRequest calldata request = requests[i];
            Model storage model = _model(request.modelId);
            IRoyaltyPool pool = IRoyaltyPool(model.pool);
            if (!pool.claimable(request.epochId, msg.sender)) {
                emit BatchPairSkipped(msg.sender, request.modelId, request.epochId);
                continue;
            }
            euint64 share = pool.claimFor(request.epochId, msg.sender, recipient);
            _addEarnings(request.modelId, request.epochId, model.payoutToken, share);
            emit BatchPairClaimed(msg.sender, request.modelId, request.epochId);
            ++claimed;
        }
    }

    /// @inheritdoc IModelRegistry
    function syncEarnings(ClaimRequest[] calldata requests) external returns (uint256 synced) {
        uint256 maxPairs = maxClaimsPerTransaction();
        require(requests.length <= maxPairs, ModelRegistryBatchTooLarge(requests.length, maxPairs));
        for (uint256 i = 0; i < requests.length; ++i) {
            ClaimRequest calldata request = requests[i];
            Model storage model = _model(request.modelId);
            euint64 share = IRoyaltyPool(model.pool).shareOf(request.epochId, msg.sender);
            if (!FHE.isInitialized(share) || _counted[request.modelId][request.epochId][msg.sender]) continue;
            _addEarnings(request.modelId, request.epochId, model.payoutToken, share);
            emit EarningsSynced(msg.sender, request.modelId, request.epochId);
            ++synced;
        }
    }

    /// @inheritdoc IModelRegistry
    function maxClaimsPerTransaction() public pure returns (uint256) {
        uint256 byHcu = TX_HCU_LIMIT / PAIR_HCU;
        uint256 byDepth = (TX_HCU_DEPTH_LIMIT - FIRST_PAIR_HCU_DEPTH) / PAIR_HCU_DEPTH + 1;
        return byHcu < byDepth ? byHcu : byDepth;
    }

    /// @inheritdoc IModelRegistry
    function earningsOf(address contributor, address payoutToken) external view returns (euint64) {
        return _earnings[contributor][payoutToken];
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
        return _model(modelId);
    }

    /// @inheritdoc IModelRegistry
    function modelIdOf(address pool) external view returns (uint256) {
        return _modelIds[pool];
    }

    function _model(uint256 modelId) private view returns (Model storage) {
        require(modelId != 0 && modelId <= _models.length, ModelRegistryUnknownModel(modelId));
        return _models[modelId - 1];
    }

    /// @dev Adds a share to the caller's encrypted earnings in the model's payout token, once per pair.
    function _addEarnings(uint256 modelId, uint256 epochId, address payoutToken, euint64 share) private {
        _counted[modelId][epochId][msg.sender] = true;
        euint64 current = _earnings[msg.sender][payoutToken];
        euint64 updated = FHE.isInitialized(current) ? FHE.add(current, share) : share;
        FHE.allowThis(updated);
        FHE.allow(updated, msg.sender);
        _earnings[msg.sender][payoutToken] = updated;
    }
}
