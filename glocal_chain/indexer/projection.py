"""Turns the suite's events into rows of the market read model, inside the event stream's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from glocal_chain import geo
from glocal_chain.database import Connection
from glocal_chain.events.stream import ChainEvent
from glocal_chain.sdk.models import HubStatus, OrderStatus

# HubRegistry.Outcome, in declaration order -> the counter it raises (DisputeWon raises none).
OUTCOME_COUNTERS = ("completed", "completed_late", "refunded_for_fault", "disputes_lost", None)


@dataclass(frozen=True)
class ReputationScoring:
    """HubRegistry.score() in Python: a Bayesian average that starts from a prior worth `prior_weight`
    ratings. The constants are read from the deployed registry (they are public)."""

    prior_weight: int
    prior_rating_centi_stars: int
    prior_reliability_bps: int

    def score(self, completed: int, completed_late: int, refunded_for_fault: int, disputes_lost: int,
              rating_count: int, rating_sum: int) -> tuple[int, int]:
        rating = (self.prior_weight * self.prior_rating_centi_stars + rating_sum * 100) // (
            self.prior_weight + rating_count)
        finished = completed + completed_late + refunded_for_fault + disputes_lost
        reliability = (self.prior_weight * self.prior_reliability_bps + completed * 10_000) // (
            self.prior_weight + finished)
        return rating, reliability


def _plain(value: Any) -> Any:
    return "0x" + value.hex() if isinstance(value, bytes) else value


class MarketProjection:
    """One method per event; each writes only to the read model's tables."""

    def __init__(self, scoring: ReputationScoring) -> None:
        self.scoring = scoring
        self._handlers: dict[str, Callable[[ChainEvent, Connection], None]] = {
            name.removeprefix("_on_"): getattr(self, name) for name in dir(self) if name.startswith("_on_")}

    def handle(self, events: list[ChainEvent], db: Connection) -> None:
        for event in events:
            handler = self._handlers.get(event.name)
            if handler is not None:
                handler(event, db)
            if "orderId" in event.args and event.name in ORDER_EVENTS:
                self._record_history(event, db)

    # ------------------------------------------------------------------ products and offers
    def _on_ProductRegistered(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802 - event names
        a = e.args
        db.execute("INSERT INTO market_product VALUES (?, ?, ?, ?, 1, 1, ?, ?) ON CONFLICT (product_id) DO NOTHING",
                   (a["productId"], a["designer"], _plain(a["designHash"]), a["royaltyBps"], a["metadataURI"],
                    e.block_number))

    def _on_ProductVersionPublished(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        db.execute("UPDATE market_product SET version = ?, design_hash = ?, metadata_uri = ? WHERE product_id = ?",
                   (a["version"], _plain(a["designHash"]), a["metadataURI"], a["productId"]))

    def _on_RoyaltyChanged(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_product SET royalty_bps = ? WHERE product_id = ?",
                   (e.args["royaltyBps"], e.args["productId"]))

    def _on_ProductRetired(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_product SET active = 0 WHERE product_id = ?", (e.args["productId"],))

    def _on_OfferPublished(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        db.execute("INSERT INTO market_offer VALUES (?, ?, ?, ?, ?) ON CONFLICT (product_id, hub_id) DO UPDATE SET "
                   "token = excluded.token, price = excluded.price, lead_time_hours = excluded.lead_time_hours",
                   (a["productId"], a["hubId"], a["token"], str(a["price"]), a["leadTimeHours"]))

    def _on_OfferWithdrawn(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("DELETE FROM market_offer WHERE product_id = ? AND hub_id = ?",
                   (e.args["productId"], e.args["hubId"]))

    # ------------------------------------------------------------------ hubs
    def _on_HubRegistered(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        geohash = geo.from_bytes12(a["geohash"])
        latitude, longitude = geo.decode(geohash)
        rating, reliability = self.scoring.score(0, 0, 0, 0, 0, 0)
        db.execute("INSERT INTO market_hub (hub_id, operator, status, geohash, latitude, longitude, capabilities, "
                   "metadata_uri, rating_centi_stars, reliability_bps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (hub_id) DO NOTHING",
                   (a["hubId"], a["operator"], int(HubStatus.PENDING), geohash, latitude, longitude,
                    a["capabilities"], a["metadataURI"], rating, reliability))

    def _on_HubProfileUpdated(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        geohash = geo.from_bytes12(a["geohash"])
        latitude, longitude = geo.decode(geohash)
        db.execute("UPDATE market_hub SET geohash = ?, latitude = ?, longitude = ?, capabilities = ?, "
                   "metadata_uri = ? WHERE hub_id = ?",
                   (geohash, latitude, longitude, a["capabilities"], a["metadataURI"], a["hubId"]))

    def _on_HubApproved(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_hub SET status = ? WHERE hub_id = ?", (int(HubStatus.APPROVED), e.args["hubId"]))

    def _on_HubSuspended(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_hub SET status = ? WHERE hub_id = ?", (int(HubStatus.SUSPENDED), e.args["hubId"]))

    def _on_OutcomeRecorded(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        counter = OUTCOME_COUNTERS[e.args["outcome"]]
        if counter is not None:
            db.execute(f"UPDATE market_hub SET {counter} = {counter} + 1 WHERE hub_id = ?", (e.args["hubId"],))
            self._rescore(e.args["hubId"], db)

    def _on_HubRated(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_hub SET rating_count = rating_count + 1, rating_sum = rating_sum + ? "
                   "WHERE hub_id = ?", (e.args["rating"], e.args["hubId"]))
        self._rescore(e.args["hubId"], db)

    def _rescore(self, hub_id: int, db: Connection) -> None:
        counters = db.execute("SELECT completed, completed_late, refunded_for_fault, disputes_lost, rating_count, "
                              "rating_sum FROM market_hub WHERE hub_id = ?", (hub_id,)).fetchone()
        rating, reliability = self.scoring.score(*(int(c) for c in counters))
        db.execute("UPDATE market_hub SET rating_centi_stars = ?, reliability_bps = ? WHERE hub_id = ?",
                   (rating, reliability, hub_id))

    # ------------------------------------------------------------------ orders
    def _on_OrderPlaced(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        db.execute("INSERT INTO market_order (order_id, buyer, hub_id, product_id, token, quantity, amount, royalty, "
                   "status, deadline, placed_block, updated_block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (order_id) DO NOTHING",
                   (a["orderId"], a["buyer"], a["hubId"], a["productId"], a["token"], a["quantity"], str(a["amount"]),
                    str(a["royalty"]), int(OrderStatus.PAID), a["acceptBy"], e.block_number, e.block_number))

    def _on_OrderAccepted(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.ACCEPTED, deadline=e.args["shipBy"])

    def _on_OrderShipped(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.SHIPPED, deadline=e.args["disputeBy"])
        db.execute("UPDATE market_order SET tracking_ref = ?, shipped_late = ? WHERE order_id = ?",
                   (_plain(e.args["trackingRef"]), int(e.args["late"]), e.args["orderId"]))

    def _on_DeliveryConfirmed(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_order SET confirmations = ?, updated_block = ? WHERE order_id = ?",
                   (e.args["confirmations"], e.block_number, e.args["orderId"]))

    def _on_OrderDelivered(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.DELIVERED)

    def _on_OrderRefunded(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.REFUNDED)

    def _on_OrderDisputed(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.DISPUTED, deadline=e.args["arbitrateBy"])

    def _on_DisputeResolved(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.RESOLVED)

    def _on_OrderRated(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_order SET rating = ?, updated_block = ? WHERE order_id = ?",
                   (e.args["rating"], e.block_number, e.args["orderId"]))

    def _set_status(self, e: ChainEvent, db: Connection, status: OrderStatus, deadline: int | None = None) -> None:
        db.execute("UPDATE market_order SET status = ?, deadline = COALESCE(?, deadline), updated_block = ? "
                   "WHERE order_id = ?", (int(status), deadline, e.block_number, e.args["orderId"]))

    def _record_history(self, e: ChainEvent, db: Connection) -> None:
        args = {k: _plain(v) for k, v in e.args.items() if k != "orderId"}
        db.execute("INSERT INTO market_order_event VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (order_id, block_number, log_index) DO NOTHING",
                   (e.args["orderId"], e.block_number, e.log_index, e.name, e.tx_hash, json.dumps(args)))


ORDER_EVENTS = frozenset({"OrderPlaced", "OrderAccepted", "OrderShipped", "DeliveryConfirmed", "OrderDelivered",
                          "OrderRefunded", "OrderDisputed", "DisputeResolved", "OrderRated"})
