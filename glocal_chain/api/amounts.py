"""Amounts as the API shows and takes them: on chain every amount is an integer count of the token's smallest
unit (base units: 13.2 gUSD with 6 decimals is 13200000). The API names them so (`*_base_units`) and sends
the token's symbol and decimals beside them; where a person types an amount it also takes decimal token
units (`max_total_tokens: "15.5"`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from glocal_chain.errors import Conflict, GlocalError, InvalidInput
from glocal_chain.sdk.inputs import parse_units

log = logging.getLogger(__name__)

#: The largest amount a contract takes: a maximum above it is no limit, and is capped to it.
MAX_UINT256 = 2**256 - 1


def uint256(value: int, field: str, bits: int = 256) -> int:
    """`value` if a contract can take it (a uint256, or uint<bits>); else a Conflict `above_uint<bits>` naming
    `field`. (Bounds this large are not in the OpenAPI document: JSON Schema tools read them as floats.)"""
    if value > 2**bits - 1:
        raise Conflict(f"{field} is above 2**{bits} - 1, the most the contract takes", field, f"above_uint{bits}")
    return value


class TokenUnits:
    """Each payment token's symbol and decimals, read from the chain once (`lookup`: token address ->
    (symbol, decimals), e.g. GlocalSuite.token_info) and kept: an ERC-20's symbol and decimals never change."""

    def __init__(self, lookup: Callable[[str], tuple[str, int]]) -> None:
        self._lookup = lookup
        self._known: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def warm(self, tokens: Iterable[str]) -> None:
        """Looks `tokens` up now (at start, while the chain answers), so reads need no chain later."""
        for token in tokens:
            try:
                self.info(token)
            except GlocalError as exc:
                log.warning("payment token %s: symbol and decimals not read yet (%s)", token, exc.message)

    def info(self, token: str) -> tuple[str, int]:
        with self._lock:
            known = self._known.get(token)
        if known is None:
            known = self._lookup(token)
            with self._lock:
                self._known[token] = known
        return known

    def of(self, token: str) -> dict[str, Any]:
        """`token_symbol` and `token_decimals`, the fields that travel with every amount."""
        symbol, decimals = self.info(token)
        return {"token_symbol": symbol, "token_decimals": decimals}

    def parse_maximum(self, text: str, token: str, field: str) -> int:
        """A maximum in decimal token units ("15.5") in base units. Decimals past the token's are dropped: a
        maximum rounded down never lets the buyer pay more than they said (InvalidInput naming `field` for
        what is no amount)."""
        symbol, decimals = self.info(token)
        whole, point, fraction = text.strip().partition(".")
        try:
            return parse_units(whole + point + fraction[:decimals] if decimals else whole, decimals)
        except GlocalError as exc:
            raise InvalidInput(f"{field}: {exc.message} for {symbol}", field) from exc


def _renamed(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names.get(key, key): value for key, value in row.items()}


def offer_view(offer: dict[str, Any], units: TokenUnits) -> dict[str, Any]:
    return {**_renamed(offer, {"price": "price_base_units"}), **units.of(offer["token"])}


def order_view(order: dict[str, Any], units: TokenUnits) -> dict[str, Any]:
    return {**_renamed(order, {"amount": "amount_base_units", "royalty": "royalty_base_units"}),
            **units.of(order["token"])}


def product_view(product: dict[str, Any], units: TokenUnits) -> dict[str, Any]:
    if product.get("offers") is None:
        return product
    return {**product, "offers": [offer_view(offer, units) for offer in product["offers"]]}


def nearby_view(nearby: dict[str, Any], units: TokenUnits) -> dict[str, Any]:
    return {**nearby, "hubs": [{**hub, "offer": offer_view(hub["offer"], units)} for hub in nearby["hubs"]]}


def quote_view(quote: dict[str, Any], units: TokenUnits) -> dict[str, Any]:
    return {**_renamed(quote, {"total": "total_base_units", "royalty": "royalty_base_units"}),
            **units.of(quote["token"])}


def terms_view(terms: dict[str, Any], units: TokenUnits) -> dict[str, Any]:
    return {**_renamed(terms, {"max_total": "max_total_base_units"}), **units.of(terms["token"])}
