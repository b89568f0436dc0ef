// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ReputationWeight
 * @notice The unit of reputation weight shared by the hub registry and the escrow.
 */
library ReputationWeight {
    /// @notice The weight of one order whose community fee reached its token's rating fee unit, and the most
    /// one rater can carry for one hub (basis points of a full weight).
    uint16 internal constant FULL = 10_000;
}

/**
 * @title IHubRegistry
 * @notice Types, events, errors and functions of the hub registry: hub profiles, their approval
 * status, and the reputation the escrow writes for them.
 */
interface IHubRegistry {
    /// @notice Lifecycle of a hub. Only `Approved` hubs publish offers and take orders.
    enum HubStatus {
        None,
        Pending,
        Approved,
        Suspended
    }

    /// @notice What the escrow reports about a finished order of a hub.
    enum Outcome {
        Completed,
        CompletedLate,
        RefundedForFault,
        DisputeLost,
        DisputeWon,
        DisputeExpired
    }

    /// @notice A hub profile. Packed: `operator`, `status`, `capabilities` share slot 0; `geohash`
    /// and `registeredAt` slot 1.
    struct Hub {
        address operator;
        HubStatus status;
        uint64 capabilities;
        bytes12 geohash;
        uint40 registeredAt;
    }

    /// @notice What happened to a hub's finished orders, one storage slot: counts of each outcome, and
    /// the reputation weight of the orders completed on time and of all orders that count towards
    /// reliability (completed, completed late, refunded for the hub's fault, disputes lost). A dispute
    /// won or left unjudged by the arbiters counts in neither weight.
    struct Reputation {
        uint32 completed;
        uint32 completedLate;
        uint32 refundedForFault;
        uint32 disputesLost;
        uint32 disputesExpired;
        uint48 onTimeWeight;
        uint48 finishedWeight;
    }

    /// @notice A hub's ratings, one storage slot: how many raters, their total weight, and the sum of
    /// each rater's latest stars times that rater's weight.
    struct Ratings {
        uint32 raters;
        uint64 weight;
        uint96 weightedStars;
    }

    /// @notice One rater's standing with one hub: the latest stars given and the weight they carry (the
    /// largest weight among the rater's rated orders at this hub, at most `ReputationWeight.FULL`).
    struct RaterRecord {
        uint8 rating;
        uint16 weight;
    }

    /// @notice A hub registered (status Pending).
    event HubRegistered(
        uint32 indexed hubId,
        address indexed operator,
        bytes12 geohash,
        uint64 capabilities,
        string metadataURI
    );
    /// @notice A hub's operator changed its location, capabilities or metadata.
    event HubProfileUpdated(uint32 indexed hubId, bytes12 geohash, uint64 capabilities, string metadataURI);
    /// @notice An approved hub moved (a geohash outside its current cell): it is `Pending` until a hub approver of
    /// its new area (or the consortium) approves it again.
    event HubMoved(uint32 indexed hubId, bytes12 fromGeohash, bytes12 toGeohash);
    /// @notice The consortium set the areas (geohash prefixes) in which `approver` approves and suspends hubs.
    event HubApproverAreasSet(address indexed approver, bytes12[] areas);
    /// @notice A hub approver approved (or reinstated) a hub.
    event HubApproved(uint32 indexed hubId, address indexed approver);
    /// @notice A hub approver suspended a hub.
    event HubSuspended(uint32 indexed hubId, address indexed approver, string reason);
    /// @notice The escrow recorded the outcome of one of the hub's orders, with the order's reputation weight.
    event OutcomeRecorded(uint32 indexed hubId, uint256 indexed orderId, Outcome outcome, uint16 weight);
    /// @notice A buyer rated the hub for one delivered order; `raterWeight` is what the rater's latest
    /// rating (this one, replacing any earlier) now weighs.
    event HubRated(
        uint32 indexed hubId,
        uint256 indexed orderId,
        address indexed rater,
        uint8 rating,
        uint16 raterWeight
    );

    /// @notice No hub has this id.
    error HubNotFound(uint32 hubId);
    /// @notice The hub exists but is not in the status this action needs.
    error HubNotApproved(uint32 hubId, HubStatus status);
    /// @notice The hub is already in the status the action would set.
    error HubStatusUnchanged(uint32 hubId, HubStatus status);
    /// @notice The caller is not the hub's operator.
    error NotHubOperator(uint32 hubId, address account);
    /// @notice A geohash must be 1 to 12 characters of the geohash base32 alphabet, left-aligned.
    error InvalidGeohash(bytes12 geohash);
    /// @notice A hub approver acts only on hubs inside its areas; elsewhere only the consortium does.
    error HubOutsideApproverArea(uint32 hubId, address approver);
    /// @notice A suspended hub is reinstated only by whoever suspended it, or by the consortium.
    error HubSuspendedByOther(uint32 hubId, address suspender);
    /// @notice An approver has at most `max` areas.
    error TooManyApproverAreas(uint256 count, uint256 max);
    /// @notice A rating must be 1 to 5.
    error InvalidRating(uint8 rating);

    /**
     * @notice Registers a hub operated by the caller; it starts `Pending` until a hub approver approves it.
     * @param geohash Location as a geohash, ASCII, left-aligned, zero-padded (1 to 12 characters).
     * @param capabilities Bitmask of what the hub can make (materials, processes); meaning set off chain.
     * @param metadataURI Where the hub's public profile lives (name, opening hours, contact).
     * @return hubId The new hub's id (starting at 1).
     */
    function registerHub(bytes12 geohash, uint64 capabilities, string calldata metadataURI)
        external
        returns (uint32 hubId);

    /**
     * @notice Sets the areas, geohash prefixes of 1 to 12 characters, in which `approver` approves and
     * suspends hubs (replacing its earlier areas; none: it approves nowhere). Only `DEFAULT_ADMIN_ROLE`
     * (the consortium).
     * @param approver A holder of `HUB_APPROVER_ROLE`, typically a member city.
     * @param areas Geohash prefixes, left-aligned and zero-padded like a hub's geohash.
     */
    function setHubApproverAreas(address approver, bytes12[] calldata areas) external;

    /**
     * @notice Who suspended a suspended hub (the zero address otherwise): it, or the consortium, reinstates it.
     * @param hubId The hub.
     */
    function suspenderOf(uint32 hubId) external view returns (address);

    /**
     * @notice The areas in which `approver` approves and suspends hubs.
     * @param approver Any account.
     */
    function hubApproverAreas(address approver) external view returns (bytes12[] memory);

    /**
     * @notice Updates the caller's hub profile. An approved hub that moves (a geohash that does not start with
     * its current one; a more precise one does) is `Pending` again (`HubMoved`): the approvers of its new area
     * decide.
     * @param hubId The hub; the caller must be its operator.
     * @param geohash New location (see `registerHub`).
     * @param capabilities New capability bitmask.
     * @param metadataURI New metadata URI.
     */
    function updateHubProfile(uint32 hubId, bytes12 geohash, uint64 capabilities, string calldata metadataURI)
        external;

    /**
     * @notice Approves a pending hub or reinstates a suspended one: a hub approver whose areas cover the
     * hub, or `DEFAULT_ADMIN_ROLE` (the consortium) anywhere. A suspended hub is reinstated only by the
     * approver who suspended it, or by the consortium.
     * @param hubId The hub.
     */
    function approveHub(uint32 hubId) external;

    /**
     * @notice Suspends an approved hub: it can no longer publish offers or take new orders. A hub approver
     * whose areas cover the hub, or `DEFAULT_ADMIN_ROLE` (the consortium) anywhere.
     * @param hubId The hub.
     * @param reason Why, for the public record.
     */
    function suspendHub(uint32 hubId, string calldata reason) external;

    /**
     * @notice Records the outcome of one order of a hub. Escrow only.
     * @param hubId The hub.
     * @param orderId The order that ended.
     * @param outcome What happened.
     * @param weight The order's reputation weight (0 to `ReputationWeight.FULL`, set by the community fee it pays).
     */
    function recordOutcome(uint32 hubId, uint256 orderId, Outcome outcome, uint16 weight) external;

    /**
     * @notice Records a buyer's rating of a delivered order. Escrow only; the escrow checks buyer and once-only.
     * A rater counts once per hub: the latest rating replaces the rater's earlier one, and the rater's
     * weight is the largest of its rated orders' weights there (at most `ReputationWeight.FULL`).
     * @param hubId The hub.
     * @param orderId The delivered order.
     * @param rater The order's buyer.
     * @param rating 1 to 5.
     * @param weight The order's reputation weight.
     */
    function recordRating(uint32 hubId, uint256 orderId, address rater, uint8 rating, uint16 weight) external;

    /**
     * @notice A hub's profile.
     * @param hubId The hub.
     * @return The profile; reverts with `HubNotFound` for an unknown id.
     */
    function hub(uint32 hubId) external view returns (Hub memory);

    /**
     * @notice A hub's metadata URI.
     * @param hubId The hub.
     * @return The URI.
     */
    function hubMetadataURI(uint32 hubId) external view returns (string memory);

    /**
     * @notice The operator of an approved hub; reverts unless the hub is approved.
     * @param hubId The hub.
     * @return The operator address.
     */
    function approvedOperator(uint32 hubId) external view returns (address);

    /**
     * @notice The operator of a hub, whatever its status.
     * @param hubId The hub.
     * @return The operator address; reverts with `HubNotFound` for an unknown id.
     */
    function operatorOf(uint32 hubId) external view returns (address);

    /**
     * @notice A hub's reputation counters.
     * @param hubId The hub.
     * @return The counters.
     */
    function reputation(uint32 hubId) external view returns (Reputation memory);

    /**
     * @notice A hub's ratings: raters, their total weight and weighted stars.
     * @param hubId The hub.
     * @return The totals.
     */
    function ratings(uint32 hubId) external view returns (Ratings memory);

    /**
     * @notice One rater's latest rating of a hub and the weight it carries.
     * @param hubId The hub.
     * @param rater The rater.
     * @return The record (`rating == 0`: never rated this hub).
     */
    function raterRecord(uint32 hubId, address rater) external view returns (RaterRecord memory);

    /**
     * @notice A hub's score: weighted Bayesian averages of its ratings and its on-time reliability.
     * @dev Ratings start at a prior worth `PRIOR_RATERS` full-weight raters, reliability at one worth
     * `PRIOR_ORDERS` full-weight orders; weights come from community fees paid, so moving the score costs money.
     * @param hubId The hub.
     * @return ratingCentiStars Average stars x 100 (100 to 500), pulled towards 3 stars by the prior.
     * @return reliabilityBps Weighted share of finished orders completed on time, in basis points, with a prior.
     */
    function score(uint32 hubId) external view returns (uint256 ratingCentiStars, uint256 reliabilityBps);

    /**
     * @notice The number of hubs registered; ids run from 1 to this number.
     * @return The count.
     */
    function hubCount() external view returns (uint32);
}
