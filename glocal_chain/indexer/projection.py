"""Turns the suite's events into rows of the market read model, inside the event stream's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from glocal_chain import geo
from glocal_chain.database import Connection
from glocal_chain.events.stream import ChainEvent
from glocal_chain.sdk.models import FULL_REPUTATION_WEIGHT, HubStatus, OrderStatus, Outcome

# HubRegistry.Outcome -> (the counter it raises, whether its weight counts as on time, as finished).
OUTCOME_EFFECTS: dict[Outcome, tuple[str | None, bool, bool]] = {
    Outcome.COMPLETED: ("completed", True, True),
    Outcome.COMPLETED_LATE: ("completed_late", False, True),
    Outcome.REFUNDED_FOR_FAULT: ("refunded_for_fault", False, True),
    Outcome.DISPUTE_LOST: ("disputes_lost", False, True),
    Outcome.DISPUTE_WON: (None, False, False),
    Outcome.DISPUTE_EXPIRED: ("disputes_expired", False, False),
}
BPS = 10_000


@dataclass(frozen=True)
class ReputationScoring:
    """HubRegistry.score() in Python: weighted Bayesian averages. Ratings start from a prior worth
    `prior_raters` full-weight raters, reliability from one worth `prior_orders` full-weight orders. The
    constants are read from the deployed registry (they are public)."""

    prior_raters: int
    prior_orders: int
    prior_rating_centi_stars: int
    prior_reliability_bps: int
    full_weight: int = FULL_REPUTATION_WEIGHT

    def score(self, weighted_stars: int, rating_weight: int, on_time_weight: int,
              finished_weight: int) -> tuple[int, int]:
        prior_raters = self.prior_raters * self.full_weight
        rating = (prior_raters * self.prior_rating_centi_stars + weighted_stars * 100) // (prior_raters + rating_weight)
        prior_orders = self.prior_orders * self.full_weight
        reliability = (prior_orders * self.prior_reliability_bps + on_time_weight * BPS) // (
            prior_orders + finished_weight)
        return rating, reliability


def order_weight(hub_price: int, fee_bps: int, rating_fee_unit: int) -> int:
    """OrderEscrow's reputation weight of an order: the share of its token's rating fee unit that its
    community fee (basis points of the hub's price, royalty excluded) pays, at most a full weight."""
    if rating_fee_unit <= 0:
        return 0
    fee = hub_price * fee_bps // BPS
    return min(fee * FULL_REPUTATION_WEIGHT // rating_fee_unit, FULL_REPUTATION_WEIGHT)


def _plain(value: Any) -> Any:
    return "0x" + value.hex() if isinstance(value, bytes) else value


class MarketProjection:
    """The market indexer's handlers: one `on_<EventName>` per event (glocal_chain.events.service), each
    writing only to the read model's tables; an order event's handler also adds it to the order's history."""

    def __init__(self, scoring: ReputationScoring) -> None:
        self.scoring = scoring

    # ------------------------------------------------------------------ products and offers
    def on_ProductRegistered(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802 - event names
        a = e.args
        db.execute("INSERT INTO market_product VALUES (?, ?, ?, ?, 1, 1, ?, ?) ON CONFLICT (product_id) DO NOTHING",
                   (a["productId"], a["designer"], _plain(a["designHash"]), a["royaltyBps"], a["metadataURI"],
                    e.block_number))
        self._design_version(db, a["productId"], 1, a["designHash"], a["metadataURI"], e.block_number)

    def on_ProductVersionPublished(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        db.execute("UPDATE market_product SET version = ?, design_hash = ?, metadata_uri = ? WHERE product_id = ?",
                   (a["version"], _plain(a["designHash"]), a["metadataURI"], a["productId"]))
        self._design_version(db, a["productId"], a["version"], a["designHash"], a["metadataURI"], e.block_number)

    @staticmethod
    def _design_version(db: Connection, product_id: int, version: int, design_hash: bytes, metadata_uri: str,
                        block: int) -> None:
        """Every version's design hash stays: an order is made from the version it bought."""
        db.execute("INSERT INTO market_design_version VALUES (?, ?, ?, ?, ?) ON CONFLICT (product_id, version) "
                   "DO NOTHING", (product_id, version, _plain(design_hash), metadata_uri, block))

    def on_RoyaltyChanged(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_product SET royalty_bps = ? WHERE product_id = ?",
                   (e.args["royaltyBps"], e.args["productId"]))

    def on_ProductRetired(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_product SET active = 0 WHERE product_id = ?", (e.args["productId"],))

    def on_OfferPublished(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        db.execute("INSERT INTO market_offer VALUES (?, ?, ?, ?, ?) ON CONFLICT (product_id, hub_id) DO UPDATE SET "
                   "token = excluded.token, price = excluded.price, lead_time_hours = excluded.lead_time_hours",
                   (a["productId"], a["hubId"], a["token"], str(a["price"]), a["leadTimeHours"]))
        self._list_maker(db, a["hubId"], "AND product_id = ?", (a["productId"],))

    def on_OfferWithdrawn(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        for table in ("market_offer", "market_maker"):
            db.execute(f"DELETE FROM {table} WHERE product_id = ? AND hub_id = ?",
                       (e.args["productId"], e.args["hubId"]))

    @staticmethod
    def _list_maker(db: Connection, hub_id: int, offers: str = "", params: tuple[int, ...] = ()) -> None:
        """Lists an approved hub in market_maker for its offers (those matching the `offers` condition)."""
        hub = db.execute("SELECT latitude, longitude, geohash FROM market_hub WHERE hub_id = ? AND status = ?",
                         (hub_id, int(HubStatus.APPROVED))).fetchone()
        if hub is not None:
            db.execute("INSERT INTO market_maker (hub_id, product_id, cell, latitude, longitude, geohash) "
                       f"SELECT hub_id, product_id, ?, ?, ?, ? FROM market_offer WHERE hub_id = ? {offers} "
                       "ON CONFLICT (hub_id, product_id) DO NOTHING",
                       (geo.cell(hub[0], hub[1]), *hub, hub_id, *params))

    # ------------------------------------------------------------------ governance (what orders are placed under)
    def on_PaymentTokenSet(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        db.execute("INSERT INTO market_token VALUES (?, ?, ?, ?) ON CONFLICT (token) DO UPDATE SET "
                   "token_index = excluded.token_index, allowed = excluded.allowed, "
                   "rating_fee_unit = excluded.rating_fee_unit",
                   (a["token"], a["index"], int(a["allowed"]), str(a["ratingFeeUnit"])))

    def on_FeeChanged(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._setting(db, "fee_bps", e.args["feeBps"])

    def on_QuorumChanged(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._setting(db, "quorum", e.args["quorum"])

    def on_LeadTimeCapChanged(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._setting(db, "max_lead_time_hours", e.args["maxLeadTimeHours"])

    @staticmethod
    def _setting(db: Connection, name: str, value: int) -> None:
        db.execute("INSERT INTO market_setting VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                   (name, value))

    @staticmethod
    def _setting_value(db: Connection, name: str, default: int) -> int:
        row = db.execute("SELECT value FROM market_setting WHERE name = ?", (name,)).fetchone()
        return default if row is None else int(row[0])

    # ------------------------------------------------------------------ hubs
    def on_HubRegistered(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        geohash = geo.from_bytes12(a["geohash"])
        latitude, longitude = geo.decode(geohash)
        rating, reliability = self.scoring.score(0, 0, 0, 0)
        db.execute("INSERT INTO market_hub (hub_id, operator, status, geohash, latitude, longitude, capabilities, "
                   "metadata_uri, rating_centi_stars, reliability_bps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (hub_id) DO NOTHING",
                   (a["hubId"], a["operator"], int(HubStatus.PENDING), geohash, latitude, longitude,
                    a["capabilities"], a["metadataURI"], rating, reliability))

    def on_HubProfileUpdated(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        a = e.args
        geohash = geo.from_bytes12(a["geohash"])
        latitude, longitude = geo.decode(geohash)
        db.execute("UPDATE market_hub SET geohash = ?, latitude = ?, longitude = ?, capabilities = ?, "
                   "metadata_uri = ? WHERE hub_id = ?",
                   (geohash, latitude, longitude, a["capabilities"], a["metadataURI"], a["hubId"]))
        db.execute("UPDATE market_maker SET cell = ?, latitude = ?, longitude = ?, geohash = ? WHERE hub_id = ?",
                   (geo.cell(latitude, longitude), latitude, longitude, geohash, a["hubId"]))

    def on_HubApproved(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_hub SET status = ? WHERE hub_id = ?", (int(HubStatus.APPROVED), e.args["hubId"]))
        self._list_maker(db, e.args["hubId"])

    def on_HubMoved(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        """An approved hub that moved is pending again (the approvers of its new area decide): out of `near`."""
        db.execute("UPDATE market_hub SET status = ? WHERE hub_id = ?", (int(HubStatus.PENDING), e.args["hubId"]))
        db.execute("DELETE FROM market_maker WHERE hub_id = ?", (e.args["hubId"],))

    def on_HubSuspended(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_hub SET status = ? WHERE hub_id = ?", (int(HubStatus.SUSPENDED), e.args["hubId"]))
        db.execute("DELETE FROM market_maker WHERE hub_id = ?", (e.args["hubId"],))

    def on_OutcomeRecorded(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        counter, on_time, finished = OUTCOME_EFFECTS[Outcome(e.args["outcome"])]
        if counter is None:
            return
        weight = int(e.args["weight"])
        db.execute(f"UPDATE market_hub SET {counter} = {counter} + 1, on_time_weight = on_time_weight + ?, "
                   "finished_weight = finished_weight + ? WHERE hub_id = ?",
                   (weight if on_time else 0, weight if finished else 0, e.args["hubId"]))
        self._rescore(e.args["hubId"], db)

    def on_HubRated(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        """One counted rating per rater and hub: the latest replaces the rater's earlier one, at the weight
        the event reports for the rater (the largest of its rated orders' weights there, capped)."""
        a = e.args
        hub_id, rater, rating, weight = a["hubId"], a["rater"], int(a["rating"]), int(a["raterWeight"])
        previous = db.execute("SELECT rating, weight FROM market_hub_rater WHERE hub_id = ? AND rater = ?",
                              (hub_id, rater)).fetchone()
        old_rating, old_weight = (0, 0) if previous is None else (int(previous[0]), int(previous[1]))
        db.execute("UPDATE market_hub SET raters = raters + ?, rating_weight = rating_weight + ?, "
                   "weighted_stars = weighted_stars + ? WHERE hub_id = ?",
                   (1 if previous is None else 0, weight - old_weight, rating * weight - old_rating * old_weight,
                    hub_id))
        db.execute("INSERT INTO market_hub_rater VALUES (?, ?, ?, ?, ?) ON CONFLICT (hub_id, rater) DO UPDATE SET "
                   "rating = excluded.rating, weight = excluded.weight, order_id = excluded.order_id",
                   (hub_id, rater, rating, weight, a["orderId"]))
        self._rescore(hub_id, db)

    def _rescore(self, hub_id: int, db: Connection) -> None:
        totals = db.execute("SELECT weighted_stars, rating_weight, on_time_weight, finished_weight FROM market_hub "
                            "WHERE hub_id = ?", (hub_id,)).fetchone()
        rating, reliability = self.scoring.score(*(int(t) for t in totals))
        db.execute("UPDATE market_hub SET rating_centi_stars = ?, reliability_bps = ? WHERE hub_id = ?",
                   (rating, reliability, hub_id))

    # ------------------------------------------------------------------ orders
    def on_OrderPlaced(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        """The order with what the escrow fixed at placement: the design version bought, the quorum and the
        community fee in force (from their events) and the reputation weight that fee buys."""
        a = e.args
        unit = db.execute("SELECT rating_fee_unit FROM market_token WHERE token = ?", (a["token"],)).fetchone()
        weight = order_weight(int(a["amount"]) - int(a["royalty"]), self._setting_value(db, "fee_bps", 0),
                              0 if unit is None else int(unit[0]))
        db.execute("INSERT INTO market_order (order_id, buyer, hub_id, product_id, design_version, token, quantity, "
                   "amount, royalty, status, deadline, quorum, weight, placed_block, updated_block) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING",
                   (a["orderId"], a["buyer"], a["hubId"], a["productId"], a["designVersion"], a["token"],
                    a["quantity"], str(a["amount"]), str(a["royalty"]), int(OrderStatus.PAID), a["acceptBy"],
                    self._setting_value(db, "quorum", 1), weight, e.block_number, e.block_number))
        self._record_history(e, db)

    def on_OrderAccepted(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.ACCEPTED, deadline=e.args["shipBy"])

    def on_OrderShipped(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.SHIPPED, deadline=e.args["disputeBy"])
        db.execute("UPDATE market_order SET tracking_ref = ?, shipped_late = ? WHERE order_id = ?",
                   (_plain(e.args["trackingRef"]), int(e.args["late"]), e.args["orderId"]))

    def on_DeliveryConfirmed(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_order SET confirmations = ?, updated_block = ? WHERE order_id = ?",
                   (e.args["confirmations"], e.block_number, e.args["orderId"]))
        self._record_history(e, db)

    def on_OrderDelivered(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.DELIVERED)

    def on_OrderRefunded(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.REFUNDED)

    def on_OrderDisputed(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.DISPUTED, deadline=e.args["arbitrateBy"])

    def on_DisputeResolved(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        self._set_status(e, db, OrderStatus.RESOLVED)

    def on_OrderRated(self, e: ChainEvent, db: Connection) -> None:  # noqa: N802
        db.execute("UPDATE market_order SET rating = ?, updated_block = ? WHERE order_id = ?",
                   (e.args["rating"], e.block_number, e.args["orderId"]))
        self._record_history(e, db)

    def _set_status(self, e: ChainEvent, db: Connection, status: OrderStatus, deadline: int | None = None) -> None:
        db.execute("UPDATE market_order SET status = ?, deadline = COALESCE(?, deadline), updated_block = ? "
                   "WHERE order_id = ?", (int(status), deadline, e.block_number, e.args["orderId"]))
        self._record_history(e, db)

    @staticmethod
    def _record_history(e: ChainEvent, db: Connection) -> None:
        """The order's history: every event of it, in chain order."""
        args = {k: _plain(v) for k, v in e.args.items() if k != "orderId"}
        db.execute("INSERT INTO market_order_event VALUES (?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (order_id, block_number, log_index) DO NOTHING",
                   (e.args["orderId"], e.block_number, e.log_index, e.name, e.tx_hash, json.dumps(args)))

