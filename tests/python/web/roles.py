"""Helpers the role pages' tests share: filling the contract's form fields, whatever element a page chose."""

from __future__ import annotations

from playwright.sync_api import Locator

from .market import GUSD, HUB_OPERATOR, WebMarket

#: The buyer of the orders the hub operator, the arbiter and the tests of the role pages act on (made in Python).
SIDE_BUYER = 3


def choose(field: Locator, value: str, label: str | None = None) -> None:
    """Sets a select (by value, else by its visible label) or types into an input."""
    if field.evaluate("(element) => element.tagName") == "SELECT":
        values = field.evaluate("(element) => [...element.options].map((o) => o.value)")
        if value in values:
            field.select_option(value)
        else:
            field.select_option(label=label or value)
    else:
        field.fill(value)


def paid_order(market: WebMarket, hub: str = "near") -> int:
    """An order of the cube at hub `hub` placed in Python by the side buyer (approve + place)."""
    buyer = market.suite(SIDE_BUYER)
    market.fund(SIDE_BUYER, 100)
    buyer.approve_escrow(market.token, 100 * GUSD)
    return buyer.place_order(market.cube, market.hubs[hub], 1, 100 * GUSD).order_id


def disputed_order(market: WebMarket) -> int:
    order_id = paid_order(market)
    hub = market.suite(HUB_OPERATOR)
    hub.accept(order_id)
    hub.ship(order_id, f"TRACK-{order_id}")
    market.suite(SIDE_BUYER).dispute(order_id, "arrived cracked in two")
    return order_id

