"""Hub agent and event stream figures (`make bench` -> bench/results/agent.json).

- dispatch_latency_ms: from the moment the block holding a paid order appears (anvil, 1 s block time,
  confirmations 0) to OctoPrint accepting the job's upload; the agent first waits for its `accept` to be
  mined (no printer starts an order the chain does not hold as accepted).
- backfill_events_per_s: the event stream catching up over 100,000 suite events (ProductRegistry's
  OfferPublished, emitted 1,000 per transaction by the benchmark-only contracts/test/OfferBurst.sol).
- orders_per_s: orders the agent takes from paid to shipped per second with the printer upload excluded
  (an instant in-process printer: the chain, the store and the agent's logic are what is measured).
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from glocal_chain.agent.agent import HubAgent, Printer
from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.transactions import Sender
from glocal_chain.demo.market import open_local_market
from glocal_chain.events.service import Following
from glocal_chain.events.store import open_database
from glocal_chain.events.stream import EventStream
from glocal_chain.printers.base import JobResult, PrinterState, PrinterStatus
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import OrderStatus
from glocal_chain.toolchain.compile import compile_suite
from glocal_chain.toolchain.settings import load_settings, project_root

PART = project_root() / "tests" / "python" / "data" / "quick-part.gcode"
LATENCY_ORDERS = 15
BACKFILL_EVENTS = 100_000
THROUGHPUT_ORDERS = 200
UNIT = 1_100_000


class InstantPrinter:
    """Benchmark-only printer: every job succeeds the moment it is submitted (upload excluded)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._done: set[str] = set()

    def status(self) -> PrinterStatus:
        return PrinterStatus(PrinterState.IDLE)

    def submit(self, job_name: str, gcode: bytes) -> None:
        self._done.add(job_name)

    def job_result(self, job_name: str) -> JobResult:
        return JobResult.SUCCEEDED if job_name in self._done else JobResult.UNKNOWN

    def cancel(self) -> None:
        return None

    def close(self) -> None:
        return None


def _world(node: EphemeralNode, tmp: Path) -> dict[str, Any]:
    market = open_local_market(node.url, node.chain_id, tmp, PART, 1_000 * UNIT)
    designs = tmp / "designs"
    designs.mkdir(exist_ok=True)
    shutil.copy(PART, designs / "part.gcode")
    return {"w3": market.w3, "deployment": market.deployment, "hub": market.hub, "buyer": market.buyer,
            "hub_id": market.hub_id, "product": market.product_id, "designs": designs}


def _agent(world: dict[str, Any], db: sqlite3.Connection, printer: Any, poll_interval_s: float = 0.5) -> HubAgent:
    return HubAgent(world["hub"], world["hub_id"], db, DesignLibrary([world["designs"]]), [Printer(printer, 1)],
                    Following("bench", poll_interval_s=poll_interval_s))


def dispatch_latency() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name, EphemeralNode(gas_price=0, block_time=1) as node, \
            OctoPrintServer(Path(tmp_name) / "octoprint") as server:
        tmp = Path(tmp_name)
        world = _world(node, tmp)
        driver = OctoPrintDriver("bench", server.url, server.api_key)
        agent = _agent(world, open_database(tmp / "agent.db"), driver, poll_interval_s=0.05)
        block_seen: dict[int, float] = {}
        dispatched: dict[int, float] = {}
        agent.metrics.dispatch_callbacks.append(lambda order_id: dispatched.setdefault(order_id, time.monotonic()))
        stop = threading.Event()

        def watch_blocks() -> None:  # when each block first becomes visible over RPC
            client = httpx.Client(timeout=5)
            while not stop.is_set():
                number = int(client.post(node.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber",
                                                         "params": []}).json()["result"], 16)
                block_seen.setdefault(number, time.monotonic())
                time.sleep(0.005)

        watcher = threading.Thread(target=watch_blocks, daemon=True)
        runner = threading.Thread(target=agent.run, args=(stop,), daemon=True)
        watcher.start()
        runner.start()
        latencies = []
        try:
            for _ in range(LATENCY_ORDERS):
                order = world["buyer"].place_order(world["product"], world["hub_id"], 1, UNIT)
                block = world["w3"].eth.get_transaction_receipt(
                    world["buyer"].order_history(order.order_id)[0]["transaction"])["blockNumber"]
                deadline = time.monotonic() + 60
                while world["buyer"].order(order.order_id).status is not OrderStatus.SHIPPED:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"order {order.order_id} not shipped in 60 s")
                    time.sleep(0.05)
                latencies.append(1000 * (dispatched[order.order_id] - block_seen[block]))
        finally:
            stop.set()
            runner.join(10)
            watcher.join(5)
        quantiles = statistics.quantiles(latencies, n=20, method="inclusive")
        return {"dispatch_latency_ms_p50": round(statistics.median(latencies), 1),
                "dispatch_latency_ms_p95": round(quantiles[18], 1),
                "dispatch_latency_ms_max": round(max(latencies), 1), "dispatch_orders": len(latencies)}


def _offer_burst() -> tuple[Any, str]:
    """Deploys the benchmark-only OfferBurst helper, compiled from contracts/test on the spot."""
    settings = load_settings()
    _, compiled = compile_suite(settings).contract("OfferBurst")
    abi, bytecode = compiled["abi"], "0x" + compiled["evm"]["bytecode"]["object"]
    return abi, bytecode


def backfill() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name, EphemeralNode(gas_price=0) as node:
        tmp = Path(tmp_name)
        world = _world(node, tmp)
        w3 = world["w3"]
        operator = Sender(w3, dev_account(0), gas_policy=GasPolicy.FREE)
        abi, bytecode = _offer_burst()
        products = world["deployment"].address("ProductRegistry")
        burst = w3.eth.contract(address=operator.deploy(abi, bytecode, (products,), "deploy OfferBurst")
                                ["contractAddress"], abi=abi)
        receipt = operator.transact(burst.functions.registerHub(world["deployment"].address("HubRegistry"),
                                                                b"u4pruyd".ljust(12, b"\0")), "burst hub")
        hub_id = world["hub"].hubs.events.HubRegistered().process_receipt(receipt)[0]["args"]["hubId"]
        world["hub"].__class__(w3, world["deployment"], operator).approve_hub(hub_id)
        per_tx = 1_000
        for _ in range(BACKFILL_EVENTS // per_tx):
            operator.transact(burst.functions.publish(world["product"], hub_id, world["buyer"].token("gUSD"), per_tx),
                              "publish burst")
        counted = [0]

        def count(events: list[Any], db: sqlite3.Connection) -> None:
            counted[0] += len(events)

        stream = EventStream.for_deployment(w3, world["deployment"], "backfill", open_database(tmp / "stream.db"),
                                            count, ("HubRegistry", "ProductRegistry", "OrderEscrow"),
                                            initial_batch=1_000)
        started = time.monotonic()
        stream.poll()
        elapsed = time.monotonic() - started
        return {"backfill_events": counted[0], "backfill_s": round(elapsed, 2),
                "backfill_events_per_s": round(counted[0] / elapsed), "backfill_batches": stream.stats.batches,
                "backfill_range_errors": stream.stats.range_errors}


def throughput() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name, EphemeralNode(gas_price=0) as node:
        tmp = Path(tmp_name)
        world = _world(node, tmp)
        orders = [world["buyer"].place_order(world["product"], world["hub_id"], 1, UNIT).order_id
                  for _ in range(THROUGHPUT_ORDERS)]
        agent = _agent(world, open_database(tmp / "agent.db"), InstantPrinter("instant"))
        started = time.monotonic()
        while len(agent.store.orders_in("shipped")) < THROUGHPUT_ORDERS:
            agent.step()
        elapsed = time.monotonic() - started
        assert all(world["buyer"].order(o).status is OrderStatus.SHIPPED for o in orders)
        return {"orders_per_s": round(THROUGHPUT_ORDERS / elapsed, 1), "throughput_orders": THROUGHPUT_ORDERS}


def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    results.update(dispatch_latency())
    results.update(backfill())
    results.update(throughput())
    return results
