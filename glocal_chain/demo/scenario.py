"""The demo scenario: every role acts through the SDK (the code the CLI runs) on a fresh local anvil.

The near hub runs the real hub agent, printing on a real OctoPrint server with its virtual printer. The
oracle confirms with its wallet directly; the oracle service and the API join as they land.
"""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from glocal_chain.agent.agent import HubAgent, Printer
from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.agent.store import AgentStore
from glocal_chain.chain.artifacts import suite_abis
from glocal_chain.events.decode import LogDecoder
from glocal_chain.events.store import open_database
from glocal_chain.events.stream import EventStream
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk.models import OrderStatus

from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import LOCAL_CHAIN_ID, GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.sdk.suite import GlocalSuite, format_units, sha256_file
from glocal_chain.toolchain.settings import project_root

DESIGN_FILE = project_root() / "examples" / "calibration-cube.gcode"
BUYER_GEOHASH = "u4pruydr"
PRINT_TIMEOUT_S = 180
ACTORS = {"operator": 0, "oracle": 1, "arbiter": 2, "community fund": 3, "designer": 4, "fablab (near)": 5,
          "library (far)": 6, "buyer": 7}


@dataclass
class DemoResult:
    wall_time_s: float
    orders: dict[str, int]


def run(say: Callable[[str], None]) -> DemoResult:
    started = time.monotonic()
    with EphemeralNode(chain_id=LOCAL_CHAIN_ID, gas_price=0) as node, tempfile.TemporaryDirectory() as tmp, \
            OctoPrintServer(Path(tmp) / "octoprint") as octoprint:
        say(f"[1/8] local chain: anvil at {node.url} (free gas, cancun); OctoPrint with a virtual printer at "
            f"{octoprint.url}")
        network = NetworkConfig(name="local", rpc_urls=[node.url], chain_id=LOCAL_CHAIN_ID, gas_policy=GasPolicy.FREE,
                                local=True)
        w3 = connect(network)
        operator_sender = Sender(w3, dev_account(ACTORS["operator"]), gas_policy=GasPolicy.FREE)
        config = load_deploy_config(project_root() / "config" / "deploy" / "local.toml")
        deployment = deploy_suite(w3, operator_sender, "local", config, directory=Path(tmp), fresh=True,
                                  allow_test_token=True).deployment
        say(f"[2/8] suite deployed: escrow {deployment.address('OrderEscrow')}")
        as_ = {name: GlocalSuite(w3, deployment, Sender(w3, dev_account(i), gas_policy=GasPolicy.FREE))
               for name, i in ACTORS.items()}
        gusd = as_["buyer"].token("gUSD")
        watched = ["buyer", "fablab (near)", "designer", "community fund"]

        def balances() -> dict[str, int]:
            return {name: as_[name].balance(as_[name].me, gusd) + as_[name].owed(as_[name].me, gusd)
                    for name in watched}

        product = as_["designer"].register_product(sha256_file(DESIGN_FILE), "ipfs://calibration-cube", 1_000)
        say(f"[3/8] designer registered product {product.product_id} (sha256 {product.design_hash[:18]}..., "
            f"royalty 10 %)")
        near = as_["fablab (near)"].register_hub("u4pruydq", 0b1, "https://fablab.example/hub.json")
        far = as_["library (far)"].register_hub("u33dc0", 0b1, "https://library.example/hub.json")
        for hub in (near, far):
            as_["operator"].approve_hub(hub.hub_id)
        as_["fablab (near)"].publish_offer(product.product_id, near.hub_id, gusd, 12_000_000, 24)
        as_["library (far)"].publish_offer(product.product_id, far.hub_id, gusd, 9_000_000, 48)
        say(f"[4/8] operator approved hubs {near.hub_id} (u4pruydq) and {far.hub_id} (u33dc0); both offer it "
            f"(12 and 9 gUSD)")
        as_["buyer"].mint_test_tokens(as_["buyer"].me, 100_000_000)
        before = balances()
        ranked = as_["buyer"].near(BUYER_GEOHASH, product.product_id)
        chosen = ranked[0].hub.hub_id
        say(f"[5/8] buyer at {BUYER_GEOHASH} searches: " + ", ".join(
            f"hub {r.hub.hub_id} {r.distance_km:.1f} km" for r in ranked) + f" -> hub {chosen}")

        buyer = as_["buyer"]
        driver = OctoPrintDriver("virtual-mk4", octoprint.url, octoprint.api_key)
        db = open_database(Path(tmp) / "agent.db")
        agent = HubAgent(as_["fablab (near)"], near.hub_id, AgentStore(db), DesignLibrary([DESIGN_FILE.parent]),
                         [Printer(driver, 1)])
        stream = EventStream(w3, "demo-agent", [deployment.address("OrderEscrow")], LogDecoder(suite_abis()), db,
                             agent.handle_events, start_block=deployment.deploy_block, on_reorg=agent.on_reorg)
        stop = threading.Event()
        agent_thread = threading.Thread(target=agent.run, args=(stream, stop, 0.2), name="hub-agent", daemon=True)
        agent_thread.start()
        try:
            first = buyer.place_order(product.product_id, chosen, 1, 15_000_000)
            say(f"[6/8] order {first.order_id} escrowed (EIP-2612 permit); the hub agent verifies the design, "
                f"accepts and prints:")
            _await_shipped(say, buyer, driver, first.order_id)
            as_["oracle"].confirm_delivery(first.order_id)
            buyer.rate(first.order_id, 5)
            say(f"      order {first.order_id}: delivery confirmed by the oracle, paid out, rated 5")

            second = buyer.place_order(product.product_id, chosen, 1, 15_000_000)
            say(f"[7/8] order {second.order_id} printed by the agent too, then disputed:")
            _await_shipped(say, buyer, driver, second.order_id)
        finally:
            stop.set()
            agent_thread.join(30)
            driver.close()
            db.close()
        buyer.dispute(second.order_id, "the part arrived cracked")
        as_["arbiter"].resolve(second.order_id, 5_000)
        third = buyer.place_order(product.product_id, far.hub_id, 1, 15_000_000)
        buyer.cancel(third.order_id)
        say(f"      order {second.order_id}: the arbiter refunds half; order {third.order_id} (far hub): cancelled "
            f"before acceptance, refunded")

        for name in watched:
            if as_[name].owed(as_[name].me, gusd):
                as_[name].withdraw(gusd)
        after = balances()
        say("[8/8] everyone withdrew what the escrow owed them\n")
        _summary(say, as_, before, after, near.hub_id, [first.order_id, second.order_id, third.order_id])
        escrow_left = as_["buyer"].balance(deployment.address("OrderEscrow"), gusd)
        say(f"\nescrow holds {format_units(escrow_left, 6)} gUSD after every order ended")
    return DemoResult(round(time.monotonic() - started, 1),
                      {"delivered": first.order_id, "resolved": second.order_id, "cancelled": third.order_id})


def _await_shipped(say: Callable[[str], None], buyer: GlocalSuite, driver: OctoPrintDriver, order_id: int) -> None:
    deadline = time.monotonic() + PRINT_TIMEOUT_S
    last_report = 0.0
    while buyer.order(order_id).status is not OrderStatus.SHIPPED:
        if time.monotonic() > deadline:
            raise TimeoutError(f"order {order_id} was not printed and shipped within {PRINT_TIMEOUT_S} s")
        if time.monotonic() - last_report > 5:
            status = driver.status()
            progress = f" {status.progress_pct:.0f} %" if status.progress_pct is not None else ""
            say(f"      printer: {status.state.value} {status.job_name or ''}{progress}")
            last_report = time.monotonic()
        time.sleep(0.2)
    say(f"      order {order_id}: printed and marked shipped on chain by the agent")


def _summary(say: Callable[[str], None], as_: dict[str, GlocalSuite], before: dict[str, int],
             after: dict[str, int], hub_id: int, order_ids: list[int]) -> None:
    say("balances (gUSD, wallet + owed)        before        after       change")
    for name in before:
        say(f"  {name:<28} {format_units(before[name], 6):>12} {format_units(after[name], 6):>12} "
            f"{'+' if after[name] >= before[name] else '-'}{format_units(abs(after[name] - before[name]), 6):>11}")
    hub = as_["buyer"].hub(hub_id)
    rep = hub.reputation
    say(f"\nhub {hub_id} reputation: rating {rep.rating_centi_stars / 100:.2f} ({rep.rating_count} rating), "
        f"on time {rep.reliability_bps / 100:.1f} %, completed {rep.completed}, disputes lost {rep.disputes_lost}")
    for order_id in order_ids:
        order = as_["buyer"].order(order_id)
        steps = " -> ".join(entry["event"] for entry in as_["buyer"].order_history(order_id))
        say(f"order {order_id} ({order.status.name.lower()}): {steps}")
