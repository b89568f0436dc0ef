"""The buyer's page in a real browser against the real API on a real chain: find the near hub, order with a permit,
follow the order live to delivered, rate; and each way it can go wrong says so on the page and sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from playwright.sync_api import Locator, expect

from glocal_chain.chain.anvil import port_is_free
from glocal_chain.events.stream import wait_for
from glocal_chain.sdk import OrderStatus

from .conftest import Dapp
from .market import (
    BUYER_GEOHASH,
    HUB_OPERATOR,
    ORACLE,
    OSLO,
    WebMarket,
    address,
    running_api,
    status_pattern,
    wait_indexed,
)

BUYER, REFUSER, WANDERER, PENNILESS, UNLUCKY, STRANDED = 8, 9, 7, 6, 12, 11


def find_hub(buyer: Dapp, market: WebMarket, hub: str = "near") -> Locator:
    """Searches hubs near the buyer for the cube; the row of hub `hub`."""
    page = buyer.page
    page.fill("#geohash", BUYER_GEOHASH)
    page.select_option("#product-select", str(market.cube))
    page.click("#find-hubs")
    row = page.locator(f"#hubs .hub[data-hub-id='{market.hubs[hub]}']")
    expect(row).to_be_visible()
    return row


def order_from(buyer: Dapp, market: WebMarket, hub: str = "near") -> None:
    find_hub(buyer, market, hub).locator(".order-button").click()
    expect(buyer.page.locator("#order-panel #place-order")).to_be_enabled()
    buyer.page.click("#place-order")


def placed_order(buyer: Dapp) -> int:
    """The order the page shows once placed: its id."""
    row = buyer.page.locator("#orders .order").first
    expect(row).to_be_visible()
    return int(row.get_attribute("data-order-id") or "")


def chain_orders(market: WebMarket, index: int) -> list[int]:
    return [o.order_id for o in market.suite(index).orders(buyer=address(index))]


@pytest.fixture(scope="module")
def funded(web_market: WebMarket) -> WebMarket:
    for index in (BUYER, REFUSER, WANDERER, UNLUCKY, STRANDED):
        web_market.fund(index, 1_000)
    web_market.add_hub("doomed", "u4pruydq", OSLO, price_gusd=8)  # the revert test suspends it
    return web_market


def test_buyer_orders_with_permit_and_follows_it_live_to_delivered_if_hub_ships(dapp, funded, api_url):
    market = funded
    wait_indexed(api_url, market.w3)
    buyer = dapp(BUYER)
    product = buyer.page.locator(f"#catalogue .product[data-product-id='{market.cube}']")
    expect(product.locator("svg.toolpath")).to_be_visible()  # the part drawn from its G-code
    assert product.locator("svg.toolpath *").count() > 0
    buyer.connect()
    near = find_hub(buyer, market)
    ranked = [int(h) for h in buyer.page.locator("#hubs .hub").evaluate_all("(all) => all.map((h) => h.dataset.hubId)")]
    assert market.hubs["near"] in ranked[:2] and market.hubs["far"] not in ranked  # local hubs only: no widening
    expect(near).to_contain_text("10")  # its price, 10 gUSD
    expect(buyer.page.locator("svg#hub-plot")).to_be_visible()
    order_from(buyer, market)
    order_id = placed_order(buyer)
    status = buyer.page.locator(f"#orders .order[data-order-id='{order_id}'] .order-status")
    expect(status).to_have_text(status_pattern("paid"))
    assert "eth_signTypedData_v4" in buyer.wallet.methods() and len(buyer.wallet.sent) == 1  # permit: one tx
    assert market.suite(BUYER).order(order_id).status == OrderStatus.PAID
    sent = next(params[0] for method, params in buyer.wallet.requests if method == "eth_sendTransaction")
    assert sent["gasPrice"] == "0x0"  # the chain's free gas, as the API built it: the wallet adds no fee of its own

    buyer.page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads
    hub, oracle = market.suite(HUB_OPERATOR), market.suite(ORACLE)
    hub.accept(order_id)
    expect(status).to_have_text(status_pattern("accepted"))
    hub.ship(order_id, "TRACK-WEB-1")
    expect(status).to_have_text(status_pattern("shipped"))
    oracle.confirm_delivery(order_id)
    expect(status).to_have_text(status_pattern("delivered"))
    assert buyer.page.evaluate("() => window.__sameDocument === true"), "the page reloaded"

    row = buyer.page.locator(f"#orders .order[data-order-id='{order_id}']")
    row.locator(".rating").select_option("5")
    row.locator(".rate").click()
    assert buyer.wait_until(lambda: market.suite(BUYER).order(order_id).rated), \
        f"the rating never reached the chain: {buyer.page.locator('#message').text_content()!r}, " \
        f"wallet: {buyer.wallet.methods()[-6:]}"
    expect(buyer.page.locator("#message")).not_to_contain_text("error", ignore_case=True)


def test_place_order_says_declined_and_sends_nothing_if_signature_refused(dapp, funded):
    market = funded
    buyer = dapp(REFUSER)
    buyer.connect()
    buyer.wallet.refuse_next()
    order_from(buyer, market)
    buyer.expect_message("declined")
    expect(buyer.page.locator("#place-order")).to_be_enabled()  # ready to try again, nothing pending
    assert buyer.wallet.sent == [] and chain_orders(market, REFUSER) == []
    buyer.page.click("#place-order")  # the buyer changes their mind: it works, and only once
    order_id = placed_order(buyer)
    assert chain_orders(market, REFUSER) == [order_id] and len(buyer.wallet.sent) == 1


def test_place_order_works_after_switch_if_wallet_on_wrong_chain(dapp, funded):
    market = funded
    buyer = dapp(WANDERER)
    buyer.wallet.on_chain(1)
    buyer.page.click("#connect-wallet")
    expect(buyer.page.locator("#switch-network")).to_be_visible()
    buyer.expect_message(r"wrong network.*31337")
    assert buyer.wallet.sent == []
    buyer.page.click("#switch-network")
    assert buyer.wait_until(lambda: "wallet_switchEthereumChain" in buyer.wallet.methods(), 10)
    expect(buyer.page.locator("#switch-network")).to_be_hidden()
    order_from(buyer, market)
    order_id = placed_order(buyer)
    assert chain_orders(market, WANDERER) == [order_id]


def test_place_order_says_not_enough_and_sends_nothing_if_balance_too_low(dapp, funded):
    market = funded
    buyer = dapp(PENNILESS)  # holds no gUSD
    buyer.allow_console_errors(r"status of 409")  # if the API is the one that says so
    buyer.connect()
    order_from(buyer, market)
    buyer.expect_message(r"not enough gUSD")
    assert "eth_sendTransaction" not in buyer.wallet.methods() and buyer.wallet.sent == []
    assert chain_orders(market, PENNILESS) == []


def test_place_order_shows_predicted_revert_if_hub_suspended_meanwhile(dapp, funded, api_url):
    market = funded
    buyer = dapp(UNLUCKY)
    buyer.allow_console_errors(r"status of 409")  # the API's refusal, which the page turns into the message
    buyer.connect()
    find_hub(buyer, market, "doomed").locator(".order-button").click()
    market.suite(OSLO).suspend_hub(market.hubs["doomed"], "closed for repairs")  # after the buyer chose it
    wait_indexed(api_url, market.w3)
    expect(buyer.page.locator("#place-order")).to_be_enabled()
    buyer.page.click("#place-order")
    buyer.expect_message(r"would refuse this: HubNot")
    assert "eth_sendTransaction" not in buyer.wallet.methods() and chain_orders(market, UNLUCKY) == []


@pytest.fixture
def doomed_api(funded: WebMarket, tmp_path) -> Iterator[tuple[str, ExitStack]]:
    """A second API on the same chain, which the test stops while the page is open."""
    with ExitStack() as stack:
        server = stack.enter_context(running_api(funded, tmp_path / "api"))
        wait_indexed(server.url, funded.w3)
        yield server, stack


def test_place_order_says_api_unreachable_if_api_down(doomed_api, funded, dapp):  # the page closes first
    market = funded
    server, _ = doomed_api
    buyer = dapp(STRANDED, base_url=server.url)
    buyer.allow_console_errors(r"ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|Failed to fetch|ERR_INCOMPLETE_CHUNKED")
    buyer.connect()
    find_hub(buyer, market).locator(".order-button").click()
    expect(buyer.page.locator("#place-order")).to_be_enabled()
    server.server.should_exit = True  # the API goes down; its listening socket closes at once
    assert wait_for(lambda: port_is_free(server.port), 15), "the API did not stop listening"
    with pytest.raises(httpx.HTTPError):
        httpx.get(server.url + "/healthz", timeout=2)
    buyer.page.click("#place-order")
    buyer.expect_message("unreachable")
    assert buyer.wallet.sent == [] and chain_orders(market, STRANDED) == []
