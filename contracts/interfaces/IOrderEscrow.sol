// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IOrderEscrow
 * @notice Types, events, errors and functions of the order escrow: buyers' payments held per order,
 * the order state machine, and the payouts it owes to hubs, designers, the community fund and buyers.
 */
interface IOrderEscrow {
    /// @notice The order state machine (see docs/contracts.md).
    enum OrderStatus {
        None,
        Paid,
        Accepted,
        Shipped,
        Disputed,
        Delivered,
        Resolved,
        Refunded
    }

    /// @notice Why an order was refunded in full.
    enum RefundReason {
        CancelledByBuyer,
        RejectedByHub,
        ShipDeadlineMissed
    }

    /// @notice The terms a buyer saw and agrees to: an order is placed on them or not at all.
    /// `token`, `designVersion` must equal the offer's and the product's; the offer's lead time must be at
    /// most `maxLeadTimeHours` and the total at most `maxTotal` (with a permit: exactly `maxTotal`).
    /// `quoteOrder` returns the terms of the current offer.
    struct OrderTerms {
        uint32 productId;
        uint32 hubId;
        uint32 quantity;
        uint32 designVersion;
        address token;
        uint16 maxLeadTimeHours;
        uint256 maxTotal;
    }

    /// @notice An order as stored: two slots, split by who reads them.
    /// Slot 0 is all that accept, ship, dispute, cancel checks need: `buyer`, `hubId`, `deadline`,
    /// `status`, `flags`, `leadTimeHours`. Slot 1 is what was bought and what it costs, read when funds
    /// move or the order is rated: `hubPrice` (quantity x offer price; the royalty is `hubPrice x
    /// royaltyBps / 10,000` and the amount held `hubPrice + royalty`), `productId`, `designVersion`,
    /// `feeBps` and `quorum` (governance's, when the order was placed), `weight` (the order's reputation
    /// weight), `tokenIndex`, and `confirmations`, the oracle vote slots in use before the deciding vote
    /// (that one is a flag in slot 0, written with the status).
    /// `deadline` (seconds, good until 2106) means accept-by while Paid, ship-by while Accepted,
    /// dispute-by while Shipped and arbitrate-by while Disputed.
    struct Order {
        address buyer;
        uint32 hubId;
        uint32 deadline;
        OrderStatus status;
        uint8 flags;
        uint16 leadTimeHours;
        uint96 hubPrice;
        uint16 royaltyBps;
        uint32 productId;
        uint32 designVersion;
        uint16 feeBps;
        uint16 weight;
        uint8 quorum;
        uint8 tokenIndex;
        uint8 confirmations;
    }

    /// @notice An order as clients read it.
    struct OrderView {
        uint256 orderId;
        address buyer;
        uint32 hubId;
        uint32 productId;
        uint32 designVersion;
        address token;
        uint256 amount;
        uint256 royalty;
        uint16 feeBps;
        OrderStatus status;
        uint64 deadline;
        uint8 confirmations;
        uint8 quorum;
        uint16 leadTimeHours;
        uint16 weight;
        bool shippedLate;
        bool rated;
    }

    /// @notice Governance parameters, one storage slot. `maxLeadTimeHours` caps the lead time of every
    /// order, so no order holds a buyer's money longer than the windows plus this cap.
    struct EscrowConfig {
        uint16 feeBps;
        uint8 quorum;
        uint32 acceptWindow;
        uint32 disputeWindow;
        uint32 arbitrationWindow;
        uint16 maxLeadTimeHours;
    }

    /// @notice A payment token by its index, with the community fees it owes the community fund (kept
    /// here, beside the address every payout reads, rather than under the fund's address: the fees belong
    /// to whoever is the community fund when they are withdrawn).
    struct TokenRecord {
        address token;
        uint96 communityFeesOwed;
    }

    /// @notice A payment token's place in the allowlist. `index` is never 0 for a known token.
    /// `ratingFeeUnit`: the community fee (in the token's smallest unit) that gives an order a full
    /// reputation weight; an order paying less weighs its share of it.
    struct PaymentToken {
        uint8 index;
        bool allowed;
        uint96 ratingFeeUnit;
    }

    /// @notice A buyer placed an order; its amount is now held in escrow.
    event OrderPlaced(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        uint32 productId,
        uint32 designVersion,
        address token,
        uint32 quantity,
        uint256 amount,
        uint256 royalty,
        uint64 acceptBy
    );
    /// @notice The hub accepted an order and must ship it by `shipBy`.
    event OrderAccepted(uint256 indexed orderId, uint32 indexed hubId, address indexed buyer, uint64 shipBy);
    /// @notice The hub shipped an order; the buyer may dispute until `disputeBy`.
    event OrderShipped(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        bytes32 trackingRef,
        uint64 disputeBy,
        bool late
    );
    /// @notice An oracle confirmed delivery of an order; `confirmations` of the quorum so far.
    event DeliveryConfirmed(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        address oracle,
        uint8 confirmations
    );
    /// @notice An order was delivered and its amount split into payouts.
    event OrderDelivered(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        uint256 hubPayout,
        uint256 royalty,
        uint256 fee
    );
    /// @notice An order was refunded to its buyer in full.
    event OrderRefunded(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        RefundReason reason,
        uint256 amount,
        string note
    );
    /// @notice The buyer disputed a shipped order; an arbiter may resolve it until `arbitrateBy`.
    event OrderDisputed(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        uint64 arbitrateBy,
        string reason
    );
    /// @notice A dispute was resolved; `arbiter == address(0)` when the arbitration window expired.
    event DisputeResolved(
        uint256 indexed orderId,
        uint32 indexed hubId,
        address indexed buyer,
        address arbiter,
        uint16 refundBps,
        uint256 refund,
        uint256 hubPayout,
        uint256 royalty,
        uint256 fee
    );
    /// @notice The buyer rated the hub for a delivered order.
    event OrderRated(uint256 indexed orderId, uint32 indexed hubId, address indexed buyer, uint8 rating);
    /// @notice An account withdrew what it was owed in a token.
    event PayoutWithdrawn(address indexed account, address indexed token, uint256 amount);
    /// @notice Governance allowed or disallowed a payment token.
    event PaymentTokenSet(address indexed token, uint8 index, bool allowed, uint96 ratingFeeUnit);
    /// @notice Governance changed the community fee (basis points of the hub's part).
    event FeeChanged(uint16 feeBps);
    /// @notice Governance changed the oracle quorum.
    event QuorumChanged(uint8 quorum);
    /// @notice Governance changed the accept, dispute or arbitration windows (seconds).
    event WindowsChanged(uint32 acceptWindow, uint32 disputeWindow, uint32 arbitrationWindow);
    /// @notice Governance changed the cap on an order's lead time.
    event LeadTimeCapChanged(uint16 maxLeadTimeHours);
    /// @notice Governance changed the community fund's address.
    event CommunityFundChanged(address indexed communityFund);

    /// @notice No order has this id.
    error OrderNotFound(uint256 orderId);
    /// @notice The order is not in a status that allows this action.
    error InvalidOrderStatus(uint256 orderId, OrderStatus status);
    /// @notice The caller is not the order's buyer.
    error NotOrderBuyer(uint256 orderId, address account);
    /// @notice The caller is not the operator of the order's hub.
    error NotOrderHub(uint256 orderId, address account);
    /// @notice The order's deadline has passed (`deadline`).
    error DeadlinePassed(uint256 orderId, uint64 deadline);
    /// @notice The order's deadline has not passed yet (`deadline`).
    error DeadlineNotReached(uint256 orderId, uint64 deadline);
    /// @notice The order total is above the buyer's maximum.
    error TotalAboveMaximum(uint256 total, uint256 maxTotal);
    /// @notice The offer is now in another token than the one the buyer agreed to.
    error PaymentTokenChanged(address agreed, address offered);
    /// @notice The product's current design version is not the one the buyer agreed to.
    error DesignVersionChanged(uint32 agreed, uint32 current);
    /// @notice The offer's lead time is above the buyer's maximum.
    error LeadTimeAboveMaximum(uint16 leadTimeHours, uint16 maxLeadTimeHours);
    /// @notice The offer's lead time is above governance's cap.
    error LeadTimeAboveCap(uint16 leadTimeHours, uint16 maxLeadTimeHours);
    /// @notice The lead-time cap must be 1 to `MAX_LEAD_TIME_CAP_HOURS`.
    error InvalidLeadTimeCap(uint16 maxLeadTimeHours);
    /// @notice A permit order's total must equal the permit's value, so no allowance is left behind.
    error PermitValueNotTotal(uint256 permitValue, uint256 total);
    /// @notice A payment token's rating fee unit must not be zero.
    error InvalidRatingFeeUnit();
    /// @notice Quantity must be at least one.
    error InvalidQuantity();
    /// @notice The offer's token is not an allowed payment token.
    error PaymentTokenNotAllowed(address token);
    /// @notice The native coin sent does not match the order total (or was sent with an ERC-20 order).
    error IncorrectPayment(uint256 sent, uint256 expected);
    /// @notice This oracle already confirmed this order.
    error AlreadyConfirmed(uint256 orderId, address oracle);
    /// @notice The order was already rated.
    error AlreadyRated(uint256 orderId);
    /// @notice Basis points above 10,000 (or above the fee cap).
    error InvalidBps(uint256 bps);
    /// @notice Quorum must be 1 to `MAX_QUORUM`.
    error InvalidQuorum(uint8 quorum);
    /// @notice A window must be between `MIN_WINDOW` and `MAX_WINDOW` seconds.
    error InvalidWindow(uint32 window);
    /// @notice The zero address where an account is needed.
    error ZeroAddress();
    /// @notice Nothing is owed to the caller in this token.
    error NothingToWithdraw(address account, address token);
    /// @notice Sending the native coin failed.
    error NativeTransferFailed(address to, uint256 amount);
    /// @notice The allowlist holds at most `MAX_PAYMENT_TOKENS` tokens.
    error TooManyPaymentTokens();
    /// @notice A tracking reference must not be zero.
    error InvalidTrackingRef();
    /// @notice The native coin has no EIP-2612 permit; use `placeOrder` with value.
    error PermitNeedsERC20();

    /**
     * @notice Places an order on the terms the buyer agreed to, paying `quantity x (price + royalty)` into
     * escrow; reverts, naming the term, when the hub's offer or the product changed them.
     * @dev ERC-20: the escrow must be approved for the total. Native coin: send exactly the total.
     * @param terms Product, hub, quantity (at least 1), design version, token, maximum lead time and total.
     * @return orderId The new order's id.
     */
    function placeOrder(OrderTerms calldata terms) external payable returns (uint256 orderId);

    /**
     * @notice Places an ERC-20 order, authorising the transfer with an EIP-2612 permit for exactly the total.
     * @param terms The agreed terms; `terms.maxTotal` is the permit's value and must equal the total.
     * @param permitDeadline The permit's deadline.
     * @param v Permit signature v.
     * @param r Permit signature r.
     * @param s Permit signature s.
     * @return orderId The new order's id.
     */
    function placeOrderWithPermit(OrderTerms calldata terms, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)
        external
        returns (uint256 orderId);

    /**
     * @notice Cancels a paid order before the hub accepts it; the buyer is refunded in full. Buyer only.
     * @param orderId The order.
     */
    function cancelOrder(uint256 orderId) external;

    /**
     * @notice Rejects a paid order (for example: design hash mismatch, no printer can make it); the buyer
     * is refunded in full. Hub operator only.
     * @param orderId The order.
     * @param reason Why, for the buyer and the public record.
     */
    function rejectOrder(uint256 orderId, string calldata reason) external;

    /**
     * @notice Accepts a paid order before its accept-by deadline; it must ship within the offer's lead time.
     * Operator of the order's (approved) hub only.
     * @param orderId The order.
     */
    function acceptOrder(uint256 orderId) external;

    /**
     * @notice Marks an accepted order shipped; starts the dispute window. Hub operator only.
     * @param orderId The order.
     * @param trackingRef keccak256 of the carrier's tracking number (the oracle checks deliveries against it).
     */
    function shipOrder(uint256 orderId, bytes32 trackingRef) external;

    /**
     * @notice Refunds the buyer in full when an accepted order was not shipped by its ship-by deadline;
     * counts against the hub's reputation. Buyer only.
     * @param orderId The order.
     */
    function claimRefund(uint256 orderId) external;

    /**
     * @notice One oracle's confirmation that a shipped order was delivered; it delivers the order when the
     * votes of oracles that still hold the role reach the quorum (a revoked oracle's vote stops counting). Oracle only.
     * @param orderId The order.
     */
    function confirmDelivery(uint256 orderId) external;

    /**
     * @notice The buyer confirms receipt of a shipped order; it is delivered and paid out.
     * @param orderId The order.
     */
    function confirmReceipt(uint256 orderId) external;

    /**
     * @notice Delivers a shipped order whose dispute window passed without a dispute. Anyone.
     * @param orderId The order.
     */
    function finalizeOrder(uint256 orderId) external;

    /**
     * @notice Disputes a shipped order within its dispute window. Buyer only.
     * @param orderId The order.
     * @param reason What went wrong.
     */
    function disputeOrder(uint256 orderId, string calldata reason) external;

    /**
     * @notice Resolves a dispute: refunds the buyer `refundBps` of the amount and pays the rest out as a
     * delivery would. Arbiter only.
     * @param orderId The order.
     * @param refundBps The buyer's share in basis points (0 to 10,000).
     */
    function resolveDispute(uint256 orderId, uint16 refundBps) external;

    /**
     * @notice Settles a dispute no arbiter resolved within the arbitration window, at an even split. Anyone.
     * @param orderId The order.
     */
    function settleExpiredDispute(uint256 orderId) external;

    /**
     * @notice Rates the hub 1 to 5 for a delivered order, once. Buyer only.
     * @param orderId The order.
     * @param rating 1 to 5.
     */
    function rateOrder(uint256 orderId, uint8 rating) external;

    /**
     * @notice Withdraws everything the escrow owes the caller in a token (`address(0)`: native coin).
     * @param token The token.
     */
    function withdraw(address token) external;

    /**
     * @notice Allows or disallows a payment token for new orders. Governor only.
     * @param token The token (`address(0)`: native coin).
     * @param allowed Whether new orders may use it.
     * @param ratingFeeUnit The community fee, in the token's smallest unit, that gives an order full reputation weight.
     */
    function setPaymentToken(address token, bool allowed, uint96 ratingFeeUnit) external;

    /**
     * @notice Caps the lead time of orders placed from now on. Governor only.
     * @param maxLeadTimeHours 1 to `MAX_LEAD_TIME_CAP_HOURS`.
     */
    function setLeadTimeCap(uint16 maxLeadTimeHours) external;

    /**
     * @notice Sets the community fee in basis points of the hub's part (at most `MAX_FEE_BPS`). Governor only.
     * @param feeBps The fee.
     */
    function setFee(uint16 feeBps) external;

    /**
     * @notice Sets how many oracle confirmations deliver an order. Governor only.
     * @param quorum 1 to `MAX_QUORUM`.
     */
    function setQuorum(uint8 quorum) external;

    /**
     * @notice Sets the accept, dispute and arbitration windows, in seconds, for orders from now on. Governor only.
     * @param acceptWindow How long a hub has to accept a paid order.
     * @param disputeWindow How long a buyer has to dispute a shipped order.
     * @param arbitrationWindow How long arbiters have to resolve a dispute.
     */
    function setWindows(uint32 acceptWindow, uint32 disputeWindow, uint32 arbitrationWindow) external;

    /**
     * @notice Sets the community fund's address. Governor only.
     * @param newCommunityFund The fund.
     */
    function setCommunityFund(address newCommunityFund) external;

    /**
     * @notice Pauses new orders at once. Pauser only (any member city).
     */
    function pause() external;

    /**
     * @notice Lifts the pause. `DEFAULT_ADMIN_ROLE` only (the consortium, by proposal).
     */
    function unpause() external;

    /**
     * @notice An order.
     * @param orderId The order.
     * @return The order; reverts with `OrderNotFound` for an unknown id.
     */
    function order(uint256 orderId) external view returns (OrderView memory);

    /**
     * @notice What the escrow owes an account in a token.
     * @param account The account.
     * @param token The token (`address(0)`: native coin).
     * @return The amount.
     */
    function owed(address account, address token) external view returns (uint256);

    /**
     * @notice Prices an order like `placeOrder` would, without placing it, and returns the terms to place it on.
     * @param productId The product.
     * @param hubId The hub.
     * @param quantity Units.
     * @return terms The current offer's terms: token, design version, its lead time as `maxLeadTimeHours`
     * and the total as `maxTotal`; reverts when the offer's lead time is above governance's cap.
     * @return royalty The designer's part of the total.
     */
    function quoteOrder(uint32 productId, uint32 hubId, uint32 quantity)
        external
        view
        returns (OrderTerms memory terms, uint256 royalty);

    /**
     * @notice The governance parameters.
     * @return The config.
     */
    function config() external view returns (EscrowConfig memory);

    /**
     * @notice The community fund's address.
     * @return The fund.
     */
    function communityFund() external view returns (address);

    /**
     * @notice A payment token's allowlist entry.
     * @param token The token.
     * @return The entry (`index == 0`: never listed).
     */
    function paymentToken(address token) external view returns (PaymentToken memory);

    /**
     * @notice The number of orders placed; ids run from 1 to this number.
     * @return The count.
     */
    function orderCount() external view returns (uint256);
}
