// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IProductRegistry
 * @notice Types, events, errors and functions of the product registry: designers' products (design
 * file hash, metadata, royalty, version) and the offers hubs publish for them.
 */
interface IProductRegistry {
    /// @notice A product as stored, one slot: the design hash of every version and the metadata URI are
    /// kept apart (read only by clients and by the hub agent).
    struct ProductRecord {
        address designer;
        uint16 royaltyBps;
        uint32 version;
        bool active;
    }

    /// @notice A product as clients read it; `designHash` is the current version's.
    struct Product {
        address designer;
        uint16 royaltyBps;
        uint32 version;
        bool active;
        bytes32 designHash;
    }

    /// @notice A hub's offer for a product, one storage slot. `price == 0` means no offer.
    /// `token == address(0)` is the chain's native coin.
    struct Offer {
        address token;
        uint80 price;
        uint16 leadTimeHours;
    }

    /// @notice Everything needed to price an order, read in one call; `hubOperator` is the approved
    /// hub's operator, who would make it; `designVersion` is the version an order placed now would buy.
    struct Quote {
        address hubOperator;
        address token;
        uint256 price;
        uint16 royaltyBps;
        uint16 leadTimeHours;
        uint32 designVersion;
    }

    /// @notice A designer registered a product.
    event ProductRegistered(
        uint32 indexed productId,
        address indexed designer,
        bytes32 designHash,
        uint16 royaltyBps,
        string metadataURI
    );
    /// @notice A designer published a new version of a product (new design file).
    event ProductVersionPublished(uint32 indexed productId, uint32 version, bytes32 designHash, string metadataURI);
    /// @notice A designer changed a product's royalty for future orders.
    event RoyaltyChanged(uint32 indexed productId, uint16 royaltyBps);
    /// @notice A designer retired a product: no new orders.
    event ProductRetired(uint32 indexed productId);
    /// @notice A hub published or changed an offer.
    event OfferPublished(
        uint32 indexed productId,
        uint32 indexed hubId,
        address token,
        uint256 price,
        uint16 leadTimeHours
    );
    /// @notice A hub withdrew an offer.
    event OfferWithdrawn(uint32 indexed productId, uint32 indexed hubId);

    /// @notice No product has this id.
    error ProductNotFound(uint32 productId);
    /// @notice The product has no such version.
    error DesignVersionNotFound(uint32 productId, uint32 version);
    /// @notice The product is retired: no new versions, offers or orders.
    error ProductNotActive(uint32 productId);
    /// @notice The caller is not the product's designer.
    error NotDesigner(uint32 productId, address account);
    /// @notice A design hash must not be zero.
    error InvalidDesignHash();
    /// @notice Royalty above `MAX_ROYALTY_BPS`.
    error RoyaltyTooHigh(uint16 royaltyBps, uint16 maxRoyaltyBps);
    /// @notice The hub has no active offer for the product.
    error OfferNotFound(uint32 productId, uint32 hubId);
    /// @notice An offer's price must be above zero and fit 80 bits.
    error InvalidPrice(uint256 price);
    /// @notice An offer's lead time must be at least one hour.
    error InvalidLeadTime(uint16 leadTimeHours);

    /**
     * @notice Registers a product designed by the caller.
     * @param designHash sha256 of the manufacturing file (e.g. G-code or 3MF).
     * @param metadataURI Where the product's description lives.
     * @param royaltyBps Designer royalty in basis points of the hub's price, added to what the buyer pays.
     * @return productId The new product's id (starting at 1).
     */
    function registerProduct(bytes32 designHash, string calldata metadataURI, uint16 royaltyBps)
        external
        returns (uint32 productId);

    /**
     * @notice Publishes a new version of a product: a new design file and metadata. Designer only.
     * @param productId The product.
     * @param designHash sha256 of the new manufacturing file.
     * @param metadataURI New metadata URI.
     * @return version The new version number.
     */
    function publishVersion(uint32 productId, bytes32 designHash, string calldata metadataURI)
        external
        returns (uint32 version);

    /**
     * @notice Changes a product's royalty for orders placed from now on. Designer only.
     * @param productId The product.
     * @param royaltyBps New royalty in basis points.
     */
    function setRoyalty(uint32 productId, uint16 royaltyBps) external;

    /**
     * @notice Retires a product: no new orders; open orders finish. Designer only; final.
     * @param productId The product.
     */
    function retireProduct(uint32 productId) external;

    /**
     * @notice Publishes or replaces the caller's hub offer for a product. Hub operator of an approved hub only; not while paused.
     * @param productId The product (must be active).
     * @param hubId The caller's hub.
     * @param token Payment token (`address(0)` for the native coin); the escrow checks it is allowed.
     * @param price Price per unit in the token's smallest unit, royalty excluded.
     * @param leadTimeHours Hours from acceptance to shipping.
     */
    function publishOffer(uint32 productId, uint32 hubId, address token, uint256 price, uint16 leadTimeHours)
        external;

    /**
     * @notice Withdraws the caller's hub offer for a product. Hub operator only; works while paused.
     * @param productId The product.
     * @param hubId The caller's hub.
     */
    function withdrawOffer(uint32 productId, uint32 hubId) external;

    /**
     * @notice Pauses new offers at once. Pauser only (any member city).
     */
    function pause() external;

    /**
     * @notice Lifts the pause. `DEFAULT_ADMIN_ROLE` only (the consortium, by proposal).
     */
    function unpause() external;

    /**
     * @notice Prices an order: the offer, the royalty, and checks that product, offer and hub are live.
     * @param productId The product.
     * @param hubId The hub.
     * @return The quote; reverts with the reason it cannot be ordered.
     */
    function quote(uint32 productId, uint32 hubId) external view returns (Quote memory);

    /**
     * @notice A product.
     * @param productId The product.
     * @return The product; reverts with `ProductNotFound` for an unknown id.
     */
    function product(uint32 productId) external view returns (Product memory);

    /**
     * @notice The design hash of one version of a product; every version stays readable, so an order
     * placed for version 1 can still be made after version 2 is published.
     * @param productId The product.
     * @param version The version (1 to the product's current version).
     * @return The sha256 of that version's manufacturing file.
     */
    function designHashOf(uint32 productId, uint32 version) external view returns (bytes32);

    /**
     * @notice A product's metadata URI.
     * @param productId The product.
     * @return The URI.
     */
    function productMetadataURI(uint32 productId) external view returns (string memory);

    /**
     * @notice The designer who receives a product's royalties.
     * @param productId The product.
     * @return The designer's address.
     */
    function designerOf(uint32 productId) external view returns (address);

    /**
     * @notice A hub's offer for a product (`price == 0` when there is none).
     * @param productId The product.
     * @param hubId The hub.
     * @return The offer.
     */
    function offer(uint32 productId, uint32 hubId) external view returns (Offer memory);

    /**
     * @notice The number of products registered; ids run from 1 to this number.
     * @return The count.
     */
    function productCount() external view returns (uint32);
}
