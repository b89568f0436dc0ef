// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IHubRegistry} from "../interfaces/IHubRegistry.sol";
import {IProductRegistry} from "../interfaces/IProductRegistry.sol";

/**
 * @title OfferBurst
 * @notice Benchmark helper: a hub operated by this contract republishes its offer many times in one
 * transaction, so a benchmark can fill a chain with genuine suite events (ProductRegistry's
 * OfferPublished) quickly. Never deployed outside benchmarks.
 */
contract OfferBurst {
    IProductRegistry private immutable _products;

    constructor(IProductRegistry products) {
        _products = products;
    }

    /// @notice Registers a hub operated by this contract.
    function registerHub(IHubRegistry hubs, bytes12 geohash) external returns (uint32) {
        return hubs.registerHub(geohash, 1, "");
    }

    /// @notice Publishes `count` offers (one OfferPublished event each).
    function publish(uint32 productId, uint32 hubId, address token, uint256 count) external {
        for (uint256 i = 0; i < count; ++i) {
            _products.publishOffer(productId, hubId, token, 1_000_000 + i, 24);
        }
    }
}
