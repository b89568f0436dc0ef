// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IOrderEscrow} from "./interfaces/IOrderEscrow.sol";
import {IProductRegistry} from "./interfaces/IProductRegistry.sol";
import {IHubRegistry, ReputationWeight} from "./interfaces/IHubRegistry.sol";
import {GlocalRoles} from "./access/GlocalRoles.sol";

/**
 * @title OrderEscrow
 * @notice Holds each buyer's payment until the order ends, walks the order state machine, and owes the
 * payouts (hub, designer royalty, community fee, refunds) until their owners withdraw them.
 * @dev Every payout is credited and pulled with `withdraw`, so no recipient can block an order from
 * ending (a reverting receiver, a token blocklist). Every open order has a timeout that needs nobody's
 * goodwill: cancel (Paid), claimRefund (Accepted), finalizeOrder (Shipped), settleExpiredDispute (Disputed).
 * Payment tokens must be plain ERC-20s (no fee on transfer, no rebasing): governance allowlists them.
 */
contract OrderEscrow is IOrderEscrow, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Highest community fee, in basis points of the hub's part.
    uint16 public constant MAX_FEE_BPS = 2_000;
    /// @notice Highest oracle quorum.
    uint8 public constant MAX_QUORUM = 16;
    /// @notice Shortest and longest accept, dispute and arbitration windows.
    uint32 public constant MIN_WINDOW = 1 hours;
    uint32 public constant MAX_WINDOW = 90 days;
    /// @notice The buyer's share when a dispute's arbitration window expires unresolved.
    uint16 public constant UNRESOLVED_DISPUTE_REFUND_BPS = 5_000;
    /// @notice A resolution refunding the buyer at least this share counts as a dispute the hub lost.
    uint16 public constant DISPUTE_LOST_THRESHOLD_BPS = 5_000;
    /// @notice How many payment tokens the allowlist can hold.
    uint8 public constant MAX_PAYMENT_TOKENS = type(uint8).max;
    /// @notice Highest lead-time cap governance can set: 90 days.
    uint16 public constant MAX_LEAD_TIME_CAP_HOURS = 2_160;

    uint16 private constant _BPS = 10_000;
    uint256 private constant _HOUR = 1 hours;
    uint8 private constant _FLAG_SHIPPED_LATE = 1;
    uint8 private constant _FLAG_RATED = 2;
    /// @dev The oracle vote that reached the quorum, kept as a flag in slot 0 (written with the status)
    /// instead of a count in slot 1, so a delivering vote writes one slot.
    uint8 private constant _FLAG_QUORUM_VOTE = 4;
    address private constant _NATIVE_COIN = address(0);

    IProductRegistry private immutable _productRegistry;
    IHubRegistry private immutable _hubRegistry;

    // One slot, read by every new order and non-zero before the first one: the governance parameters
    // (`config`) and the order counter.
    uint16 private _feeBps;
    uint8 private _quorum;
    uint32 private _acceptWindow;
    uint32 private _disputeWindow;
    uint32 private _arbitrationWindow;
    uint16 private _maxLeadTimeHours;
    uint64 private _orderCount;
    // One slot, read when funds are paid out and when governance adds a token.
    address private _communityFund;
    uint8 private _paymentTokenCount;

    mapping(address token => PaymentToken) private _paymentTokens;
    mapping(uint8 tokenIndex => TokenRecord) private _tokens;
    mapping(uint256 orderId => Order) private _orders;
    /// @dev Oracle votes that did not deliver yet, `Order.confirmations` slots per order; a slot whose
    /// oracle lost the role is reused, so an order never holds more than `MAX_QUORUM - 1` slots.
    mapping(uint256 orderId => mapping(uint256 slot => address oracle)) private _votes;
    mapping(address account => mapping(uint8 tokenIndex => uint256)) private _owed;

    /**
     * @param governor Holder of `DEFAULT_ADMIN_ROLE`.
     * @param productRegistry_ Where products and offers are priced.
     * @param hubRegistry_ Where hubs are checked and their reputation recorded (grant this contract its `ESCROW_ROLE`).
     * @param communityFund_ Who receives the community fee.
     * @param initialConfig Fee, quorum and windows.
     */
    constructor(
        address governor,
        IProductRegistry productRegistry_,
        IHubRegistry hubRegistry_,
        address communityFund_,
        EscrowConfig memory initialConfig
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _productRegistry = productRegistry_;
        _hubRegistry = hubRegistry_;
        _setCommunityFund(communityFund_);
        _setFee(initialConfig.feeBps);
        _setQuorum(initialConfig.quorum);
        _setWindows(initialConfig.acceptWindow, initialConfig.disputeWindow, initialConfig.arbitrationWindow);
        _setLeadTimeCap(initialConfig.maxLeadTimeHours);
    }

    // ------------------------------------------------------------------ buyer: place

    /// @inheritdoc IOrderEscrow
    function placeOrder(OrderTerms calldata terms)
        external
        payable
        nonReentrant
        whenNotPaused
        returns (uint256 orderId)
    {
        uint256 total;
        (orderId, total) = _createOrder(terms);
        address token = terms.token;
        if (token == _NATIVE_COIN) {
            if (msg.value != total) revert IncorrectPayment(msg.value, total);
        } else {
            if (msg.value != 0) revert IncorrectPayment(msg.value, 0);
            IERC20(token).safeTransferFrom(msg.sender, address(this), total);
        }
    }

    /// @inheritdoc IOrderEscrow
    function placeOrderWithPermit(OrderTerms calldata terms, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 orderId)
    {
        address token = terms.token;
        if (token == _NATIVE_COIN) revert PermitNeedsERC20();
        uint256 total;
        (orderId, total) = _createOrder(terms);
        // The permit is for exactly the total, so the transfer uses all of it and no allowance stays behind.
        if (total != terms.maxTotal) revert PermitValueNotTotal(terms.maxTotal, total);
        // A permit front-run by someone else still leaves the allowance in place: go on either way,
        // and let the transfer below fail if there is no allowance (OpenZeppelin's advice for permit).
        try IERC20Permit(token).permit(msg.sender, address(this), total, permitDeadline, v, r, s) {} catch {}
        IERC20(token).safeTransferFrom(msg.sender, address(this), total);
    }

    // ------------------------------------------------------------------ buyer: before shipping

    /// @inheritdoc IOrderEscrow
    function cancelOrder(uint256 orderId) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Paid);
        _requireBuyer(orderId, stored);
        _refundInFull(orderId, stored, RefundReason.CancelledByBuyer, "");
    }

    /// @inheritdoc IOrderEscrow
    function claimRefund(uint256 orderId) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Accepted);
        _requireBuyer(orderId, stored);
        _requireDeadlinePassed(orderId, stored.deadline);
        _refundInFull(orderId, stored, RefundReason.ShipDeadlineMissed, "");
        _hubRegistry.recordOutcome(stored.hubId, orderId, IHubRegistry.Outcome.RefundedForFault, stored.weight);
    }

    // ------------------------------------------------------------------ hub

    /// @inheritdoc IOrderEscrow
    function rejectOrder(uint256 orderId, string calldata reason) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Paid);
        if (_hubRegistry.operatorOf(stored.hubId) != msg.sender) revert NotOrderHub(orderId, msg.sender);
        _refundInFull(orderId, stored, RefundReason.RejectedByHub, reason);
    }

    /// @inheritdoc IOrderEscrow
    function acceptOrder(uint256 orderId) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Paid);
        uint32 hubId = stored.hubId;
        if (_hubRegistry.approvedOperator(hubId) != msg.sender) revert NotOrderHub(orderId, msg.sender);
        _requireDeadlineNotPassed(orderId, stored.deadline);
        uint32 shipBy = (block.timestamp + uint256(stored.leadTimeHours) * _HOUR).toUint32();
        stored.status = OrderStatus.Accepted;
        stored.deadline = shipBy;
        emit OrderAccepted(orderId, hubId, stored.buyer, shipBy);
    }

    /// @inheritdoc IOrderEscrow
    function shipOrder(uint256 orderId, bytes32 trackingRef) external nonReentrant {
        if (trackingRef == bytes32(0)) revert InvalidTrackingRef();
        Order storage stored = _orderIn(orderId, OrderStatus.Accepted);
        uint32 hubId = stored.hubId;
        if (_hubRegistry.operatorOf(hubId) != msg.sender) revert NotOrderHub(orderId, msg.sender);
        bool late = block.timestamp > stored.deadline;
        uint32 disputeBy = (block.timestamp + _disputeWindow).toUint32();
        stored.status = OrderStatus.Shipped;
        stored.deadline = disputeBy;
        if (late) stored.flags |= _FLAG_SHIPPED_LATE;
        emit OrderShipped(orderId, hubId, stored.buyer, trackingRef, disputeBy, late);
    }

    // ------------------------------------------------------------------ delivery

    /// @inheritdoc IOrderEscrow
    function confirmDelivery(uint256 orderId) external nonReentrant onlyRole(GlocalRoles.ORACLE_ROLE) {
        Order storage stored = _orderIn(orderId, OrderStatus.Shipped);
        uint256 slots = stored.confirmations;
        uint256 live = 1; // this vote
        uint256 freeSlot = slots;
        // Bounded: an order holds at most MAX_QUORUM - 1 vote slots (see `_votes`).
        for (uint256 slot = 0; slot < slots; ++slot) {
            address voter = _votes[orderId][slot];
            if (voter == msg.sender) revert AlreadyConfirmed(orderId, msg.sender);
            if (hasRole(GlocalRoles.ORACLE_ROLE, voter)) {
                ++live;
            } else if (freeSlot == slots) {
                freeSlot = slot;
            }
        }
        bool reachesQuorum = live >= stored.quorum;
        if (reachesQuorum) {
            // This vote ends the order: no need to remember who cast it.
            stored.flags |= _FLAG_QUORUM_VOTE;
        } else {
            _votes[orderId][freeSlot] = msg.sender;
            if (freeSlot == slots) stored.confirmations = uint8(slots + 1);
        }
        emit DeliveryConfirmed(orderId, stored.hubId, stored.buyer, msg.sender, uint8(live));
        if (reachesQuorum) _deliver(orderId, stored);
    }

    /// @inheritdoc IOrderEscrow
    function confirmReceipt(uint256 orderId) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Shipped);
        _requireBuyer(orderId, stored);
        _deliver(orderId, stored);
    }

    /// @inheritdoc IOrderEscrow
    function finalizeOrder(uint256 orderId) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Shipped);
        _requireDeadlinePassed(orderId, stored.deadline);
        _deliver(orderId, stored);
    }

    // ------------------------------------------------------------------ disputes

    /// @inheritdoc IOrderEscrow
    function disputeOrder(uint256 orderId, string calldata reason) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Shipped);
        _requireBuyer(orderId, stored);
        _requireDeadlineNotPassed(orderId, stored.deadline);
        uint32 arbitrateBy = (block.timestamp + _arbitrationWindow).toUint32();
        stored.status = OrderStatus.Disputed;
        stored.deadline = arbitrateBy;
        emit OrderDisputed(orderId, stored.hubId, msg.sender, arbitrateBy, reason);
    }

    /// @inheritdoc IOrderEscrow
    function resolveDispute(uint256 orderId, uint16 refundBps)
        external
        nonReentrant
        onlyRole(GlocalRoles.ARBITER_ROLE)
    {
        if (refundBps > _BPS) revert InvalidBps(refundBps);
        IHubRegistry.Outcome outcome = refundBps >= DISPUTE_LOST_THRESHOLD_BPS
            ? IHubRegistry.Outcome.DisputeLost
            : IHubRegistry.Outcome.DisputeWon;
        _resolve(orderId, _orderIn(orderId, OrderStatus.Disputed), refundBps, msg.sender, outcome);
    }

    /// @inheritdoc IOrderEscrow
    function settleExpiredDispute(uint256 orderId) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Disputed);
        _requireDeadlinePassed(orderId, stored.deadline);
        _resolve(orderId, stored, UNRESOLVED_DISPUTE_REFUND_BPS, address(0), IHubRegistry.Outcome.DisputeExpired);
    }

    // ------------------------------------------------------------------ after delivery

    /// @inheritdoc IOrderEscrow
    function rateOrder(uint256 orderId, uint8 rating) external nonReentrant {
        Order storage stored = _orderIn(orderId, OrderStatus.Delivered);
        _requireBuyer(orderId, stored);
        uint8 flags = stored.flags;
        if (flags & _FLAG_RATED != 0) revert AlreadyRated(orderId);
        stored.flags = flags | _FLAG_RATED;
        uint32 hubId = stored.hubId;
        emit OrderRated(orderId, hubId, msg.sender, rating);
        _hubRegistry.recordRating(hubId, orderId, msg.sender, rating, stored.weight);
    }

    /// @inheritdoc IOrderEscrow
    function withdraw(address token) external nonReentrant {
        uint8 tokenIndex = _paymentTokens[token].index;
        uint256 amount = _owed[msg.sender][tokenIndex];
        if (msg.sender == _communityFund) amount += _tokens[tokenIndex].communityFeesOwed;
        if (tokenIndex == 0 || amount == 0) revert NothingToWithdraw(msg.sender, token);
        _owed[msg.sender][tokenIndex] = 0;
        if (msg.sender == _communityFund) _tokens[tokenIndex].communityFeesOwed = 0;
        emit PayoutWithdrawn(msg.sender, token, amount);
        if (token == _NATIVE_COIN) {
            (bool sent, ) = payable(msg.sender).call{value: amount}("");
            if (!sent) revert NativeTransferFailed(msg.sender, amount);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IOrderEscrow
    function setPaymentToken(address token, bool allowed, uint96 ratingFeeUnit) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (ratingFeeUnit == 0) revert InvalidRatingFeeUnit();
        PaymentToken memory entry = _paymentTokens[token];
        if (entry.index == 0) {
            if (!allowed) revert PaymentTokenNotAllowed(token);
            if (_paymentTokenCount == MAX_PAYMENT_TOKENS) revert TooManyPaymentTokens();
            entry.index = ++_paymentTokenCount;
            _tokens[entry.index].token = token;
        }
        entry.allowed = allowed;
        entry.ratingFeeUnit = ratingFeeUnit;
        _paymentTokens[token] = entry;
        emit PaymentTokenSet(token, entry.index, allowed, ratingFeeUnit);
    }

    /// @inheritdoc IOrderEscrow
    function setLeadTimeCap(uint16 maxLeadTimeHours) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setLeadTimeCap(maxLeadTimeHours);
    }

    /// @inheritdoc IOrderEscrow
    function setFee(uint16 feeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFee(feeBps);
    }

    /// @inheritdoc IOrderEscrow
    function setQuorum(uint8 quorum) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuorum(quorum);
    }

    /// @inheritdoc IOrderEscrow
    function setWindows(uint32 acceptWindow, uint32 disputeWindow, uint32 arbitrationWindow)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setWindows(acceptWindow, disputeWindow, arbitrationWindow);
    }

    /// @inheritdoc IOrderEscrow
    function setCommunityFund(address newCommunityFund) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setCommunityFund(newCommunityFund);
    }

    /// @inheritdoc IOrderEscrow
    function pause() external onlyRole(GlocalRoles.PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IOrderEscrow
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IOrderEscrow
    function order(uint256 orderId) external view returns (OrderView memory) {
        Order storage stored = _existingOrder(orderId);
        (uint256 amount, uint256 royalty) = _amounts(stored);
        return OrderView({
            orderId: orderId,
            buyer: stored.buyer,
            hubId: stored.hubId,
            productId: stored.productId,
            designVersion: stored.designVersion,
            token: _tokens[stored.tokenIndex].token,
            amount: amount,
            royalty: royalty,
            feeBps: stored.feeBps,
            status: stored.status,
            deadline: stored.deadline,
            confirmations: _liveVotes(orderId, stored),
            quorum: stored.quorum,
            leadTimeHours: stored.leadTimeHours,
            weight: stored.weight,
            shippedLate: stored.flags & _FLAG_SHIPPED_LATE != 0,
            rated: stored.flags & _FLAG_RATED != 0
        });
    }

    /// @inheritdoc IOrderEscrow
    function owed(address account, address token) external view returns (uint256) {
        uint8 tokenIndex = _paymentTokens[token].index;
        if (tokenIndex == 0) return 0;
        uint256 fees = account == _communityFund ? _tokens[tokenIndex].communityFeesOwed : 0;
        return _owed[account][tokenIndex] + fees;
    }

    /// @inheritdoc IOrderEscrow
    function quoteOrder(uint32 productId, uint32 hubId, uint32 quantity)
        external
        view
        returns (OrderTerms memory terms, uint256 royalty)
    {
        IProductRegistry.Quote memory offerQuote = _productRegistry.quote(productId, hubId);
        _requireLeadTimeWithinCap(offerQuote.leadTimeHours);
        uint256 hubPrice = offerQuote.price * quantity;
        royalty = (hubPrice * offerQuote.royaltyBps) / _BPS;
        terms = OrderTerms({
            productId: productId,
            hubId: hubId,
            quantity: quantity,
            designVersion: offerQuote.designVersion,
            token: offerQuote.token,
            maxLeadTimeHours: offerQuote.leadTimeHours,
            maxTotal: hubPrice + royalty
        });
    }

    /// @inheritdoc IOrderEscrow
    function config() external view returns (EscrowConfig memory) {
        return EscrowConfig({
            feeBps: _feeBps,
            quorum: _quorum,
            acceptWindow: _acceptWindow,
            disputeWindow: _disputeWindow,
            arbitrationWindow: _arbitrationWindow,
            maxLeadTimeHours: _maxLeadTimeHours
        });
    }

    /// @inheritdoc IOrderEscrow
    function communityFund() external view returns (address) {
        return _communityFund;
    }

    /// @inheritdoc IOrderEscrow
    function paymentToken(address token) external view returns (PaymentToken memory) {
        return _paymentTokens[token];
    }

    /// @inheritdoc IOrderEscrow
    function orderCount() external view returns (uint256) {
        return _orderCount;
    }

    /**
     * @notice The product registry orders are priced from.
     * @return The registry.
     */
    function productRegistry() external view returns (IProductRegistry) {
        return _productRegistry;
    }

    /**
     * @notice The hub registry hubs are checked against.
     * @return The registry.
     */
    function hubRegistry() external view returns (IHubRegistry) {
        return _hubRegistry;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Checks the agreed terms against the offer and governance's cap, then stores the order.
    function _createOrder(OrderTerms calldata terms) private returns (uint256 orderId, uint256 total) {
        if (terms.quantity == 0) revert InvalidQuantity();
        IProductRegistry.Quote memory offerQuote = _productRegistry.quote(terms.productId, terms.hubId);
        if (offerQuote.token != terms.token) revert PaymentTokenChanged(terms.token, offerQuote.token);
        if (offerQuote.designVersion != terms.designVersion) {
            revert DesignVersionChanged(terms.designVersion, offerQuote.designVersion);
        }
        if (offerQuote.leadTimeHours > terms.maxLeadTimeHours) {
            revert LeadTimeAboveMaximum(offerQuote.leadTimeHours, terms.maxLeadTimeHours);
        }
        _requireLeadTimeWithinCap(offerQuote.leadTimeHours);
        PaymentToken memory entry = _paymentTokens[terms.token];
        if (!entry.allowed) revert PaymentTokenNotAllowed(terms.token);
        uint256 hubPrice = offerQuote.price * terms.quantity;
        uint256 royalty = (hubPrice * offerQuote.royaltyBps) / _BPS;
        total = hubPrice + royalty;
        if (total > terms.maxTotal) revert TotalAboveMaximum(total, terms.maxTotal);
        uint16 feeBps = _feeBps;
        uint32 acceptBy = (block.timestamp + _acceptWindow).toUint32();
        orderId = ++_orderCount;
        _orders[orderId] = Order({
            buyer: msg.sender,
            hubId: terms.hubId,
            deadline: acceptBy,
            status: OrderStatus.Paid,
            flags: 0,
            leadTimeHours: offerQuote.leadTimeHours,
            hubPrice: hubPrice.toUint96(),
            royaltyBps: offerQuote.royaltyBps,
            productId: terms.productId,
            designVersion: terms.designVersion,
            feeBps: feeBps,
            weight: _weight((hubPrice * feeBps) / _BPS, entry.ratingFeeUnit),
            quorum: _quorum,
            tokenIndex: entry.index,
            confirmations: 0
        });
        emit OrderPlaced(
            orderId,
            terms.hubId,
            msg.sender,
            terms.productId,
            terms.designVersion,
            terms.token,
            terms.quantity,
            total,
            royalty,
            acceptBy
        );
    }

    function _deliver(uint256 orderId, Order storage stored) private {
        stored.status = OrderStatus.Delivered;
        IHubRegistry.Outcome outcome = stored.flags & _FLAG_SHIPPED_LATE != 0
            ? IHubRegistry.Outcome.CompletedLate
            : IHubRegistry.Outcome.Completed;
        (uint256 amount, uint256 royalty) = _amounts(stored);
        (uint256 hubPayout, uint256 fee) = _payOut(orderId, stored, amount, royalty, outcome);
        emit OrderDelivered(orderId, stored.hubId, stored.buyer, hubPayout, royalty, fee);
    }

    function _resolve(
        uint256 orderId,
        Order storage stored,
        uint16 refundBps,
        address arbiter,
        IHubRegistry.Outcome outcome
    ) private {
        stored.status = OrderStatus.Resolved;
        (uint256 amount, uint256 fullRoyalty) = _amounts(stored);
        uint256 refund = (amount * refundBps) / _BPS;
        uint256 royalty = (fullRoyalty * (_BPS - refundBps)) / _BPS;
        address buyer = stored.buyer;
        _credit(buyer, stored.tokenIndex, refund);
        (uint256 hubPayout, uint256 fee) = _payOut(orderId, stored, amount - refund, royalty, outcome);
        emit DisputeResolved(orderId, stored.hubId, buyer, arbiter, refundBps, refund, hubPayout, royalty, fee);
    }

    /// @dev Splits `amount` (royalty included) between designer, community fund and hub, then records the
    /// outcome with the hub registry (the only call that writes elsewhere comes last).
    function _payOut(
        uint256 orderId,
        Order storage stored,
        uint256 amount,
        uint256 royalty,
        IHubRegistry.Outcome outcome
    ) private returns (uint256 hubPayout, uint256 fee) {
        uint256 hubGross = amount - royalty;
        fee = (hubGross * stored.feeBps) / _BPS;
        hubPayout = hubGross - fee;
        uint8 tokenIndex = stored.tokenIndex;
        uint32 hubId = stored.hubId;
        _credit(_hubRegistry.operatorOf(hubId), tokenIndex, hubPayout);
        _credit(_productRegistry.designerOf(stored.productId), tokenIndex, royalty);
        if (fee != 0) {
            TokenRecord storage record = _tokens[tokenIndex];
            record.communityFeesOwed = (record.communityFeesOwed + fee).toUint96();
        }
        _hubRegistry.recordOutcome(hubId, orderId, outcome, stored.weight);
    }

    function _refundInFull(uint256 orderId, Order storage stored, RefundReason reason, string memory note) private {
        stored.status = OrderStatus.Refunded;
        (uint256 amount, ) = _amounts(stored);
        address buyer = stored.buyer;
        _credit(buyer, stored.tokenIndex, amount);
        emit OrderRefunded(orderId, stored.hubId, buyer, reason, amount, note);
    }

    function _credit(address account, uint8 tokenIndex, uint256 amount) private {
        if (amount != 0) _owed[account][tokenIndex] += amount;
    }

    function _existingOrder(uint256 orderId) private view returns (Order storage stored) {
        stored = _orders[orderId];
        if (stored.status == OrderStatus.None) revert OrderNotFound(orderId);
    }

    /// @dev The order, which must be in `expected` status; the status is read once.
    function _orderIn(uint256 orderId, OrderStatus expected) private view returns (Order storage stored) {
        stored = _orders[orderId];
        OrderStatus status = stored.status;
        if (status != expected) {
            if (status == OrderStatus.None) revert OrderNotFound(orderId);
            revert InvalidOrderStatus(orderId, status);
        }
    }

    function _requireBuyer(uint256 orderId, Order storage stored) private view {
        if (stored.buyer != msg.sender) revert NotOrderBuyer(orderId, msg.sender);
    }

    function _requireDeadlinePassed(uint256 orderId, uint32 deadline) private view {
        if (block.timestamp <= deadline) revert DeadlineNotReached(orderId, deadline);
    }

    function _requireDeadlineNotPassed(uint256 orderId, uint32 deadline) private view {
        if (block.timestamp > deadline) revert DeadlinePassed(orderId, deadline);
    }

    /// @dev What the order holds and the designer's part of it. The royalty is taken on the whole
    /// quantity, so rounding loses at most one unit per order (as `_createOrder` priced it).
    function _amounts(Order storage stored) private view returns (uint256 amount, uint256 royalty) {
        uint256 hubPrice = stored.hubPrice;
        royalty = (hubPrice * stored.royaltyBps) / _BPS;
        amount = hubPrice + royalty;
    }

    /// @dev Votes that count now: stored votes of oracles that still hold the role, plus the deciding vote.
    function _liveVotes(uint256 orderId, Order storage stored) private view returns (uint8 live) {
        uint256 slots = stored.confirmations;
        for (uint256 slot = 0; slot < slots; ++slot) {
            if (hasRole(GlocalRoles.ORACLE_ROLE, _votes[orderId][slot])) ++live;
        }
        if (stored.flags & _FLAG_QUORUM_VOTE != 0) ++live;
    }

    /// @dev An order's reputation weight: the share of its token's rating fee unit that its community
    /// fee pays, at most a full weight. An order that pays no fee weighs nothing.
    function _weight(uint256 fee, uint96 ratingFeeUnit) private pure returns (uint16) {
        return uint16(Math.min((fee * ReputationWeight.FULL) / ratingFeeUnit, ReputationWeight.FULL));
    }

    function _requireLeadTimeWithinCap(uint16 leadTimeHours) private view {
        if (leadTimeHours > _maxLeadTimeHours) revert LeadTimeAboveCap(leadTimeHours, _maxLeadTimeHours);
    }

    function _setFee(uint16 feeBps) private {
        if (feeBps > MAX_FEE_BPS) revert InvalidBps(feeBps);
        _feeBps = feeBps;
        emit FeeChanged(feeBps);
    }

    function _setQuorum(uint8 quorum) private {
        if (quorum == 0 || quorum > MAX_QUORUM) revert InvalidQuorum(quorum);
        _quorum = quorum;
        emit QuorumChanged(quorum);
    }

    function _setWindows(uint32 acceptWindow, uint32 disputeWindow, uint32 arbitrationWindow) private {
        _requireValidWindow(acceptWindow);
        _requireValidWindow(disputeWindow);
        _requireValidWindow(arbitrationWindow);
        _acceptWindow = acceptWindow;
        _disputeWindow = disputeWindow;
        _arbitrationWindow = arbitrationWindow;
        emit WindowsChanged(acceptWindow, disputeWindow, arbitrationWindow);
    }

    function _setLeadTimeCap(uint16 maxLeadTimeHours) private {
        if (maxLeadTimeHours == 0 || maxLeadTimeHours > MAX_LEAD_TIME_CAP_HOURS) {
            revert InvalidLeadTimeCap(maxLeadTimeHours);
        }
        _maxLeadTimeHours = maxLeadTimeHours;
        emit LeadTimeCapChanged(maxLeadTimeHours);
    }

    function _setCommunityFund(address newCommunityFund) private {
        if (newCommunityFund == address(0)) revert ZeroAddress();
        _communityFund = newCommunityFund;
        emit CommunityFundChanged(newCommunityFund);
    }

    function _requireValidWindow(uint32 window) private pure {
        if (window < MIN_WINDOW || window > MAX_WINDOW) revert InvalidWindow(window);
    }
}
