"""The consortium governs: proposals, votes, quorum and timelock (ConsortiumGovernor, ConsortiumTimelock), the
membership (ConsortiumMembership), hub approval in each city's area, pause by one city and unpause by proposal,
and the deployer's hand-over. The governed world is conftest's `consortium`: three cities, quorum 51 % (2)."""

import pytest
from brownie import ConsortiumGovernor, ConsortiumMembership, chain, web3

from conftest import (DEFAULT_ADMIN_ROLE, FEE_BPS, GEOHASH_FAR, MEMBERS, QUORUM_PERCENT, ROLES, TIMELOCK_DELAY,
                      VOTING_DELAY, VOTING_PERIOD, ZERO, HubStatus, ProposalState, Vote, area, reverts,
                      sleep_past)

SAN_FRANCISCO = area(b"9q8yy")  # outside every city's area


@pytest.fixture(autouse=True)
def isolation(consortium, fn_isolation):
    """As conftest's, with the consortium built before the snapshot."""


@pytest.fixture
def aarhus(members):
    return members[0]


@pytest.fixture
def berlin(members):
    return members[1]


@pytest.fixture
def bologna(members):
    return members[2]


def _fee_change(escrow, fee_bps=500):
    return [(escrow, "setFee", fee_bps)]


def _states(consortium, proposal_id):
    return consortium.governor.state(proposal_id)


# ---------------------------------------------------------------- a fee change: quorum, then the timelock

def test_set_fee_changes_fee_if_quorum_votes_for_and_timelock_delay_passed(consortium, escrow, aarhus, berlin):
    actions, description = _fee_change(escrow), "fee to 5 %"
    created = consortium.propose(actions, description, aarhus)
    proposal_id = created.return_value
    event = created.events["ProposalCreated"]
    assert (event["proposalId"], event["proposer"], event["description"]) == (proposal_id, aarhus, description)
    assert event["voteEnd"] - event["voteStart"] == VOTING_PERIOD
    assert event["voteStart"] - created.timestamp == VOTING_DELAY
    assert _states(consortium, proposal_id) == ProposalState.PENDING
    with reverts("GovernorUnexpectedProposalState"):  # the vote opens after the voting delay
        consortium.vote(proposal_id, [aarhus])
    sleep_past(VOTING_DELAY)
    for tx, voter in zip(consortium.vote(proposal_id, [aarhus, berlin]), (aarhus, berlin), strict=True):
        cast = tx.events["VoteCast"]
        assert (cast["voter"], cast["proposalId"], cast["support"], cast["weight"]) == (voter, proposal_id,
                                                                                        Vote.FOR, 1)
    assert list(consortium.governor.proposalVotes(proposal_id)) == [0, 2, 0]  # against, for, abstain
    sleep_past(VOTING_PERIOD)
    assert _states(consortium, proposal_id) == ProposalState.SUCCEEDED
    queued = consortium.queue(actions, description)
    assert queued.events["ProposalQueued"]["proposalId"] == proposal_id
    assert queued.events["ProposalQueued"]["etaSeconds"] == queued.timestamp + TIMELOCK_DELAY
    assert _states(consortium, proposal_id) == ProposalState.QUEUED
    with reverts("TimelockUnexpectedOperationState"):  # nobody executes before the delay is over
        consortium.execute(actions, description)
    assert escrow.config()["feeBps"] == FEE_BPS
    sleep_past(TIMELOCK_DELAY)
    executed = consortium.execute(actions, description, berlin)
    assert executed.events["ProposalExecuted"]["proposalId"] == proposal_id
    assert executed.events["FeeChanged"]["feeBps"] == 500
    assert escrow.config()["feeBps"] == 500
    assert _states(consortium, proposal_id) == ProposalState.EXECUTED


def test_execute_succeeds_if_anyone_executes_after_delay(consortium, escrow, stranger):
    actions, description = _fee_change(escrow, 300), "fee to 3 %"
    consortium.vote_and_queue(actions, description)
    sleep_past(TIMELOCK_DELAY)
    consortium.execute(actions, description, stranger)  # the timelock's executor is anyone
    assert escrow.config()["feeBps"] == 300


def test_set_fee_is_defeated_if_one_member_votes_alone(consortium, escrow, aarhus):
    actions, description = _fee_change(escrow), "Aarhus alone"
    proposal_id = consortium.open_vote(actions, description, aarhus)
    consortium.vote(proposal_id, [aarhus])
    sleep_past(VOTING_PERIOD)
    assert consortium.governor.quorum(consortium.governor.proposalSnapshot(proposal_id)) == 2
    assert _states(consortium, proposal_id) == ProposalState.DEFEATED
    with reverts("GovernorUnexpectedProposalState"):
        consortium.queue(actions, description)
    with reverts("GovernorUnexpectedProposalState"):
        consortium.execute(actions, description)
    assert escrow.config()["feeBps"] == FEE_BPS


def test_set_fee_is_defeated_if_against_votes_equal_for_votes(consortium, escrow, aarhus, berlin, bologna):
    actions, description = _fee_change(escrow), "a split vote"
    proposal_id = consortium.open_vote(actions, description)
    consortium.vote(proposal_id, [aarhus], Vote.FOR)
    consortium.vote(proposal_id, [berlin], Vote.AGAINST)
    consortium.vote(proposal_id, [bologna], Vote.ABSTAIN)  # the quorum is reached (for + abstain), the vote not
    sleep_past(VOTING_PERIOD)
    assert list(consortium.governor.proposalVotes(proposal_id)) == [1, 1, 1]
    assert _states(consortium, proposal_id) == ProposalState.DEFEATED


def test_cast_vote_reverts_if_member_votes_twice(consortium, escrow, aarhus):
    proposal_id = consortium.open_vote(_fee_change(escrow), "twice")
    consortium.vote(proposal_id, [aarhus])
    with reverts("GovernorAlreadyCastVote"):
        consortium.vote(proposal_id, [aarhus], Vote.AGAINST)


def test_set_fee_reverts_if_member_or_deployer_calls_escrow_directly(escrow, aarhus, gov):
    for account in (aarhus, gov):
        with reverts("AccessControlUnauthorizedAccount"):
            escrow.setFee(500, {"from": account})


def test_cancel_proposal_cancels_if_proposer_before_vote(consortium, escrow, aarhus, berlin):
    actions, description = _fee_change(escrow), "withdrawn"
    proposal_id = consortium.propose(actions, description, aarhus).return_value
    batch, description_hash = consortium._batch(actions), web3.keccak(text=description)
    with reverts("GovernorUnableToCancel"):  # only its proposer, only before the vote
        consortium.governor.cancel(*batch, description_hash, {"from": berlin})
    tx = consortium.governor.cancel(*batch, description_hash, {"from": aarhus})
    assert tx.events["ProposalCanceled"]["proposalId"] == proposal_id
    assert _states(consortium, proposal_id) == ProposalState.CANCELED


# ---------------------------------------------------------------- the governor's settings

def test_governor_counts_time_in_seconds_if_clock_is_timestamp(consortium, aarhus, escrow):
    membership, governor = consortium.membership, consortium.governor
    assert membership.CLOCK_MODE() == governor.CLOCK_MODE() == "mode=timestamp"
    chain.mine()
    assert membership.clock() == governor.clock() == chain[-1].timestamp
    assert (governor.votingDelay(), governor.votingPeriod()) == (VOTING_DELAY, VOTING_PERIOD)
    assert governor.proposalThreshold() == governor.PROPOSAL_THRESHOLD() == 1
    assert governor.timelock() == consortium.timelock and governor.token() == membership
    assert consortium.timelock.getMinDelay() == TIMELOCK_DELAY
    proposal_id = consortium.propose(_fee_change(escrow), "needs queuing", aarhus).return_value
    assert governor.proposalNeedsQueuing(proposal_id)


@pytest.mark.parametrize("percent,cities,needed", [(51, 3, 2), (51, 1, 1), (50, 2, 1), (34, 3, 2), (100, 3, 3),
                                                   (51, 4, 3)])
def test_quorum_rounds_up_if_share_of_members_fractional(gov, accounts, percent, cities, needed):
    membership = ConsortiumMembership.deploy(gov, {"from": gov})
    governor = ConsortiumGovernor.deploy(membership, gov, VOTING_DELAY, VOTING_PERIOD, percent, {"from": gov})
    for index in range(cities):
        membership.admit(accounts[index], f"city {index}", {"from": gov})
    sleep_past(1)
    assert governor.quorum(chain[-1].timestamp - 1) == needed
    assert governor.quorumNumerator() == percent and governor.quorumDenominator() == 100


def test_update_quorum_numerator_changes_quorum_if_proposal_passes(consortium, aarhus):
    governor = consortium.governor
    assert governor.quorumNumerator() == QUORUM_PERCENT
    with reverts("GovernorOnlyExecutor"):  # the governor's own settings too: only through the timelock
        governor.updateQuorumNumerator(100, {"from": aarhus})
    tx = consortium.pass_proposal([(governor, "updateQuorumNumerator", 100)], "unanimity")
    assert tx.events["QuorumNumeratorUpdated"]["newQuorumNumerator"] == 100
    sleep_past(1)
    assert governor.quorum(chain[-1].timestamp - 1) == 3


# ---------------------------------------------------------------- membership through proposals

def test_admit_and_remove_change_members_if_proposals_pass(consortium, stranger, bologna):
    membership = consortium.membership
    tx = consortium.pass_proposal([(membership, "admit", stranger, "Ghent")], "admit Ghent")
    admitted = tx.events["MemberAdmitted"]
    assert (admitted["member"], admitted["name"]) == (stranger, "Ghent")
    assert tx.events["DelegateChanged"]["toDelegate"] == stranger
    assert membership.isMember(stranger) and membership.memberName(stranger) == "Ghent"
    assert membership.memberCount() == 4
    assert {membership.memberAt(i) for i in range(4)} == {*consortium.members, stranger}
    assert membership.ownerOf(int(stranger.address, 16)) == stranger
    sleep_past(1)
    assert consortium.governor.getVotes(stranger, chain[-1].timestamp - 1) == 1
    # four members: the quorum is 3 (51 % of 4, rounded up)
    tx = consortium.pass_proposal([(membership, "remove", bologna)], "Bologna leaves",
                                  voters=[*consortium.members[:2], stranger])
    assert tx.events["MemberRemoved"]["member"] == bologna
    assert not membership.isMember(bologna) and membership.memberName(bologna) == ""
    assert membership.memberCount() == 3
    assert bologna not in {membership.memberAt(i) for i in range(3)}


def test_removed_member_votes_with_no_weight_if_proposal_opened_while_it_was_member(consortium, escrow, aarhus,
                                                                                   berlin, bologna):
    governor, membership = consortium.governor, consortium.membership
    removal = [(membership, "remove", bologna)]
    consortium.vote_and_queue(removal, "Bologna leaves")
    # opened while Bologna is a member: its snapshot counts Bologna's vote and three members
    actions = _fee_change(escrow)
    proposal_id = consortium.open_vote(actions, "fee, open across the removal")
    snapshot = governor.proposalSnapshot(proposal_id)
    assert governor.getVotes(bologna, snapshot) == 1
    sleep_past(TIMELOCK_DELAY)
    consortium.execute(removal, "Bologna leaves")
    assert _states(consortium, proposal_id) == ProposalState.ACTIVE
    assert membership.getPastVotes(bologna, snapshot) == 1  # the checkpoint still says so ...
    assert governor.getVotes(bologna, snapshot) == 0  # ... but the governor counts a member only
    # OpenZeppelin accepts the vote and counts its weight: 0
    cast = consortium.vote(proposal_id, [bologna])[0].events["VoteCast"]
    assert cast["weight"] == 0 and governor.hasVoted(proposal_id, bologna)
    consortium.vote(proposal_id, [aarhus])
    assert list(governor.proposalVotes(proposal_id)) == [0, 1, 0]
    assert governor.quorum(snapshot) == 2  # the quorum of three members still stands: Berlin must agree
    chain.sleep(VOTING_PERIOD // 4)
    chain.mine()
    assert _states(consortium, proposal_id) == ProposalState.ACTIVE
    consortium.vote(proposal_id, [berlin])
    sleep_past(VOTING_PERIOD)
    assert _states(consortium, proposal_id) == ProposalState.SUCCEEDED


def test_removed_member_cannot_propose_and_votes_with_no_weight_if_proposal_opened_after(consortium, escrow,
                                                                                        aarhus, bologna):
    consortium.pass_proposal([(consortium.membership, "remove", bologna)], "Bologna leaves")
    sleep_past(1)
    with reverts("GovernorInsufficientProposerVotes"):
        consortium.propose(_fee_change(escrow), "Bologna tries", bologna)
    proposal_id = consortium.open_vote(_fee_change(escrow), "after the removal", aarhus)
    assert consortium.vote(proposal_id, [bologna])[0].events["VoteCast"]["weight"] == 0
    consortium.vote(proposal_id, [aarhus])
    sleep_past(VOTING_PERIOD)
    # two members left: 51 % of 2 is 2, so Aarhus alone still cannot pass it
    assert _states(consortium, proposal_id) == ProposalState.DEFEATED


def test_propose_reverts_if_not_member(consortium, escrow, stranger, gov):
    for account in (stranger, gov):
        with reverts("GovernorInsufficientProposerVotes"):
            consortium.propose(_fee_change(escrow), "an outsider", account)


def test_admit_and_remove_revert_if_not_owner(consortium, aarhus, gov, stranger):
    for account in (aarhus, gov):
        with reverts("OwnableUnauthorizedAccount"):
            consortium.membership.admit(stranger, "Ghent", {"from": account})
        with reverts("OwnableUnauthorizedAccount"):
            consortium.membership.remove(aarhus, {"from": account})


def test_transfer_reverts_if_membership_changes_hands(consortium, aarhus, stranger):
    membership, token_id = consortium.membership, int(aarhus.address, 16)
    with reverts("MembershipNotTransferable"):
        membership.transferFrom(aarhus, stranger, token_id, {"from": aarhus})
    with reverts("MembershipNotTransferable"):
        membership.safeTransferFrom(aarhus, stranger, token_id, {"from": aarhus})
    assert membership.ownerOf(token_id) == aarhus


def test_delegate_reverts_if_delegatee_is_another_account(consortium, aarhus, berlin, stranger):
    membership = consortium.membership
    with reverts("VoteNotDelegable"):
        membership.delegate(berlin, {"from": aarhus})
    with reverts("VoteNotDelegable"):
        membership.delegate(aarhus, {"from": stranger})
    membership.delegate(aarhus, {"from": aarhus})  # to itself: allowed, and changes nothing
    assert membership.delegates(aarhus) == aarhus
    sleep_past(1)
    assert membership.getVotes(aarhus) == membership.getVotes(berlin) == 1


def test_members_are_listed_with_names_if_admitted(consortium):
    membership = consortium.membership
    assert membership.memberCount() == len(MEMBERS)
    assert [membership.memberAt(i) for i in range(3)] == consortium.members
    assert [membership.memberName(city) for city in consortium.members] == [name for name, _ in MEMBERS]
    assert membership.getPastTotalSupply(chain[-1].timestamp - 1) == 3
    assert membership.supportsInterface("0x780e9d63")  # ERC721Enumerable
    assert membership.supportsInterface("0x80ac58cd")  # ERC721
    assert not membership.supportsInterface("0xffffffff")


# ---------------------------------------------------------------- membership unit checks (owner: the deployer)

@pytest.fixture
def own_membership(gov):
    """A membership the deployer still owns (before the hand-over)."""
    return ConsortiumMembership.deploy(gov, {"from": gov})


def test_admit_reverts_if_already_member(own_membership, gov, stranger):
    own_membership.admit(stranger, "Ghent", {"from": gov})
    with reverts("AlreadyMember"):
        own_membership.admit(stranger, "Ghent again", {"from": gov})


def test_admit_reverts_if_name_empty(own_membership, gov, stranger):
    with reverts("EmptyMemberName"):
        own_membership.admit(stranger, "", {"from": gov})


def test_remove_reverts_if_not_member(own_membership, gov, stranger):
    with reverts("NotMember"):
        own_membership.remove(stranger, {"from": gov})


def test_admit_gives_one_vote_if_member_admitted_again_after_removal(own_membership, gov, stranger):
    own_membership.admit(stranger, "Ghent", {"from": gov})
    own_membership.remove(stranger, {"from": gov})
    sleep_past(1)
    assert own_membership.getVotes(stranger) == 0 and own_membership.memberCount() == 0
    own_membership.admit(stranger, "Gent", {"from": gov})
    sleep_past(1)
    assert own_membership.getVotes(stranger) == 1 and own_membership.memberName(stranger) == "Gent"


# ---------------------------------------------------------------- hubs: each city in its area

def test_approve_hub_reverts_if_hub_outside_city_area(consortium, hubs, hub_operator, aarhus, native_hub_id):
    hub_id = hubs.registerHub(GEOHASH_FAR, 0, "", {"from": hub_operator}).return_value  # Berlin's area
    with reverts("HubOutsideApproverArea"):
        hubs.approveHub(hub_id, {"from": aarhus})
    with reverts("HubOutsideApproverArea"):
        hubs.suspendHub(native_hub_id, "not my city", {"from": aarhus})


def test_approve_hub_approves_if_hub_inside_city_area(consortium, hubs, hub_operator, berlin, bologna):
    in_berlin = hubs.registerHub(area(b"u33e"), 0, "", {"from": hub_operator}).return_value  # equal to an area
    in_bologna = hubs.registerHub(area(b"srbj4k"), 0, "", {"from": hub_operator}).return_value
    assert hubs.approveHub(in_berlin, {"from": berlin}).events["HubApproved"]["approver"] == berlin
    hubs.approveHub(in_bologna, {"from": bologna})
    hubs.suspendHub(in_bologna, "unsafe", {"from": bologna})
    assert hubs.hub(in_berlin)["status"] == HubStatus.APPROVED
    assert hubs.hub(in_bologna)["status"] == HubStatus.SUSPENDED


def test_approve_hub_approves_if_consortium_passes_proposal_for_hub_outside_every_area(consortium, hubs,
                                                                                      hub_operator, members):
    hub_id = hubs.registerHub(SAN_FRANCISCO, 0, "", {"from": hub_operator}).return_value
    for city in members:
        with reverts("HubOutsideApproverArea"):
            hubs.approveHub(hub_id, {"from": city})
    tx = consortium.pass_proposal([(hubs, "approveHub", hub_id)], "approve the hub in San Francisco")
    assert tx.events["HubApproved"]["approver"] == consortium.timelock
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED


def test_set_hub_approver_areas_extends_city_area_if_proposal_passes(consortium, hubs, hub_operator, aarhus):
    areas = [area(b"u4pr"), area(b"9q8")]
    tx = consortium.pass_proposal([(hubs, "setHubApproverAreas", aarhus, areas)], "Aarhus twins with SF")
    event = tx.events["HubApproverAreasSet"]
    assert event["approver"] == aarhus and list(event["areas"]) == ["0x" + a.hex() for a in areas]
    assert list(hubs.hubApproverAreas(aarhus)) == ["0x" + a.hex() for a in areas]
    hub_id = hubs.registerHub(SAN_FRANCISCO, 0, "", {"from": hub_operator}).return_value
    hubs.approveHub(hub_id, {"from": aarhus})
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED


def test_set_hub_approver_areas_reverts_if_member_sets_own_areas(consortium, hubs, aarhus):
    with reverts("AccessControlUnauthorizedAccount"):
        hubs.setHubApproverAreas(aarhus, [area(b"u")], {"from": aarhus})


def test_update_hub_profile_needs_new_city_if_approved_hub_moves(consortium, hubs, hub_id, hub_operator, aarhus,
                                                                berlin):
    tx = hubs.updateHubProfile(hub_id, GEOHASH_FAR, 0b11, "", {"from": hub_operator})  # Aarhus -> Berlin
    assert tx.events["HubMoved"]["hubId"] == hub_id
    assert hubs.hub(hub_id)["status"] == HubStatus.PENDING
    with reverts("HubOutsideApproverArea"):
        hubs.approveHub(hub_id, {"from": aarhus})
    hubs.approveHub(hub_id, {"from": berlin})
    assert hubs.hub(hub_id)["status"] == HubStatus.APPROVED


# ---------------------------------------------------------------- pause by one city, unpause by proposal

def test_pause_stops_orders_and_offers_at_once_if_one_city_pauses(consortium, escrow, products, aarhus, terms,
                                                                 buyer, product_id, hub_id, token, hub_operator):
    assert escrow.pause({"from": aarhus}).events["Paused"]["account"] == aarhus
    products.pause({"from": aarhus})
    with reverts("EnforcedPause"):
        escrow.placeOrder(terms(), {"from": buyer})
    with reverts("EnforcedPause"):
        products.publishOffer(product_id, hub_id, token, 1, 1, {"from": hub_operator})


def test_unpause_reverts_if_city_or_deployer(consortium, escrow, products, aarhus, berlin, gov):
    escrow.pause({"from": aarhus})
    products.pause({"from": aarhus})
    for account in (aarhus, berlin, gov):
        with reverts("AccessControlUnauthorizedAccount"):
            escrow.unpause({"from": account})
        with reverts("AccessControlUnauthorizedAccount"):
            products.unpause({"from": account})
    assert escrow.paused() and products.paused()


def test_unpause_lifts_pause_if_proposal_passes(consortium, escrow, products, aarhus, terms, buyer):
    escrow.pause({"from": aarhus})
    products.pause({"from": aarhus})
    tx = consortium.pass_proposal([(escrow, "unpause"), (products, "unpause")], "lift the pause")
    assert [event["account"] for event in tx.events["Unpaused"]] == [consortium.timelock] * 2
    assert not escrow.paused() and not products.paused()
    escrow.placeOrder(terms(), {"from": buyer})


def test_revoke_roles_and_remove_disarm_leaked_city_key_if_proposal_passes(consortium, escrow, products, hubs,
                                                                          aarhus):
    """A city's key leaked: the other two revoke its roles and remove its membership in one proposal."""
    actions = [(escrow, "revokeRole", ROLES["PAUSER_ROLE"], aarhus),
               (products, "revokeRole", ROLES["PAUSER_ROLE"], aarhus),
               (hubs, "revokeRole", ROLES["HUB_APPROVER_ROLE"], aarhus),
               (consortium.membership, "remove", aarhus)]
    consortium.pass_proposal(actions, "Aarhus's key leaked", voters=consortium.members[1:])
    with reverts("AccessControlUnauthorizedAccount"):
        escrow.pause({"from": aarhus})
    assert not consortium.membership.isMember(aarhus)


# ---------------------------------------------------------------- the hand-over

def test_deployer_keeps_no_role_if_suite_handed_over(consortium, hubs, products, escrow, gov):
    timelock, governor = consortium.timelock, consortium.governor
    for contract in (hubs, products, escrow, timelock):
        assert not contract.hasRole(DEFAULT_ADMIN_ROLE, gov)
    for contract in (hubs, products, escrow):
        assert contract.hasRole(DEFAULT_ADMIN_ROLE, timelock)
    assert not hubs.hasRole(ROLES["HUB_APPROVER_ROLE"], gov)
    assert not escrow.hasRole(ROLES["PAUSER_ROLE"], gov) and not products.hasRole(ROLES["PAUSER_ROLE"], gov)
    assert timelock.hasRole(DEFAULT_ADMIN_ROLE, timelock)  # the timelock administers itself only
    for role in ("PROPOSER_ROLE", "CANCELLER_ROLE"):
        assert timelock.hasRole(ROLES[role], governor) and not timelock.hasRole(ROLES[role], gov)
    assert timelock.hasRole(ROLES["EXECUTOR_ROLE"], ZERO)  # anyone executes a ready operation
    assert consortium.membership.owner() == timelock
    assert not consortium.membership.isMember(gov)
    with reverts("AccessControlUnauthorizedAccount"):  # only the governor schedules
        timelock.schedule(escrow, 0, escrow.setFee.encode_input(0), "0x" + "00" * 32, "0x" + "00" * 32,
                          TIMELOCK_DELAY, {"from": gov})
    with reverts("AccessControlUnauthorizedAccount"):
        timelock.grantRole(ROLES["PROPOSER_ROLE"], gov, {"from": gov})
