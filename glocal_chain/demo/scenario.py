"""The demo scenario on a fresh local anvil: people act through the SDK (the code the CLI runs) and the
public API; the services run for real: the API (uvicorn, indexer, design store), the near hub's agent
printing on a real OctoPrint server with its virtual printer, and the delivery oracle, which a courier's
signed webhook reaches over HTTP.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from glocal_chain.agent.agent import HubAgent, Printer
from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.api.upload_auth import design_upload_headers
from glocal_chain.chain.anvil import EphemeralNode, free_port
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import LOCAL_CHAIN_ID, GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.demo.narration import NEXT_STEPS, printer_line, timed
from glocal_chain.demo.stay import DEMO_NETWORK, cli_settings, instructions
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.errors import GlocalError
from glocal_chain.events.service import Following
from glocal_chain.events.store import open_database
from glocal_chain.events.stream import wait_for
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import OracleConfig, WebhookSender
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk.inputs import DEFAULT_TRACKING_FORMAT, tracking_number
from glocal_chain.sdk.models import FULL_REPUTATION_WEIGHT, OrderStatus
from glocal_chain.sdk.suite import GlocalSuite, format_units
from glocal_chain.toolchain.settings import project_root

DESIGN_FILE = project_root() / "examples" / "calibration-cube.gcode"
BUYER_GEOHASH = "u4pruydr"
PRINT_TIMEOUT_S = 180
STEP_TIMEOUT_S = 30
COURIER, COURIER_SECRET = "courier", "demo-courier-secret"
ACTORS = {"deployer": 0, "oracle": 1, "arbiter": 2, "community fund": 3, "designer": 4, "fablab (near)": 5,
          "library (far)": 6, "buyer": 7, "Oslo": 10, "Berlin": 11, "Baltimore": 12}
WATCHED = ("buyer", "fablab (near)", "designer", "community fund")
#: The wallets `--stay` makes for the CLI: the demo's people by a wallet's name.
WALLETS = {"oracle": 1, "arbiter": 2, "designer": 4, "fablab": 5, "library": 6, "buyer": 7, "oslo": 10, "berlin": 11,
           "baltimore": 12}


@dataclass
class DemoResult:
    wall_time_s: float
    orders: dict[str, int]


@dataclass
class Stage:
    """What the day's scenes share: the people, the running services and where they answer."""

    say: Callable[[str], None]
    people: dict[str, GlocalSuite]
    api: httpx.Client
    oracle_url: str
    octoprint: OctoPrintServer
    workdir: Path
    gusd: str

    def balances(self) -> dict[str, int]:
        return {name: self.people[name].balance(self.people[name].me, self.gusd)
                + self.people[name].owed(self.people[name].me, self.gusd) for name in WATCHED}

    def indexed(self) -> None:
        """Waits until the API's read model has every block mined so far."""
        head = self.people["buyer"].w3.eth.block_number
        if not wait_for(lambda: (self.api.get("/healthz").json()["indexed_block"] or -1) >= head, STEP_TIMEOUT_S):
            raise GlocalError("the API's index did not catch up with the chain")


def run(say: Callable[[str], None], stay: bool = False) -> DemoResult:
    """Acts out the day; with `stay`, keeps everything running afterwards with one more order shipped and
    waiting for a courier's webhook (docs/oracle.md sends it with curl), until Ctrl-C. Each step of the set-up
    is said as it starts and when it is done, with its time."""
    started = time.monotonic()
    with ExitStack() as running:
        workdir = Path(running.enter_context(tempfile.TemporaryDirectory()))
        say("[1/8] setting up: a local chain, a printer, the suite and the services")
        node = timed(say, "local chain (anvil, free gas, cancun)",
                     lambda: running.enter_context(EphemeralNode(chain_id=LOCAL_CHAIN_ID, gas_price=0)),
                     lambda started_node: f"at {started_node.url}")
        octoprint = timed(say, "OctoPrint with its virtual printer (the slowest step)",
                          lambda: running.enter_context(OctoPrintServer(workdir / "octoprint")),
                          lambda server: f"at {server.url}")
        network = NetworkConfig(name=DEMO_NETWORK, rpc_urls=[node.url], chain_id=LOCAL_CHAIN_ID,
                                gas_policy=GasPolicy.FREE, local=True)
        w3 = connect(network)
        config = load_deploy_config(project_root() / "config" / "deploy" / "local.toml")
        deployment = timed(say, "deploying the suite (config/deploy/local.toml)",
                           lambda: deploy_suite(w3, Sender(w3, dev_account(ACTORS["deployer"]),
                                                           gas_policy=GasPolicy.FREE),
                                                DEMO_NETWORK, config, directory=workdir / "deployments", fresh=True,
                                                allow_test_token=True).deployment,
                           lambda deployed: f"escrow {deployed.address('OrderEscrow')}")
        people = {name: GlocalSuite(w3, deployment, Sender(w3, dev_account(i), gas_policy=GasPolicy.FREE))
                  for name, i in ACTORS.items()}
        api_service = ApiService(ApiSettings(port=free_port(), database_url=str(workdir / "api.sqlite"),
                                             designs_dir=workdir / "designs", poll_interval_s=0.2),
                                 network=network, suite=GlocalSuite(w3, deployment))
        oracle = OracleRunner(OracleConfig(wallet="oracle", database=workdir / "oracle.sqlite", port=free_port(),
                                           poll_interval_s=0.2,
                                           senders=[WebhookSender(name=COURIER, secret=COURIER_SECRET)]),
                              network=network, suite=people["oracle"])
        api_server = timed(say, "public API (indexing the chain)",
                           lambda: running.enter_context(api_service.in_background()),
                           lambda server: f"at {server.url}, the web app at {server.url}/, its docs at "
                                          f"{server.url}/docs")
        oracle_server = timed(say, "delivery oracle", lambda: running.enter_context(oracle.in_background()),
                              lambda server: f"at {server.url}")
        api = running.enter_context(httpx.Client(base_url=api_server.url, timeout=30))
        say(f"[2/8] ready after {time.monotonic() - started:.1f} s; the day begins")
        stage = Stage(say, people, api, oracle_server.url, octoprint, workdir, people["buyer"].token("gUSD"))
        orders = _day(stage)
        if stay:
            _stay_open(stage, orders, network)
        else:
            say(f"\ndemo finished in {time.monotonic() - started:.1f} s")
            for line in NEXT_STEPS:
                say(line)
    return DemoResult(round(time.monotonic() - started, 1), orders)


def _day(stage: Stage) -> dict[str, int]:
    say, people, api, gusd = stage.say, stage.people, stage.api, stage.gusd
    design = DESIGN_FILE.read_bytes()  # uploaded as the designer, who signs its sha256
    stored = api.post("/v1/designs", content=design,
                      headers=design_upload_headers(dev_account(ACTORS["designer"]), design)).json()
    product = people["designer"].register_product(stored["sha256"], "ipfs://calibration-cube", 1_000)
    say(f"[3/8] designer uploaded {DESIGN_FILE.name} to the API's design store and registered product "
        f"{product.product_id} (sha256 {product.design_hash[:18]}..., royalty 10 %)")
    near = people["fablab (near)"].register_hub("u4pruydq", 0b1, "https://fablab.example/hub.json")
    far = people["library (far)"].register_hub("u33dc0", 0b1, "https://library.example/hub.json")
    for city, hub in (("Oslo", near), ("Berlin", far)):
        people[city].approve_hub(hub.hub_id)  # each member city approves the hubs in its own area
    people["fablab (near)"].publish_offer(product.product_id, near.hub_id, gusd, 12_000_000, 24)
    people["library (far)"].publish_offer(product.product_id, far.hub_id, gusd, 9_000_000, 48)
    say(f"[4/8] the member cities approved the hubs in their areas: Oslo hub {near.hub_id} (u4pruydq), Berlin hub "
        f"{far.hub_id} (u33dc0); both offer it "
        f"(12 and 9 gUSD)")
    buyer = people["buyer"]
    buyer.mint_test_tokens(buyer.me, 100_000_000)
    before = stage.balances()
    stage.indexed()
    ranked = api.get("/v1/hubs/near", params={"geohash": BUYER_GEOHASH, "product": product.product_id,
                                              "radius_km": 1000}).json()["hubs"]
    chosen = ranked[0]["hub_id"]
    say(f"[5/8] buyer at {BUYER_GEOHASH} asks the API (GET /v1/hubs/near): " + ", ".join(
        f"hub {r['hub_id']} {r['distance_km']:.1f} km" for r in ranked) + f" -> hub {chosen}")

    driver = OctoPrintDriver("virtual-mk4", stage.octoprint.url, stage.octoprint.api_key)
    with hub_agent(people["fablab (near)"], near.hub_id, driver, stage.workdir,
                   f"{api.base_url}/v1/designs/{{sha256}}"):
        quote = buyer.quote(product.product_id, chosen, 1)
        first = buyer.place_order(product.product_id, chosen, 1, 15_000_000, terms=quote.terms).order_id
        say(f"[6/8] order {first} escrowed on the quoted terms ({format_units(quote.total, 6)} gUSD, design "
            f"v{quote.design_version}, lead time {quote.lead_time_hours} h; EIP-2612 permit for exactly the total); "
            f"the hub agent fetches the design from the API, checks its sha256 against the chain, accepts and prints:")
        _await_shipped(say, buyer, driver, first)
        response = _courier_delivers(stage, first, tracking_number(DEFAULT_TRACKING_FORMAT, chosen, first))
        say(f"      courier webhook -> oracle: HTTP {response.status_code} {response.json()}")
        if not wait_for(lambda: buyer.order(first).status is OrderStatus.DELIVERED, STEP_TIMEOUT_S):
            raise GlocalError(f"the oracle did not confirm order {first}")
        buyer.rate(first, 5)
        say(f"      order {first}: delivery confirmed on chain by the oracle, paid out, rated 5")

        second = buyer.place_order(product.product_id, chosen, 1, 15_000_000).order_id
        say(f"[7/8] order {second} printed by the agent too, then disputed:")
        _await_shipped(say, buyer, driver, second)
    buyer.dispute(second, "the part arrived cracked")
    people["arbiter"].resolve(second, 5_000)
    third = buyer.place_order(product.product_id, far.hub_id, 1, 15_000_000).order_id
    buyer.cancel(third)
    say(f"      order {second}: the arbiter refunds half; order {third} (far hub): cancelled before acceptance, "
        f"refunded")
    for name in WATCHED:
        if people[name].owed(people[name].me, gusd):
            people[name].withdraw(gusd)
    after = stage.balances()
    say("[8/8] everyone withdrew what the escrow owed them\n")
    stage.indexed()
    _summary(stage, before, after, near.hub_id, [first, second, third])
    escrow_left = buyer.balance(buyer.escrow.address, gusd)
    say(f"\nescrow holds {format_units(escrow_left, 6)} gUSD after every order ended")
    return {"delivered": first, "resolved": second, "cancelled": third}


@contextmanager
def hub_agent(hub: GlocalSuite, hub_id: int, driver: OctoPrintDriver, workdir: Path,
              design_url: str) -> Iterator[HubAgent]:
    """The near hub's agent in a background thread, fetching designs from the API's store."""
    db = open_database(workdir / "agent.db")
    agent = HubAgent(hub, hub_id, db, DesignLibrary([], [design_url]), [Printer(driver, 1)],
                     Following("demo-agent", poll_interval_s=0.2))
    try:
        with agent.in_background(join_s=30):
            yield agent
    finally:
        driver.close()
        db.close()


def _stay_open(stage: Stage, orders: dict[str, int], network: NetworkConfig) -> None:
    hub, buyer = stage.people["fablab (near)"], stage.people["buyer"]
    delivered = buyer.order(orders["delivered"])
    waiting = buyer.place_order(delivered.product_id, delivered.hub_id, 1, 15_000_000).order_id
    hub.accept(waiting)
    tracking = f"PARCEL-{waiting}"
    hub.ship(waiting, tracking)
    settings = timed(stage.say, "wallets and a networks file for the glocal CLI",
                     lambda: cli_settings(stage.workdir / "cli", network, stage.workdir / "deployments", WALLETS),
                     lambda made: f"in {made.home.parent}")
    stage.say(f"\norder {waiting} is shipped and waits for its courier: send the webhook with the curl example in "
              "docs/oracle.md after:\n"
              f"  export ORACLE_URL={stage.oracle_url} COURIER_SECRET={COURIER_SECRET} ORDER={waiting} "
              f"TRACKING={tracking}\n  export API_URL={stage.api.base_url}")
    for line in instructions(settings, list(WALLETS), str(stage.api.base_url), waiting):
        stage.say(line)
    stage.say("staying up (Ctrl-C stops everything)")
    try:
        while buyer.order(waiting).status is OrderStatus.SHIPPED:
            time.sleep(0.5)
        stage.say(f"order {waiting} is now {buyer.order(waiting).status.name.lower()}: the webhook reached the "
                  "oracle and it confirmed on chain")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        stage.say("stopping")


def _courier_delivers(stage: Stage, order_id: int, tracking_number: str) -> httpx.Response:
    """What a courier's system sends when it hands over a parcel: a signed JSON webhook."""
    body = json.dumps({"delivery_id": f"DEMO-{order_id}", "order_id": order_id,
                       "tracking_number": tracking_number,
                       "delivered_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "evidence": {"kind": "signature", "sha256": "0x" + "5" * 64}}).encode()
    headers = signing.signed_headers(COURIER, COURIER_SECRET.encode(), int(time.time()), body)
    return httpx.post(f"{stage.oracle_url}/v1/deliveries", content=body, headers=headers, timeout=30)


def _await_shipped(say: Callable[[str], None], buyer: GlocalSuite, driver: OctoPrintDriver, order_id: int) -> None:
    deadline = time.monotonic() + PRINT_TIMEOUT_S
    last_report = 0.0
    while buyer.order(order_id).status is not OrderStatus.SHIPPED:
        if time.monotonic() > deadline:
            raise TimeoutError(f"order {order_id} was not printed and shipped within {PRINT_TIMEOUT_S} s")
        if time.monotonic() - last_report > 5:
            say(printer_line(driver.status(), order_id))
            last_report = time.monotonic()
        time.sleep(0.2)
    say(f"      order {order_id}: printed and marked shipped on chain by the agent")


def _summary(stage: Stage, before: dict[str, int], after: dict[str, int], hub_id: int, order_ids: list[int]) -> None:
    say = stage.say
    say("balances (gUSD, wallet + owed)        before        after       change")
    for name in before:
        say(f"  {name:<28} {format_units(before[name], 6):>12} {format_units(after[name], 6):>12} "
            f"{'+' if after[name] >= before[name] else '-'}{format_units(abs(after[name] - before[name]), 6):>11}")
    rep: dict[str, Any] = stage.api.get(f"/v1/hubs/{hub_id}").json()["reputation"]
    say(f"\nhub {hub_id} reputation (from the API): rating {rep['rating_centi_stars'] / 100:.2f} "
        f"({rep['raters']} rater, weight {rep['rating_weight'] / FULL_REPUTATION_WEIGHT:.2f}), on time "
        f"{rep['reliability_bps'] / 100:.1f} %, completed {rep['completed']}, disputes lost {rep['disputes_lost']}")
    for order_id in order_ids:
        order = stage.api.get(f"/v1/orders/{order_id}").json()
        steps = " -> ".join(entry["event"] for entry in order["history"])
        say(f"order {order_id} ({order['status']}): {steps}")
