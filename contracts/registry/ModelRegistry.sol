// SPDX-License-Identifier: BSD-3-Clause-Clear
pragma solidity ^0.8.27;

import {FHE, eaddress, euint64, externalEaddress} from "@fhevm/solidity/lib/FHE.sol";
import {ZamaEthereumConfig} from "@fhevm/solidity/config/ZamaConfig.sol";
import {IERC7984ERC20Wrapper} from "@openzeppelin/confidential-contracts/interfaces/IERC7984ERC20Wrapper.sol";
import {ERC7984Omnibus} from "@openzeppelin/confidential-contracts/token/ERC7984/extensions/ERC7984Omnibus.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IModelRegistryPayouts} from "../interfaces/IModelRegistryPayouts.sol";
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
contract ModelRegistry is IModelRegistry, IModelRegistryPayouts, ZamaEthereumConfig, ReentrancyGuard, EIP712, Nonces {
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
    /// @notice Longest model name, in bytes (names are lowercase ASCII: one byte per character).
    uint256 public constant MAX_NAME_LENGTH = 64;
    /// @notice Most viewers one (contributor, model, epoch) pair may disclose to (bounds the share grants in a claim).
    uint256 public constant MAX_DISCLOSURE_VIEWERS = 8;
    /// @notice EIP-712 type of {ClaimAuthorization}.
    bytes32 public constant CLAIM_AUTHORIZATION_TYPEHASH = keccak256(
        "ClaimAuthorization(address contributor,uint256 modelId,uint256 epochId,address recipient,address relayer,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of {OmnibusClaimAuthorization} (`recipient` is the external encrypted address handle).
    bytes32 public constant OMNIBUS_CLAIM_AUTHORIZATION_TYPEHASH = keccak256(
        "OmnibusClaimAuthorization(address contributor,uint256 modelId,uint256 epochId,address omnibus,bytes32 recipient,address relayer,uint256 nonce,uint256 deadline)"
    );

    /// @notice The RoyaltyPool implementation every pool clones.
    address public immutable poolImplementation;
    /// @notice Cross-model encrypted metric sums, fed by this registry's pools (created with the registry).
    IMetricAggregator public immutable metricAggregator;

    Model[] private _models;
    mapping(address pool => uint256 modelId) private _modelIds;
    mapping(bytes32 nameHash => uint256 modelId) private _modelIdByName;
    mapping(address contributor => mapping(address payoutToken => euint64)) private _earnings;
    mapping(uint256 modelId => mapping(uint256 epochId => mapping(address contributor => bool))) private _counted;

    /// @dev Viewers of one pair; viewers[0..applied) are allowed on the share already.
    struct Disclosure {
        address[] viewers;
        uint256 applied;
    }

    mapping(address contributor => mapping(uint256 modelId => mapping(uint256 epochId => Disclosure)))
        private _disclosures;

    /**
     * @param poolImplementation_ A deployed RoyaltyPool (its own initializer is disabled).
     * @param aggregateGovernance Address that chooses which metric names are aggregated across models (the DAO's
     * timelock); zero = none ever.
     * @param aggregateMinContributors Distinct contributors each revealed cross-model aggregate round needs (k >= 3).
     */
    constructor(
        address poolImplementation_,
        address aggregateGovernance,
        uint32 aggregateMinContributors
    ) EIP712("AiRoyalties ModelRegistry", "1") {
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
        require(isValidName(name), ModelRegistryInvalidName(name));
        bytes32 nameHash = keccak256(bytes(name));
        require(_modelIdByName[nameHash] == 0, ModelRegistryNameTaken(name));

        pool = Clones.cloneDeterministic(poolImplementation, _salt(msg.sender, nameHash));
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
        _modelIdByName[nameHash] = modelId;
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
            _addEarnings(msg.sender, request.modelId, request.epochId, model.payoutToken, share);
            _applyDisclosures(msg.sender, request.modelId, request.epochId, share);
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
            _addEarnings(msg.sender, request.modelId, request.epochId, model.payoutToken, share);
            emit EarningsSynced(msg.sender, request.modelId, request.epochId);
            ++synced;
        }
    }

    // ---------------------------------------------------------------- selective disclosure

    /// @inheritdoc IModelRegistryPayouts
    function grantDisclosure(address viewer, ClaimRequest[] calldata pairs) external {
        require(viewer != address(0) && viewer != msg.sender, ModelRegistryInvalidViewer(viewer));
        for (uint256 i = 0; i < pairs.length; ++i) {
            _grantDisclosure(viewer, pairs[i].modelId, pairs[i].epochId);
        }
    }

    /// @inheritdoc IModelRegistryPayouts
    function applyDisclosures(
        address contributor,
        uint256 modelId,
        uint256 epochId
    ) external returns (uint256 applied) {
        euint64 share = IRoyaltyPool(_model(modelId).pool).shareOf(epochId, contributor);
        require(FHE.isInitialized(share), ModelRegistryShareNotClaimed(modelId, epochId, contributor));
        return _applyDisclosures(contributor, modelId, epochId, share);
    }

    /// @inheritdoc IModelRegistryPayouts
    function disclosureViewers(
        address contributor,
        uint256 modelId,
        uint256 epochId
    ) external view returns (address[] memory viewers, uint256 applied) {
        Disclosure storage disclosure = _disclosures[contributor][modelId][epochId];
        return (disclosure.viewers, disclosure.applied);
    }

    // ---------------------------------------------------------------- unlinkable payouts

    /// @inheritdoc IModelRegistryPayouts
    function claimToOmnibus(
        uint256 modelId,
        uint256 epochId,
        address omnibus,
        externalEaddress recipient,
        bytes calldata inputProof
    ) external nonReentrant returns (euint64 amount) {
        return _claimToOmnibus(msg.sender, modelId, epochId, omnibus, FHE.fromExternal(recipient, inputProof));
    }

    /// @inheritdoc IModelRegistryPayouts
    function claimWithSignature(
        ClaimAuthorization calldata auth,
        bytes calldata signature
    ) external nonReentrant returns (euint64 share) {
        // Every field is static, so abi.encode(struct) is exactly the EIP-712 encoding of its members.
        bytes32 structHash = keccak256(abi.encode(CLAIM_AUTHORIZATION_TYPEHASH, auth));
        _useAuthorization(auth.contributor, auth.relayer, auth.nonce, auth.deadline, structHash, signature);
        share = _claimPair(auth.contributor, auth.modelId, auth.epochId, _model(auth.modelId), auth.recipient);
        emit ClaimRelayed(auth.contributor, auth.modelId, auth.epochId, msg.sender, auth.nonce);
    }

    /// @inheritdoc IModelRegistryPayouts
    function claimToOmnibusWithSignature(
        OmnibusClaimAuthorization calldata auth,
        bytes calldata inputProof,
        bytes calldata signature
    ) external nonReentrant returns (euint64 amount) {
        // An input proof binds its ciphertexts to (contract, submitter): the contributor encrypts the
        // sub-account for one relayer, so "anyone may submit" cannot work here.
        require(auth.relayer != address(0), ModelRegistryRelayerRequired());
        bytes32 structHash = keccak256(abi.encode(OMNIBUS_CLAIM_AUTHORIZATION_TYPEHASH, auth));
        _useAuthorization(auth.contributor, auth.relayer, auth.nonce, auth.deadline, structHash, signature);
        eaddress recipient = FHE.fromExternal(auth.recipient, inputProof);
        amount = _claimToOmnibus(auth.contributor, auth.modelId, auth.epochId, auth.omnibus, recipient);
        emit ClaimRelayed(auth.contributor, auth.modelId, auth.epochId, msg.sender, auth.nonce);
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

    /// @dev Claims one pair for `contributor`, adds it to their earnings and applies their recorded disclosures.
    function _claimPair(
        address contributor,
        uint256 modelId,
        uint256 epochId,
        Model storage model,
        address recipient
    ) private returns (euint64 share) {
        share = IRoyaltyPool(model.pool).claimFor(epochId, contributor, recipient);
        _addEarnings(contributor, modelId, epochId, model.payoutToken, share);
        _applyDisclosures(contributor, modelId, epochId, share);
    }

    /// @dev The pool pays the registry, which forwards that same share handle to the omnibus in the same
    /// transaction: the registry's balance goes back to what it was (zero) and it never holds funds.
    function _claimToOmnibus(
        address contributor,
        uint256 modelId,
        uint256 epochId,
        address omnibus,
        eaddress recipient
    ) private returns (euint64 amount) {
        require(omnibus != address(0) && omnibus != address(this), ModelRegistryInvalidOmnibus(omnibus));
        Model storage model = _model(modelId);
        address token = model.payoutToken;
        euint64 share = _claimPair(contributor, modelId, epochId, model, address(this));
        eaddress sender = FHE.asEaddress(model.pool);
        FHE.allowTransient(share, token);
        FHE.allowTransient(sender, token);
        FHE.allowTransient(recipient, token);
        try ERC7984Omnibus(token).confidentialTransferOmnibus(omnibus, sender, recipient, share) returns (
            euint64 transferred
        ) {
            amount = transferred;
        } catch (bytes memory reason) {
            // The wrapper has no fallback, so a function it lacks reverts without data: ERC-165 cannot tell
            // (ERC7984Omnibus registers no interface id). Any other failure is passed on unchanged.
            require(reason.length != 0, ModelRegistryOmnibusUnsupported(token));
            LowLevelCall.bubbleRevert(reason);
        }
        FHE.allow(amount, contributor);
        emit OmnibusClaimed(contributor, modelId, epochId, omnibus, recipient, amount);
    }

    /// @dev Checks a signed authorization (deadline, relayer, EOA or ERC-1271 signature) and spends its nonce.
    function _useAuthorization(
        address contributor,
        address relayer,
        uint256 nonce,
        uint256 deadline,
        bytes32 structHash,
        bytes calldata signature
    ) private {
        require(block.timestamp <= deadline, ModelRegistrySignatureExpired(deadline, block.timestamp));
        require(relayer == address(0) || relayer == msg.sender, ModelRegistryWrongRelayer(relayer, msg.sender));
        require(
            SignatureChecker.isValidSignatureNow(contributor, _hashTypedDataV4(structHash), signature),
            ModelRegistryInvalidSigner(contributor)
        );
        // Sequential per-contributor nonce: a used (or future) nonce reverts with InvalidAccountNonce.
        _useCheckedNonce(contributor, nonce);
    }

    /// @dev Allows `viewer` on the caller's final score of a pair, and on the share once it exists.
    function _grantDisclosure(address viewer, uint256 modelId, uint256 epochId) private {
        IRoyaltyPool pool = IRoyaltyPool(_model(modelId).pool);
        IRoyaltyPool.EpochState state = pool.getEpoch(epochId).state;
        // Each submission replaces an open epoch's score handle: a grant on it would miss the final score.
        require(
            state == IRoyaltyPool.EpochState.Closed || state == IRoyaltyPool.EpochState.Revealed,
            ModelRegistryEpochNotFinal(modelId, epochId, state)
        );
        euint64 score = pool.scoreOf(epochId, msg.sender);
        require(FHE.isInitialized(score), ModelRegistryNoScore(modelId, epochId, msg.sender));

        address[] storage viewers = _disclosures[msg.sender][modelId][epochId].viewers;
        uint256 count = viewers.length;
        for (uint256 i = 0; i < count; ++i) {
            if (viewers[i] == viewer) return; // granted already: ACL grants are permanent
        }
        require(count < MAX_DISCLOSURE_VIEWERS, ModelRegistryTooManyViewers(modelId, epochId, MAX_DISCLOSURE_VIEWERS));
        viewers.push(viewer);
        FHE.allow(score, viewer);
        emit DisclosureGranted(msg.sender, viewer, modelId, epochId);

        euint64 share = pool.shareOf(epochId, msg.sender);
        if (FHE.isInitialized(share)) _applyDisclosures(msg.sender, modelId, epochId, share);
    }

    /// @dev Allows every viewer not yet allowed on the share; bounded by {MAX_DISCLOSURE_VIEWERS}.
    function _applyDisclosures(
        address contributor,
        uint256 modelId,
        uint256 epochId,
        euint64 share
    ) private returns (uint256 applied) {
        Disclosure storage disclosure = _disclosures[contributor][modelId][epochId];
        uint256 count = disclosure.viewers.length;
        uint256 from = disclosure.applied;
        for (uint256 i = from; i < count; ++i) {
            address viewer = disclosure.viewers[i];
            FHE.allow(share, viewer);
            emit DisclosureApplied(contributor, viewer, modelId, epochId);
        }
        disclosure.applied = count;
        return count - from;
    }

    /// @dev Adds a share to the contributor's encrypted earnings in the model's payout token, once per pair.
    function _addEarnings(
        address contributor,
        uint256 modelId,
        uint256 epochId,
        address payoutToken,
        euint64 share
    ) private {
        _counted[modelId][epochId][contributor] = true;
        euint64 current = _earnings[contributor][payoutToken];
        euint64 updated = FHE.isInitialized(current) ? FHE.add(current, share) : share;
        FHE.allowThis(updated);
        FHE.allow(updated, contributor);
        _earnings[contributor][payoutToken] = updated;
    }
}
