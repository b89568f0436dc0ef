// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IProductRegistry} from "./interfaces/IProductRegistry.sol";
import {IHubRegistry} from "./interfaces/IHubRegistry.sol";
import {GlocalRoles} from "./access/GlocalRoles.sol";

/**
 * @title ProductRegistry
 * @notice Designers' products (the sha256 of the manufacturing file, metadata, royalty, version) and
 * the offers approved hubs publish for them.
 */
contract ProductRegistry is IProductRegistry, AccessControl, Pausable {
    /// @notice Highest royalty a designer may ask, in basis points of the hub's price.
    uint16 public constant MAX_ROYALTY_BPS = 5_000;
    /// @notice Shortest lead time of an offer.
    uint16 public constant MIN_LEAD_TIME_HOURS = 1;

    IHubRegistry private immutable _hubRegistry;

    uint32 private _productCount;
    mapping(uint32 productId => ProductRecord) private _products;
    mapping(uint32 productId => mapping(uint32 version => bytes32 designHash)) private _designHashes;
    mapping(uint32 productId => string) private _metadataURIs;
    mapping(uint32 productId => mapping(uint32 hubId => Offer)) private _offers;

    /**
     * @param governor Holder of `DEFAULT_ADMIN_ROLE`.
     * @param hubRegistry_ The hub registry offers are checked against.
     */
    constructor(address governor, IHubRegistry hubRegistry_) {
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _hubRegistry = hubRegistry_;
    }

    /// @inheritdoc IProductRegistry
    function registerProduct(bytes32 designHash, string calldata metadataURI, uint16 royaltyBps)
        external
        returns (uint32 productId)
    {
        if (designHash == bytes32(0)) revert InvalidDesignHash();
        _requireValidRoyalty(royaltyBps);
        productId = ++_productCount;
        _products[productId] = ProductRecord({designer: msg.sender, royaltyBps: royaltyBps, version: 1, active: true});
        _designHashes[productId][1] = designHash;
        _metadataURIs[productId] = metadataURI;
        emit ProductRegistered(productId, msg.sender, designHash, royaltyBps, metadataURI);
    }

    /// @inheritdoc IProductRegistry
    function publishVersion(uint32 productId, bytes32 designHash, string calldata metadataURI)
        external
        returns (uint32 version)
    {
        ProductRecord storage stored = _designersActiveProduct(productId);
        if (designHash == bytes32(0)) revert InvalidDesignHash();
        version = ++stored.version;
        _designHashes[productId][version] = designHash;
        _metadataURIs[productId] = metadataURI;
        emit ProductVersionPublished(productId, version, designHash, metadataURI);
    }

    /// @inheritdoc IProductRegistry
    function setRoyalty(uint32 productId, uint16 royaltyBps) external {
        ProductRecord storage stored = _designersActiveProduct(productId);
        _requireValidRoyalty(royaltyBps);
        stored.royaltyBps = royaltyBps;
        emit RoyaltyChanged(productId, royaltyBps);
    }

    /// @inheritdoc IProductRegistry
    function retireProduct(uint32 productId) external {
        ProductRecord storage stored = _designersActiveProduct(productId);
        stored.active = false;
        emit ProductRetired(productId);
    }

    /// @inheritdoc IProductRegistry
    function publishOffer(uint32 productId, uint32 hubId, address token, uint256 price, uint16 leadTimeHours)
        external
        whenNotPaused
    {
        _requireActiveProduct(productId);
        if (_hubRegistry.approvedOperator(hubId) != msg.sender) {
            revert IHubRegistry.NotHubOperator(hubId, msg.sender);
        }
        if (price == 0 || price > type(uint80).max) revert InvalidPrice(price);
        if (leadTimeHours < MIN_LEAD_TIME_HOURS) revert InvalidLeadTime(leadTimeHours);
        _offers[productId][hubId] = Offer({token: token, price: uint80(price), leadTimeHours: leadTimeHours});
        emit OfferPublished(productId, hubId, token, price, leadTimeHours);
    }

    /// @inheritdoc IProductRegistry
    function withdrawOffer(uint32 productId, uint32 hubId) external {
        if (_hubRegistry.operatorOf(hubId) != msg.sender) revert IHubRegistry.NotHubOperator(hubId, msg.sender);
        if (_offers[productId][hubId].price == 0) revert OfferNotFound(productId, hubId);
        delete _offers[productId][hubId];
        emit OfferWithdrawn(productId, hubId);
    }

    /// @inheritdoc IProductRegistry
    function pause() external onlyRole(GlocalRoles.PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IProductRegistry
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @inheritdoc IProductRegistry
    function quote(uint32 productId, uint32 hubId) external view returns (Quote memory) {
        ProductRecord storage stored = _requireActiveProduct(productId);
        Offer memory current = _offers[productId][hubId];
        if (current.price == 0) revert OfferNotFound(productId, hubId);
        return Quote({
            hubOperator: _hubRegistry.approvedOperator(hubId),
            token: current.token,
            price: current.price,
            royaltyBps: stored.royaltyBps,
            leadTimeHours: current.leadTimeHours,
            designVersion: stored.version
        });
    }

    /// @inheritdoc IProductRegistry
    function product(uint32 productId) external view returns (Product memory) {
        ProductRecord memory stored = _existingProduct(productId);
        return Product({
            designer: stored.designer,
            royaltyBps: stored.royaltyBps,
            version: stored.version,
            active: stored.active,
            designHash: _designHashes[productId][stored.version]
        });
    }

    /// @inheritdoc IProductRegistry
    function designHashOf(uint32 productId, uint32 version) external view returns (bytes32) {
        bytes32 designHash = _designHashes[productId][version];
        if (designHash == bytes32(0)) revert DesignVersionNotFound(productId, version);
        return designHash;
    }

    /// @inheritdoc IProductRegistry
    function productMetadataURI(uint32 productId) external view returns (string memory) {
        _existingProduct(productId);
        return _metadataURIs[productId];
    }

    /// @inheritdoc IProductRegistry
    function designerOf(uint32 productId) external view returns (address) {
        return _products[productId].designer;
    }

    /// @inheritdoc IProductRegistry
    function offer(uint32 productId, uint32 hubId) external view returns (Offer memory) {
        return _offers[productId][hubId];
    }

    /// @inheritdoc IProductRegistry
    function productCount() external view returns (uint32) {
        return _productCount;
    }

    /**
     * @notice The hub registry offers are checked against.
     * @return The registry.
     */
    function hubRegistry() external view returns (IHubRegistry) {
        return _hubRegistry;
    }

    function _existingProduct(uint32 productId) private view returns (ProductRecord storage stored) {
        stored = _products[productId];
        if (stored.designer == address(0)) revert ProductNotFound(productId);
    }

    function _requireActiveProduct(uint32 productId) private view returns (ProductRecord storage stored) {
        stored = _existingProduct(productId);
        if (!stored.active) revert ProductNotActive(productId);
    }

    function _designersActiveProduct(uint32 productId) private view returns (ProductRecord storage stored) {
        stored = _requireActiveProduct(productId);
        if (stored.designer != msg.sender) revert NotDesigner(productId, msg.sender);
    }

    function _requireValidRoyalty(uint16 royaltyBps) private pure {
        if (royaltyBps > MAX_ROYALTY_BPS) revert RoyaltyTooHigh(royaltyBps, MAX_ROYALTY_BPS);
    }
}
