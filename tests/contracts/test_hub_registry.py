"""HubRegistry: registration, profile, approval lifecycle and approvers' areas, escrow-only reputation, score.
(The consortium's hub approvers, their areas set by proposal: test_consortium_governance.py.)"""

import pytest
from brownie import web3

from conftest import DEFAULT_ADMIN_ROLE, FULL_WEIGHT, GEOHASH, GEOHASH_FAR, ROLES, HubStatus, Outcome, area, reverts


def test_register_hub_creates_pending_hub_if_geohash_valid(hubs, hub_operator):
    tx = hubs.registerHub(GEOHASH, 5, "uri", {"from": hub_operator})
    hub_id = tx.return_value
    assert hub_id == hubs.hubCount() == 3  # after the world's two hubs
    hub = hubs.hub(hub_id)
    assert hub["operator"] == hub_operator
    assert hub["status"] == HubStatus.PENDING
    assert hub["capabilities"] == 5
    assert hub["geohash"] == "0x" + GEOHASH.hex()
    assert hubs.hubMetadataURI(hub_id) == "uri"
    assert tx.events["HubRegistered"]["hubId"] == hub_id
    assert tx.events["HubRegistered"]["operator"] == hub_operator


def test_register_hub_reverts_if_geohash_empty(hubs, hub_operator):
    with reverts("InvalidGeohash"):
        hubs.registerHub(b"\0" * 12, 0, "", {"from": hub_operator})


def test_register_hub_reverts_if_geohash_has_letter_outside_alphabet(hubs, hub_operator):
    for bad in (b"u4pa", b"u4pi", b"u4pl", b"u4po", b"U4P", b"u4p-"):
        with reverts("InvalidGeohash"):
            hubs.registerHub(bad.ljust(12, b"\0"), 0, "", {"from": hub_operator})


def test_register_hub_reverts_if_geohash_has_gap(hubs, hub_operator):
    with reverts("InvalidGeohash"):
        hubs.registerHub(b"u4\0p".ljust(12, b"\0"), 0, "", {"from": hub_operator})


def test_register_hub_accepts_twelve_characters_if_all_in_alphabet(hubs, hub_operator):
    tx = hubs.registerHub(b"0123456789bz", 0, "", {"from": hub_operator})
    assert hubs.hub(tx.return_value)["geohash"] == "0x" + b"0123456789bz".hex()


def test_update_hub_profile_changes_profile_if_operator(hubs, hub_id, hub_operator):
    tx = hubs.updateHubProfile(hub_id, GEOHASH_FAR, 9, "new", {"from": hub_operator})
    hub = hubs.hub(hub_id)
    assert hub["geohash"] == "0x" + GEOHASH_FAR.hex() and hub["capabilities"] == 9
    assert hubs.hubMetadataURI(hub_id) == "new"
    assert tx.events["HubProfileUpdated"]["hubId"] == hub_id


def test_update_hub_profile_returns_hub_to_pending_if_approved_hub_moves(hubs, hub_id, hub_operator):
    tx = hubs.updateHubProfile(hub_id, GEOHASH_FAR, 3, "", {"from": hub_operator})
    assert hubs.hub(hub_id)["status"] == HubStatus.PENDING
    moved = tx.events["HubMoved"]
    assert (moved["hubId"], moved["fromGeohash"], moved["toGeohash"]) == (hub_id, "0x" + GEOHASH.hex(),
                                                                         "0x" + GEOHASH_FAR.hex())
    with reverts("HubNotApproved"):
        hubs.approvedOperator(hub_id)


def test_update_hub_profile_keeps_approval_if_approved_hub_stays(hubs, hub_id, hub_operator):
    tx = hubs.updateHubProfile(hub_id, GEOHASH, 1, "new", {"from": hub_operator})
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED
    assert "HubMoved" not in tx.events


def test_update_hub_profile_keeps_approval_if_new_geohash_refines_old(hubs, hub_id, hub_operator):
    finer = (GEOHASH.rstrip(b"\0") + b"0" * 12)[:12]
    tx = hubs.updateHubProfile(hub_id, finer, 1, "", {"from": hub_operator})
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED and "HubMoved" not in tx.events
    coarser = finer[:3].ljust(12, b"\0")  # a bigger cell may reach into another city's area: a move
    tx = hubs.updateHubProfile(hub_id, coarser, 1, "", {"from": hub_operator})
    assert hubs.hub(hub_id)["status"] == HubStatus.PENDING and tx.events["HubMoved"]["hubId"] == hub_id


def test_update_hub_profile_keeps_status_if_pending_or_suspended_hub_moves(hubs, hub_id, gov, hub_operator):
    pending = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    hubs.suspendHub(hub_id, "", {"from": gov})
    for moving, status in ((pending, HubStatus.PENDING), (hub_id, HubStatus.SUSPENDED)):
        tx = hubs.updateHubProfile(moving, GEOHASH_FAR, 0, "", {"from": hub_operator})
        assert hubs.hub(moving)["status"] == status
        assert "HubMoved" not in tx.events


def test_update_hub_profile_reverts_if_not_operator(hubs, hub_id, stranger):
    with reverts("NotHubOperator"):
        hubs.updateHubProfile(hub_id, GEOHASH, 0, "", {"from": stranger})


def test_update_hub_profile_reverts_if_geohash_invalid(hubs, hub_id, hub_operator):
    with reverts("InvalidGeohash"):
        hubs.updateHubProfile(hub_id, b"a".ljust(12, b"\0"), 0, "", {"from": hub_operator})


def test_update_hub_profile_reverts_if_hub_unknown(hubs, hub_operator):
    with reverts("HubNotFound"):
        hubs.updateHubProfile(99, GEOHASH, 0, "", {"from": hub_operator})


def test_approve_hub_approves_if_approver(hubs, gov, hub_operator):
    hub_id = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    tx = hubs.approveHub(hub_id, {"from": gov})
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED
    assert hubs.approvedOperator(hub_id) == hub_operator
    assert tx.events["HubApproved"]["approver"] == gov


def test_approve_hub_reverts_if_not_approver(hubs, hub_operator, stranger):
    hub_id = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    with reverts("AccessControlUnauthorizedAccount"):
        hubs.approveHub(hub_id, {"from": stranger})


def test_approve_hub_reverts_if_already_approved(hubs, hub_id, gov):
    with reverts("HubStatusUnchanged"):
        hubs.approveHub(hub_id, {"from": gov})


def test_approve_hub_reverts_if_hub_unknown(hubs, gov):
    with reverts("HubNotFound"):
        hubs.approveHub(42, {"from": gov})


def test_suspend_hub_suspends_if_approved(hubs, hub_id, gov):
    tx = hubs.suspendHub(hub_id, "unsafe printer", {"from": gov})
    assert hubs.hub(hub_id)["status"] == HubStatus.SUSPENDED
    assert tx.events["HubSuspended"]["reason"] == "unsafe printer"
    with reverts("HubNotApproved"):
        hubs.approvedOperator(hub_id)


def test_approve_hub_reinstates_if_suspended(hubs, hub_id, gov, hub_operator):
    hubs.suspendHub(hub_id, "", {"from": gov})
    hubs.approveHub(hub_id, {"from": gov})
    assert hubs.approvedOperator(hub_id) == hub_operator


def test_suspend_hub_reverts_if_pending(hubs, gov, hub_operator):
    hub_id = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    with reverts("HubNotApproved"):
        hubs.suspendHub(hub_id, "", {"from": gov})


def test_suspend_hub_reverts_if_not_approver(hubs, hub_id, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        hubs.suspendHub(hub_id, "", {"from": stranger})


# ---------------------------------------------------------------- approvers' areas

@pytest.fixture
def local_approver(hubs, gov, stranger):
    """`stranger` as a hub approver (not an admin) whose areas each test sets."""
    hubs.grantRole(ROLES["HUB_APPROVER_ROLE"], stranger, {"from": gov})
    return stranger


def _set_areas(hubs, gov, approver, *prefixes):
    return hubs.setHubApproverAreas(approver, [area(prefix) for prefix in prefixes], {"from": gov})


def test_set_hub_approver_areas_sets_areas_if_admin(hubs, gov, local_approver):
    tx = _set_areas(hubs, gov, local_approver, b"u4", b"u33dc0")
    expected = ["0x" + area(b"u4").hex(), "0x" + area(b"u33dc0").hex()]
    assert list(hubs.hubApproverAreas(local_approver)) == expected
    assert tx.events["HubApproverAreasSet"]["approver"] == local_approver
    assert list(tx.events["HubApproverAreasSet"]["areas"]) == expected


def test_set_hub_approver_areas_replaces_old_areas_if_set_again(hubs, gov, local_approver, hub_operator):
    _set_areas(hubs, gov, local_approver, b"u4pr")
    _set_areas(hubs, gov, local_approver, b"u33")
    assert list(hubs.hubApproverAreas(local_approver)) == ["0x" + area(b"u33").hex()]
    hub_id = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    with reverts("HubOutsideApproverArea"):
        hubs.approveHub(hub_id, {"from": local_approver})
    _set_areas(hubs, gov, local_approver)  # no areas: it approves nowhere
    assert list(hubs.hubApproverAreas(local_approver)) == []


def test_set_hub_approver_areas_reverts_if_not_admin(hubs, local_approver):
    with reverts("AccessControlUnauthorizedAccount"):
        _set_areas(hubs, local_approver, local_approver, b"u")


def test_set_hub_approver_areas_reverts_if_too_many_areas(hubs, gov, local_approver):
    assert hubs.MAX_APPROVER_AREAS() == 16
    _set_areas(hubs, gov, local_approver, *[b"u" + bytes([c]) for c in b"0123456789bcdefg"])
    with reverts("TooManyApproverAreas"):
        _set_areas(hubs, gov, local_approver, *[b"u" + bytes([c]) for c in b"0123456789bcdefgh"])


def test_set_hub_approver_areas_reverts_if_area_invalid(hubs, gov, local_approver):
    for bad in (b"", b"u4a", b"u\0p"):
        with reverts("InvalidGeohash"):
            _set_areas(hubs, gov, local_approver, b"u4", bad)


@pytest.mark.parametrize("prefix", [b"u", b"u4pr", b"u4pruyd", b"0123456789bz"],
                         ids=["one-character", "several-characters", "equal-to-geohash", "twelve-characters"])
def test_approve_hub_approves_and_suspends_if_hub_inside_approver_area(hubs, gov, local_approver, hub_operator,
                                                                       prefix):
    geohash = b"0123456789bz" if len(prefix) == 12 else GEOHASH
    _set_areas(hubs, gov, local_approver, b"9q", prefix)
    hub_id = hubs.registerHub(area(geohash), 0, "", {"from": hub_operator}).return_value
    tx = hubs.approveHub(hub_id, {"from": local_approver})
    assert tx.events["HubApproved"]["approver"] == local_approver
    hubs.suspendHub(hub_id, "", {"from": local_approver})
    assert hubs.hub(hub_id)["status"] == HubStatus.SUSPENDED


@pytest.mark.parametrize("prefix", [b"u5", b"u4pruyd0", b"v"], ids=["neighbour", "longer-than-geohash", "other"])
def test_approve_hub_reverts_if_hub_outside_approver_areas(hubs, gov, local_approver, hub_operator, prefix):
    _set_areas(hubs, gov, local_approver, prefix)
    hub_id = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    with reverts("HubOutsideApproverArea"):
        hubs.approveHub(hub_id, {"from": local_approver})


def test_approve_hub_reverts_if_approver_has_no_areas(hubs, local_approver, hub_operator):
    hub_id = hubs.registerHub(GEOHASH, 0, "", {"from": hub_operator}).return_value
    with reverts("HubOutsideApproverArea"):
        hubs.approveHub(hub_id, {"from": local_approver})


def test_suspend_hub_reverts_if_hub_outside_approver_areas(hubs, gov, hub_id, local_approver):
    _set_areas(hubs, gov, local_approver, b"u33")
    with reverts("HubOutsideApproverArea"):
        hubs.suspendHub(hub_id, "", {"from": local_approver})


def test_approve_hub_approves_anywhere_if_admin_without_approver_role(hubs, gov, hub_operator):
    hubs.revokeRole(ROLES["HUB_APPROVER_ROLE"], gov, {"from": gov})
    assert hubs.hasRole(DEFAULT_ADMIN_ROLE, gov) and list(hubs.hubApproverAreas(gov)) == []
    hub_id = hubs.registerHub(b"9q8yy".ljust(12, b"\0"), 0, "", {"from": hub_operator}).return_value
    assert hubs.approveHub(hub_id, {"from": gov}).events["HubApproved"]["approver"] == gov
    hubs.suspendHub(hub_id, "", {"from": gov})
    assert hubs.hub(hub_id)["status"] == HubStatus.SUSPENDED


def test_approved_operator_reverts_if_hub_unknown(hubs):
    with reverts("HubNotFound"):
        hubs.approvedOperator(7)


def test_views_revert_if_hub_unknown(hubs, stranger):
    for view in (hubs.hub, hubs.hubMetadataURI, hubs.operatorOf, hubs.reputation, hubs.ratings, hubs.score):
        with reverts("HubNotFound"):
            view(3)
    with reverts("HubNotFound"):
        hubs.raterRecord(3, stranger)


def test_record_outcome_reverts_if_caller_not_escrow(hubs, hub_id, gov):
    with reverts("AccessControlUnauthorizedAccount"):
        hubs.recordOutcome(hub_id, 1, Outcome.COMPLETED, FULL_WEIGHT, {"from": gov})


def test_record_rating_reverts_if_caller_not_escrow(hubs, hub_id, gov):
    with reverts("AccessControlUnauthorizedAccount"):
        hubs.recordRating(hub_id, 1, gov, 5, FULL_WEIGHT, {"from": gov})


def test_record_outcome_counts_each_outcome_and_weight_if_escrow(hubs, hub_id, gov, stranger):
    hubs.grantRole(ROLES["ESCROW_ROLE"], stranger, {"from": gov})
    outcomes = [(Outcome.COMPLETED, 100), (Outcome.COMPLETED, 200), (Outcome.COMPLETED_LATE, 400),
                (Outcome.REFUNDED_FOR_FAULT, 800), (Outcome.DISPUTE_LOST, 1_600), (Outcome.DISPUTE_WON, 3_200),
                (Outcome.DISPUTE_EXPIRED, 6_400)]
    for outcome, weight in outcomes:
        tx = hubs.recordOutcome(hub_id, 1, outcome, weight, {"from": stranger})
        assert (tx.events["OutcomeRecorded"]["outcome"], tx.events["OutcomeRecorded"]["weight"]) == (outcome, weight)
    reputation = hubs.reputation(hub_id)
    assert (reputation["completed"], reputation["completedLate"], reputation["refundedForFault"],
            reputation["disputesLost"], reputation["disputesExpired"]) == (2, 1, 1, 1, 1)
    # a dispute won or left unjudged counts in neither weight
    assert (reputation["onTimeWeight"], reputation["finishedWeight"]) == (300, 300 + 400 + 800 + 1_600)


def test_record_rating_reverts_if_rating_out_of_range(hubs, hub_id, gov, stranger):
    hubs.grantRole(ROLES["ESCROW_ROLE"], stranger, {"from": gov})
    for bad in (0, 6):
        with reverts("InvalidRating"):
            hubs.recordRating(hub_id, 1, gov, bad, FULL_WEIGHT, {"from": stranger})


def test_record_rating_replaces_rater_rating_and_keeps_largest_weight_if_rater_rates_again(hubs, hub_id, gov,
                                                                                         stranger, buyer):
    hubs.grantRole(ROLES["ESCROW_ROLE"], stranger, {"from": gov})
    tx = hubs.recordRating(hub_id, 1, buyer, 2, 4_000, {"from": stranger})
    assert tx.events["HubRated"]["rater"] == buyer and tx.events["HubRated"]["raterWeight"] == 4_000
    tx = hubs.recordRating(hub_id, 2, buyer, 5, 1_000, {"from": stranger})
    assert tx.events["HubRated"]["raterWeight"] == 4_000  # the larger weight stays
    assert list(hubs.raterRecord(hub_id, buyer)) == [5, 4_000]
    assert list(hubs.ratings(hub_id)) == [1, 4_000, 5 * 4_000]  # one rater: the latest rating counts
    hubs.recordRating(hub_id, 3, buyer, 4, FULL_WEIGHT, {"from": stranger})
    hubs.recordRating(hub_id, 4, gov, 1, 500, {"from": stranger})
    assert list(hubs.ratings(hub_id)) == [2, FULL_WEIGHT + 500, 4 * FULL_WEIGHT + 500]


def test_score_starts_at_prior_and_moves_slowly_if_rated(hubs, hub_id, gov, stranger, buyer):
    assert list(hubs.score(hub_id)) == [300, 9_000]
    hubs.grantRole(ROLES["ESCROW_ROLE"], stranger, {"from": gov})
    hubs.recordRating(hub_id, 1, buyer, 5, FULL_WEIGHT, {"from": stranger})
    hubs.recordOutcome(hub_id, 1, Outcome.COMPLETED, FULL_WEIGHT, {"from": stranger})
    # one full-weight rater against a prior of 20: (20 x 300 + 500) / 21 = 309;
    # one full-weight order against a prior of 5: (5 x 9000 + 10000) / 6 = 9166
    assert list(hubs.score(hub_id)) == [309, 9_166]
    hubs.recordOutcome(hub_id, 2, Outcome.REFUNDED_FOR_FAULT, FULL_WEIGHT, {"from": stranger})
    assert hubs.score(hub_id)[1] == (5 * 9_000 + 10_000) // 7


def test_score_ignores_ratings_and_outcomes_if_weightless(hubs, hub_id, gov, stranger, buyer):
    hubs.grantRole(ROLES["ESCROW_ROLE"], stranger, {"from": gov})
    hubs.recordRating(hub_id, 1, buyer, 5, 0, {"from": stranger})
    hubs.recordOutcome(hub_id, 1, Outcome.COMPLETED, 0, {"from": stranger})
    assert list(hubs.score(hub_id)) == [300, 9_000]
    assert hubs.ratings(hub_id)["raters"] == 1 and hubs.reputation(hub_id)["completed"] == 1


def test_role_changes_emit_events_if_governor(hubs, gov, stranger):
    tx = hubs.grantRole(ROLES["HUB_APPROVER_ROLE"], stranger, {"from": gov})
    assert tx.events["RoleGranted"]["account"] == stranger
    tx = hubs.revokeRole(ROLES["HUB_APPROVER_ROLE"], stranger, {"from": gov})
    assert tx.events["RoleRevoked"]["account"] == stranger
    assert web3.keccak(text="HUB_APPROVER_ROLE") == ROLES["HUB_APPROVER_ROLE"]


# ---------------------------------------------------------------- who reinstates a suspended hub

@pytest.fixture
def neighbour_approver(hubs, gov, designer):
    """`designer` as a second hub approver (not an admin) whose area overlaps `local_approver`'s."""
    hubs.grantRole(ROLES["HUB_APPROVER_ROLE"], designer, {"from": gov})
    _set_areas(hubs, gov, designer, b"u4", b"u33")
    return designer


def test_approve_hub_reverts_if_hub_was_suspended_by_another_approver(hubs, gov, hub_id, local_approver,
                                                                      neighbour_approver):
    _set_areas(hubs, gov, local_approver, b"u4pr")
    hubs.suspendHub(hub_id, "unsafe printer", {"from": local_approver})
    assert hubs.suspenderOf(hub_id) == local_approver
    with reverts("HubSuspendedByOther"):
        hubs.approveHub(hub_id, {"from": neighbour_approver})


def test_approve_hub_reinstates_if_suspender_or_consortium(hubs, gov, hub_id, local_approver):
    _set_areas(hubs, gov, local_approver, b"u4pr")
    hubs.suspendHub(hub_id, "", {"from": local_approver})
    hubs.approveHub(hub_id, {"from": local_approver})
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED
    assert hubs.suspenderOf(hub_id) == "0x" + "00" * 20
    hubs.suspendHub(hub_id, "", {"from": local_approver})
    tx = hubs.approveHub(hub_id, {"from": gov})  # the consortium overrides
    assert tx.events["HubApproved"]["approver"] == gov and hubs.hub(hub_id)["status"] == HubStatus.APPROVED


def test_approve_hub_reverts_if_suspended_hub_moved_into_another_area(hubs, gov, hub_id, hub_operator,
                                                                      local_approver, neighbour_approver):
    """Forum shopping: suspended in one city, the hub declares a place in a more lenient city's area."""
    _set_areas(hubs, gov, local_approver, b"u4pr")
    hubs.suspendHub(hub_id, "", {"from": local_approver})
    hubs.updateHubProfile(hub_id, GEOHASH_FAR, 0, "", {"from": hub_operator})
    assert hubs.hub(hub_id)["status"] == HubStatus.SUSPENDED
    with reverts("HubSuspendedByOther"):
        hubs.approveHub(hub_id, {"from": neighbour_approver})


def test_suspender_of_reverts_if_hub_unknown(hubs):
    with reverts("HubNotFound"):
        hubs.suspenderOf(999)
