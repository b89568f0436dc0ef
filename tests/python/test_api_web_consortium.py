"""The consortium staff's page through the API: a real anvil with the suite under a consortium of three member
cities (dev accounts 10, 11, 12); votes, queueing and execution built by the API and sent by the cities'
development accounts the way a browser wallet sends them; hub approval inside and outside a city's areas."""

from __future__ import annotations

from typing import Any, Iterator

import httpx
import pytest

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.deploy.deployer import DeployResult
from glocal_chain.sdk.models import HubStatus

from support import TIMELOCK_DELAY_S, VOTING_DELAY_S, VOTING_PERIOD_S, advance, deploy_governed, dev_suite, serve_api

CITIES = {10: ("Oslo", ["u4"]), 11: ("Berlin", ["u33"]), 12: ("Baltimore", ["dqc"])}
OSLO, BERLIN, BALTIMORE = CITIES
HUB_OPERATOR, OUTSIDER = 5, 8


@pytest.fixture(scope="module")
def governed(w3, deployer, tmp_path_factory) -> DeployResult:
    return deploy_governed(w3, deployer, "governed-web", tmp_path_factory.mktemp("governed"), CITIES)


@pytest.fixture(scope="module")
def suite(w3, governed) -> Any:
    return lambda index: dev_suite(w3, governed.deployment, index)


@pytest.fixture(scope="module")
def api(network, w3, governed, tmp_path_factory) -> Iterator[httpx.Client]:
    service = serve_api(tmp_path_factory.mktemp("api"), network, w3, governed.deployment)
    with service.in_background() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _send(w3, answer: httpx.Response) -> None:
    assert answer.status_code == 200, answer.text
    for tx in answer.json()["transactions"]:
        sent = w3.eth.send_transaction({"from": tx["from"], "to": tx["to"], "data": tx["data"],
                                        "value": int(tx["value"], 16), "gas": int(tx["gas"], 16)})
        assert w3.eth.wait_for_transaction_receipt(sent)["status"] == 1, tx["description"]


def test_proposal_passes_and_runs_if_cities_vote_queue_and_execute_through_built_transactions(api, w3, suite):
    consortium = suite(OSLO).consortium()
    proposal_id = consortium.propose([consortium.actions.set_fee(250)]).proposal_id
    advance(w3, VOTING_DELAY_S + 1)
    for city in (OSLO, BERLIN):
        _send(w3, api.post("/v1/transactions/vote", json={"from": dev_account(city).address,
                                                          "proposal_id": proposal_id, "support": "for",
                                                          "reason": "fairer fee"}))
    assert api.get(f"/v1/consortium/proposals/{proposal_id}").json()["votes_for"] == 2
    early = api.post("/v1/transactions/queue", json={"from": dev_account(BALTIMORE).address,
                                                     "proposal_id": proposal_id})
    assert early.status_code == 409 and early.json()["error"]["error_name"] == "GovernorUnexpectedProposalState"
    advance(w3, VOTING_PERIOD_S + 1)
    _send(w3, api.post("/v1/transactions/queue", json={"from": dev_account(BALTIMORE).address,
                                                       "proposal_id": proposal_id}))
    advance(w3, TIMELOCK_DELAY_S + 1)
    _send(w3, api.post("/v1/transactions/execute", json={"from": dev_account(OUTSIDER).address,
                                                         "proposal_id": proposal_id}))
    assert api.get(f"/v1/consortium/proposals/{proposal_id}").json()["state"] == "Executed"
    assert suite(OSLO).config()["fee_bps"] == 250


def test_vote_refused_if_signer_is_not_a_member_or_proposal_unknown(api, suite):
    consortium = suite(BERLIN).consortium()
    proposal_id = consortium.propose([consortium.actions.set_fee(260)]).proposal_id
    outsider = api.post("/v1/transactions/vote", json={"from": dev_account(OUTSIDER).address,
                                                       "proposal_id": proposal_id, "support": "against"})
    assert outsider.status_code == 409 and outsider.json()["error"]["code"] == "not_a_member"
    unknown = api.post("/v1/transactions/queue", json={"from": dev_account(OSLO).address, "proposal_id": 9999})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "proposal_id"


def test_city_approves_hub_in_its_area_and_is_refused_elsewhere(api, w3, suite):
    operator = suite(HUB_OPERATOR)
    oslo_hub = operator.register_hub("u4pruydq", 1, "https://oslo.example").hub_id
    berlin_hub = operator.register_hub("u33dc0", 1, "https://berlin.example").hub_id
    outside = api.post("/v1/transactions/approve-hub", json={"from": dev_account(OSLO).address, "hub_id": berlin_hub})
    assert outside.status_code == 409 and outside.json()["error"]["error_name"] == "HubOutsideApproverArea"
    _send(w3, api.post("/v1/transactions/approve-hub", json={"from": dev_account(OSLO).address, "hub_id": oslo_hub}))
    assert operator.hub(oslo_hub).status is HubStatus.APPROVED
    assert operator.hub(berlin_hub).status is HubStatus.PENDING


def test_hub_outside_every_area_approved_if_cities_pass_built_proposal(api, w3, suite):
    nowhere = suite(HUB_OPERATOR).register_hub("7zzzzz", 1, "https://nowhere.example").hub_id
    outsider = api.post("/v1/transactions/propose-approve-hub", json={"from": dev_account(OUTSIDER).address,
                                                                      "hub_id": nowhere})
    assert outsider.status_code == 409 and outsider.json()["error"]["code"] == "not_a_member"
    advance(w3, 1)
    _send(w3, api.post("/v1/transactions/propose-approve-hub", json={"from": dev_account(BALTIMORE).address,
                                                                     "hub_id": nowhere}))
    proposal = api.get("/v1/consortium/proposals").json()[-1]
    assert proposal["actions"] == [f"HubRegistry.approveHub(hubId={nowhere})"]
    advance(w3, VOTING_DELAY_S + 1)
    for city in (BALTIMORE, BERLIN):
        _send(w3, api.post("/v1/transactions/vote", json={"from": dev_account(city).address,
                                                          "proposal_id": proposal["proposal_id"], "support": "for"}))
    advance(w3, VOTING_PERIOD_S + 1)
    for step in ("queue", "execute"):
        _send(w3, api.post(f"/v1/transactions/{step}", json={"from": dev_account(OUTSIDER).address,
                                                             "proposal_id": proposal["proposal_id"]}))
        advance(w3, TIMELOCK_DELAY_S + 1)
    assert suite(HUB_OPERATOR).hub(nowhere).status is HubStatus.APPROVED


def test_unpause_proposed_only_if_something_is_paused(api, w3, suite):
    nothing = api.post("/v1/transactions/propose-unpause", json={"from": dev_account(OSLO).address})
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "not_paused"
    _send(w3, api.post("/v1/transactions/pause", json={"from": dev_account(BERLIN).address}))
    advance(w3, 1)
    _send(w3, api.post("/v1/transactions/propose-unpause", json={"from": dev_account(OSLO).address}))
    proposal = api.get("/v1/consortium/proposals").json()[-1]
    assert proposal["actions"] == ["OrderEscrow.unpause()", "ProductRegistry.unpause()"]
