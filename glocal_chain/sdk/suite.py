"""GlocalSuite: the deployed suite as one typed object; one method per user action.

The facade over the SDK's parts: the connection (connection.py), payment tokens (tokens.py, faucet.py), the
catalogue of products, hubs and offers (catalogue.py), placing orders (placement.py, paying by payment.py),
orders after that (orders.py), administration by a single account (governance.py) and by the consortium's
proposals (consortium.py, proposals.py). Writes are signed locally by
the suite's Sender; a revert that a call can predict is raised (as a ContractRevert naming the custom
error) before anything is sent.
"""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from glocal_chain.chain.networks import NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.deployments import Deployment
from glocal_chain.sdk import faucet
from glocal_chain.sdk.catalogue import Catalogue
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.consortium import Consortium
from glocal_chain.sdk.governance import Governance
from glocal_chain.sdk.inputs import (
    InputError,
    format_units,
    parse_units,
    require_address,
    sha256_file,
    tracking_ref,
)
from glocal_chain.sdk.models import Hub, Offer, Order, OrderTerms, Product, Quote, Reputation
from glocal_chain.sdk.orders import Orders
from glocal_chain.sdk.placement import Placement
from glocal_chain.sdk.ranking import RankedHub
from glocal_chain.sdk.tokens import Tokens

# What callers have always imported from here.
__all__ = ["GlocalSuite", "InputError", "RankedHub", "format_units", "parse_units", "require_address",
           "sha256_file", "tracking_ref"]


class GlocalSuite:
    """The suite of one network, read through `w3` and written through `sender` (if any)."""

    def __init__(self, w3: Web3, deployment: Deployment, sender: Sender | None = None) -> None:
        self._connection = connection = SuiteConnection(w3, deployment, sender)
        self._tokens = Tokens(connection)
        self._catalogue = Catalogue(connection)
        # a lookup through the facade: the permit check can be replaced on one suite (as tests do)
        self._placement = Placement(connection, self._tokens, lambda token: self._supports_permit(token))
        self._orders = Orders(connection, self._catalogue)
        self._governance = Governance(connection, self._catalogue)
        self._consortium: Consortium | None = None
        self.w3, self.deployment, self.sender = w3, deployment, sender
        self.hubs, self.products, self.escrow = connection.hubs, connection.products, connection.escrow

    @classmethod
    def open(cls, network: NetworkConfig, account: Any | None = None, verify: bool = True) -> GlocalSuite:
        """Connects to `network`, loads deployments/<network>.json and checks it against the chain."""
        connection = SuiteConnection.open(network, account, verify)
        return cls(connection.w3, connection.deployment, connection.sender)

    @property
    def me(self) -> str:
        return self._connection.me

    # ------------------------------------------------------------------ tokens
    def token(self, symbol_or_address: str) -> str:
        """A payment token's address from its symbol in the deployment ("native", "gUSD") or an address."""
        return self._tokens.address(symbol_or_address)

    def erc20(self, token: str) -> Contract:
        """An ERC-20 payment token's contract (the standard interface)."""
        return self._tokens.erc20(token)

    def token_info(self, token: str) -> tuple[str, int]:
        """(symbol, decimals) of a token; the native coin is ("native", 18)."""
        return self._tokens.info(token)

    def balance(self, account: str, token: str) -> int:
        return self._tokens.balance(account, token)

    def allowance(self, owner: str, token: str) -> int:
        """How much of `token` the escrow may take from `owner`."""
        return self._tokens.allowance(owner, token)

    def approve_call(self, token: str, amount: int) -> ContractFunction:
        """The approve that lets the escrow take up to `amount` of `token` (to send or to build)."""
        return self._tokens.approve_call(token, amount)

    def approve_escrow(self, token: str, amount: int) -> None:
        """Lets the escrow take up to `amount` of `token` from this wallet (for many orders in a row)."""
        self._connection.send(self._tokens.approve_call(token, amount), "approve the escrow")

    def _supports_permit(self, token: str) -> bool:
        return self._tokens.supports_permit(token, self.me)

    def mint_test_tokens(self, to: str, amount: int) -> None:
        """Local networks only: the test token's open mint."""
        faucet.mint_test_tokens(self._connection, to, amount)

    # ------------------------------------------------------------------ catalogue: products (designer)
    def register_product(self, design_hash: str, metadata_uri: str, royalty_bps: int) -> Product:
        return self._catalogue.register_product(design_hash, metadata_uri, royalty_bps)

    def publish_version(self, product_id: int, design_hash: str, metadata_uri: str) -> Product:
        return self._catalogue.publish_version(product_id, design_hash, metadata_uri)

    def set_royalty(self, product_id: int, royalty_bps: int) -> Product:
        return self._catalogue.set_royalty(product_id, royalty_bps)

    def retire_product(self, product_id: int) -> Product:
        return self._catalogue.retire_product(product_id)

    def product(self, product_id: int) -> Product:
        return self._catalogue.product(product_id)

    def design_hash_of(self, product_id: int, version: int) -> str:
        """The sha256 of one version of a product's design (every version stays readable)."""
        return self._catalogue.design_hash_of(product_id, version)

    def list_products(self) -> list[Product]:
        return self._catalogue.list_products()

    # ------------------------------------------------------------------ catalogue: hubs (operator), offers
    def register_hub(self, geohash: str, capabilities: int, metadata_uri: str) -> Hub:
        return self._catalogue.register_hub(geohash, capabilities, metadata_uri)

    def publish_offer(self, product_id: int, hub_id: int, token: str, price: int, lead_time_hours: int) -> Offer:
        return self._catalogue.publish_offer(product_id, hub_id, token, price, lead_time_hours)

    def withdraw_offer(self, product_id: int, hub_id: int) -> None:
        self._catalogue.withdraw_offer(product_id, hub_id)

    def hub(self, hub_id: int) -> Hub:
        return self._catalogue.hub(hub_id)

    def reputation(self, hub_id: int) -> Reputation:
        return self._catalogue.reputation(hub_id)

    def rater_record(self, hub_id: int, rater: str) -> tuple[int, int]:
        """(latest stars, weight) of one rater at a hub; (0, 0) if it never rated the hub."""
        return self._catalogue.rater_record(hub_id, rater)

    def list_hubs(self) -> list[Hub]:
        return self._catalogue.list_hubs()

    def offer(self, product_id: int, hub_id: int) -> Offer:
        return self._catalogue.offer(product_id, hub_id)

    def near(self, geohash: str, product_id: int) -> list[RankedHub]:
        """Approved hubs offering the product: nearest geohash ring first, then reputation, then price."""
        return self._catalogue.near(geohash, product_id)

    # ------------------------------------------------------------------ placing orders (buyer)
    def quote(self, product_id: int, hub_id: int, quantity: int) -> Quote:
        """The current offer priced for `quantity`, with the terms to place it on (`quote.terms`)."""
        return self._placement.quote(product_id, hub_id, quantity)

    def place_order(self, product_id: int, hub_id: int, quantity: int, max_total: int | None = None, *,
                    terms: OrderTerms | None = None, max_lead_time_hours: int | None = None) -> Order:
        """Places an order on agreed terms: `terms` quoted earlier (e.g. shown to the buyer), else the current
        quote's. The escrow takes it only on those terms (token, design version, at most their lead time);
        a term changed since the quote is refused naming it, before anything is sent.

        `max_total` is the most the buyer pays (default: the terms' `max_total`, i.e. the quoted total); a
        current total above it is refused before anything is sent. How it is paid: payment.plan_payment
        (native coin; an existing allowance; an EIP-2612 permit for exactly the total when the token supports
        it; else approve the total, then place)."""
        return self.order(self._placement.place_order(product_id, hub_id, quantity, max_total, terms=terms,
                                                      max_lead_time_hours=max_lead_time_hours))

    def preflight_place_order(self, call: ContractFunction, buyer: str, action: str) -> None:
        """Raises what the escrow would refuse a placeOrder call for, its payment aside (Placement's)."""
        self._placement.preflight_place_order(call, buyer, action)

    # ------------------------------------------------------------------ orders
    def order(self, order_id: int) -> Order:
        return self._orders.order(order_id)

    def order_design_hash(self, order: Order) -> str:
        """The sha256 of the design version the order bought (not necessarily the product's current one)."""
        return self._orders.order_design_hash(order)

    def orders(self, buyer: str | None = None, hub_id: int | None = None) -> list[Order]:
        """Orders placed by a buyer or at a hub, found through the OrderPlaced events."""
        return self._orders.orders(buyer, hub_id)

    def order_history(self, order_id: int) -> list[dict[str, Any]]:
        """Every escrow event of an order, oldest first: name, block, transaction and arguments."""
        return self._orders.order_history(order_id)

    def shipping_ref(self, order_id: int) -> str | None:
        """The keccak256 of the tracking number the order shipped with (0x hex), None if it did not ship."""
        return self._orders.shipping_ref(order_id)

    def cancel(self, order_id: int) -> Order:
        return self._orders.cancel(order_id)

    def reject(self, order_id: int, reason: str) -> Order:
        return self._orders.reject(order_id, reason)

    def accept(self, order_id: int) -> Order:
        return self._orders.accept(order_id)

    def ship(self, order_id: int, tracking_number: str) -> Order:
        return self._orders.ship(order_id, tracking_number)

    def claim_refund(self, order_id: int) -> Order:
        return self._orders.claim_refund(order_id)

    def confirm_delivery(self, order_id: int) -> Order:
        return self._orders.confirm_delivery(order_id)

    def confirm_receipt(self, order_id: int) -> Order:
        return self._orders.confirm_receipt(order_id)

    def finalize(self, order_id: int) -> Order:
        return self._orders.finalize(order_id)

    def dispute(self, order_id: int, reason: str) -> Order:
        return self._orders.dispute(order_id, reason)

    def resolve(self, order_id: int, refund_bps: int) -> Order:
        return self._orders.resolve(order_id, refund_bps)

    def settle_expired_dispute(self, order_id: int) -> Order:
        return self._orders.settle_expired_dispute(order_id)

    def rate(self, order_id: int, rating: int) -> Order:
        return self._orders.rate(order_id, rating)

    def owed(self, account: str, token: str) -> int:
        return self._orders.owed(account, token)

    def withdraw(self, token: str) -> int:
        return self._orders.withdraw(token)

    # ------------------------------------------------------------------ consortium administration
    def consortium(self) -> Consortium:
        """The member cities and their proposals (a deployment made with a [consortium]); one per suite, so that
        the proposals read from the chain are read once."""
        if self._consortium is None:
            self._consortium = Consortium(self._connection)
        return self._consortium

    def approve_hub(self, hub_id: int) -> Hub:
        return self._governance.approve_hub(hub_id)

    def suspend_hub(self, hub_id: int, reason: str) -> Hub:
        return self._governance.suspend_hub(hub_id, reason)

    def set_role(self, role: str, account: str, granted: bool) -> None:
        self._governance.set_role(role, account, granted)

    def has_role(self, role: str, account: str) -> bool:
        return self._governance.has_role(role, account)

    def set_hub_approver_areas(self, account: str, areas: list[str]) -> None:
        self._governance.set_hub_approver_areas(account, areas)

    def set_quorum(self, quorum: int) -> None:
        self._governance.set_quorum(quorum)

    def set_fee(self, fee_bps: int) -> None:
        self._governance.set_fee(fee_bps)

    def set_payment_token(self, token: str, allowed: bool, rating_fee_unit: int) -> None:
        """Allows or disallows a payment token; `rating_fee_unit` is the community fee (smallest units) that
        gives an order full reputation weight."""
        self._governance.set_payment_token(token, allowed, rating_fee_unit)

    def payment_token(self, token: str) -> dict[str, Any]:
        """A token's place in the allowlist: index (0: never listed), allowed, rating fee unit."""
        return self._governance.payment_token(token)

    def set_lead_time_cap(self, max_lead_time_hours: int) -> None:
        self._governance.set_lead_time_cap(max_lead_time_hours)

    def pause(self) -> None:
        self._governance.pause()

    def unpause(self) -> None:
        self._governance.unpause()

    def config(self) -> dict[str, Any]:
        return self._governance.config()
