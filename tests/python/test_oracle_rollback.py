"""The delivery oracle when the chain rolls back under it (a node killed and restarted from an older state
does the same): anvil's evm_snapshot before the oracle's vote, the vote, then evm_revert. A vote the
rollback took away is sent again, by the running oracle and by one restarted on the same SQLite file, and a
new order that took the vanished order's id is never answered "confirmed" without a vote on chain."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.events.stream import wait_for
from glocal_chain.oracle import signing
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.sdk import OrderStatus

from test_oracle import ORACLES, PRICE, SECRET, _config, _confirmations_by, _post, _report, _shipped, market  # noqa: F401

ORACLE = ORACLES[0]


def _runner(market: dict[str, Any], network: Any, tmp_path: Path) -> OracleRunner:
    return OracleRunner(_config(tmp_path, "oracle"), network=network, suite=market["suite"](ORACLE))


def _stored(tmp_path: Path, order_id: int) -> tuple[str, str | None, int | None] | None:
    with sqlite3.connect(tmp_path / "oracle.sqlite") as db:
        return db.execute("SELECT state, tx_hash, vote_block FROM oracle_confirmation WHERE order_id = ?",
                          (order_id,)).fetchone()


def _settled(tmp_path: Path, order_id: int) -> bool:
    """The oracle's vote is confirmed and its event stream has passed the vote's block."""
    row = _stored(tmp_path, order_id)
    return row is not None and row[0] == "confirmed" and row[2] is not None


def _rpc(w3: Any, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(method, list(params))
    assert "error" not in response, response
    return response["result"]


def _roll_back(market: dict[str, Any], w3: Any, snapshot: str) -> None:
    """Back to `snapshot`, like anvil killed -9 and restarted from an older state: later blocks are gone."""
    assert _rpc(w3, "evm_revert", snapshot) is True
    for name in ("buyer", "hubs", "operator"):
        market[name].sender.reset_nonce()


def _my_votes(market: dict[str, Any], w3: Any, order_id: int) -> int:
    return _confirmations_by(w3, market["buyer"].escrow, dev_account(ORACLE).address, order_id)


def _confirmed_by_oracle(runner: OracleRunner, client: httpx.Client, market: dict[str, Any], w3: Any,
                         tmp_path: Path, order_id: int) -> None:
    response = _post(client, _report(order_id))
    assert response.status_code == 202, response.text
    assert wait_for(lambda: market["buyer"].order(order_id).status is OrderStatus.DELIVERED, 30)
    assert wait_for(lambda: _settled(tmp_path, order_id), 30)


def test_oracle_sends_vote_again_if_chain_rolled_back_past_it(market, network, w3, tmp_path):
    order = _shipped(market)
    runner = _runner(market, network, tmp_path)
    with runner.in_background() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        snapshot = _rpc(w3, "evm_snapshot")
        _confirmed_by_oracle(runner, client, market, w3, tmp_path, order)
        _roll_back(market, w3, snapshot)
        assert market["buyer"].order(order).status is OrderStatus.SHIPPED and _my_votes(market, w3, order) == 0
        assert wait_for(lambda: market["buyer"].order(order).status is OrderStatus.DELIVERED, 30), _stored(
            tmp_path, order)
        assert wait_for(lambda: _settled(tmp_path, order), 30)
    assert _my_votes(market, w3, order) == 1
    sent = _stored(tmp_path, order)[1]  # type: ignore[index]  # signed anew (same nonce: maybe the same bytes)
    assert w3.eth.get_transaction_receipt(sent)["status"] == 1
    assert runner.oracle.stream.stats.reorgs >= 1


def test_restarted_oracle_sends_vote_again_if_chain_rolled_back_while_it_was_down(market, network, w3, tmp_path):
    order = _shipped(market)
    snapshot = _rpc(w3, "evm_snapshot")
    first = _runner(market, network, tmp_path)
    with first.in_background() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        _confirmed_by_oracle(first, client, market, w3, tmp_path, order)
    _roll_back(market, w3, snapshot)
    assert market["buyer"].order(order).status is OrderStatus.SHIPPED
    assert _stored(tmp_path, order)[0] == "confirmed"  # type: ignore[index]  # what the store wrongly believes

    second = _runner(market, network, tmp_path)  # same SQLite file
    with second.in_background():
        assert wait_for(lambda: market["buyer"].order(order).status is OrderStatus.DELIVERED, 30), _stored(
            tmp_path, order)
        assert wait_for(lambda: _settled(tmp_path, order), 30)
    assert _my_votes(market, w3, order) == 1


def test_webhook_never_answers_confirmed_without_vote_if_order_id_shipped_anew_after_rollback(market, network, w3,
                                                                                                tmp_path):
    """The issue's order 56: confirmed, rolled back out of existence, placed and shipped again under the same
    id with another tracking number. The new shipment's webhook, taken by a restarted oracle before its
    worker runs, must not be answered "confirmed": it opens a confirmation and the worker votes."""
    buyer, hubs = market["buyer"], market["hubs"]
    snapshot = _rpc(w3, "evm_snapshot")
    order = _shipped(market)
    first = _runner(market, network, tmp_path)
    with first.in_background() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        _confirmed_by_oracle(first, client, market, w3, tmp_path, order)
    _roll_back(market, w3, snapshot)
    again = buyer.place_order(market["product"], market["hub_id"], 1, 10 * PRICE).order_id
    assert again == order  # the vanished order's id names a new order
    hubs.accept(again)
    hubs.ship(again, f"PARCEL-B-{again}")

    second = _runner(market, network, tmp_path)  # same SQLite file; its worker does not run yet
    with TestClient(second.app, raise_server_exceptions=False) as intake:
        old = intake.post("/v1/deliveries", content=_report(order, delivery_id=f"OLD-{order}"),
                          headers=_signed(_report(order, delivery_id=f"OLD-{order}")))
        assert old.status_code == 409 and old.json()["error"]["code"] == "tracking_mismatch"
        body = _report(again, delivery_id=f"NEW-{again}", tracking=f"PARCEL-B-{again}")
        response = intake.post("/v1/deliveries", content=body, headers=_signed(body))
        assert response.status_code == 202, response.text
        assert response.json()["confirmation"] != "confirmed"
        assert _my_votes(market, w3, again) == 0
        with second.oracle.in_background():
            assert wait_for(lambda: buyer.order(again).status is OrderStatus.DELIVERED, 30), _stored(tmp_path, again)
            assert wait_for(lambda: _settled(tmp_path, again), 30)
    assert _my_votes(market, w3, again) == 1
    second.db.close()


def _signed(body: bytes) -> dict[str, str]:
    return signing.signed_headers("courier", SECRET, int(time.time()), body)
