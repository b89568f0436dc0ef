"""The API routes the web app uses, over real HTTP against a real anvil with the suite deployed: each unsigned
transaction builder, its transactions sent by an anvil development account the way a browser wallet sends them
(eth_sendTransaction with from, to, data, value, gas), does what it says; a refusal is predicted as a 409 naming
the contract's error; the EIP-2612 permit flow end to end; payouts owed; the live order stream; signed design
uploads with a quota; the pages with their security headers."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from eth_account import Account

from glocal_chain.api.routes.pages import CONTENT_SECURITY_POLICY
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.api.upload_auth import UploadQuota, design_upload_headers
from glocal_chain.chain.anvil import free_port
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.events.stream import wait_for
from glocal_chain.sdk import GlocalSuite, OrderStatus
from glocal_chain.sdk.inputs import tracking_ref
from glocal_chain.sdk.models import NATIVE_COIN, HubStatus

from support import dev_suite

PRICE = 1_000_000
OPERATOR, ORACLE, ARBITER, FUND, DESIGNER, HUB_OPERATOR, NEW_OPERATOR, BUYER, PERMIT_BUYER, UPLOADER = range(10)
PARALLEL_UPLOADER = 11  # an address of its own: its quota and its upload slot are untouched by the other tests
QUOTA = 3_000


@pytest.fixture(scope="module")
def market(w3, deployed) -> dict[str, Any]:
    """A product offered in gUSD by an approved hub and in the native coin by another; the buyer funded."""
    def suite(index: int) -> GlocalSuite:
        return dev_suite(w3, deployed.deployment, index)

    operator, hubs, buyer = suite(OPERATOR), suite(HUB_OPERATOR), suite(BUYER)
    token = buyer.token("gUSD")
    product = suite(DESIGNER).register_product("0x" + "ab" * 32, "ipfs://part", 1_000).product_id
    hub_id = hubs.register_hub("u4pruydq", 1, "https://hub.example").hub_id
    native_hub = hubs.register_hub("u4pruydr", 1, "https://native.example").hub_id
    for each in (hub_id, native_hub):
        operator.approve_hub(each)
    hubs.publish_offer(product, hub_id, token, 12 * PRICE, 24)
    hubs.publish_offer(product, native_hub, NATIVE_COIN, 10**15, 24)
    for each in (buyer, suite(PERMIT_BUYER)):
        each.mint_test_tokens(each.me, 1_000 * PRICE)
    buyer.approve_escrow(token, 1_000 * PRICE)
    return {"suite": suite, "hubs": hubs, "buyer": buyer, "product": product, "hub_id": hub_id,
            "native_hub": native_hub, "token": token}


@pytest.fixture(scope="module")
def api(market, network, w3, deployed, tmp_path_factory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("api-web")
    settings = ApiSettings(port=free_port(), database_url=str(tmp / "api.sqlite"), designs_dir=tmp / "designs",
                           max_design_bytes=2048, design_quota_bytes=QUOTA, poll_interval_s=0.1)
    service = ApiService(settings, network=network, suite=GlocalSuite(w3, deployed.deployment))
    with service.in_background() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _send(w3, answer: httpx.Response) -> None:
    """Sends each built transaction as a browser wallet does (eth_sendTransaction: the node signs for its
    development account) and checks that it succeeded."""
    assert answer.status_code == 200, answer.text
    for tx in answer.json()["transactions"]:
        sent = w3.eth.send_transaction({"from": tx["from"], "to": tx["to"], "data": tx["data"],
                                        "value": int(tx["value"], 16), "gas": int(tx["gas"], 16)})
        assert w3.eth.wait_for_transaction_receipt(sent)["status"] == 1, tx["description"]


def _me(index: int) -> str:
    return dev_account(index).address


def _placed(market: dict[str, Any]) -> int:
    return market["buyer"].place_order(market["product"], market["hub_id"], 1, 100 * PRICE).order_id


def test_network_names_chain_contracts_and_tokens_if_asked(api, market, network):
    body = api.get("/v1/network").json()
    assert (body["name"], body["chain_id"], body["chain_id_hex"]) == (network.name, network.chain_id,
                                                                      hex(network.chain_id))
    assert body["rpc_urls"] == network.rpc_urls and body["native_currency"]["decimals"] == 18
    assert body["contracts"]["OrderEscrow"] == market["buyer"].escrow.address
    tokens = {t["symbol"]: t for t in body["tokens"]}
    assert tokens["gUSD"] == {"symbol": "gUSD", "address": market["token"], "decimals": 6, "permit": True}
    assert tokens["native"] == {"symbol": "native", "address": NATIVE_COIN, "decimals": 18, "permit": False}


def test_hub_accepts_and_ships_by_hand_if_built_transactions_are_sent(api, market, w3):
    order_id = _placed(market)
    _send(w3, api.post("/v1/transactions/accept-order", json={"from": _me(HUB_OPERATOR), "order_id": order_id}))
    assert market["buyer"].order(order_id).status is OrderStatus.ACCEPTED
    _send(w3, api.post("/v1/transactions/ship-order", json={"from": _me(HUB_OPERATOR).lower(), "order_id": order_id,
                                                            "tracking": "PARCEL-1"}))
    assert market["buyer"].order(order_id).status is OrderStatus.SHIPPED
    assert market["buyer"].shipping_ref(order_id) == "0x" + tracking_ref("PARCEL-1").hex()


def test_accept_refused_naming_error_if_signer_is_not_the_hub(api, market):
    order_id = _placed(market)
    answer = api.post("/v1/transactions/accept-order", json={"from": _me(BUYER), "order_id": order_id})
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["code"] == "revert" and answer.json()["error"]["error_name"] == "NotOrderHub"
    assert market["buyer"].order(order_id).status is OrderStatus.PAID


def test_arbiter_resolves_dispute_if_buyer_disputed_through_built_transactions(api, market, w3):
    order_id = _placed(market)
    market["hubs"].accept(order_id)
    market["hubs"].ship(order_id, f"PARCEL-{order_id}")
    _send(w3, api.post("/v1/transactions/dispute", json={"from": _me(BUYER), "order_id": order_id,
                                                         "reason": "arrived cracked"}))
    assert market["buyer"].order(order_id).status is OrderStatus.DISPUTED
    _send(w3, api.post("/v1/transactions/resolve-dispute", json={"from": _me(ARBITER), "order_id": order_id,
                                                                 "refund_bps": 5_000}))
    assert market["buyer"].order(order_id).status is OrderStatus.RESOLVED


def test_offer_is_published_in_token_units_and_withdrawn_if_built_transactions_are_sent(api, market, w3):
    body = {"from": _me(HUB_OPERATOR), "product_id": market["product"], "hub_id": market["hub_id"],
            "token": market["token"], "price_tokens": "12.5", "lead_time_hours": 48}
    _send(w3, api.post("/v1/transactions/publish-offer", json=body))
    offer = market["buyer"].offer(market["product"], market["hub_id"])
    assert (offer.price, offer.lead_time_hours) == (12_500_000, 48)
    both = api.post("/v1/transactions/publish-offer", json={**body, "price_base_units": 1})
    assert both.status_code == 422, both.text
    _send(w3, api.post("/v1/transactions/withdraw-offer", json={"from": _me(HUB_OPERATOR), "product_id":
                                                                market["product"], "hub_id": market["hub_id"]}))
    assert market["buyer"].offer(market["product"], market["hub_id"]).price == 0
    _send(w3, api.post("/v1/transactions/publish-offer", json={**body, "price_tokens": "12", "lead_time_hours": 24}))


def test_new_hub_registers_and_is_approved_if_built_transactions_are_sent(api, market, w3):
    before = market["buyer"].hubs.functions.hubCount().call()
    _send(w3, api.post("/v1/transactions/register-hub", json={"from": _me(NEW_OPERATOR), "geohash": "u4pruy",
                                                              "capabilities": 3, "metadata_uri": "https://new.example"}))
    hub = market["buyer"].hub(before + 1)
    assert (hub.operator, hub.status, hub.geohash) == (_me(NEW_OPERATOR), HubStatus.PENDING, "u4pruy")
    _send(w3, api.post("/v1/transactions/approve-hub", json={"from": _me(OPERATOR), "hub_id": hub.hub_id}))
    assert market["buyer"].hub(hub.hub_id).status is HubStatus.APPROVED


def test_designer_registers_product_if_design_uploaded_with_signature(api, market, w3):
    content = b"G28\nG1 X10 Y10\nG1 X20 Y5\n"
    stored = api.post("/v1/designs", content=content, headers=design_upload_headers(dev_account(DESIGNER), content))
    assert stored.status_code == 201, stored.text
    digest = stored.json()["sha256"]
    before = market["buyer"].products.functions.productCount().call()
    _send(w3, api.post("/v1/transactions/register-product", json={
        "from": _me(DESIGNER), "design_sha256": digest, "metadata_uri": "ipfs://bracket", "royalty_bps": 500}))
    product = market["buyer"].product(before + 1)
    assert (product.designer, product.design_hash, product.royalty_bps) == (_me(DESIGNER), digest, 500)
    missing = api.post("/v1/transactions/register-product", json={"from": _me(DESIGNER), "design_sha256": "cd" * 32,
                                                                   "metadata_uri": "ipfs://x", "royalty_bps": 0})
    assert missing.status_code == 409 and missing.json()["error"]["code"] == "design_not_stored"


def test_owed_shows_payout_and_withdraw_pays_it_if_order_delivered(api, market, w3):
    order_id = _placed(market)
    market["hubs"].accept(order_id)
    market["hubs"].ship(order_id, f"PARCEL-{order_id}")
    market["suite"](ORACLE).confirm_delivery(order_id)
    owed = {row["token_symbol"]: row for row in api.get(f"/v1/accounts/{_me(HUB_OPERATOR).lower()}/owed").json()}
    assert set(owed) == {"gUSD", "native"} and owed["gUSD"]["token_decimals"] == 6
    amount = owed["gUSD"]["owed_base_units"]
    assert amount == market["buyer"].owed(_me(HUB_OPERATOR), market["token"]) > 0
    before = market["buyer"].balance(_me(HUB_OPERATOR), market["token"])
    _send(w3, api.post("/v1/transactions/withdraw", json={"from": _me(HUB_OPERATOR), "token": market["token"]}))
    assert market["buyer"].balance(_me(HUB_OPERATOR), market["token"]) == before + amount
    again = api.post("/v1/transactions/withdraw", json={"from": _me(HUB_OPERATOR), "token": market["token"]})
    assert again.status_code == 409 and again.json()["error"]["error_name"] == "NothingToWithdraw"


def test_order_is_placed_with_permit_if_buyer_signs_typed_data(api, market, w3):
    buyer = dev_account(PERMIT_BUYER)
    request = {"buyer": buyer.address, "product_id": market["product"], "hub_id": market["hub_id"]}
    permit = api.post("/v1/transactions/place-order/permit", json=request)
    assert permit.status_code == 200, permit.text
    body = permit.json()
    assert body["typed_data"]["primaryType"] == "Permit"
    assert body["typed_data"]["message"]["value"] == str(body["quote"]["total_base_units"])
    signature = Account.sign_typed_data(buyer.key, full_message=body["typed_data"]).signature
    before = market["buyer"].escrow.functions.orderCount().call()
    _send(w3, api.post("/v1/transactions/place-order-with-permit", json={
        "buyer": buyer.address, "terms": body["terms"], "deadline": body["deadline"],
        "signature": "0x" + bytes(signature).hex()}))
    order = market["buyer"].order(before + 1)
    assert (order.buyer, order.status, order.amount) == (buyer.address, OrderStatus.PAID,
                                                         body["quote"]["total_base_units"])
    assert market["buyer"].allowance(buyer.address, market["token"]) == 0  # exactly the total, nothing left


def test_permit_refused_if_signature_is_not_the_buyers_or_token_is_native(api, market):
    buyer = dev_account(PERMIT_BUYER)
    body = api.post("/v1/transactions/place-order/permit", json={
        "buyer": buyer.address, "product_id": market["product"], "hub_id": market["hub_id"]}).json()
    forged = Account.sign_typed_data(dev_account(UPLOADER).key, full_message=body["typed_data"]).signature
    refused = api.post("/v1/transactions/place-order-with-permit", json={
        "buyer": buyer.address, "terms": body["terms"], "deadline": body["deadline"],
        "signature": "0x" + bytes(forged).hex()})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "revert", refused.text
    native = api.post("/v1/transactions/place-order/permit", json={
        "buyer": buyer.address, "product_id": market["product"], "hub_id": market["native_hub"]})
    assert native.status_code == 409 and native.json()["error"]["code"] == "permit_unsupported", native.text


def _events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event name, data) of each server-sent event read from `lines`."""
    name = None
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name is not None:
            yield name, json.loads(line.removeprefix("data: "))
            name = None


def test_order_stream_sends_orders_at_once_and_again_if_a_new_order_is_placed(api, market):
    buyer = market["buyer"].me.lower()
    with api.stream("GET", "/v1/orders/stream", params={"buyer": buyer}, timeout=20) as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        events = _events(stream.iter_lines())
        name, first = next(events)
        assert name == "orders" and all(o["buyer"] == market["buyer"].me for o in first)
        placed = _placed(market)
        name, second = next(events)
        assert name == "orders" and placed in [o["order_id"] for o in second]
        assert [o["order_id"] for o in second] == sorted((o["order_id"] for o in second), reverse=True)


def _stream_opens(client: httpx.Client) -> bool:
    with client.stream("GET", "/v1/orders/stream", timeout=10) as stream:
        return stream.status_code == 200


def test_stream_is_503_if_every_slot_is_open_and_opens_again_once_one_closes(market, network, w3, deployed,
                                                                             tmp_path):
    settings = ApiSettings(port=free_port(), database_url=str(tmp_path / "api.sqlite"), designs_dir=tmp_path / "d",
                           max_streams=1, poll_interval_s=0.1)
    service = ApiService(settings, network=network, suite=GlocalSuite(w3, deployed.deployment))
    with service.in_background() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        with client.stream("GET", "/v1/orders/stream", params={"hub": market["hub_id"]}) as first:
            assert next(_events(first.iter_lines()))[0] == "orders"
            busy = client.get("/v1/orders/stream")
            assert busy.status_code == 503 and busy.json()["error"]["code"] == "streams_busy"
        assert wait_for(lambda: _stream_opens(client), 10), "the slot was not given back"


def test_design_download_is_an_attachment_if_stored(api):
    content = b"G28\nG1 X1 Y1\n"
    digest = hashlib.sha256(content).hexdigest()
    assert api.post("/v1/designs", content=content,
                    headers=design_upload_headers(dev_account(DESIGNER), content)).status_code == 201
    fetched = api.get(f"/v1/designs/{digest}")
    assert fetched.content == content and fetched.headers["x-content-type-options"] == "nosniff"
    assert fetched.headers["content-disposition"] == f'attachment; filename="{digest}.gcode"'


def test_design_upload_refused_if_signed_by_another_address(api):
    content = b"G28\nG1 X2\n"
    headers = {**design_upload_headers(dev_account(UPLOADER), content), "X-Glocal-Address": _me(DESIGNER)}
    refused = api.post("/v1/designs", content=content, headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "bad_signature"
    assert api.get(f"/v1/designs/{hashlib.sha256(content).hexdigest()}").status_code == 404


def test_design_upload_refused_if_bytes_do_not_hash_to_declared_sha256(api):
    headers = design_upload_headers(dev_account(UPLOADER), b"G28\n")
    refused = api.post("/v1/designs", content=b"G28\nM84\n", headers=headers)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "hash_mismatch"


def test_design_upload_refused_with_retry_after_if_address_quota_is_used(api):
    first, second = b"; part one\n" * 150, b"; part two\n" * 150  # 1,650 bytes each; the quota is 3,000
    assert api.post("/v1/designs", content=first,
                    headers=design_upload_headers(dev_account(UPLOADER), first)).status_code == 201
    refused = api.post("/v1/designs", content=second, headers=design_upload_headers(dev_account(UPLOADER), second))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "quota_exceeded"
    assert 0 < int(refused.headers["retry-after"]) <= 24 * 3600
    other = api.post("/v1/designs", content=second, headers=design_upload_headers(dev_account(DESIGNER), second))
    assert other.status_code == 201  # the quota is per address


def test_design_upload_refused_if_same_address_uploads_in_parallel(api):
    """Parallel uploads cannot each pass the quota check before one is recorded: one upload per address at a
    time; the other is a 429 at once, and the first completes."""
    content = b"; slow part\n" * 100
    release, answers = threading.Event(), {}

    def slow_body():
        yield content[:600]
        release.wait(10)
        yield content[600:]

    def first_upload():
        answers["first"] = api.post("/v1/designs", content=slow_body(),
                                    headers=design_upload_headers(dev_account(PARALLEL_UPLOADER), content))

    uploading = threading.Thread(target=first_upload)
    uploading.start()
    try:
        time.sleep(0.5)  # the first upload is streaming
        other = b"G28\n; another part\n"
        second = api.post("/v1/designs", content=other,
                          headers=design_upload_headers(dev_account(PARALLEL_UPLOADER), other))
        assert second.status_code == 429 and "in progress" in second.json()["error"]["message"]
    finally:
        release.set()
        uploading.join(15)
    assert answers["first"].status_code == 201
    again = b"G28\n; another part\n"
    assert api.post("/v1/designs", content=again,
                    headers=design_upload_headers(dev_account(PARALLEL_UPLOADER), again)).status_code == 201


def test_upload_quota_forgets_address_if_it_stored_nothing_for_a_day():
    now = [1_000_000.0]
    quota = UploadQuota(100, clock=lambda: now[0])
    quota.record("0xA", 60)
    assert quota.retry_after_s("0xA", 50) is not None and quota.retry_after_s("0xB", 50) is None
    assert (quota.begin("0xA"), quota.begin("0xA")) == (True, False)
    quota.end("0xA")
    now[0] += 24 * 3600 + 1
    assert quota.retry_after_s("0xA", 100) is None
    assert quota._stored == {}  # no memory kept for addresses that stored nothing in the window


@pytest.mark.parametrize("path", ["/", "/hub", "/designer", "/arbiter", "/consortium"])
def test_page_is_html_with_security_headers_if_requested(api, path):
    page = api.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert (page.headers["x-content-type-options"], page.headers["referrer-policy"]) == ("nosniff", "no-referrer")
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline: the policy would block it


def test_asset_is_served_with_its_type_if_under_assets_and_refused_if_outside(api):
    from glocal_chain.webapp import ASSETS

    script = next(Path(ASSETS / "js").glob("*.js")).name
    served = api.get(f"/assets/js/{script}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/javascript")
    assert served.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for escape in ("/assets/../__init__.py", "/assets/%2e%2e/__init__.py", "/assets/..%2f..%2fapi%2fapp.py",
                   "/assets/js/nothing.js"):
        refused = api.get(escape)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found", escape


def test_pause_stops_new_orders_if_both_built_transactions_are_sent(api, market, w3):
    answer = api.post("/v1/transactions/pause", json={"from": _me(OPERATOR)})
    assert [t["description"] for t in answer.json()["transactions"]] == ["pause new orders", "pause new offers"]
    _send(w3, answer)
    try:
        assert market["buyer"].config()["paused"]
        refused = api.post("/v1/transactions/place-order", json={"buyer": _me(BUYER), "product_id": market["product"],
                                                                  "hub_id": market["hub_id"]})
        assert refused.status_code == 409 and refused.json()["error"]["error_name"] == "EnforcedPause"
        again = api.post("/v1/transactions/pause", json={"from": _me(OPERATOR)})
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_paused"
    finally:
        market["suite"](OPERATOR).unpause()
    assert wait_for(lambda: not market["buyer"].config()["paused"], 5)


def test_stay_instructions_give_web_app_url_if_demo_stays(tmp_path):
    from glocal_chain.demo.stay import CliSettings, instructions

    settings = CliSettings(tmp_path / "networks.toml", tmp_path / "deployments", tmp_path / "home")
    lines = instructions(settings, ["buyer"], "http://127.0.0.1:8123/", 7)
    assert any("open the web app in a browser: http://127.0.0.1:8123/ " in line for line in lines), lines
    assert not any("8123//" in line for line in lines)
