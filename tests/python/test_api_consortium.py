"""The API's read-only view of the consortium over real HTTP: a real anvil with the suite deployed under a
consortium of three member cities (dev accounts 10, 11, 12), proposals made, voted, queued and executed by their
wallets through the SDK while the API shows them; and a deployment without a consortium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.deploy.deployer import DeployResult

from support import TIMELOCK_DELAY_S, VOTING_DELAY_S, VOTING_PERIOD_S, advance, deploy_governed, dev_suite, serve_api

CITIES = {10: ("Oslo", ["u4"]), 11: ("Berlin", ["u33"]), 12: ("Baltimore", ["dqc", "dqb"])}
OSLO, BERLIN, BALTIMORE = CITIES


@pytest.fixture(scope="module")
def governed(w3, deployer, tmp_path_factory) -> DeployResult:
    """The suite under a consortium: 51 % of 3 members (2 votes), short times."""
    return deploy_governed(w3, deployer, "governed", tmp_path_factory.mktemp("governed"), CITIES)


@pytest.fixture(scope="module")
def city(w3, governed) -> Any:
    """The consortium as member city `index` (10, 11 or 12) sees it through the SDK."""
    return lambda index: dev_suite(w3, governed.deployment, index).consortium()


@pytest.fixture(scope="module")
def api(network, w3, governed, tmp_path_factory) -> Iterator[httpx.Client]:
    service = serve_api(tmp_path_factory.mktemp("api"), network, w3, governed.deployment)
    with service.in_background() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _pass(w3, city, proposal_id: int) -> None:
    """Two of the three cities vote for the proposal, it is queued and, after the timelock delay, executed."""
    advance(w3, VOTING_DELAY_S + 1)
    city(OSLO).vote(proposal_id, "for")
    city(BERLIN).vote(proposal_id, "for")
    advance(w3, VOTING_PERIOD_S + 1)
    city(BALTIMORE).queue(proposal_id)
    advance(w3, TIMELOCK_DELAY_S + 1)
    city(BALTIMORE).execute(proposal_id)


def test_consortium_lists_members_and_rules_if_deployed_with_one(api):
    answer = api.get("/v1/consortium")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["members"] == [{"name": name, "account": dev_account(index).address, "areas": areas}
                               for index, (name, areas) in CITIES.items()]
    assert body["rules"] == {"members": 3, "quorum_percent": 51, "quorum_now": 2, "voting_delay_s": VOTING_DELAY_S,
                             "voting_period_s": VOTING_PERIOD_S, "timelock_delay_s": TIMELOCK_DELAY_S}


def test_proposal_shows_pending_then_active_with_votes_if_the_clock_moves_and_two_cities_vote(api, w3, city):
    consortium = city(OSLO)
    proposal_id = consortium.propose([consortium.actions.set_fee(300)]).proposal_id
    listed = {p["proposal_id"]: p for p in api.get("/v1/consortium/proposals").json()}
    assert listed[proposal_id]["state"] == "Pending"
    assert listed[proposal_id]["proposer"] == dev_account(OSLO).address
    assert listed[proposal_id]["quorum"] == 2
    advance(w3, VOTING_DELAY_S + 1)
    assert api.get(f"/v1/consortium/proposals/{proposal_id}").json()["state"] == "Active"
    city(OSLO).vote(proposal_id, "for")
    city(BERLIN).vote(proposal_id, "against")
    shown = api.get(f"/v1/consortium/proposals/{proposal_id}").json()
    assert (shown["votes_for"], shown["votes_against"], shown["votes_abstain"]) == (1, 1, 0)
    assert shown["vote_start"] < shown["vote_end"] and shown["eta"] == 0


def test_executed_proposal_is_listed_only_with_state_all_if_queued_and_executed(api, w3, city):
    consortium = city(BERLIN)
    proposal_id = consortium.propose([consortium.actions.set_fee(300)]).proposal_id
    _pass(w3, city, proposal_id)
    everything = {p["proposal_id"]: p for p in api.get("/v1/consortium/proposals", params={"state": "all"}).json()}
    assert everything[proposal_id]["state"] == "Executed"
    assert everything[proposal_id]["votes_for"] == 2 and everything[proposal_id]["eta"] > 0
    assert proposal_id not in {p["proposal_id"] for p in api.get("/v1/consortium/proposals").json()}


def test_proposal_shows_its_actions_if_fetched_by_id(api, city):
    consortium = city(BALTIMORE)
    proposal = consortium.propose([consortium.actions.set_fee(300), consortium.actions.set_quorum(2)],
                                  "fee 3 % and two oracle confirmations")
    answer = api.get(f"/v1/consortium/proposals/{proposal.proposal_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["actions"] == ["OrderEscrow.setFee(feeBps=300)", "OrderEscrow.setQuorum(quorum=2)"]
    assert answer.json()["description"] == "fee 3 % and two oracle confirmations"


def test_proposal_is_404_if_no_proposal_has_its_id(api):
    answer = api.get("/v1/consortium/proposals/9999")
    assert answer.status_code == 404
    assert answer.json()["error"] == {"code": "not_found", "message": "no proposal 9999", "field": "proposal_id"}


def test_proposals_are_422_if_the_state_filter_is_unknown(api):
    answer = api.get("/v1/consortium/proposals", params={"state": "passed"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "state"


@pytest.mark.parametrize("path", ["/v1/consortium", "/v1/consortium/proposals", "/v1/consortium/proposals/1"])
def test_consortium_routes_are_404_no_consortium_if_a_single_account_governs(path, network, w3, deployed,
                                                                             tmp_path):
    with serve_api(tmp_path, network, w3, deployed.deployment).in_background() as server:
        answer = httpx.get(server.url + path, timeout=10)
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "no_consortium" and "has no consortium" in error["message"]


def test_proposals_read_in_small_log_ranges_and_incrementally_if_node_caps_ranges(w3, governed, city, monkeypatch):
    """A node such as Besu refuses a long eth_getLogs range: proposals are read in ranges of LOG_RANGE_BLOCKS,
    and a suite that lives on (the API's) reads only the blocks it has not read yet."""
    from glocal_chain.sdk import consortium as module

    monkeypatch.setattr(module, "LOG_RANGE_BLOCKS", 3)
    ranges: list[tuple[int, int]] = []
    reader = dev_suite(w3, governed.deployment, OSLO).consortium()
    real_get_logs = reader.governor.events.ProposalCreated.get_logs

    def capped(from_block: int, to_block: int):
        assert to_block - from_block < 3, (from_block, to_block)  # what a capped node would refuse
        ranges.append((from_block, to_block))
        return real_get_logs(from_block=from_block, to_block=to_block)

    monkeypatch.setattr(reader.governor.events.ProposalCreated, "get_logs", capped)
    before = {p.proposal_id for p in reader.proposals(open_only=False)}
    assert before == {p.proposal_id for p in city(BERLIN).proposals(open_only=False)}
    first_pass = len(ranges)
    assert first_pass >= (w3.eth.block_number - governed.deployment.contracts["ConsortiumGovernor"].block_number) // 3
    proposer = city(BERLIN)
    made = proposer.propose([proposer.actions.set_lead_time_cap(100)]).proposal_id
    assert made in {p.proposal_id for p in reader.proposals(open_only=False)}
    assert len(ranges) - first_pass <= 2  # only the new blocks were read
