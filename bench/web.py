"""Web app figures (`make bench` -> bench/results/web.json), in Debian's headless Chromium driven by Playwright,
against `glocal api run` on a real anvil with the suite deployed as config/deploy/local.toml says and a small
market on it (a product, approved hubs, orders in each state a page lists, a dispute, a pending hub).

- js_gzip_kb: all the script a page loads, each file gzipped, summed; the largest page's.
- first_render_ms_p95: from the start of navigation to the first product or order shown (the page's first row of
  data; a page that lists an account's data connects the wallet as soon as its button is there), 20 loads per page
  over loopback, each in a fresh browser context (no cache); the slowest page's p95.
- axe_serious_or_critical: axe-core's serious and critical violations, summed over the pages (with their data).
Per page: the same figures under `pages`.

The wallet is a read-only stand-in for MetaMask injected into each page (accounts and chain id; other calls go to
anvil through a Playwright binding, as the page's Content Security Policy lets it talk to its own origin only).
"""

from __future__ import annotations

import gzip
import json
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, Response, sync_playwright

from bench.load import percentile_ms
from glocal_chain.api.designs import DesignStore
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.chain.anvil import EphemeralNode, free_port
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.events.stream import wait_for
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.toolchain.settings import project_root

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
AXE = project_root() / "node_modules" / "axe-core" / "axe.min.js"
CUBE = project_root() / "examples" / "calibration-cube.gcode"
LOCAL_CONFIG = project_root() / "config" / "deploy" / "local.toml"
LOADS = 20
GUSD = 1_000_000
DESIGNER, ARBITER, HUB_OPERATOR, BUYER, OSLO = 4, 2, 5, 8, 10
BINDING = "__glocalBenchWallet"


@dataclass(frozen=True)
class WebPage:
    path: str
    account: int | None  # the wallet to connect before the data shows (None: the page shows it unconnected)
    first_row: str  # CSS selector of the first product or order (or hub) the page shows


PAGES = {
    "buyer": WebPage("/", None, "#catalogue .product"),
    "hub": WebPage("/hub", HUB_OPERATOR, "#incoming .order"),
    "designer": WebPage("/designer", DESIGNER, "#products .product"),
    "arbiter": WebPage("/arbiter", ARBITER, "#disputes .order"),
    "consortium": WebPage("/consortium", OSLO, "#pending-hubs .hub"),
}

WALLET_SCRIPT = """
(() => {
  const binding = window.__BINDING__;
  const listeners = {};
  const provider = {
    isMetaMask: true,
    async request({method, params}) {
      const answer = await binding({method, params: params || []});
      if (answer.error) throw Object.assign(new Error(answer.error.message), {code: answer.error.code});
      return answer.result;
    },
    on(event, listener) { (listeners[event] = listeners[event] || []).push(listener); return provider; },
    removeListener(event, listener) {
      listeners[event] = (listeners[event] || []).filter((each) => each !== listener);
      return provider;
    },
  };
  window.ethereum = provider;
})();
""".replace("__BINDING__", BINDING)

#: Records when the page first shows `selector` (performance.now(): ms since navigation started).
FIRST_ROW_SCRIPT = """
((selector) => {
  const seen = () => {
    if (window.__firstRowMs === undefined && document.querySelector(selector)) {
      window.__firstRowMs = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true, attributes: true});
})(%s);
"""


class ReadOnlyWallet:
    """The Python half of the bench's wallet: its account, the chain id, and anvil for reads."""

    def __init__(self, rpc_url: str, account: str, chain_id: int) -> None:
        self.rpc_url, self.account, self.chain_id = rpc_url, account, chain_id

    def answer(self, _source: Any, request: dict[str, Any]) -> dict[str, Any]:
        method, params = request["method"], request["params"]
        if method in ("eth_requestAccounts", "eth_accounts"):
            return {"result": [self.account]}
        if method == "eth_chainId":
            return {"result": hex(self.chain_id)}
        reply = httpx.post(self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                           timeout=30).json()
        return {"error": reply["error"]} if "error" in reply else {"result": reply["result"]}


@dataclass
class DemoMarket:
    api_url: str
    rpc_url: str
    chain_id: int
    product_id: int
    hub_ids: dict[str, int]

    def context(self, browser: Browser, account: int | None) -> BrowserContext:
        """A fresh browser context (no cache) with the read-only wallet of development account `account`."""
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        if account is not None:
            wallet = ReadOnlyWallet(self.rpc_url, str(dev_account(account).address), self.chain_id)
            context.expose_binding(BINDING, wallet.answer)
            context.add_init_script(WALLET_SCRIPT)
        return context


def _suite(w3: Any, deployment: Any, index: int) -> GlocalSuite:
    return GlocalSuite(w3, deployment, Sender(w3, dev_account(index), gas_policy=GasPolicy.FREE))


@contextmanager
def demo_market(workdir: Path) -> Iterator[DemoMarket]:
    """anvil with the suite deployed as config/deploy/local.toml says, a market on it, and the API serving the web
    app; everything stops on exit."""
    with EphemeralNode(gas_price=0) as node:
        network = NetworkConfig(name="local", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)
        w3 = connect(network)
        deployment = deploy_suite(w3, Sender(w3, dev_account(0), gas_policy=GasPolicy.FREE), "local",
                                  load_deploy_config(LOCAL_CONFIG), directory=workdir / "deployments",
                                  allow_test_token=True).deployment
        product_id, hub_ids = _populate(w3, deployment, DesignStore(workdir / "designs"))
        settings = ApiSettings(port=free_port(), database_url=str(workdir / "api.sqlite"),
                               designs_dir=workdir / "designs", poll_interval_s=0.1)
        service = ApiService(settings, network=network, suite=GlocalSuite(w3, deployment))
        with service.in_background() as server:
            head = w3.eth.block_number
            assert wait_for(lambda: (httpx.get(f"{server.url}/healthz").json().get("indexed_block") or -1) >= head,
                            60), "the API's read model never caught up"
            yield DemoMarket(server.url, node.url, node.chain_id, product_id, hub_ids)


def _populate(w3: Any, deployment: Any, designs: DesignStore) -> tuple[int, dict[str, int]]:
    """A product, three approved hubs near the buyer and one far away, a pending hub, and orders: paid,
    accepted, shipped and disputed."""
    designer, hubs = _suite(w3, deployment, DESIGNER), _suite(w3, deployment, HUB_OPERATOR)
    design = "0x" + designs.put(CUBE.read_bytes())
    product_id = designer.register_product(design, "ipfs://calibration-cube", 1_000).product_id
    token = hubs.token("gUSD")
    hub_ids: dict[str, int] = {}
    for name, geohash, price, approver in (("fab-lab", "u4pruydq", 10, OSLO), ("library", "u4pruyd8", 12, OSLO),
                                           ("school", "u4pruy3", 9, OSLO), ("berlin", "u33dc0", 7, 11)):
        hub_ids[name] = hubs.register_hub(geohash, 1, f"https://{name}.example").hub_id
        _suite(w3, deployment, approver).approve_hub(hub_ids[name])
        hubs.publish_offer(product_id, hub_ids[name], token, price * GUSD, 24)
    hub_ids["pending"] = hubs.register_hub("u4pruyde", 1, "https://pending.example").hub_id
    buyer = _suite(w3, deployment, BUYER)
    buyer.mint_test_tokens(buyer.me, 1_000 * GUSD)
    buyer.approve_escrow(token, 1_000 * GUSD)
    orders = [buyer.place_order(product_id, hub_ids["fab-lab"], 1, 100 * GUSD).order_id for _ in range(4)]
    hubs.accept(orders[1])
    for order_id in orders[2:]:
        hubs.accept(order_id)
        hubs.ship(order_id, f"TRACK-{order_id}")
    buyer.dispute(orders[3], "the part arrived cracked")
    return product_id, hub_ids


def _first_row_ms(browser: Browser, market: DemoMarket, page_spec: WebPage) -> tuple[float, int]:
    """One cold load: ms from navigation to the first row shown, and the gzipped bytes of its scripts."""
    context = market.context(browser, page_spec.account)
    context.add_init_script(FIRST_ROW_SCRIPT % json.dumps(page_spec.first_row))
    scripts: list[Response] = []
    try:
        page = context.new_page()
        page.on("response", lambda r: scripts.append(r) if r.request.resource_type == "script" else None)
        page.goto(market.api_url + page_spec.path)
        if page_spec.account is not None:
            page.click("#connect-wallet")
        page.wait_for_selector(page_spec.first_row, state="attached", timeout=30_000)
        page.wait_for_function("() => window.__firstRowMs !== undefined")
        shown = float(page.evaluate("() => window.__firstRowMs"))
        page.wait_for_load_state("load")
        gzipped = sum(len(gzip.compress(r.body())) for r in scripts if r.ok)
        return shown, gzipped
    finally:
        context.close()


def _axe(browser: Browser, market: DemoMarket, page_spec: WebPage) -> list[str]:
    """axe-core's serious and critical violations on the page with its data shown: "rule (impact)" each."""
    context = market.context(browser, page_spec.account)
    try:
        page = context.new_page()
        page.goto(market.api_url + page_spec.path)
        if page_spec.account is not None:
            page.click("#connect-wallet")
        page.wait_for_selector(page_spec.first_row, timeout=30_000)
        page.evaluate(AXE.read_text())
        found: list[dict[str, Any]] = page.evaluate(
            "async () => (await axe.run(document)).violations.map((v) => ({id: v.id, impact: v.impact}))")
        return [f"{v['id']} ({v['impact']})" for v in found if v["impact"] in ("serious", "critical")]
    finally:
        context.close()


def measure(browser: Browser, market: DemoMarket) -> dict[str, Any]:
    pages: dict[str, Any] = {}
    for name, spec in PAGES.items():
        loads = [_first_row_ms(browser, market, spec) for _ in range(LOADS)]
        shown = [ms / 1000 for ms, _ in loads]
        violations = _axe(browser, market, spec)
        pages[name] = {"path": spec.path, "js_gzip_kb": round(max(size for _, size in loads) / 1024, 1),
                       "first_render_ms_p50": round(statistics.median(shown) * 1000, 1),
                       "first_render_ms_p95": percentile_ms(shown, 0.95),
                       "axe_serious_or_critical": len(violations), "axe_violations": ", ".join(violations) or "none"}
    return {"js_gzip_kb": max(p["js_gzip_kb"] for p in pages.values()),
            "first_render_ms_p95": max(p["first_render_ms_p95"] for p in pages.values()),
            "axe_serious_or_critical": sum(p["axe_serious_or_critical"] for p in pages.values()),
            "loads_per_page": LOADS, "pages": pages}


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="glocal-bench-web-") as tmp, demo_market(Path(tmp)) as market, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return measure(browser, market)
        finally:
            browser.close()
