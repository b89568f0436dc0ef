"""The hub agent against a real anvil, the deployed suite and real OctoPrint servers (virtual printers):
an order printed and shipped, a design mismatch rejected and refunded, a queue over two printers, and a
restart that neither reprints nor forgets."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pytest

from glocal_chain.agent.agent import HubAgent, JobPolicy, Printer
from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.agent.store import AgentStore
from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.demo.market import open_local_market
from glocal_chain.events.service import Following
from glocal_chain.events.store import open_database
from glocal_chain.events.stream import EventStream
from glocal_chain.printers.base import JobResult
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import OrderStatus

PART = Path(__file__).parent / "data" / "quick-part.gcode"
UNIT = 1_100_000  # 1 gUSD + 10 % royalty


@pytest.fixture
def world(tmp_path):
    """A market (one product, one approved hub, a funded buyer) plus a product whose design no file matches."""
    with EphemeralNode(gas_price=0) as node:
        market = open_local_market(node.url, node.chain_id, tmp_path, PART, 100 * UNIT)
        designs = tmp_path / "designs"
        designs.mkdir()
        shutil.copy(PART, designs / "part.gcode")
        unknown = market.suite(4).register_product("0x" + "ee" * 32, "ipfs://missing", 1_000)
        market.hub.publish_offer(unknown.product_id, market.hub_id, market.token, 1_000_000, 24)
        yield {"w3": market.w3, "deployment": market.deployment, "hub": market.hub, "buyer": market.buyer,
               "designer": market.suite(4), "hub_id": market.hub_id, "good": market.product_id,
               "unknown": unknown.product_id, "designs": designs, "db": tmp_path / "agent.db", "token": market.token}


def make_agent(world, servers, confirmations: int = 0, **options) -> tuple[HubAgent, EventStream]:
    db = open_database(world["db"])
    drivers = [Printer(OctoPrintDriver(f"printer-{i}", s.url, s.api_key, timeout_s=2), 1)
               for i, s in enumerate(servers)]
    agent = HubAgent(world["hub"], world["hub_id"], db, DesignLibrary([world["designs"]]), drivers,
                     Following("agent", confirmations=confirmations), JobPolicy(**options))
    return agent, agent.stream


def drive(agent: HubAgent, stream: EventStream, done, timeout_s: float = 90, after_tick=None) -> None:
    """Polls the stream and ticks the agent until `done()`; `after_tick()` checks each step."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, agent.store.counts()
        stream.poll()
        agent.tick()
        if after_tick is not None:
            after_tick()
        time.sleep(0.1)


def test_agent_prints_and_ships_order_if_design_matches(world, printers):
    agent, stream = make_agent(world, printers[:1])
    order = world["buyer"].place_order(world["good"], world["hub_id"], 2, 2 * UNIT)
    drive(agent, stream, lambda: world["buyer"].order(order.order_id).status is OrderStatus.SHIPPED)
    driver = agent.printers["printer-0"].driver
    jobs = agent.store.jobs_in("succeeded")
    assert [(job.order_id, job.unit) for job in jobs] == [(order.order_id, 1), (order.order_id, 2)]
    for job in jobs:
        assert job.name.startswith(f"glocal-{order.order_id}-") and driver.job_result(job.name) is JobResult.SUCCEEDED
    assert agent.metrics.jobs_started == agent.metrics.jobs_finished == 2
    assert agent.store.order_state(order.order_id) == "shipped"


def test_agent_prints_ordered_version_if_designer_published_newer_one(world, printers):
    """An order pins the design version it bought: after the designer publishes version 2, the order placed
    for version 1 is still made from version 1 (checked against designHashOf(product, 1)), and an order
    placed afterwards from version 2."""
    v1 = PART.read_bytes()
    v2 = v1 + b"; version 2: thicker walls\n"
    (world["designs"] / "part-v2.gcode").write_bytes(v2)
    buyer, product = world["buyer"], world["good"]
    first = buyer.place_order(product, world["hub_id"], 1, UNIT)
    world["designer"].publish_version(product, "0x" + hashlib.sha256(v2).hexdigest(), "ipfs://part-v2")
    second = buyer.place_order(product, world["hub_id"], 1, UNIT)
    assert (first.design_version, second.design_version) == (1, 2)

    agent, stream = make_agent(world, printers[:1])
    driver = agent.printers["printer-0"].driver
    printed: dict[int, str] = {}
    submit = driver.submit

    def recording_submit(job_name: str, gcode: bytes) -> None:
        printed[int(job_name.split("-")[1])] = hashlib.sha256(gcode).hexdigest()
        submit(job_name, gcode)

    driver.submit = recording_submit  # type: ignore[method-assign]
    drive(agent, stream, lambda: all(buyer.order(o.order_id).status is OrderStatus.SHIPPED for o in (first, second)))
    assert printed == {first.order_id: hashlib.sha256(v1).hexdigest(), second.order_id: hashlib.sha256(v2).hexdigest()}
    assert buyer.design_hash_of(product, 1) == "0x" + hashlib.sha256(v1).hexdigest()
    assert agent.store.design_hash(first.order_id) == buyer.design_hash_of(product, 1)


def test_agent_rejects_and_refunds_if_design_hash_has_no_matching_file(world, printers):
    agent, stream = make_agent(world, printers[:1])
    order = world["buyer"].place_order(world["unknown"], world["hub_id"], 1, UNIT)
    drive(agent, stream, lambda: world["buyer"].order(order.order_id).status is OrderStatus.REFUNDED)
    assert world["buyer"].owed(world["buyer"].me, world["token"]) == UNIT
    history = world["buyer"].order_history(order.order_id)
    assert history[-1]["event"] == "OrderRefunded" and "no design file matching" in history[-1]["args"]["note"]
    assert agent.metrics.jobs_started == 0


def test_agent_queues_five_orders_over_two_printers_if_all_busy(world, printers):
    agent, stream = make_agent(world, printers)
    orders = [world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT).order_id for _ in range(5)]
    used: set[str] = set()

    def at_most_two_jobs_at_once() -> None:
        running = agent.store.jobs_in("submitting", "submitted")
        assert len(running) <= 2  # never more jobs at once than printers
        used.update(job.printer for job in running)

    drive(agent, stream, lambda: all(world["buyer"].order(o).status is OrderStatus.SHIPPED for o in orders), 120,
          after_tick=at_most_two_jobs_at_once)
    assert used == {"printer-0", "printer-1"}
    assert agent.metrics.jobs_started == 5


def test_agent_neither_reprints_nor_forgets_if_restarted_mid_order(world, printers):
    agent, stream = make_agent(world, printers[:1])
    order = world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT)
    drive(agent, stream, lambda: agent.metrics.jobs_started == 1)
    # a "crash": a new agent on the same database while the job prints
    agent, stream = make_agent(world, printers[:1])
    drive(agent, stream, lambda: world["buyer"].order(order.order_id).status is OrderStatus.SHIPPED)
    assert agent.metrics.jobs_started == 0  # the restarted agent found the job on the printer
    assert [job.attempt for job in agent.store.jobs_in("succeeded", "failed", "queued")] == [1]


def test_agent_moves_jobs_to_another_printer_if_one_goes_down_mid_queue(world, printers, tmp_path):
    with OctoPrintServer(tmp_path / "flaky") as flaky:
        agent, stream = make_agent(world, [printers[0], flaky], printer_timeout_s=3)
        orders = [world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT).order_id for _ in range(5)]
        drive(agent, stream, lambda: any(j.printer == "printer-1" for j in agent.store.jobs_in("submitted")))
        flaky.stop()  # the printer's controller dies with a job on it
        drive(agent, stream, lambda: all(world["buyer"].order(o).status is OrderStatus.SHIPPED for o in orders), 180)
    assert agent.metrics.retries >= 1 and agent.metrics.jobs_failed >= 1
    assert agent.metrics.jobs_finished == 5


def test_agent_closes_order_if_reorg_removes_it_at_depth_zero(world, printers):
    agent, stream = make_agent(world, printers[:1])
    w3 = world["w3"]
    before = w3.eth.block_number
    order = world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT)
    drive(agent, stream, lambda: agent.metrics.jobs_started == 1)  # accepted and printing
    w3.provider.make_request("anvil_reorg", [w3.eth.block_number - before, []])  # place and accept vanish
    world["buyer"].sender.reset_nonce()
    drive(agent, stream, lambda: agent.store.order_state(order.order_id) == "closed", 60)
    assert stream.stats.reorgs == 1
    assert world["deployment"] and world["buyer"].escrow.functions.orderCount().call() == 0
    # the agent still transacts after the reorganisation (its nonce was re-read)
    again = world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT)
    drive(agent, stream, lambda: world["buyer"].order(again.order_id).status is OrderStatus.SHIPPED)


def test_agent_never_sees_order_if_reorg_removes_it_within_depth_two(world, printers):
    agent, stream = make_agent(world, printers[:1], confirmations=2)
    w3 = world["w3"]
    world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT)
    stream.poll()
    agent.tick()
    w3.provider.make_request("anvil_reorg", [1, []])
    world["buyer"].sender.reset_nonce()
    for _ in range(3):
        w3.provider.make_request("evm_mine", [])
    for _ in range(5):
        stream.poll()
        agent.tick()
    assert agent.metrics.orders_seen == 0 and agent.metrics.jobs_started == 0
    assert stream.stats.reorgs == 0


def test_agent_rejects_order_if_no_printer_has_the_material(world, printers):
    agent, stream = make_agent(world, printers[:1], product_materials={world["good"]: "PETG"})
    order = world["buyer"].place_order(world["good"], world["hub_id"], 1, UNIT)
    drive(agent, stream, lambda: world["buyer"].order(order.order_id).status is OrderStatus.REFUNDED)
    assert agent.store.order_state(order.order_id) == "rejected"
    assert world["buyer"].order_history(order.order_id)[-1]["args"]["note"] == "no printer at this hub can make it"


def test_agent_store_gains_design_hash_column_if_database_predates_it(tmp_path):
    db = open_database(tmp_path / "old-agent.db")
    db.execute("CREATE TABLE agent_order (order_id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, "
               "quantity INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, seen_block INTEGER NOT NULL, "
               "updated_at REAL NOT NULL, placed_tx TEXT NOT NULL)")
    db.execute("INSERT INTO agent_order VALUES (1, 1, 1, 'accepted', NULL, 5, 0, '0xaa')")
    store = AgentStore(db)
    assert store.design_hash(1) is None  # accepted by an older agent: looked up on chain when printed
    store.add_order(2, 1, 2, 6, "0xbb")
    store.accept_with_jobs(2, 2, "0x" + "12" * 32)
    assert store.design_hash(2) == "0x" + "12" * 32 and store.orders_in("accepted") == [(1, 1, 1), (2, 1, 2)]
