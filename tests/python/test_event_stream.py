"""The event stream against a real anvil: batched backfill with adaptive ranges, exactly-once delivery
across restarts and failed handlers, and reorganisations (anvil_reorg) under depth 0 and depth 2."""

from __future__ import annotations

import sqlite3

import pytest

from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.artifacts import load_artifact, suite_abis
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import DeployConfig
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.events.decode import LogDecoder
from glocal_chain.events.store import open_database
from glocal_chain.events.stream import EventStream

GEOHASH = b"u4pruyd".ljust(12, b"\0")


@pytest.fixture
def chain(tmp_path):
    """A fresh anvil and suite per test: reorganisations must not disturb other tests."""
    with EphemeralNode(gas_price=0) as node:
        w3 = connect(NetworkConfig(name="s", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE))
        sender = Sender(w3, dev_account(0), gas_policy=GasPolicy.FREE)
        deployment = deploy_suite(w3, sender, "s", DeployConfig(), directory=tmp_path).deployment
        hubs = w3.eth.contract(address=deployment.address("HubRegistry"), abi=load_artifact("HubRegistry").abi)
        yield {"w3": w3, "sender": sender, "deployment": deployment, "hubs": hubs, "db": tmp_path / "stream.db"}


def _register(chain, count: int) -> None:
    for i in range(count):
        chain["sender"].transact(chain["hubs"].functions.registerHub(GEOHASH, i, f"hub-{i}"), "register hub")


def _stream(chain, connection: sqlite3.Connection, seen: list, **options) -> EventStream:
    connection.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, name TEXT)")

    def handler(events, db):
        for event in events:
            db.execute("INSERT INTO seen VALUES (?, ?)", (event.key, event.name))  # a duplicate would raise
            seen.append(event)

    deployment = chain["deployment"]
    return EventStream(chain["w3"], "test", [c.address for c in deployment.contracts.values()],
                       LogDecoder(suite_abis()), connection, handler, start_block=deployment.deploy_block, **options)


def _all_suite_logs(chain) -> int:
    deployment = chain["deployment"]
    return len(chain["w3"].eth.get_logs({"fromBlock": deployment.deploy_block, "toBlock": "latest",
                                          "address": [c.address for c in deployment.contracts.values()]}))


def test_stream_hands_every_event_once_if_restarted(chain):
    _register(chain, 30)
    seen: list = []
    stream = _stream(chain, open_database(chain["db"]), seen, initial_batch=4)
    assert stream.poll() == _all_suite_logs(chain) == len(seen)
    assert {event.name for event in seen} >= {"HubRegistered", "RoleGranted", "PaymentTokenSet"}
    assert len(stream.stats.batch_sizes) > 1  # several batches, growing
    restarted = _stream(chain, open_database(chain["db"]), seen)
    assert restarted.poll() == 0
    _register(chain, 3)
    assert restarted.poll() == 3
    assert [event.name for event in seen[-3:]] == ["HubRegistered"] * 3
    assert open_database(chain["db"]).execute("SELECT COUNT(*) FROM seen").fetchone()[0] == len(seen)


def test_stream_shrinks_range_if_provider_limits_it(chain):
    _register(chain, 20)
    expected = _all_suite_logs(chain)
    provider = chain["w3"].provider
    real_request = provider.make_request

    def limited(method, params):  # a provider that answers like one with a block-range limit
        if method == "eth_getLogs" and int(params[0]["toBlock"], 16) - int(params[0]["fromBlock"], 16) + 1 > 8:
            return {"jsonrpc": "2.0", "id": 1, "error": {"code": -32005, "message": "query exceeds max block range 8"}}
        return real_request(method, params)

    provider.make_request = limited
    try:
        seen: list = []
        stream = _stream(chain, open_database(chain["db"]), seen, initial_batch=1_000)
        assert stream.poll() == expected
    finally:
        provider.make_request = real_request
    assert stream.stats.range_errors >= 1
    assert max(stream.stats.batch_sizes) <= 8


def test_stream_loses_nothing_if_handler_fails(chain):
    _register(chain, 5)
    seen: list = []
    stream = _stream(chain, open_database(chain["db"]), seen)
    original = stream.handler

    def failing(events, db):
        original(events, db)
        raise RuntimeError("disk full")

    stream.handler = failing
    with pytest.raises(RuntimeError):
        stream.poll()
    stream.handler = original
    seen.clear()
    assert stream.poll() == _all_suite_logs(chain)
    assert stream.store.handled_count() == len(seen)


def test_stream_rewinds_to_fork_if_chain_reorganised_at_depth_zero(chain):
    _register(chain, 2)
    seen: list = []
    forks: list[int] = []
    stream = _stream(chain, open_database(chain["db"]), seen, on_reorg=forks.append)
    stream.poll()
    w3 = chain["w3"]
    head = w3.eth.block_number
    w3.provider.make_request("anvil_reorg", [1, []])  # the last registration vanishes
    chain["sender"].reset_nonce()
    _register(chain, 1)
    stream.poll()
    assert stream.stats.reorgs == 1 and forks == [head - 1]
    hub_events = [e for e in seen if e.name == "HubRegistered"]
    assert len(hub_events) == 3  # handed over before the reorg (depth 0 cannot know), then the new one
    assert stream.store.checkpoint()[1] == w3.eth.get_block("latest")["hash"].to_0x_hex()


def test_stream_never_hands_reorganised_event_if_depth_two(chain):
    seen: list = []
    stream = _stream(chain, open_database(chain["db"]), seen, confirmations=2)
    stream.poll()
    _register(chain, 1)
    stream.poll()
    assert not any(e.name == "HubRegistered" for e in seen)  # not 2 blocks deep yet
    chain["w3"].provider.make_request("anvil_reorg", [1, []])
    for _ in range(3):
        chain["w3"].provider.make_request("evm_mine", [])
    stream.poll()
    assert not any(e.name == "HubRegistered" for e in seen)
    assert stream.stats.reorgs == 0
    chain["sender"].reset_nonce()
    _register(chain, 1)
    for _ in range(2):
        chain["w3"].provider.make_request("evm_mine", [])
    stream.poll()
    assert [e.args["hubId"] for e in seen if e.name == "HubRegistered"] == [1]


def test_stream_wakes_on_new_head_if_websocket_subscribed(chain, tmp_path):
    import threading
    import time

    seen: list = []
    stream = _stream(chain, open_database(chain["db"]), seen)
    stream.poll()
    stop = threading.Event()
    ws_url = chain["w3"].provider.endpoint_uri.replace("http://", "ws://")
    runner = threading.Thread(target=stream.run, args=(stop, 60.0), kwargs={"ws_url": ws_url})
    runner.start()
    try:
        time.sleep(1.0)  # subscribed
        before = len(seen)
        started = time.monotonic()
        _register(chain, 1)
        while len(seen) == before and time.monotonic() - started < 10:
            time.sleep(0.02)
        assert len(seen) == before + 1
        assert time.monotonic() - started < 5  # far sooner than the 60 s poll interval: the head woke it
    finally:
        stop.set()
        runner.join(10)
