"""The public API over real HTTP: a uvicorn server on a loopback port, the indexer following a real anvil,
the read model in a SQLite file (and in a real PostgreSQL for the DATABASE_URL case)."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import httpx
import pgserver
import pytest
from eth_account import Account

from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.api.upload_auth import design_upload_headers
from glocal_chain.chain.anvil import free_port
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.errors import ContractRevert
from glocal_chain.events.store import SCHEMA as STREAM_SCHEMA
from glocal_chain.events.stream import wait_for
from glocal_chain.sdk import GlocalSuite, OrderStatus
from glocal_chain.sdk.models import FULL_REPUTATION_WEIGHT
from glocal_chain.sdk.suite import sha256_file

from support import dev_suite

CUBE = Path("examples/calibration-cube.gcode")
PRICE = 1_000_000
OPERATOR, ORACLE, ARBITER, DESIGNER, HUB_OPERATOR, BUYER = 0, 1, 2, 4, 5, 8
OTHER_BUYERS = (6, 7, 9)  # raters besides BUYER: the read model keeps one rating per (hub, rater)


@pytest.fixture(scope="module")
def market(w3, deployed) -> dict[str, Any]:
    def suite(index: int) -> GlocalSuite:
        return dev_suite(w3, deployed.deployment, index)

    operator, designer, hubs, buyer = suite(OPERATOR), suite(DESIGNER), suite(HUB_OPERATOR), suite(BUYER)
    token = buyer.token("gUSD")
    cube = designer.register_product(sha256_file(CUBE), "ipfs://cube", 1_000).product_id
    far_only = designer.register_product("0x" + "ab" * 32, "ipfs://far", 0).product_id
    ids = {}
    for name, geohash, price in (("near_dear", "u4pruydq", 12), ("near_cheap", "u4pruydq", 10),
                                 ("ring", "u4pruy", 9), ("pending", "u4pruydq", 1), ("far", "u33dc0", 5)):
        ids[name] = hubs.register_hub(geohash, 1, f"https://{name}.example").hub_id
        if name != "pending":
            operator.approve_hub(ids[name])
            product = far_only if name == "far" else cube
            hubs.publish_offer(product, ids[name], token, price * PRICE, 24)
    buyers = [buyer, *(suite(index) for index in OTHER_BUYERS)]
    for each in buyers:
        each.mint_test_tokens(each.me, 10_000 * PRICE)
        each.approve_escrow(token, 10_000 * PRICE)
    return {"suite": suite, "operator": operator, "hubs": hubs, "buyer": buyer, "buyers": buyers, "cube": cube,
            "far_only": far_only, "ids": ids, "token": token}


def _service(tmp: Path, network, w3, deployed, database_url: str | None = None) -> ApiService:
    settings = ApiSettings(port=free_port(), database_url=database_url or str(tmp / "api.sqlite"),
                           designs_dir=tmp / "designs", max_design_bytes=4096, poll_interval_s=0.1)
    return ApiService(settings, network=network, suite=GlocalSuite(w3, deployed.deployment))


@pytest.fixture(scope="module")
def api_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("api")


@pytest.fixture(scope="module")
def api(market, network, w3, deployed, api_dir) -> Iterator[httpx.Client]:
    service = _service(api_dir, network, w3, deployed)
    with service.in_background() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _indexed(client: httpx.Client, w3) -> None:
    head = w3.eth.block_number
    assert wait_for(lambda: (client.get("/healthz").json()["indexed_block"] or -1) >= head, 20), "index behind"


def _deliver(market: dict[str, Any], hub_id: int, rating: int | None = None) -> int:
    buyer, hubs = market["buyer"], market["hubs"]
    order = buyer.place_order(market["cube"], hub_id, 1, 100 * PRICE).order_id
    hubs.accept(order)
    hubs.ship(order, f"TRACK-{order}")
    market["suite"](ORACLE).confirm_delivery(order)
    if rating is not None:
        buyer.rate(order, rating)
    return order


def test_near_ranks_nearest_ring_then_reputation_then_price_if_hand_made_hubs(api, market, w3):
    ids = market["ids"]
    _indexed(api, w3)
    ranked = api.get("/v1/hubs/near", params={"geohash": "u4pruydr", "product": market["cube"]}).json()
    assert [h["hub_id"] for h in ranked["hubs"]] == [ids["near_cheap"], ids["near_dear"], ids["ring"]]
    assert ranked["widened"] is False and ranked["hubs"][0]["offer"]["price_base_units"] == 10 * PRICE
    assert (ranked["hubs"][0]["offer"]["token_symbol"], ranked["hubs"][0]["offer"]["token_decimals"]) == ("gUSD", 6)

    _deliver(market, ids["near_dear"], rating=5)  # the dearer hub earns a better reputation
    _indexed(api, w3)
    ranked = api.get("/v1/hubs/near", params={"geohash": "u4pruydr", "product": market["cube"]}).json()
    assert [h["hub_id"] for h in ranked["hubs"]] == [ids["near_dear"], ids["near_cheap"], ids["ring"]]
    assert ranked["hubs"][0]["reputation"]["rating_centi_stars"] == market["buyer"].reputation(
        ids["near_dear"]).rating_centi_stars


def test_near_widens_radius_if_no_local_hub_makes_the_product(api, market, w3):
    _indexed(api, w3)
    ranked = api.get("/v1/hubs/near", params={"geohash": "u4pruydr", "product": market["far_only"],
                                              "radius_km": 10}).json()
    assert ranked["widened"] is True and ranked["searched_radius_km"] >= 600
    assert [h["hub_id"] for h in ranked["hubs"]] == [market["ids"]["far"]]
    assert 550 < ranked["hubs"][0]["distance_km"] < 650


def test_order_shows_history_if_delivered(api, market, w3):
    order_id = _deliver(market, market["ids"]["near_cheap"], rating=4)
    _indexed(api, w3)
    order = api.get(f"/v1/orders/{order_id}").json()
    assert order["status"] == "delivered" and order["rated"] and order["rating"] == 4
    assert [e["event"] for e in order["history"]] == ["OrderPlaced", "OrderAccepted", "OrderShipped",
                                                      "DeliveryConfirmed", "OrderDelivered", "OrderRated"]
    by_buyer = api.get("/v1/orders", params={"buyer": market["buyer"].me.lower()}).json()
    assert order_id in [o["order_id"] for o in by_buyer]
    by_hub = api.get("/v1/orders", params={"hub": market["ids"]["near_cheap"], "status": "delivered"}).json()
    assert [o["order_id"] for o in by_hub] == [order_id]
    newest = [o["order_id"] for o in api.get("/v1/orders").json()]  # no filter: every order, newest first
    assert order_id in newest and newest == sorted(newest, reverse=True)
    assert all("tracking_ref" in o and "history" not in o for o in by_buyer)  # null until shipped; history: one order


def test_order_and_offers_show_amounts_in_base_units_with_token_if_read(api, market, w3):
    order_id = _deliver(market, market["ids"]["near_dear"])
    _indexed(api, w3)
    order = api.get(f"/v1/orders/{order_id}").json()
    assert (order["amount_base_units"], order["royalty_base_units"]) == (13_200_000, 1_200_000)  # 12 gUSD + 10 %
    assert (order["token"], order["token_symbol"], order["token_decimals"]) == (market["token"], "gUSD", 6)
    assert "amount" not in order and "royalty" not in order
    offers = api.get(f"/v1/products/{market['cube']}").json()["offers"]
    assert {o["hub_id"]: o["price_base_units"] for o in offers}[market["ids"]["near_dear"]] == 12 * PRICE
    assert all((o["token_symbol"], o["token_decimals"]) == ("gUSD", 6) and "price" not in o for o in offers)


def test_products_and_hubs_list_and_show_if_indexed(api, market, w3):
    _indexed(api, w3)
    products = api.get("/v1/products", params={"designer": market["suite"](DESIGNER).me}).json()
    assert [p["product_id"] for p in products] == [market["cube"], market["far_only"]]
    cube = api.get(f"/v1/products/{market['cube']}").json()
    assert cube["design_hash"] == sha256_file(CUBE) and len(cube["offers"]) == 3
    pending = api.get("/v1/hubs", params={"status": "pending"}).json()
    assert [h["hub_id"] for h in pending] == [market["ids"]["pending"]]
    hub = api.get(f"/v1/hubs/{market['ids']['far']}").json()
    assert hub["geohash"] == "u33dc0" and hub["status"] == "approved"
    operated = api.get("/v1/hubs", params={"operator": hub["operator"].lower()}).json()
    assert operated and all(h["operator"] == hub["operator"] for h in operated)
    assert hub["hub_id"] in [h["hub_id"] for h in operated]
    assert api.get("/v1/hubs", params={"operator": "0x" + "77" * 20}).json() == []
    assert api.get("/v1/hubs", params={"operator": "0x12"}).status_code == 422


def test_order_shows_design_version_it_bought_if_product_has_newer_version(api, market, w3):
    product, hub_id, buyer = market["far_only"], market["ids"]["far"], market["buyer"]
    first = buyer.place_order(product, hub_id, 1, 100 * PRICE).order_id
    market["suite"](DESIGNER).publish_version(product, "0x" + "cd" * 32, "ipfs://far-v2")
    second = buyer.place_order(product, hub_id, 1, 100 * PRICE).order_id
    _indexed(api, w3)
    old, new = api.get(f"/v1/orders/{first}").json(), api.get(f"/v1/orders/{second}").json()
    assert (old["design_version"], old["design_hash"]) == (1, "0x" + "ab" * 32)
    assert (new["design_version"], new["design_hash"]) == (2, "0x" + "cd" * 32)
    shown = api.get(f"/v1/products/{product}").json()
    assert (shown["version"], shown["design_hash"]) == (2, "0x" + "cd" * 32)
    assert [(v["version"], v["design_hash"], v["metadata_uri"]) for v in shown["versions"]] == [
        (1, "0x" + "ab" * 32, "ipfs://far"), (2, "0x" + "cd" * 32, "ipfs://far-v2")]
    for order_id in (first, second):
        buyer.cancel(order_id)


def test_design_round_trips_if_uploaded_with_its_hash(api):
    content = CUBE.read_bytes()[:3000]
    digest = hashlib.sha256(content).hexdigest()
    stored = api.post("/v1/designs", content=content, headers=design_upload_headers(dev_account(DESIGNER), content))
    assert stored.status_code == 201 and stored.json() == {"sha256": "0x" + digest, "size": len(content)}
    fetched = api.get(f"/v1/designs/0x{digest}")
    assert fetched.status_code == 200 and fetched.content == content


def test_design_is_dropped_if_stored_copy_corrupt(api, api_dir):
    content = b"G28\nG1 X1\n"
    digest = api.post("/v1/designs", content=content, headers=design_upload_headers(dev_account(DESIGNER), content)
                      ).json()["sha256"].removeprefix("0x")
    (api_dir / "designs" / digest).write_bytes(b"tampered")  # behind the API's back
    response = api.get(f"/v1/designs/{digest}")
    assert response.status_code == 404 and response.json()["error"]["field"] == "sha256"


BAD_INPUTS = [
    ("get", "/v1/orders/abc", None, 422, "order_id"),
    ("get", "/v1/orders/0", None, 422, "order_id"),
    ("get", f"/v1/orders/{2**70}", None, 422, "order_id"),
    ("get", "/v1/orders/999999", None, 404, "order_id"),
    ("get", "/v1/orders", {"buyer": "0x1234"}, 422, "buyer"),
    ("get", "/v1/orders", {"hub": 1, "status": "lost"}, 422, "status"),
    ("get", "/v1/hubs/near", {"geohash": "u4pr!a", "product": 1}, 422, "geohash"),
    ("get", "/v1/hubs/near", {"geohash": "u4pruydr", "product": 77}, 404, "product"),
    ("get", "/v1/hubs/near", {"geohash": "u4pruydr"}, 422, "product"),
    ("get", "/v1/hubs/near", {"geohash": "u4pruydr", "product": 1, "radius_km": -3}, 422, "radius_km"),
    ("get", "/v1/hubs/4294967296", None, 422, "hub_id"),
    ("get", "/v1/hubs/999", None, 404, "hub_id"),
    ("get", "/v1/hubs", {"status": "sleeping"}, 422, "status"),
    ("get", "/v1/products/999", None, 404, "product_id"),
    ("get", "/v1/products", {"designer": "bob"}, 422, "designer"),
    ("get", "/v1/designs/xyz", None, 422, "sha256"),
    ("get", "/v1/designs/" + "0" * 64, None, 404, "sha256"),
    ("post", "/v1/designs", {"content": b"x" * 5000, "headers": design_upload_headers(dev_account(4), b"x" * 5000)},
     413, "body"),
    ("post", "/v1/designs", {"content": b"G28\n", "headers": design_upload_headers(dev_account(4), b"G1\n")}, 422,
     "x-glocal-design-sha256"),
    ("post", "/v1/designs", {"content": b"", "headers": design_upload_headers(dev_account(4), b"")}, 422, "body"),
    ("post", "/v1/transactions/place-order", {"json": {"buyer": "0xnope", "product_id": 1, "hub_id": 1}}, 422, "buyer"),
    ("post", "/v1/transactions/place-order", {"json": {"buyer": "0x" + "1" * 40, "product_id": 0, "hub_id": 1}},
     422, "product_id"),
    ("post", "/v1/transactions/rate", {"json": {"buyer": "0x" + "1" * 40, "order_id": 1, "rating": 9}}, 422, "rating"),
    ("post", "/v1/transactions/place-order", {"json": {"buyer": "0x" + "1" * 40, "product_id": 1, "hub_id": 1,
                                                       "max_total": 15}}, 422, "max_total"),  # the old, unitless name
    ("post", "/v1/transactions/place-order", {"json": {"buyer": "0x" + "1" * 40, "product_id": 1, "hub_id": 1,
                                                       "max_total_base_units": 15, "max_total_tokens": "15"}},
     422, "max_total_tokens"),
    ("post", "/v1/transactions/place-order", {"json": {"buyer": "0x" + "1" * 40, "product_id": 1, "hub_id": 1,
                                                       "max_total_tokens": "1.2.3"}}, 422, "max_total_tokens"),
    ("post", "/v1/transactions/rate", {"content": b"{not json"}, 422, None),
    ("get", "/v1/nothing-here", None, 404, None),
]


@pytest.mark.parametrize(("method", "path", "args", "status", "field"), BAD_INPUTS)
def test_bad_input_gets_4xx_naming_field_if_malformed(api, method, path, args, status, field):
    kwargs: dict[str, Any] = {}
    if method == "get":
        kwargs["params"] = args or {}
    else:
        kwargs.update(args or {})
        kwargs.setdefault("headers", {"content-type": "application/json"} if "content" in kwargs and
                          "params" not in kwargs and path.startswith("/v1/transactions") else {})
    response = getattr(api, method)(path, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"]
    if field is not None:
        assert error["field"] == field


def test_unsigned_place_order_signed_by_wallet_places_order_if_sent(api, market, w3):
    stranger = Account.create()
    market["buyer"].mint_test_tokens(stranger.address, 50 * PRICE)
    unsigned = api.post("/v1/transactions/place-order", json={"buyer": stranger.address, "product_id": market["cube"],
                                                              "hub_id": market["ids"]["near_cheap"]}).json()
    assert [t["description"] for t in unsigned["transactions"]] == ["approve the escrow", unsigned["transactions"][1][
        "description"]]
    escrow = market["buyer"].escrow
    quote = market["buyer"].quote(market["cube"], market["ids"]["near_cheap"], 1)
    terms = {**quote.terms.to_dict(), "token_symbol": "gUSD", "token_decimals": 6}
    terms["max_total_base_units"] = terms.pop("max_total")
    assert unsigned["terms"] == terms  # maxTotal: the quote's total
    call, args = escrow.decode_function_input(unsigned["transactions"][1]["data"])
    assert call.fn_name == "placeOrder" and tuple(args["terms"].values()) == quote.terms.as_tuple()
    before = escrow.functions.orderCount().call()
    for tx in unsigned["transactions"]:
        fields = {k: (int(v, 16) if isinstance(v, str) and k in ("gas", "nonce", "value", "gasPrice") else v)
                  for k, v in tx.items() if k != "description"}
        signed = stranger.sign_transaction(fields)
        receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
        assert receipt["status"] == 1
    order = market["buyer"].order(before + 1)
    assert order.buyer == stranger.address and order.status is OrderStatus.PAID
    assert (order.design_version, order.lead_time_hours, order.amount) == (1, 24, quote.total)


def test_unsigned_place_order_refused_naming_term_if_pinned_term_no_longer_offered(api, market):
    stranger = Account.create()
    market["buyer"].mint_test_tokens(stranger.address, 50 * PRICE)
    body = {"buyer": stranger.address, "product_id": market["cube"], "hub_id": market["ids"]["near_cheap"]}
    for pinned, error in (({"max_lead_time_hours": 12}, "LeadTimeAboveMaximum"),
                          ({"design_version": 7}, "DesignVersionChanged"),
                          ({"token": "0x" + "00" * 20}, "PaymentTokenChanged")):
        response = api.post("/v1/transactions/place-order", json={**body, **pinned})
        assert response.status_code == 409 and response.json()["error"]["error_name"] == error, response.text
    accepted = api.post("/v1/transactions/place-order", json={**body, "max_lead_time_hours": 48}).json()
    assert accepted["terms"]["max_lead_time_hours"] == 48 and len(accepted["transactions"]) == 2


def test_unsigned_place_order_takes_decimal_tokens_if_max_total_tokens_given(api, market):
    stranger = Account.create()
    market["buyer"].mint_test_tokens(stranger.address, 50 * PRICE)
    body = {"buyer": stranger.address.lower(), "product_id": market["cube"], "hub_id": market["ids"]["near_cheap"]}
    for typed, base_units in (("15", 15_000_000), ("15.5", 15_500_000), ("11.0000009", 11_000_000)):  # rounded down
        answer = api.post("/v1/transactions/place-order", json={**body, "max_total_tokens": typed})
        assert answer.status_code == 200, answer.text
        assert answer.json()["terms"]["max_total_base_units"] == base_units
    quote = answer.json()["quote"]
    assert (quote["total_base_units"], quote["token_symbol"], quote["token_decimals"]) == (11_000_000, "gUSD", 6)
    refused = api.post("/v1/transactions/place-order", json={**body, "max_total_base_units": 15})  # not 15 gUSD
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "total_above_maximum" and error["field"] == "max_total_base_units"
    assert "11.0 gUSD (11000000 base units)" in error["message"] and "0.000015 gUSD (15 base units)" in error["message"]


def test_unsigned_rate_refused_naming_error_if_order_not_delivered(api, market):
    order = market["buyer"].place_order(market["cube"], market["ids"]["ring"], 1, 100 * PRICE).order_id
    response = api.post("/v1/transactions/rate", json={"buyer": market["buyer"].me, "order_id": order, "rating": 5})
    assert response.status_code == 409 and response.json()["error"]["error_name"] == "InvalidOrderStatus"


def test_metrics_and_health_report_index_if_running(api, w3):
    _indexed(api, w3)
    health = api.get("/healthz").json()
    assert health["status"] == "ok" and health["lag_blocks"] == 0
    api.get("/v1/hubs/1")
    metrics = api.get("/metrics").text
    assert 'glocal_api_requests_total{method="GET",route="/v1/hubs/{hub_id}",status="200"}' in metrics
    assert f"glocal_api_indexed_block {float(w3.eth.block_number)}" in metrics


# ---------------------------------------------------------------------- the read model against the chain
def _random_orders(market: dict[str, Any], count: int, seed: int, w3: Any = None) -> None:
    """`count` orders from several buyers driven through random paths: delivered (rated or not, some
    buyers rating a hub again: the latest rating replaces theirs), disputed and resolved, disputes left to
    expire (with `w3`: settled after the arbitration window), cancelled, rejected, left open in any state.
    Quantities 1 to 5 give weights from 0.18 to a full weight (capped)."""
    rng = random.Random(seed)
    hubs, oracle = market["hubs"], market["suite"](ORACLE)
    arbiter = market["suite"](ARBITER)
    hub_ids = [market["ids"][name] for name in ("near_dear", "near_cheap", "ring")]
    paths = ["open", "cancel", "reject", "accept", "ship", "deliver", "rate", "rate", "rate", "dispute", "resolve"]
    expiring = []
    for _ in range(count):
        buyer = rng.choice(market["buyers"])
        order = buyer.place_order(market["cube"], rng.choice(hub_ids), rng.randint(1, 5), 100 * PRICE).order_id
        path = rng.choice(paths + (["expire"] if w3 is not None else []))
        try:
            if path == "cancel":
                buyer.cancel(order)
            elif path == "reject":
                hubs.reject(order, "no filament")
            elif path != "open":
                hubs.accept(order)
                if path != "accept":
                    hubs.ship(order, f"T{order}")
                if path in ("deliver", "rate"):
                    oracle.confirm_delivery(order)
                if path == "rate":
                    buyer.rate(order, rng.randint(1, 5))
                if path in ("dispute", "resolve", "expire"):
                    buyer.dispute(order, "cracked")
                if path == "resolve":
                    arbiter.resolve(order, rng.choice([0, 5_000, 10_000]))
                if path == "expire":
                    expiring.append(order)
        except ContractRevert as exc:  # pragma: no cover - a wrong path is a test bug
            raise AssertionError(f"order {order} on path {path}: {exc.message}") from exc
    if expiring:
        w3.provider.make_request("evm_increaseTime", [8 * 86400])  # past the 7-day arbitration window
        w3.provider.make_request("evm_mine", [])
        for order in expiring:
            oracle.settle_expired_dispute(order)


def _assert_matches_chain(client: httpx.Client, market: dict[str, Any]) -> int:
    chain = market["buyer"]
    count = chain.escrow.functions.orderCount().call()
    for order_id in range(1, count + 1):
        on_chain, indexed = chain.order(order_id), client.get(f"/v1/orders/{order_id}").json()
        assert indexed["status"] == on_chain.status.name.lower(), order_id
        assert (indexed["buyer"], indexed["hub_id"], indexed["amount_base_units"], indexed["confirmations"],
                indexed["rated"], indexed["deadline"], indexed["design_version"], indexed["quorum"],
                indexed["weight"]) == (
            on_chain.buyer, on_chain.hub_id, on_chain.amount, on_chain.confirmations, on_chain.rated,
            on_chain.deadline, on_chain.design_version, on_chain.quorum, on_chain.weight), order_id
        assert indexed["design_hash"] == chain.order_design_hash(on_chain), order_id
    for hub in chain.list_hubs():
        indexed = client.get(f"/v1/hubs/{hub.hub_id}").json()
        assert indexed["status"] == hub.status.name.lower()
        assert indexed["reputation"] == hub.reputation.to_dict(), hub.hub_id  # counters, weights and score
    return count


def _assert_weighted_ratings(market: dict[str, Any]) -> None:
    """The chain's ratings are one per (hub, rater), each at the largest weight of the rater's rated orders
    there (capped): rebuilt here from the OrderRated events and the orders' weights."""
    chain = market["buyer"]
    latest: dict[tuple[int, str], tuple[int, int]] = {}
    for entry in chain.escrow.events.OrderRated().get_logs(from_block=chain.deployment.deploy_block):
        args = entry["args"]
        key = (args["hubId"], args["buyer"])
        weight = max(latest.get(key, (0, 0))[1], chain.order(args["orderId"]).weight)
        latest[key] = (args["rating"], min(weight, FULL_REPUTATION_WEIGHT))
    assert len({rater for _, rater in latest}) > 1 and any(w == FULL_REPUTATION_WEIGHT for _, w in latest.values())
    for (hub_id, rater), record in latest.items():
        assert chain.rater_record(hub_id, rater) == record, (hub_id, rater)
    for hub_id in {hub_id for hub_id, _ in latest}:
        reputation = chain.reputation(hub_id)
        records = [record for (h, _), record in latest.items() if h == hub_id]
        assert (reputation.raters, reputation.rating_weight, reputation.weighted_stars) == (
            len(records), sum(w for _, w in records), sum(r * w for r, w in records))


def test_read_model_matches_chain_if_100_random_orders(api, market, w3):
    _random_orders(market, 100, seed=5, w3=w3)
    _indexed(api, w3)
    assert _assert_matches_chain(api, market) >= 100
    _assert_weighted_ratings(market)
    counters = [market["buyer"].reputation(market["ids"][name]) for name in ("near_dear", "near_cheap", "ring")]
    assert sum(r.disputes_expired for r in counters) >= 1 and sum(r.disputes_lost for r in counters) >= 1


def test_read_model_rebuilds_if_written_by_older_schema(market, network, w3, deployed, tmp_path):
    """A read model from before this schema (e.g. ratingCount/ratingSum columns) is dropped and re-indexed."""
    database = tmp_path / "api.sqlite"
    with sqlite3.connect(database) as old:
        old.executescript(STREAM_SCHEMA)
        old.execute("CREATE TABLE market_hub (hub_id BIGINT PRIMARY KEY, rating_count BIGINT, rating_sum BIGINT)")
        old.execute("INSERT INTO stream_checkpoint VALUES ('market-index', ?, '0xold')", (w3.eth.block_number,))
    service = _service(tmp_path, network, w3, deployed, database_url=str(database))
    with service.in_background() as running, httpx.Client(base_url=running.url, timeout=10) as client:
        _indexed(client, w3)
        assert _assert_matches_chain(client, market) >= 1


def test_read_model_matches_chain_if_database_is_postgresql(market, network, w3, deployed, tmp_path):
    server = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    try:
        _random_orders(market, 10, seed=11)
        service = _service(tmp_path, network, w3, deployed, database_url=server.get_uri())
        with service.in_background() as running, httpx.Client(base_url=running.url, timeout=10) as client:
            _indexed(client, w3)
            assert _assert_matches_chain(client, market) >= 10
            assert client.get("/v1/hubs/near", params={"geohash": "u4pruydr", "product": market["cube"]}).json()["hubs"]
    finally:
        server.cleanup()
