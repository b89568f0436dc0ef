"""The hub operator's, the designer's, the arbiter's and the consortium staff's pages in a real browser against
the real API on a real chain: each does its job by hand and the chain shows it."""

from __future__ import annotations

import hashlib

import httpx
from playwright.sync_api import expect
from web3 import Web3

from glocal_chain.sdk import OrderStatus
from glocal_chain.sdk.models import HubStatus

from .market import ARBITER, DESIGNER, HUB_OPERATOR, OSLO, WebMarket, status_pattern, wait_indexed
from .roles import choose, disputed_order, paid_order

BRACKET = b"; a wall bracket\nG21\nG90\nG1 X0 Y0 F1200\nG1 X20 Y0 E1\nG1 X20 Y20 E2\nG1 X0 Y20 E3\nG1 X0 Y0 E4\n"


def test_hub_operator_publishes_offer_and_ships_by_hand_if_no_agent_runs(dapp, web_market: WebMarket, api_url):
    market = web_market
    bracket = market.suite(DESIGNER).register_product(market.store_design(BRACKET), "ipfs://bracket", 0).product_id
    order_id = paid_order(market)
    wait_indexed(api_url, market.w3)
    hub = dapp(HUB_OPERATOR, path="/hub")
    hub.connect()
    choose(hub.page.locator("#hub-select"), str(market.hubs["near"]))

    choose(hub.page.locator("#offer-product"), str(bracket))
    choose(hub.page.locator("#offer-token"), market.token, label="gUSD")
    hub.page.fill("#offer-price", "7.5")
    hub.page.fill("#offer-lead-time", "48")
    hub.page.click("#publish-offer")
    expect(hub.page.locator(f"#offers .offer[data-product-id='{bracket}']")).to_be_visible()
    offer = market.suite(HUB_OPERATOR).offer(bracket, market.hubs["near"])
    assert (offer.price, offer.lead_time_hours, offer.token.lower()) == (7_500_000, 48, market.token.lower())

    row = hub.page.locator(f"#incoming .order[data-order-id='{order_id}']")
    expect(row).to_be_visible()
    row.locator(".accept").click()
    expect(row.locator(".order-status")).to_have_text(status_pattern("accepted"))
    assert market.suite(HUB_OPERATOR).order(order_id).status == OrderStatus.ACCEPTED
    row.locator(".tracking").fill("TRACK-BY-HAND")
    row.locator(".ship").click()
    expect(row.locator(".order-status")).to_have_text(status_pattern("shipped"))
    assert market.suite(HUB_OPERATOR).order(order_id).status == OrderStatus.SHIPPED
    shipped_with = market.suite(HUB_OPERATOR).shipping_ref(order_id) or ""
    assert shipped_with.lower().removeprefix("0x") == Web3.keccak(text="TRACK-BY-HAND").hex().removeprefix("0x")


def test_designer_registers_product_with_file_hash_on_chain_if_file_chosen(dapp, web_market: WebMarket, api_url,
                                                                          tmp_path):
    market = web_market
    design = tmp_path / "hinge.gcode"
    design.write_bytes(b"; a hinge, made for the browser test\nG21\nG90\nG1 X0 Y0\nG1 X12 Y3 E1\nG1 X3 Y12 E2\n")
    digest = hashlib.sha256(design.read_bytes()).hexdigest()
    before = {p.product_id for p in market.suite(DESIGNER).list_products()}
    designer = dapp(DESIGNER, path="/designer")
    designer.connect()
    designer.page.set_input_files("#design-file", str(design))
    designer.page.fill("#metadata-uri", "ipfs://hinge")
    designer.page.fill("#royalty-bps", "500")
    designer.page.click("#register-product")

    def registered() -> list[int]:
        return [p.product_id for p in market.suite(DESIGNER).list_products() if p.product_id not in before]

    assert designer.wait_until(lambda: registered() != []), "no product was registered"
    (product_id,) = registered()
    assert market.suite(DESIGNER).design_hash_of(product_id, 1).lower() in (digest, "0x" + digest)
    assert "personal_sign" in designer.wallet.methods()  # the upload was authorised by the designer's signature
    expect(designer.page.locator(f"#products .product[data-product-id='{product_id}']")).to_be_visible()
    stored = httpx.get(f"{api_url}/v1/designs/{digest}")
    assert stored.status_code == 200 and stored.content == design.read_bytes()


def test_arbiter_resolves_dispute_with_split_if_buyer_disputed(dapp, web_market: WebMarket, api_url):
    market = web_market
    order_id = disputed_order(market)
    wait_indexed(api_url, market.w3)
    arbiter = dapp(ARBITER, path="/arbiter")
    arbiter.connect()
    row = arbiter.page.locator(f"#disputes .order[data-order-id='{order_id}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("arrived cracked in two")  # the buyer's side of the story
    row.locator(".refund-bps").fill("5000")
    row.locator(".resolve").click()
    assert arbiter.wait_until(lambda: market.suite(ARBITER).order(order_id).status == OrderStatus.RESOLVED)
    arbiter.expect_message(r"resolved|sent|confirmed")


def test_member_city_approves_hub_in_its_area_if_pending(dapp, web_market: WebMarket, api_url):
    market = web_market
    hub_id = market.add_hub("pending-oslo", "u4pruyde", approver=None)
    wait_indexed(api_url, market.w3)
    staff = dapp(OSLO, path="/consortium")
    staff.connect()
    expect(staff.page.locator("#members")).to_contain_text("Oslo")
    row = staff.page.locator(f"#pending-hubs .hub[data-hub-id='{hub_id}']")
    expect(row).to_be_visible()
    row.locator(".approve-hub").click()
    assert staff.wait_until(lambda: market.suite(OSLO).hub(hub_id).status == HubStatus.APPROVED), "hub not approved"
    expect(row).to_be_hidden()
