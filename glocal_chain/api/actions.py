"""The unsigned transactions of every person the web app serves: hub operators (accept, reject, ship, offers,
hubs), buyers (cancel, refunds, disputes), designers (products and versions), arbiters, the consortium's member
cities (hubs in their areas, pause, votes on proposals) and anyone owed a payout (withdraw). Each is built from
`from`, gas estimated: what the contracts would refuse is a ContractRevert naming their error (a 409)."""

from __future__ import annotations

from typing import Any

from web3.contract.contract import ContractFunction

from glocal_chain import geo
from glocal_chain.api.amounts import TokenUnits, uint256
from glocal_chain.api.designs import DesignStore
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.chain.artifacts import GOVERNANCE
from glocal_chain.errors import Conflict, GlocalError, NotFound
from glocal_chain.sdk.consortium import SUPPORT, Consortium, Proposal
from glocal_chain.sdk.inputs import InputError, design_hash32, parse_units, tracking_ref
from glocal_chain.sdk.suite import GlocalSuite


def consortium_of(suite: GlocalSuite) -> Consortium:
    """The deployment's consortium, or NotFound `no_consortium` when a single account governs it."""
    if any(name not in suite.deployment.contracts for name in GOVERNANCE):
        raise NotFound(f"the {suite.deployment.network} deployment has no consortium: a single account governs it",
                       code="no_consortium")
    return suite.consortium()


class Actions:
    def __init__(self, unsigned: UnsignedTransactions, designs: DesignStore, units: TokenUnits) -> None:
        self.unsigned = unsigned
        self.suite = unsigned.suite
        self.designs = designs
        self.units = units
        self.escrow, self.products, self.hubs = self.suite.escrow, self.suite.products, self.suite.hubs

    def _one(self, sender: str, call: ContractFunction, action: str) -> dict[str, Any]:
        return self.unsigned.sequence(sender, [(call, action)])

    # ------------------------------------------------------------------ orders: hub, buyer, arbiter
    def accept_order(self, sender: str, order_id: int) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.acceptOrder(order_id), f"accept order {order_id}")

    def reject_order(self, sender: str, order_id: int, reason: str) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.rejectOrder(order_id, reason), f"reject order {order_id}")

    def ship_order(self, sender: str, order_id: int, tracking: str) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.shipOrder(order_id, tracking_ref(tracking)),
                         f"ship order {order_id}")

    def cancel_order(self, sender: str, order_id: int) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.cancelOrder(order_id), f"cancel order {order_id}")

    def claim_refund(self, sender: str, order_id: int) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.claimRefund(order_id), f"claim a refund for order {order_id}")

    def dispute(self, sender: str, order_id: int, reason: str) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.disputeOrder(order_id, reason), f"dispute order {order_id}")

    def resolve_dispute(self, sender: str, order_id: int, refund_bps: int) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.resolveDispute(order_id, refund_bps),
                         f"resolve the dispute of order {order_id} ({refund_bps / 100:g} % to the buyer)")

    def withdraw(self, sender: str, token: str) -> dict[str, Any]:
        return self._one(sender, self.escrow.functions.withdraw(token), "withdraw what the escrow owes")

    # ------------------------------------------------------------------ offers and hubs (hub operator)
    def publish_offer(self, sender: str, product_id: int, hub_id: int, token: str, price_base_units: int | None,
                      price_tokens: str | None, lead_time_hours: int) -> dict[str, Any]:
        price = (uint256(price_base_units or 0, "price_base_units") if price_tokens is None
                 else uint256(self._base_units(price_tokens, token), "price_tokens"))
        return self._one(sender, self.products.functions.publishOffer(product_id, hub_id, token, price,
                                                                     lead_time_hours),
                         f"publish the offer of hub {hub_id} for product {product_id}")

    def _base_units(self, tokens: str, token: str) -> int:
        """A price typed in token units in base units; a token that is no ERC-20, or more decimals than it has,
        is a 409 (it depends on the token, not on the request's form)."""
        try:
            symbol, decimals = self.units.info(token)
        except GlocalError as exc:
            raise Conflict(f"{token} is not a token the API can price in: {exc.message}", "token",
                           "unknown_token") from exc
        try:
            return parse_units(tokens, decimals)
        except InputError as exc:
            raise Conflict(f"price_tokens {tokens!r}: {symbol} has {decimals} decimals", "price_tokens",
                           "too_many_decimals") from exc

    def withdraw_offer(self, sender: str, product_id: int, hub_id: int) -> dict[str, Any]:
        return self._one(sender, self.products.functions.withdrawOffer(product_id, hub_id),
                         f"withdraw the offer of hub {hub_id} for product {product_id}")

    def register_hub(self, sender: str, geohash: str, capabilities: int, metadata_uri: str) -> dict[str, Any]:
        capabilities = uint256(capabilities, "capabilities", 64)
        return self._one(sender, self.hubs.functions.registerHub(geo.to_bytes12(geohash), capabilities, metadata_uri),
                         f"register a hub at {geohash}")

    # ------------------------------------------------------------------ products (designer)
    def _stored(self, design_sha256: str) -> bytes:
        digest = design_sha256.lower().removeprefix("0x")
        if not self.designs.exists(digest):
            raise Conflict(f"design 0x{digest} is not in the design store: upload it first (POST /v1/designs)",
                           "design_sha256", "design_not_stored")
        return design_hash32(digest)

    def register_product(self, sender: str, design_sha256: str, metadata_uri: str, royalty_bps: int) -> dict[str, Any]:
        return self._one(sender, self.products.functions.registerProduct(self._stored(design_sha256), metadata_uri,
                                                                         royalty_bps), "register a product")

    def publish_version(self, sender: str, product_id: int, design_sha256: str, metadata_uri: str) -> dict[str, Any]:
        return self._one(sender, self.products.functions.publishVersion(product_id, self._stored(design_sha256),
                                                                        metadata_uri),
                         f"publish a new version of product {product_id}")

    # ------------------------------------------------------------------ consortium (member cities)
    def approve_hub(self, sender: str, hub_id: int) -> dict[str, Any]:
        return self._one(sender, self.hubs.functions.approveHub(hub_id), f"approve hub {hub_id}")

    def suspend_hub(self, sender: str, hub_id: int, reason: str) -> dict[str, Any]:
        return self._one(sender, self.hubs.functions.suspendHub(hub_id, reason), f"suspend hub {hub_id}")

    def pause(self, sender: str) -> dict[str, Any]:
        """New orders (the escrow) and new offers (the product registry) stop: a transaction for each that still
        runs (409 `already_paused` when both are paused)."""
        running = [(contract.functions.pause(), what) for contract, what in
                   ((self.escrow, "pause new orders"), (self.products, "pause new offers"))
                   if not contract.functions.paused().call()]
        if not running:
            raise Conflict("new orders and new offers are paused already", "from", "already_paused")
        return self.unsigned.sequence(sender, running)

    def propose_approve_hub(self, sender: str, hub_id: int) -> dict[str, Any]:
        """A member city proposes that the consortium approve a hub outside every city's area."""
        consortium = self._member(sender, "propose")
        return self._one(sender, consortium.proposal_call([consortium.actions.approve_hub(hub_id)], sender),
                         f"propose to approve hub {hub_id}")

    def propose_unpause(self, sender: str) -> dict[str, Any]:
        """A member city proposes to lift the pause (what is paused now)."""
        consortium = self._member(sender, "propose")
        try:
            lift = consortium.actions.unpause()
        except InputError as exc:  # nothing is paused
            raise Conflict(str(exc), "from", "not_paused") from exc
        return self._one(sender, consortium.proposal_call([lift], sender), "propose to unpause")

    def _member(self, sender: str, action: str) -> Consortium:
        consortium = consortium_of(self.suite)
        if not consortium.is_member(sender):
            raise Conflict(f"{sender} is not a member city of the consortium: only members {action}", "from",
                           "not_a_member")
        return consortium

    def vote(self, sender: str, proposal_id: int, support: str, reason: str) -> dict[str, Any]:
        consortium = self._member(sender, "vote")
        return self._one(sender, consortium.governor.functions.castVoteWithReason(proposal_id, SUPPORT[support],
                                                                                   reason),
                         f"vote {support} proposal {proposal_id}")

    def queue(self, sender: str, proposal_id: int) -> dict[str, Any]:
        consortium = consortium_of(self.suite)
        return self._one(sender, consortium.governor.functions.queue(*consortium.operation(self._proposal(consortium,
                                                                                                 proposal_id))),
                         f"queue proposal {proposal_id}")

    def execute(self, sender: str, proposal_id: int) -> dict[str, Any]:
        consortium = consortium_of(self.suite)
        return self._one(sender, consortium.governor.functions.execute(*consortium.operation(self._proposal(consortium,
                                                                                                   proposal_id))),
                         f"execute proposal {proposal_id}")

    @staticmethod
    def _proposal(consortium: Consortium, proposal_id: int) -> Proposal:
        try:
            return consortium.proposal(proposal_id)
        except InputError as exc:  # the SDK's "no proposal N"
            raise NotFound(f"no proposal {proposal_id}", "proposal_id") from exc
