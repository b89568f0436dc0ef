"""The delivery oracle over real HTTP against a real anvil: signatures, stale and replayed webhooks,
duplicates, a 2-of-3 quorum of three oracle instances, and a restart in the middle of a confirmation."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from glocal_chain.chain.anvil import EphemeralNode, free_port
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.demo.market import open_local_market
from glocal_chain.events.stream import wait_for
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import OracleConfig, WebhookSender
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.sdk import GlocalSuite, OrderStatus
from glocal_chain.wallet.keystore import save

from support import dev_suite

PRICE = 1_000_000
SECRET = b"courier-secret"
OPERATOR, ORACLES, DESIGNER, HUB_OPERATOR, BUYER = 0, (1, 6, 9), 4, 5, 8


@pytest.fixture(scope="module")
def market(w3, deployed) -> dict[str, Any]:
    def suite(index: int) -> GlocalSuite:
        return dev_suite(w3, deployed.deployment, index)

    operator, hubs, buyer = suite(OPERATOR), suite(HUB_OPERATOR), suite(BUYER)
    for index in ORACLES[1:]:
        operator.set_role("oracle", dev_account(index).address, True)
    product = suite(DESIGNER).register_product("0x" + "cd" * 32, "ipfs://part", 500).product_id
    hub_id = hubs.register_hub("u4pruydq", 1, "").hub_id
    operator.approve_hub(hub_id)
    token = buyer.token("gUSD")
    hubs.publish_offer(product, hub_id, token, PRICE, 24)
    buyer.mint_test_tokens(buyer.me, 1_000 * PRICE)
    buyer.approve_escrow(token, 1_000 * PRICE)
    return {"suite": suite, "operator": operator, "hubs": hubs, "buyer": buyer, "product": product, "hub_id": hub_id}


def _shipped(market: dict[str, Any]) -> int:
    order = market["buyer"].place_order(market["product"], market["hub_id"], 1, 10 * PRICE).order_id
    market["hubs"].accept(order)
    market["hubs"].ship(order, f"PICKUP-{order}")
    return order


def _config(tmp: Path, name: str) -> OracleConfig:
    return OracleConfig(wallet=name, database=tmp / f"{name}.sqlite", port=free_port(), poll_interval_s=0.1,
                        senders=[WebhookSender(name="courier", secret=SECRET.decode())])


@pytest.fixture(scope="module")
def oracle(market, network, w3, deployed, tmp_path_factory) -> Iterator[httpx.Client]:
    runner = OracleRunner(_config(tmp_path_factory.mktemp("oracle"), "oracle-1"), network=network,
                          suite=market["suite"](ORACLES[0]))
    with runner.in_background() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def _report(order_id: int, delivery_id: str | None = None, tracking: str | None = None) -> bytes:
    return json.dumps({"delivery_id": delivery_id or f"D-{order_id}", "order_id": order_id,
                       "tracking_number": tracking or f"PICKUP-{order_id}", "delivered_at": "2026-11-27T10:00:00Z",
                       "evidence": {"kind": "signature", "sha256": "0x" + "ee" * 32}}).encode()


def _post(client: httpx.Client, body: bytes, timestamp: int | None = None, secret: bytes = SECRET,
          sender: str = "courier") -> httpx.Response:
    headers = signing.signed_headers(sender, secret, timestamp or int(time.time()), body)
    return client.post("/v1/deliveries", content=body, headers=headers)


def _confirmations_by(w3, escrow, oracle_address: str, order_id: int) -> int:
    logs = escrow.events.DeliveryConfirmed().get_logs(from_block=0, argument_filters={"orderId": order_id})
    return sum(1 for entry in logs if entry["args"]["oracle"] == oracle_address)


def test_webhook_confirms_delivery_if_signed_and_shipped(oracle, market, w3):
    order = _shipped(market)
    response = _post(oracle, _report(order))
    assert response.status_code == 202, response.text
    buyer = market["buyer"]
    assert wait_for(lambda: buyer.order(order).status is OrderStatus.DELIVERED, 20)
    assert _confirmations_by(w3, buyer.escrow, dev_account(ORACLES[0]).address, order) == 1


def test_duplicate_webhook_sends_one_transaction_if_posted_twice(oracle, market, w3):
    order = _shipped(market)
    body = _report(order)
    first, second = _post(oracle, body), _post(oracle, body)
    other_id = _post(oracle, _report(order, delivery_id=f"LOCKER-{order}"))  # a second report of the same order
    assert first.status_code == 202 and second.status_code == 409
    assert second.json()["error"]["code"] == "replayed"
    assert other_id.status_code in (202, 409)  # 409 once the first confirmation delivered the order
    buyer = market["buyer"]
    assert wait_for(lambda: buyer.order(order).status is OrderStatus.DELIVERED, 20)
    time.sleep(0.5)  # give a wrong second transaction the time to appear
    assert _confirmations_by(w3, buyer.escrow, dev_account(ORACLES[0]).address, order) == 1


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"secret": b"wrong"}, 401, "bad_signature"),
    ({"sender": "stranger"}, 401, "unknown_sender"),
    ({"timestamp": int(time.time()) - 301}, 401, "stale_timestamp"),
    ({"timestamp": int(time.time()) + 3600}, 401, "stale_timestamp"),
])
def test_webhook_refused_401_if_signature_or_timestamp_wrong(oracle, market, change, status, code):
    order = _shipped(market)
    response = _post(oracle, _report(order), **change)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert market["buyer"].order(order).status is OrderStatus.SHIPPED


def test_webhook_refused_if_order_not_shipped_unknown_or_tracking_differs(oracle, market):
    paid = market["buyer"].place_order(market["product"], market["hub_id"], 1, 10 * PRICE).order_id
    response = _post(oracle, _report(paid))
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_shipped"
    response = _post(oracle, _report(999_999))
    assert response.status_code == 404 and response.json()["error"]["field"] == "order_id"
    shipped = _shipped(market)
    response = _post(oracle, _report(shipped, tracking="SOMEONE-ELSES"))
    assert response.status_code == 409 and response.json()["error"]["field"] == "tracking_number"
    response = _post(oracle, b'{"delivery_id": "x", "order_id": "one"}')
    assert response.status_code == 422 and response.json()["error"]["field"] == "order_id"
    response = _post(oracle, b"not json at all")
    assert response.status_code == 422
    assert market["buyer"].order(shipped).status is OrderStatus.SHIPPED


def test_quorum_of_two_delivers_once_if_three_oracles_get_the_webhook(market, network, w3, tmp_path):
    operator, buyer = market["operator"], market["buyer"]
    operator.set_quorum(2)
    try:
        order = _shipped(market)
        runners = [OracleRunner(_config(tmp_path, f"oracle-{i}"), network=network, suite=market["suite"](i))
                   for i in ORACLES]
        servers = [runner.in_background() for runner in runners]
        urls = [server.__enter__().url for server in servers]
        try:
            responses = []
            for url in urls:
                with httpx.Client(base_url=url, timeout=30) as client:
                    responses.append(_post(client, _report(order)))
            assert responses[0].status_code == 202 and responses[1].status_code == 202
            assert wait_for(lambda: buyer.order(order).status is OrderStatus.DELIVERED, 20)
            time.sleep(1)
        finally:
            for server in servers:
                server.__exit__(None, None, None)
        votes = [_confirmations_by(w3, buyer.escrow, dev_account(i).address, order) for i in ORACLES]
        assert sum(votes) == 2 and max(votes) == 1
        delivered = buyer.escrow.events.OrderDelivered().get_logs(from_block=0, argument_filters={"orderId": order})
        assert len(delivered) == 1
    finally:
        operator.set_quorum(1)


def test_order_keeps_its_quorum_and_counts_only_live_oracle_votes_if_roles_change(market):
    """What the order view reports to oracles: the quorum in force when the order was placed, and the votes
    of oracles that still hold the role."""
    operator, buyer = market["operator"], market["buyer"]
    first, second = market["suite"](ORACLES[1]), market["suite"](ORACLES[2])
    operator.set_quorum(2)
    try:
        order = _shipped(market)
    finally:
        operator.set_quorum(1)
    assert buyer.order(order).quorum == 2  # placed under a quorum of two; governance's 1 now does not apply
    assert first.confirm_delivery(order).confirmations == 1
    operator.set_role("oracle", first.me, False)
    try:
        assert buyer.order(order).confirmations == 0  # a revoked oracle's vote stops counting
        voted = second.confirm_delivery(order)
        assert voted.status is OrderStatus.SHIPPED and voted.confirmations == 1
    finally:
        operator.set_role("oracle", first.me, True)
    # the second vote took the revoked vote's place: the first oracle votes again, and that delivers
    assert buyer.order(order).confirmations == 1
    delivered = first.confirm_delivery(order)
    assert delivered.status is OrderStatus.DELIVERED and delivered.confirmations == 2


def test_oracle_sends_one_transaction_if_killed_mid_confirmation(tmp_path, monkeypatch):
    """A 2 s block time leaves the signed confirmation pending; the oracle is SIGKILLed as soon as it has
    stored it, the node forgets it (as if the crash came before it was sent), and the restarted oracle
    sends that same transaction: one confirmation, order delivered."""
    with EphemeralNode(gas_price=0, block_time=2) as node:
        deployments = tmp_path / "deployments"
        market = open_local_market(node.url, node.chain_id, deployments, Path("examples/calibration-cube.gcode"),
                                   10 * PRICE)
        oracle_account = dev_account(ORACLES[1])
        market.suite(OPERATOR).set_role("oracle", oracle_account.address, True)
        order = market.buyer.place_order(market.product_id, market.hub_id, 1, 10 * PRICE).order_id
        market.hub.accept(order)
        market.hub.ship(order, f"PICKUP-{order}")

        home = tmp_path / "home"
        monkeypatch.setenv("GLOCAL_HOME", str(home))
        save("oracle", oracle_account, "pw")
        port = free_port()
        (tmp_path / "networks.toml").write_text(
            f'[networks.market]\nrpc_urls = ["{node.url}"]\nchain_id = {node.chain_id}\ngas_policy = "free"\n')
        (tmp_path / "oracle.toml").write_text(
            f'network = "market"\nwallet = "oracle"\ndatabase = "oracle.sqlite"\nport = {port}\n'
            f'poll_interval_s = 0.1\n[[senders]]\nname = "courier"\nsecret_env = "COURIER_SECRET"\n')
        env = {**os.environ, "GLOCAL_HOME": str(home), "GLOCAL_NETWORKS_FILE": str(tmp_path / "networks.toml"),
               "GLOCAL_DEPLOYMENTS_DIR": str(deployments), "GLOCAL_WALLET_PASSWORD": "pw",
               "COURIER_SECRET": SECRET.decode()}
        command = [str(Path(sys.executable).with_name("glocal")), "oracle", "run", "--config",
                   str(tmp_path / "oracle.toml")]

        def start() -> subprocess.Popen[bytes]:
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 30), "oracle did not start"
            return process

        def stored() -> tuple[str, str | None] | None:
            try:
                with sqlite3.connect(tmp_path / "oracle.sqlite") as db:
                    return db.execute("SELECT state, tx_hash FROM oracle_confirmation WHERE order_id = ?",
                                      (order,)).fetchone()
            except sqlite3.Error:
                return None

        first = start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                assert _post(client, _report(order)).status_code == 202
            assert wait_for(lambda: (stored() or ("", None))[0] == "sent", 10)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        tx_hash = stored()[1]  # type: ignore[index]
        market.w3.provider.make_request("anvil_dropTransaction", [tx_hash])  # type: ignore[arg-type]
        assert market.w3.eth.get_transaction_count(oracle_account.address, "pending") == 0

        second = start()
        try:
            assert wait_for(lambda: market.buyer.order(order).status is OrderStatus.DELIVERED, 30)
            assert wait_for(lambda: (stored() or ("", None))[0] == "confirmed", 10)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(15)
        assert market.w3.eth.get_transaction_count(oracle_account.address) == 1
        receipt = market.w3.eth.get_transaction_receipt(tx_hash)
        assert receipt["status"] == 1  # the very transaction signed before the crash


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
