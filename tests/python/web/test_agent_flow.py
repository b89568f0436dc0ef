"""The whole story in a real browser, with every service real: a buyer in West Baltimore finds the near hub,
orders with a permit and watches the order go paid -> accepted -> shipped -> delivered without reloading, while
the hub's real agent (hub.toml, AgentRunner) checks the design against the chain, accepts, prints on a real
OctoPrint virtual printer and ships, and the real delivery oracle confirms when the courier's signed webhook
arrives; then the buyer rates. And the hub operator's page reads the agent's printers, current job and queue
from the browser when the agent allows the site, and says clearly when it cannot (the page's policy or the
agent refuses, or the agent is down), the orders above staying live."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from glocal_chain.chain.anvil import free_port
from glocal_chain.events.stream import wait_for
from glocal_chain.sdk import OrderStatus
from glocal_chain.sdk.inputs import tracking_number

from .conftest import Dapp
from .hub_agent import (
    TRACKING_FORMAT,
    api_knowing_agents,
    courier_delivers,
    mine,
    origin,
    printed_files,
    running_agent,
    running_oracle,
)
from .market import BALTIMORE, GUSD, HUB_OPERATOR, OSLO, WebMarket, address, wait_indexed

BUYER = OSLO  # a development account no other browser test orders with
SIDE_BUYER = 3
WEST_BALTIMORE = "dqcrxb87"
PRINT_TIMEOUT_S = 180
#: Records every status each order's row shows, in order, as the page changes it (no reload: same document).
STATUS_RECORDER = """() => {
  window.__statuses = {};
  const record = () => {
    for (const row of document.querySelectorAll('#orders .order[data-order-id]')) {
      const seen = (window.__statuses[row.dataset.orderId] = window.__statuses[row.dataset.orderId] || []);
      const status = (row.querySelector('.order-status')?.textContent || '').trim().toLowerCase();
      if (status && seen[seen.length - 1] !== status) seen.push(status);
    }
  };
  new MutationObserver(record).observe(document.getElementById('orders'), {childList: true, subtree: true,
                                                                          characterData: true});
  record();
}"""


@pytest.fixture(scope="module")
def baltimore(web_market: WebMarket) -> WebMarket:
    """Two approved hubs in West Baltimore (Baltimore approves in its area dqc): the fab lab 0.9 km from the buyer,
    whose agent runs, and a library 9.6 km away; the buyer and a side buyer funded."""
    web_market.add_hub("bal-fablab", "dqcrxcte", BALTIMORE, price_gusd=11)
    web_market.add_hub("bal-library", "dqcxccds", BALTIMORE, price_gusd=9)
    web_market.fund(BUYER, 1_000)
    web_market.fund(SIDE_BUYER, 1_000)
    return web_market


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    """The agent-aware API's, the agent's and a port where no agent runs (chosen first: each names the other)."""
    return {"api": free_port(), "agent": free_port(), "dead": free_port()}


@pytest.fixture(scope="module")
def agent_api(baltimore: WebMarket, ports: dict[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`glocal api run` whose pages may read the fab lab's agent (and a second agent address where none runs)."""
    with api_knowing_agents(baltimore, tmp_path_factory.mktemp("agent-api"), ports["api"],
                            [origin(ports["agent"]), origin(ports["dead"])]) as url:
        wait_indexed(url, baltimore.w3)
        yield url


@pytest.fixture(scope="module")
def agent(baltimore: WebMarket, agent_api: str, octoprint: Any, ports: dict[str, int],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The fab lab's hub agent: its printer the OctoPrint virtual printer, designs from the API's design store,
    /status readable by the agent-aware API's pages only."""
    with running_agent(baltimore, baltimore.hubs["bal-fablab"], HUB_OPERATOR, octoprint,
                       f"{agent_api}/v1/designs/{{sha256}}", ports["agent"], [origin(ports["api"])],
                       tmp_path_factory.mktemp("agent")) as running:
        assert wait_for(lambda: running.status().get("printers"), 30), "the agent never probed its printer"
        yield running


@pytest.fixture(scope="module")
def oracle(baltimore: WebMarket, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_oracle(baltimore, tmp_path_factory.mktemp("oracle"), free_port()) as url:
        yield url


def test_buyer_sees_order_delivered_live_and_rates_if_real_agent_prints_and_oracle_confirms(
        dapp, baltimore, agent_api, agent, oracle, octoprint):
    market = baltimore
    near, far = market.hubs["bal-fablab"], market.hubs["bal-library"]
    wait_indexed(agent_api, market.w3)
    buyer = dapp(BUYER, base_url=agent_api)
    buyer.connect()
    page = buyer.page
    page.fill("#geohash", WEST_BALTIMORE)
    page.select_option("#product-select", str(market.cube))
    page.click("#find-hubs")
    expect(page.locator(f"#hubs .hub[data-hub-id='{near}']")).to_be_visible()
    ranked = [int(h) for h in page.locator("#hubs .hub").evaluate_all("(all) => all.map((h) => h.dataset.hubId)")]
    assert ranked.index(near) < ranked.index(far), ranked  # local first: the fab lab before the dearer-by-distance
    page.evaluate(STATUS_RECORDER)
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads
    page.locator(f"#hubs .hub[data-hub-id='{near}'] .order-button").click()
    expect(page.locator("#order-panel #place-order")).to_be_enabled()
    page.click("#place-order")
    row = page.locator("#orders .order").first
    expect(row).to_be_visible()
    order_id = int(row.get_attribute("data-order-id") or "")
    status = row.locator(".order-status")
    expect(status).to_have_text("paid")
    assert "eth_signTypedData_v4" in buyer.wallet.methods() and len(buyer.wallet.sent) == 1  # permit: one tx
    assert market.suite(BUYER).order(order_id).hub_id == near

    mine(market)  # the order is deep enough for the agent (hub.toml: confirmations = 2)
    expect(status).to_have_text("accepted", timeout=30_000)
    expect(status).to_have_text("shipped", timeout=PRINT_TIMEOUT_S * 1000)
    files = printed_files(octoprint, order_id)
    assert len(files) == 1 and files[0]["prints"]["success"] >= 1 and files[0]["prints"]["last"]["success"], files
    tracking = tracking_number(TRACKING_FORMAT, near, order_id)
    delivered = courier_delivers(oracle, order_id, tracking)
    assert delivered.status_code == 202, delivered.text
    expect(status).to_have_text("delivered", timeout=30_000)
    assert market.suite(BUYER).order(order_id).status == OrderStatus.DELIVERED
    assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded"
    seen = page.evaluate("(id) => window.__statuses[id]", str(order_id))
    assert seen == ["paid", "accepted", "shipped", "delivered"], seen

    row = page.locator(f"#orders .order[data-order-id='{order_id}']")
    row.locator(".rating").select_option("5")
    row.locator(".rate").click()
    assert buyer.wait_until(lambda: market.suite(BUYER).order(order_id).rated), \
        f"the rating never reached the chain: {page.locator('#message').text_content()!r}"


def operator_page(dapp: Any, market: WebMarket, base_url: str) -> Dapp:
    """The fab lab's operator on the hub page of `base_url`, its hub chosen and its orders live."""
    hub = dapp(HUB_OPERATOR, path="/hub", base_url=base_url)
    hub.connect()
    hub.page.select_option("#hub-select", str(market.hubs["bal-fablab"]))
    expect(hub.page.locator("#incoming-live")).to_contain_text("Live")
    return hub


def test_hub_page_shows_printer_job_and_queue_if_agent_allows_this_site(dapp, baltimore, agent_api, agent,
                                                                         octoprint):
    market = baltimore
    side = market.suite(SIDE_BUYER)
    side.approve_escrow(market.token, 100 * GUSD)
    order_id = side.place_order(market.cube, market.hubs["bal-fablab"], 2, 100 * GUSD).order_id  # two units
    mine(market)
    assert wait_for(lambda: market.suite(SIDE_BUYER).order(order_id).status == OrderStatus.ACCEPTED, 30)
    hub = operator_page(dapp, market, agent_api)
    hub.page.fill("#agent-url", agent.url)
    hub.page.click("#load-agent")
    printer = hub.page.locator("#printers .printer[data-printer='virtual-mk4']")
    expect(printer).to_be_visible()
    # one unit prints while the other waits in the queue; the page reads the agent again every few seconds
    expect(printer.locator(".printer-state")).to_have_text("printing", timeout=60_000)
    expect(printer.locator(".printer-job")).to_contain_text(f"order {order_id}")
    expect(hub.page.locator(f"#agent-queue .queued-job[data-order-id='{order_id}']")).to_be_visible()
    assert any(j["order_id"] == order_id for j in agent.status()["queue"])
    expect(hub.page.locator("#printers .agent-unreachable")).to_have_count(0)
    expect(hub.page.locator(f"#incoming .order[data-order-id='{order_id}']")).to_be_visible()


UNREADABLE = re.compile(r"cannot be read from this browser.*still live", re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize("refusal", ["page policy", "agent refuses site", "agent down"])
def test_hub_page_says_printers_unreadable_and_orders_live_if_agent_out_of_reach(dapp, baltimore, api_url, agent_api,
                                                                                agent, ports, refusal):
    market = baltimore
    agent_url = origin(ports["dead"]) if refusal == "agent down" else agent.url
    if refusal == "page policy":  # the API's pages were not told about this agent: connect-src 'self' only
        base_url = api_url
    elif refusal == "agent refuses site":  # the same API by another origin than the agent's web_origins names
        base_url = agent_api.replace("127.0.0.1", "localhost")
    else:
        base_url = agent_api
    hub = operator_page(dapp, market, base_url)
    hub.allow_console_errors(r"blocked by CORS policy|net::ERR_FAILED|ERR_CONNECTION_REFUSED|Failed to fetch")
    hub.page.fill("#agent-url", agent_url)
    hub.page.click("#load-agent")
    note = hub.page.locator("#printers .agent-unreachable")
    expect(note).to_have_text(UNREADABLE)
    expect(note).to_contain_text(agent_url)
    expect(hub.page.locator("#printers .printer")).to_have_count(0)
    if refusal == "page policy":  # the browser refused by the page's Content Security Policy, as it must
        blocked = [e for e in hub.errors if "Content Security Policy" in e and agent_url in e]
        assert blocked, hub.errors
        hub.errors[:] = [e for e in hub.errors if e not in blocked]
    expect(hub.page.locator("#incoming-live")).to_contain_text("Live")  # the chain data did not stop
    assert address(HUB_OPERATOR).lower() in (hub.page.locator("#account").text_content() or "").lower()
