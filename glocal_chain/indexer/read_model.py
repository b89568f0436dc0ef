"""Reads of the market read model: what the API serves, without touching the chain."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from glocal_chain import geo
from glocal_chain.database import Connection
from glocal_chain.events.store import StreamStore
from glocal_chain.indexer.nearest import local_first
from glocal_chain.indexer.schema import STREAM_NAME
from glocal_chain.sdk.models import HubStatus, OrderStatus

HALF_EARTH_KM = 20_016.0  # no two points are further apart: the widest search
RADIUS_GROWTH = 4
MAKER_ROWS_PER_QUERY = 500  # hub ids per `IN (...)` when reading the rows of the hubs a search found

HUB_FIELDS = ("hub_id", "operator", "status", "geohash", "capabilities", "metadata_uri", "completed",
              "completed_late", "refunded_for_fault", "disputes_lost", "disputes_expired", "on_time_weight",
              "finished_weight", "raters", "rating_weight", "weighted_stars", "rating_centi_stars", "reliability_bps")
PROFILE_LENGTH = 6  # the hub fields before its reputation (the SDK's Reputation, field for field)
ORDER_FIELDS = ("order_id", "buyer", "hub_id", "product_id", "design_version", "token", "quantity", "amount",
                "royalty", "status", "deadline", "confirmations", "quorum", "weight", "shipped_late", "rating",
                "tracking_ref", "placed_block", "updated_block")
PRODUCT_FIELDS = ("product_id", "designer", "design_hash", "royalty_bps", "version", "active", "metadata_uri")
# An order with the design hash of the version it bought.
ORDER_SELECT = (f"SELECT {', '.join('o.' + field for field in ORDER_FIELDS)}, v.design_hash FROM market_order o "
                "LEFT JOIN market_design_version v ON v.product_id = o.product_id AND v.version = o.design_version")
# A hub that can make a product: its fields, its position, and its offer.
MAKER_FIELDS = (*HUB_FIELDS, "latitude", "longitude", "token", "price", "lead_time_hours")
MAKER = {name: index for index, name in enumerate(MAKER_FIELDS)}

HUB_COLUMNS = ", ".join(HUB_FIELDS)
PRODUCT_COLUMNS = ", ".join(PRODUCT_FIELDS)
MAKERS_QUERY = (f"SELECT {', '.join('h.' + field for field in HUB_FIELDS)}, h.latitude, h.longitude, o.token, "
                "o.price, o.lead_time_hours FROM market_offer o JOIN market_hub h ON h.hub_id = o.hub_id "
                "WHERE o.product_id = ? AND o.hub_id IN ")


def _hub(row: Any) -> dict[str, Any]:
    hub = dict(zip(HUB_FIELDS[:PROFILE_LENGTH], row, strict=False))
    hub["status"] = HubStatus(hub["status"]).name.lower()
    hub["reputation"] = dict(zip(HUB_FIELDS[PROFILE_LENGTH:], row[PROFILE_LENGTH:len(HUB_FIELDS)], strict=False))
    return hub


def _order(row: Any) -> dict[str, Any]:
    order = dict(zip(ORDER_FIELDS, row, strict=False))
    order["design_hash"] = row[len(ORDER_FIELDS)]
    order["status"] = OrderStatus(order["status"]).name.lower()
    order["amount"], order["royalty"] = int(order["amount"]), int(order["royalty"])
    order["shipped_late"] = bool(order["shipped_late"])
    order["rated"] = order["rating"] > 0
    return order


def _product(row: Any) -> dict[str, Any]:
    product = dict(zip(PRODUCT_FIELDS, row, strict=False))
    product["active"] = bool(product["active"])
    return product


def _offer(product_id: int, hub_id: int, token: str, price: str, lead: int) -> dict[str, Any]:
    return {"product_id": product_id, "hub_id": hub_id, "token": token, "price": int(price), "lead_time_hours": lead}


class MarketReadModel:
    """Each thread reads through its own connection from `connect` (SQLite file or PostgreSQL)."""

    def __init__(self, connect: Callable[[], Connection]) -> None:
        self._connect = connect
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()

    @property
    def db(self) -> Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
            with self._lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()

    # ------------------------------------------------------------------ products
    def products(self, designer: str | None, active: bool | None, limit: int, offset: int) -> list[dict[str, Any]]:
        where, params = _filters({"designer = ?": designer, "active = ?": None if active is None else int(active)})
        rows = self.db.execute(f"SELECT {PRODUCT_COLUMNS} FROM market_product {where} ORDER BY product_id "
                               "LIMIT ? OFFSET ?", (*params, limit, offset)).fetchall()
        return [_product(row) for row in rows]

    def product(self, product_id: int) -> dict[str, Any] | None:
        row = self.db.execute(f"SELECT {PRODUCT_COLUMNS} FROM market_product WHERE product_id = ?",
                              (product_id,)).fetchone()
        if row is None:
            return None
        product = _product(row)
        offers = self.db.execute("SELECT product_id, hub_id, token, price, lead_time_hours FROM market_offer "
                                 "WHERE product_id = ? ORDER BY hub_id", (product_id,)).fetchall()
        product["offers"] = [_offer(*offer) for offer in offers]
        versions = self.db.execute("SELECT version, design_hash, metadata_uri, published_block FROM "
                                   "market_design_version WHERE product_id = ? ORDER BY version",
                                   (product_id,)).fetchall()
        product["versions"] = [{"version": v, "design_hash": h, "metadata_uri": u, "published_block": b}
                               for v, h, u, b in versions]
        return product

    # ------------------------------------------------------------------ hubs
    def hubs(self, status: HubStatus | None, limit: int, offset: int,
             operator: str | None = None) -> list[dict[str, Any]]:
        """Hubs, oldest first; only those in `status` and of `operator` (a checksummed address) when given."""
        where, params = _filters({"status = ?": None if status is None else int(status), "operator = ?": operator})
        rows = self.db.execute(f"SELECT {HUB_COLUMNS} FROM market_hub {where} ORDER BY hub_id LIMIT ? OFFSET ?",
                               (*params, limit, offset)).fetchall()
        return [_hub(row) for row in rows]

    def hub(self, hub_id: int) -> dict[str, Any] | None:
        row = self.db.execute(f"SELECT {HUB_COLUMNS} FROM market_hub WHERE hub_id = ?", (hub_id,)).fetchone()
        return None if row is None else _hub(row)

    def near(self, geohash: str, product_id: int, radius_km: float, limit: int) -> dict[str, Any]:
        """Approved hubs offering the product within `radius_km` of `geohash`, ranked local-first
        (geo.local_first_key, then the older hub first); when none is that close, the radius grows until one
        is (or the whole Earth). Only the index cells around the buyer are read (indexer.nearest)."""
        found = local_first(self.db, product_id, geohash, radius_km, limit, RADIUS_GROWTH, HALF_EARTH_KM)
        distances = {maker.hub_id: maker.distance_km for maker in found.makers}
        rows = self._maker_rows(product_id, list(distances))
        geohash_at, rating_at, price_at = MAKER["geohash"], MAKER["rating_centi_stars"], MAKER["price"]
        rows.sort(key=lambda row: (geo.local_first_key(geohash, row[geohash_at], distances[row[0]], row[rating_at],
                                                       int(row[price_at])), row[0]))
        hubs = []
        for row in rows[:limit]:
            hub = _hub(row)
            hub["offer"] = _offer(product_id, row[0], row[MAKER["token"]], row[price_at], row[MAKER["lead_time_hours"]])
            hub["distance_km"] = round(distances[row[0]], 3)
            hub["shared_geohash_prefix"] = geo.shared_prefix(geohash, row[geohash_at])
            hubs.append(hub)
        radius = found.searched_radius_km
        return {"geohash": geohash, "product_id": product_id, "radius_km": radius_km, "searched_radius_km": radius,
                "widened": radius > radius_km, "hubs": hubs}

    def _maker_rows(self, product_id: int, hub_ids: list[int]) -> list[Any]:
        """The hubs' rows (MAKER_FIELDS) with their offers of the product."""
        rows: list[Any] = []
        for start in range(0, len(hub_ids), MAKER_ROWS_PER_QUERY):
            chunk = hub_ids[start:start + MAKER_ROWS_PER_QUERY]
            rows += self.db.execute(f"{MAKERS_QUERY}({', '.join('?' * len(chunk))})", (product_id, *chunk)).fetchall()
        return rows

    def product_exists(self, product_id: int) -> bool:
        row = self.db.execute("SELECT 1 FROM market_product WHERE product_id = ?", (product_id,)).fetchone()
        return row is not None

    # ------------------------------------------------------------------ orders
    def order(self, order_id: int) -> dict[str, Any] | None:
        row = self.db.execute(f"{ORDER_SELECT} WHERE o.order_id = ?", (order_id,)).fetchone()
        if row is None:
            return None
        order = _order(row)
        events = self.db.execute("SELECT event, block_number, log_index, tx_hash, args FROM market_order_event "
                                 "WHERE order_id = ? ORDER BY block_number, log_index", (order_id,)).fetchall()
        order["history"] = [{"event": e, "block": b, "log_index": i, "transaction": t, "args": json.loads(a)}
                            for e, b, i, t, a in events]
        return order

    def orders(self, buyer: str | None, hub_id: int | None, status: OrderStatus | None, limit: int,
               offset: int) -> list[dict[str, Any]]:
        where, params = _filters({"o.buyer = ?": buyer, "o.hub_id = ?": hub_id,
                                  "o.status = ?": None if status is None else int(status)})
        rows = self.db.execute(f"{ORDER_SELECT} {where} ORDER BY o.order_id DESC LIMIT ? OFFSET ?",
                               (*params, limit, offset)).fetchall()
        return [_order(row) for row in rows]

    # ------------------------------------------------------------------ progress
    def indexed_block(self) -> int | None:
        checkpoint = StreamStore(self.db, STREAM_NAME).checkpoint()
        return None if checkpoint is None else checkpoint[0]


def _filters(conditions: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    used = {sql: value for sql, value in conditions.items() if value is not None}
    return ("WHERE " + " AND ".join(used) if used else ""), tuple(used.values())
