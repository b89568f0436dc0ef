"""HubRegistry: registration, profile, approval lifecycle, escrow-only reputation, score."""

from brownie import web3

from conftest import FULL_WEIGHT, GEOHASH, GEOHASH_FAR, ROLES, HubStatus, Outcome, reverts


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
