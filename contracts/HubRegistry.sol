// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IHubRegistry, ReputationWeight} from "./interfaces/IHubRegistry.sol";
import {GlocalRoles} from "./access/GlocalRoles.sol";

/**
 * @title HubRegistry
 * @notice Micro-manufacturing hubs: their profiles, approval by the consortium, and a reputation that
 * only the escrow writes, from what actually happened to the hub's orders.
 */
contract HubRegistry is IHubRegistry, AccessControl {
    /// @notice Longest geohash accepted (about 3.7 cm x 1.9 cm cells).
    uint256 public constant MAX_GEOHASH_LENGTH = 12;
    /// @notice Lowest and highest rating.
    uint8 public constant MIN_RATING = 1;
    uint8 public constant MAX_RATING = 5;
    /// @notice Weight of the rating prior, in full-weight raters: one rater (at most a full weight)
    /// moves a fresh hub by at most 2 x 100 / (PRIOR_RATERS + 1) < 10 centi-stars.
    uint256 public constant PRIOR_RATERS = 20;
    /// @notice Weight of the reliability prior, in full-weight orders.
    uint256 public constant PRIOR_ORDERS = 5;
    /// @notice The rating prior: 3 stars, in centi-stars.
    uint256 public constant PRIOR_RATING_CENTI_STARS = 300;
    /// @notice The reliability prior: 90 % on time, in basis points.
    uint256 public constant PRIOR_RELIABILITY_BPS = 9_000;
    /// @notice Most areas (geohash prefixes) one hub approver may have.
    uint256 public constant MAX_APPROVER_AREAS = 16;

    uint256 private constant _CENTI = 100;
    uint256 private constant _BPS = 10_000;
    uint256 private constant _BITS_PER_CHARACTER = 8;
    /// @dev Bit i is set when ASCII code i is in the geohash alphabet "0123456789bcdefghjkmnpqrstuvwxyz".
    uint256 private constant _GEOHASH_ALPHABET = (((1 << 10) - 1) << 48) // '0'..'9'
        | (((1 << 7) - 1) << 98) // 'b'..'h'
        | (3 << 106) // 'j', 'k'
        | (3 << 109) // 'm', 'n'
        | (((1 << 11) - 1) << 112); // 'p'..'z'


    uint32 private _hubCount;
    mapping(uint32 hubId => Hub) private _hubs;
    mapping(uint32 hubId => string) private _metadataURIs;
    mapping(uint32 hubId => Reputation) private _reputations;
    mapping(uint32 hubId => Ratings) private _ratings;
    mapping(uint32 hubId => mapping(address rater => RaterRecord)) private _raters;
    mapping(address approver => bytes12[] areas) private _approverAreas;
    mapping(uint32 hubId => address suspender) private _suspenders;

    /**
     * @param governor Holder of `DEFAULT_ADMIN_ROLE`.
     */
    constructor(address governor) {
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
    }

    /// @inheritdoc IHubRegistry
    function registerHub(bytes12 geohash, uint64 capabilities, string calldata metadataURI)
        external
        returns (uint32 hubId)
    {
        _requireValidGeohash(geohash);
        hubId = ++_hubCount;
        _hubs[hubId] = Hub({
            operator: msg.sender,
            status: HubStatus.Pending,
            capabilities: capabilities,
            geohash: geohash,
            registeredAt: uint40(block.timestamp)
        });
        _metadataURIs[hubId] = metadataURI;
        emit HubRegistered(hubId, msg.sender, geohash, capabilities, metadataURI);
    }

    /// @inheritdoc IHubRegistry
    function updateHubProfile(uint32 hubId, bytes12 geohash, uint64 capabilities, string calldata metadataURI)
        external
    {
        Hub storage stored = _existingHub(hubId);
        if (stored.operator != msg.sender) revert NotHubOperator(hubId, msg.sender);
        _requireValidGeohash(geohash);
        bytes12 from = stored.geohash;
        stored.geohash = geohash;
        stored.capabilities = capabilities;
        _metadataURIs[hubId] = metadataURI;
        emit HubProfileUpdated(hubId, geohash, capabilities, metadataURI);
        // A refinement (the new geohash starts with the old) stays in every area the old one was in.
        if (stored.status == HubStatus.Approved && geohash & _prefixMask(from) != from) {
            stored.status = HubStatus.Pending;
            emit HubMoved(hubId, from, geohash);
        }
    }

    /// @inheritdoc IHubRegistry
    function setHubApproverAreas(address approver, bytes12[] calldata areas) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (areas.length > MAX_APPROVER_AREAS) revert TooManyApproverAreas(areas.length, MAX_APPROVER_AREAS);
        for (uint256 i = 0; i < areas.length; ++i) {
            _requireValidGeohash(areas[i]);
        }
        _approverAreas[approver] = areas;
        emit HubApproverAreasSet(approver, areas);
    }

    /// @inheritdoc IHubRegistry
    function approveHub(uint32 hubId) external {
        Hub storage stored = _existingHub(hubId);
        _requireApproverFor(hubId, stored.geohash);
        if (stored.status == HubStatus.Approved) revert HubStatusUnchanged(hubId, HubStatus.Approved);
        if (stored.status == HubStatus.Suspended) {
            // Whoever suspended it, or the consortium, decides: another city's area (even after a move) does not.
            address suspender = _suspenders[hubId];
            if (msg.sender != suspender && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
                revert HubSuspendedByOther(hubId, suspender);
            }
            delete _suspenders[hubId];
        }
        stored.status = HubStatus.Approved;
        emit HubApproved(hubId, msg.sender);
    }

    /// @inheritdoc IHubRegistry
    function suspendHub(uint32 hubId, string calldata reason) external {
        Hub storage stored = _existingHub(hubId);
        _requireApproverFor(hubId, stored.geohash);
        if (stored.status != HubStatus.Approved) revert HubNotApproved(hubId, stored.status);
        stored.status = HubStatus.Suspended;
        _suspenders[hubId] = msg.sender;
        emit HubSuspended(hubId, msg.sender, reason);
    }

    /// @inheritdoc IHubRegistry
    function recordOutcome(uint32 hubId, uint256 orderId, Outcome outcome, uint16 weight)
        external
        onlyRole(GlocalRoles.ESCROW_ROLE)
    {
        // Read once, written once: the counters share one slot.
        Reputation memory counters = _reputations[hubId];
        if (outcome == Outcome.Completed) {
            ++counters.completed;
            counters.onTimeWeight += weight;
            counters.finishedWeight += weight;
        } else if (outcome == Outcome.CompletedLate) {
            ++counters.completedLate;
            counters.finishedWeight += weight;
        } else if (outcome == Outcome.RefundedForFault) {
            ++counters.refundedForFault;
            counters.finishedWeight += weight;
        } else if (outcome == Outcome.DisputeLost) {
            ++counters.disputesLost;
            counters.finishedWeight += weight;
        } else if (outcome == Outcome.DisputeExpired) {
            ++counters.disputesExpired;
        }
        _reputations[hubId] = counters;
        emit OutcomeRecorded(hubId, orderId, outcome, weight);
    }

    /// @inheritdoc IHubRegistry
    function recordRating(uint32 hubId, uint256 orderId, address rater, uint8 rating, uint16 weight)
        external
        onlyRole(GlocalRoles.ESCROW_ROLE)
    {
        if (rating < MIN_RATING || rating > MAX_RATING) revert InvalidRating(rating);
        RaterRecord memory previous = _raters[hubId][rater];
        uint16 raterWeight = uint16(Math.min(Math.max(previous.weight, weight), ReputationWeight.FULL));
        Ratings storage totals = _ratings[hubId];
        if (previous.rating == 0) ++totals.raters;
        totals.weight = totals.weight - previous.weight + raterWeight;
        totals.weightedStars =
            totals.weightedStars - uint96(previous.rating) * previous.weight + uint96(rating) * raterWeight;
        _raters[hubId][rater] = RaterRecord({rating: rating, weight: raterWeight});
        emit HubRated(hubId, orderId, rater, rating, raterWeight);
    }

    /// @inheritdoc IHubRegistry
    function suspenderOf(uint32 hubId) external view returns (address) {
        _existingHub(hubId);
        return _suspenders[hubId];
    }

    /// @inheritdoc IHubRegistry
    function hubApproverAreas(address approver) external view returns (bytes12[] memory) {
        return _approverAreas[approver];
    }

    /// @inheritdoc IHubRegistry
    function hub(uint32 hubId) external view returns (Hub memory) {
        return _existingHub(hubId);
    }

    /// @inheritdoc IHubRegistry
    function hubMetadataURI(uint32 hubId) external view returns (string memory) {
        _existingHub(hubId);
        return _metadataURIs[hubId];
    }

    /// @inheritdoc IHubRegistry
    function approvedOperator(uint32 hubId) external view returns (address) {
        Hub storage stored = _hubs[hubId];
        if (stored.status != HubStatus.Approved) {
            if (stored.status == HubStatus.None) revert HubNotFound(hubId);
            revert HubNotApproved(hubId, stored.status);
        }
        return stored.operator;
    }

    /// @inheritdoc IHubRegistry
    function operatorOf(uint32 hubId) external view returns (address) {
        return _existingHub(hubId).operator;
    }

    /// @inheritdoc IHubRegistry
    function reputation(uint32 hubId) external view returns (Reputation memory) {
        _existingHub(hubId);
        return _reputations[hubId];
    }

    /// @inheritdoc IHubRegistry
    function ratings(uint32 hubId) external view returns (Ratings memory) {
        _existingHub(hubId);
        return _ratings[hubId];
    }

    /// @inheritdoc IHubRegistry
    function raterRecord(uint32 hubId, address rater) external view returns (RaterRecord memory) {
        _existingHub(hubId);
        return _raters[hubId][rater];
    }

    /// @inheritdoc IHubRegistry
    function score(uint32 hubId) external view returns (uint256 ratingCentiStars, uint256 reliabilityBps) {
        _existingHub(hubId);
        Ratings memory totals = _ratings[hubId];
        uint256 priorRaters = PRIOR_RATERS * ReputationWeight.FULL;
        ratingCentiStars =
            (priorRaters * PRIOR_RATING_CENTI_STARS + uint256(totals.weightedStars) * _CENTI) /
            (priorRaters + totals.weight);
        Reputation memory counters = _reputations[hubId];
        uint256 priorOrders = PRIOR_ORDERS * ReputationWeight.FULL;
        reliabilityBps =
            (priorOrders * PRIOR_RELIABILITY_BPS + uint256(counters.onTimeWeight) * _BPS) /
            (priorOrders + counters.finishedWeight);
    }

    /// @inheritdoc IHubRegistry
    function hubCount() external view returns (uint32) {
        return _hubCount;
    }

    function _existingHub(uint32 hubId) private view returns (Hub storage stored) {
        stored = _hubs[hubId];
        if (stored.status == HubStatus.None) revert HubNotFound(hubId);
    }

    /// @dev The consortium acts anywhere; a hub approver only where one of its areas is a prefix of the hub's geohash.
    function _requireApproverFor(uint32 hubId, bytes12 geohash) private view {
        if (hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) return;
        _checkRole(GlocalRoles.HUB_APPROVER_ROLE);
        bytes12[] storage areas = _approverAreas[msg.sender];
        for (uint256 i = 0; i < areas.length; ++i) {
            bytes12 area = areas[i];
            if (geohash & _prefixMask(area) == area) return;
        }
        revert HubOutsideApproverArea(hubId, msg.sender);
    }

    /// @dev All ones over the characters of a left-aligned, zero-padded geohash `area`, zeros after.
    function _prefixMask(bytes12 area) private pure returns (bytes12) {
        uint256 length;
        while (length < MAX_GEOHASH_LENGTH && area[length] != 0) ++length;
        return bytes12(type(uint96).max << (_BITS_PER_CHARACTER * (MAX_GEOHASH_LENGTH - length)));
    }

    /// @dev 1 to 12 alphabet characters, then only zero bytes.
    function _requireValidGeohash(bytes12 geohash) private pure {
        uint256 length;
        while (length < MAX_GEOHASH_LENGTH && geohash[length] != 0) {
            if ((_GEOHASH_ALPHABET >> uint8(geohash[length])) & 1 == 0) revert InvalidGeohash(geohash);
            ++length;
        }
        if (length == 0) revert InvalidGeohash(geohash);
        for (uint256 i = length; i < MAX_GEOHASH_LENGTH; ++i) {
            if (geohash[i] != 0) revert InvalidGeohash(geohash);
        }
    }
}
