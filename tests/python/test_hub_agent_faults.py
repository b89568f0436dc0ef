"""The hub agent when something it needs is down, against a real anvil, the deployed suite, real OctoPrint
servers and a real HTTP design source that can answer 503 and recover: it accepts no order it cannot print
(and says so in its health), it tells a design source that is down from a design that does not exist, one
order's missing design never stops the others, and it ships with the configured tracking number."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from glocal_chain.agent.agent import HubAgent, JobPolicy, Printer
from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.demo.market import open_local_market
from glocal_chain.events.service import Following
from glocal_chain.events.store import open_database
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import OrderStatus
from glocal_chain.sdk.inputs import tracking_ref
from glocal_chain.web import CHAIN_UNREACHABLE

PART = Path(__file__).parent / "data" / "quick-part.gcode"
OTHER_PART = PART.read_bytes() + b"; a second product, kept in the hub's own design folder\n"
UNIT = 1_100_000  # 1 gUSD + 10 % royalty


class DesignSource:
    """A real HTTP design source on a free port: `GET /<sha256>` answers the file; `down` makes it answer
    503; `good_answers` (when set) is how many 200s it gives before it answers 503."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.down = False
        self.good_answers: int | None = None
        self.requests = 0
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                source.requests += 1
                body = source.files.get(self.path.strip("/"))
                if source.down or source.good_answers == 0:
                    self.send_response(503)
                    body = b"down for maintenance"
                elif body is None:
                    self.send_response(404)
                    body = b"no such design"
                else:
                    self.send_response(200)
                    if source.good_answers is not None:
                        source.good_answers -= 1
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.template = f"http://127.0.0.1:{self._server.server_address[1]}/{{sha256}}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def world(tmp_path):
    """A market whose product's design only the HTTP design source has, a second product whose design is in
    the hub's folder, and the node (a test may stop it)."""
    with EphemeralNode(gas_price=0) as node:
        market = open_local_market(node.url, node.chain_id, tmp_path, PART, 100 * UNIT)
        folder = tmp_path / "designs"
        folder.mkdir()
        (folder / "other.gcode").write_bytes(OTHER_PART)
        other = market.suite(4).register_product("0x" + hashlib.sha256(OTHER_PART).hexdigest(), "ipfs://other", 1_000)
        market.hub.publish_offer(other.product_id, market.hub_id, market.token, 1_000_000, 24)
        source = DesignSource({hashlib.sha256(PART.read_bytes()).hexdigest(): PART.read_bytes()})
        try:
            yield {"market": market, "node": node, "source": source, "folder": folder, "db": tmp_path / "agent.db",
                   "remote": market.product_id, "local": other.product_id}
        finally:
            source.close()


def make_agent(world, servers, **policy) -> HubAgent:
    market = world["market"]
    printers = [Printer(OctoPrintDriver(f"printer-{i}", s.url, s.api_key, timeout_s=2), 1)
                for i, s in enumerate(servers)]
    designs = DesignLibrary([world["folder"]], [world["source"].template], timeout_s=2)
    return HubAgent(market.hub, market.hub_id, open_database(world["db"]), designs, printers,
                    Following("agent", poll_interval_s=0.1), JobPolicy(**policy))


def drive(agent: HubAgent, done, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, (agent.store.counts(), agent.waiting)
        agent.step()
        time.sleep(0.1)


def ticks(agent: HubAgent, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        agent.step()
        time.sleep(0.1)


def status(world, order_id: int) -> OrderStatus:
    return world["market"].buyer.order(order_id).status


def test_agent_accepts_order_only_when_a_printer_answers_if_none_reachable_at_first(world, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="glocal_chain.agent")
    with OctoPrintServer(tmp_path / "printer") as printer:
        printer.stop()  # the hub's only printer is down when the order comes in
        agent = make_agent(world, [printer])
        order = world["market"].buyer.place_order(world["local"], world["market"].hub_id, 1, UNIT).order_id
        ticks(agent, 4)
        assert status(world, order) is OrderStatus.PAID  # not accepted: nothing could print it
        assert agent.store.order_state(order) == "new" and agent.waiting[order] == "no printer reachable"
        assert agent.health() == ["no printer reachable"]
        assert agent.status["printers"][0]["state"] == "unreachable"
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert 1 <= len(warnings) <= 3, [r.getMessage() for r in warnings]  # not one per poll (~40 polls)

        printer.start()  # same port and key: the printer is back within the accept window
        drive(agent, lambda: status(world, order) is OrderStatus.SHIPPED)
    assert agent.health() == []
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    for step in (f"order {order} accepted", f"order {order}: unit 1 printing on printer-0",
                 f"order {order}: unit 1 printed on printer-0", f"order {order} shipped"):
        assert any(message.startswith(step) for message in infos), (step, infos)


def test_agent_waits_for_design_source_and_prints_if_it_recovers(world, printers):
    world["source"].down = True
    agent = make_agent(world, printers[:1])
    order = world["market"].buyer.place_order(world["remote"], world["market"].hub_id, 1, UNIT).order_id
    ticks(agent, 3)
    assert world["source"].requests >= 2  # asked, and asked again
    assert status(world, order) is OrderStatus.PAID  # an outage is not a missing design: no rejection
    assert agent.waiting[order] == "design source unreachable"
    world["source"].down = False
    drive(agent, lambda: status(world, order) is OrderStatus.SHIPPED)


def test_agent_rejects_order_before_accept_window_closes_if_design_source_stays_down(world, printers):
    world["source"].down = True
    agent = make_agent(world, printers[:1], design_retry_margin_s=3600)
    buyer, w3 = world["market"].buyer, world["market"].w3
    order = buyer.place_order(world["remote"], world["market"].hub_id, 1, UNIT).order_id
    ticks(agent, 2)
    assert status(world, order) is OrderStatus.PAID
    now = w3.eth.get_block("latest")["timestamp"]
    w3.provider.make_request("evm_increaseTime", [buyer.order(order).deadline - now - 3600 + 60])
    w3.provider.make_request("evm_mine", [])
    drive(agent, lambda: status(world, order) is OrderStatus.REFUNDED, 60)
    note = buyer.order_history(order)[-1]["args"]["note"]
    assert note == "design source unreachable until the accept window nearly closed"
    assert "http" not in note  # no internal URL goes on chain


def test_agent_rejects_order_if_design_source_has_no_such_file(world, printers):
    world["source"].files.clear()  # it answers 404: the file does not exist
    agent = make_agent(world, printers[:1])
    order = world["market"].buyer.place_order(world["remote"], world["market"].hub_id, 1, UNIT).order_id
    drive(agent, lambda: status(world, order) is OrderStatus.REFUNDED, 60)
    assert "no design file matching" in world["market"].buyer.order_history(order)[-1]["args"]["note"]


def test_agent_keeps_printing_other_orders_if_design_source_goes_down_after_acceptance(world, printers):
    source = world["source"]
    source.good_answers = 1  # the check before accepting gets the file; then the source is down
    agent = make_agent(world, printers[:1])
    buyer, hub_id = world["market"].buyer, world["market"].hub_id
    remote = buyer.place_order(world["remote"], hub_id, 1, UNIT).order_id
    local = buyer.place_order(world["local"], hub_id, 1, UNIT).order_id
    with agent.in_background():  # the agent's own loop, which must survive the outage
        thread = next(t for t in threading.enumerate() if t.name == "agent")
        assert wait_until(lambda: status(world, local) is OrderStatus.SHIPPED, 90)
        assert status(world, remote) is OrderStatus.ACCEPTED and thread.is_alive()
        assert agent.store.order_state(remote) == "accepted"
        source.good_answers = None  # the source is back
        assert wait_until(lambda: status(world, remote) is OrderStatus.SHIPPED, 90)
        assert thread.is_alive()


def test_agent_ships_with_configured_tracking_number_if_tracking_format_set(world, printers):
    agent = make_agent(world, printers[:1], tracking_format="FABLAB{hub}-PARCEL-{order}")
    buyer, hub_id = world["market"].buyer, world["market"].hub_id
    order = buyer.place_order(world["local"], hub_id, 1, UNIT).order_id
    drive(agent, lambda: status(world, order) is OrderStatus.SHIPPED)
    shipped = next(e for e in buyer.order_history(order) if e["event"] == "OrderShipped")
    assert shipped["args"]["trackingRef"] == "0x" + tracking_ref(f"FABLAB{hub_id}-PARCEL-{order}").hex()


def test_agent_health_says_chain_unreachable_if_node_stops(world, printers):
    agent = make_agent(world, printers[:1])
    agent.step()
    assert agent.health() == [] and agent.status["chain"] == "reachable"
    world["node"].stop()
    with pytest.raises(HubAgent.recoverable):
        agent.step()
    assert agent.health() == [CHAIN_UNREACHABLE] and agent.status["chain"] == "unreachable"


def wait_until(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
