"""Orders after they are placed: reading them and their history, every step of their lifecycle, and the
payouts the escrow owes."""

from __future__ import annotations

from typing import Any

from web3.contract.contract import ContractFunction

from glocal_chain.chain.transactions import call_view
from glocal_chain.events.decode import LogDecoder
from glocal_chain.sdk.catalogue import Catalogue
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import InputError, require_address, tracking_ref
from glocal_chain.sdk.models import Order, OrderStatus


class Orders:
    def __init__(self, connection: SuiteConnection, catalogue: Catalogue) -> None:
        self.connection = connection
        self.catalogue = catalogue
        self.escrow = connection.escrow

    # ------------------------------------------------------------------ reads
    def order(self, order_id: int) -> Order:
        raw = list(call_view(self.escrow.functions.order(order_id), f"read order {order_id}"))
        raw[9] = OrderStatus(raw[9])
        return Order(*raw)

    def order_design_hash(self, order: Order) -> str:
        """The sha256 of the design version the order bought (not necessarily the product's current one)."""
        return self.catalogue.design_hash_of(order.product_id, order.design_version)

    def orders(self, buyer: str | None = None, hub_id: int | None = None) -> list[Order]:
        """Orders placed by a buyer or at a hub, found through the OrderPlaced events."""
        filters: dict[str, Any] = {}
        if buyer is not None:
            filters["buyer"] = require_address(buyer, "buyer address")
        if hub_id is not None:
            filters["hubId"] = hub_id
        logs = self.escrow.events.OrderPlaced().get_logs(from_block=self.connection.deployment.deploy_block,
                                                         argument_filters=filters)
        return [self.order(entry["args"]["orderId"]) for entry in logs]

    def order_history(self, order_id: int) -> list[dict[str, Any]]:
        """Every escrow event of an order, oldest first: name, block, transaction and arguments."""
        topic = "0x" + order_id.to_bytes(32, "big").hex()
        logs = self.connection.w3.eth.get_logs({"address": self.escrow.address,
                                                "fromBlock": self.connection.deployment.deploy_block,
                                                "toBlock": "latest", "topics": [None, topic]})
        decoder = LogDecoder([self.escrow.abi])
        history = []
        for entry in logs:
            decoded = decoder.decode(dict(entry))
            if decoded is None:
                continue
            name, args = decoded
            history.append({"event": name, "block": entry["blockNumber"],
                            "transaction": entry["transactionHash"].to_0x_hex(),
                            "args": {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in args.items()}})
        return history

    def shipping_ref(self, order_id: int) -> str | None:
        """The trackingRef of the order's (last) OrderShipped event, None if it has none: the chain keeps only
        the keccak256 of the tracking number."""
        logs = self.escrow.events.OrderShipped().get_logs(from_block=self.connection.deployment.deploy_block,
                                                          argument_filters={"orderId": order_id})
        return "0x" + bytes(logs[-1]["args"]["trackingRef"]).hex() if logs else None

    # ------------------------------------------------------------------ lifecycle
    def cancel(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.cancelOrder(order_id), "cancel", order_id)

    def reject(self, order_id: int, reason: str) -> Order:
        return self._act(self.escrow.functions.rejectOrder(order_id, reason), "reject", order_id)

    def accept(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.acceptOrder(order_id), "accept", order_id)

    def ship(self, order_id: int, tracking_number: str) -> Order:
        return self._act(self.escrow.functions.shipOrder(order_id, tracking_ref(tracking_number)), "ship", order_id)

    def claim_refund(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.claimRefund(order_id), "claim a refund for", order_id)

    def confirm_delivery(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.confirmDelivery(order_id), "confirm delivery of", order_id)

    def confirm_receipt(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.confirmReceipt(order_id), "confirm receipt of", order_id)

    def finalize(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.finalizeOrder(order_id), "finalize", order_id)

    def dispute(self, order_id: int, reason: str) -> Order:
        return self._act(self.escrow.functions.disputeOrder(order_id, reason), "dispute", order_id)

    def resolve(self, order_id: int, refund_bps: int) -> Order:
        return self._act(self.escrow.functions.resolveDispute(order_id, refund_bps), "resolve", order_id)

    def settle_expired_dispute(self, order_id: int) -> Order:
        return self._act(self.escrow.functions.settleExpiredDispute(order_id), "settle", order_id)

    def rate(self, order_id: int, rating: int) -> Order:
        if not 1 <= rating <= 5:
            raise InputError(f"a rating is 1 to 5, not {rating}")
        return self._act(self.escrow.functions.rateOrder(order_id, rating), "rate", order_id)

    def _act(self, call: ContractFunction, verb: str, order_id: int) -> Order:
        self.connection.send(call, f"{verb} order {order_id}")
        return self.order(order_id)

    # ------------------------------------------------------------------ payouts
    def owed(self, account: str, token: str) -> int:
        return int(self.escrow.functions.owed(require_address(account), token).call())

    def withdraw(self, token: str) -> int:
        amount = self.owed(self.connection.me, token)
        self.connection.send(self.escrow.functions.withdraw(token), "withdraw")
        return amount
