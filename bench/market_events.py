"""Generated, valid histories of the market for the scale benchmark (bench/scale.py): the suite's events as
the indexer's stream hands them to the projection (glocal_chain.events.stream.ChainEvent), with the event
names, argument names and argument values the contracts emit (tests/python/test_bench_market_events.py
round-trips every one through the ABI and the indexer's LogDecoder).

A history is written in phases, each continuing the last: `opening()` (the deployment's events, the payment
token, the products), `hubs(n)` (n hubs register around ~50 European and US cities or scattered between
them; most are approved and publish offers, every approved hub product 1; a few stay pending or are
suspended), `orders(n)` (buyers near the hubs order, hubs accept, ship, oracles or buyers confirm, some
orders are cancelled, rejected, refunded or disputed, buyers rate). Time moves forward through one
scheduler (2-second blocks); what is still scheduled when an orders phase ends stays in flight, as on a
live chain. `generated` counts what was made: hubs, approved, orders per status, events per name.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any

from eth_utils import keccak, to_checksum_address

from glocal_chain import geo
from glocal_chain.events.stream import ChainEvent
from glocal_chain.sdk.inputs import DEFAULT_TRACKING_FORMAT, tracking_number
from glocal_chain.sdk.models import FULL_REPUTATION_WEIGHT, OrderStatus, Outcome

# (name, latitude, longitude, weight ~ metropolitan millions): where hubs and their buyers cluster.
CITIES = [
    ("London", 51.507, -0.128, 14), ("Paris", 48.857, 2.352, 12), ("Madrid", 40.417, -3.704, 7),
    ("Barcelona", 41.385, 2.173, 5), ("Berlin", 52.520, 13.405, 6), ("Hamburg", 53.551, 9.994, 3),
    ("Munich", 48.135, 11.582, 3), ("Cologne", 50.938, 6.960, 2), ("Frankfurt", 50.110, 8.682, 2),
    ("Rome", 41.903, 12.496, 4), ("Milan", 45.464, 9.190, 5), ("Naples", 40.852, 14.268, 3),
    ("Amsterdam", 52.368, 4.904, 3), ("Rotterdam", 51.924, 4.478, 2), ("Brussels", 50.850, 4.352, 2),
    ("Vienna", 48.208, 16.374, 3), ("Zurich", 47.377, 8.542, 2), ("Prague", 50.076, 14.438, 2),
    ("Warsaw", 52.230, 21.012, 3), ("Krakow", 50.065, 19.945, 1), ("Budapest", 47.498, 19.040, 3),
    ("Bucharest", 44.427, 26.103, 2), ("Athens", 37.984, 23.728, 4), ("Lisbon", 38.722, -9.139, 3),
    ("Porto", 41.158, -8.629, 2), ("Dublin", 53.350, -6.260, 2), ("Copenhagen", 55.676, 12.568, 2),
    ("Stockholm", 59.329, 18.069, 2), ("Oslo", 59.914, 10.752, 1), ("Helsinki", 60.170, 24.938, 1),
    ("Lyon", 45.764, 4.836, 2), ("Marseille", 43.297, 5.370, 2), ("Manchester", 53.481, -2.243, 3),
    ("Birmingham", 52.486, -1.890, 3), ("Glasgow", 55.864, -4.252, 2),
    ("New York", 40.713, -74.006, 19), ("Los Angeles", 34.052, -118.244, 13), ("Chicago", 41.878, -87.630, 9),
    ("Houston", 29.760, -95.370, 7), ("Dallas", 32.777, -96.797, 7), ("Phoenix", 33.448, -112.074, 5),
    ("Philadelphia", 39.953, -75.165, 6), ("San Francisco", 37.775, -122.419, 5), ("Seattle", 47.606, -122.332, 4),
    ("Boston", 42.360, -71.059, 5), ("Atlanta", 33.749, -84.388, 6), ("Miami", 25.762, -80.192, 6),
    ("Denver", 39.739, -104.990, 3), ("Minneapolis", 44.978, -93.265, 4), ("Washington", 38.907, -77.037, 6),
]
TOTAL_WEIGHT = sum(city[3] for city in CITIES)
REGIONS = [(36.0, 60.0, -9.0, 30.0), (30.0, 48.0, -122.0, -72.0)]  # Europe, the contiguous US: scattered hubs
REMOTE = [(64.1, -21.9), (23.4, 25.7), (-33.9, 18.4), (35.7, 139.7), (-23.5, -46.6), (61.2, -149.9)]
CITY_SPREAD_DEG = 0.12  # a city's hubs and buyers: normal around its centre, ~13 km
CITY_SHARE = 0.8  # the other hubs are scattered over the regions
BLOCK_S = 2
START_TIME = 1_767_225_600  # 2026-01-01
FEE_BPS, QUORUM, MAX_LEAD_TIME_HOURS = 200, 1, 720
WINDOWS = (48 * 3600, 72 * 3600, 7 * 86400)  # accept, dispute, arbitration
RATING_FEE_UNIT = 10**6  # the test token's (6 decimals)
PRODUCTS = 12
HOUR, DAY = 3600.0, 86400.0
ORDERS_PER_DAY = 12_000
HUB_INTERVAL_S = 20.0
RATINGS = ((5, 4, 3, 2, 1), (50, 30, 10, 5, 5))
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def address(label: str) -> str:
    """A deterministic account address for a generated actor (a hub operator, a buyer)."""
    return str(to_checksum_address(blake2b(label.encode(), digest_size=20).digest()))


def query_geohashes(rng: random.Random, count: int, remote_share: float = 0.1) -> list[str]:
    """Where benchmark buyers search from: near the cities (by weight), and some far from every hub."""
    points = []
    for _ in range(count):
        if rng.random() < remote_share:
            latitude, longitude = rng.choice(REMOTE)
        else:
            _, latitude, longitude, _ = rng.choices(CITIES, weights=[c[3] for c in CITIES])[0]
        spread = CITY_SPREAD_DEG
        points.append(geo.encode(latitude + rng.gauss(0, spread), longitude + rng.gauss(0, spread), 7))
    return points


@dataclass(frozen=True)
class SuiteAddresses:
    hub_registry: str
    product_registry: str
    order_escrow: str
    token: str
    governor: str
    oracle: str = address("oracle")
    arbiter: str = address("arbiter")

    @classmethod
    def placeholders(cls) -> SuiteAddresses:
        return cls(*(address(name) for name in ("HubRegistry", "ProductRegistry", "OrderEscrow", "gUSD", "governor")))


@dataclass
class Generated:
    """What a history holds so far."""

    hubs: int = 0
    approved: int = 0
    pending: int = 0
    suspended: int = 0
    offers: int = 0
    orders: int = 0
    rated: int = 0
    order_status: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)


@dataclass
class _Hub:
    hub_id: int
    operator: str
    city: int  # index in CITIES, -1: scattered
    quality: float  # shifts its ratings
    prices: dict[int, int] = field(default_factory=dict)
    lead_hours: int = 24


@dataclass
class _Order:
    order_id: int
    hub: _Hub
    buyer: str
    hub_price: int
    royalty: int
    weight: int
    status: OrderStatus = OrderStatus.PAID
    late: bool = False


class MarketHistory:
    def __init__(self, suite: SuiteAddresses, seed: int = 2026, first_block: int = 1,
                 orders_per_day: float = ORDERS_PER_DAY) -> None:
        self.suite = suite
        self.orders_per_day = orders_per_day
        self.rng = random.Random(seed)
        self.first_block = first_block
        self.generated = Generated()
        self.time = float(START_TIME)
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = 0
        self._out: list[ChainEvent] = []
        self._block, self._log_index, self._tx_count = -1, 0, 0
        self._hubs: list[_Hub] = []
        self._open_hubs: dict[int, list[_Hub]] = {}  # by city: approved hubs with offers, where orders go
        self._products: dict[int, tuple[int, int, int]] = {}  # product -> (version, royalty bps, base price)
        self._raters: dict[tuple[int, str], int] = {}  # (hub, rater) -> weight (HubRegistry's RaterRecord)
        self._orders_placed = 0
        self._buyer_pool = 10
        self._buyers: dict[tuple[int, int], str] = {}
        self._city_weights: tuple[list[int], list[int]] | None = None  # open cities, cumulative weights

    @property
    def block(self) -> int:
        return self.first_block + int((self.time - START_TIME) // BLOCK_S)

    # ------------------------------------------------------------------ phases
    def opening(self) -> Iterator[ChainEvent]:
        """The deployment (as deploy_suite makes it), the payment token, the products."""
        s, roles = self.suite, {name: keccak(text=name) for name in ("HUB_APPROVER_ROLE", "ORACLE_ROLE",
                                                                     "ARBITER_ROLE", "PAUSER_ROLE", "ESCROW_ROLE")}
        admin = b"\0" * 32
        self._tx((s.hub_registry, "RoleGranted", {"role": admin, "account": s.governor, "sender": s.governor}))
        self._tx((s.product_registry, "RoleGranted", {"role": admin, "account": s.governor, "sender": s.governor}))
        self._tx((s.order_escrow, "RoleGranted", {"role": admin, "account": s.governor, "sender": s.governor}),
                 (s.order_escrow, "CommunityFundChanged", {"communityFund": s.governor}),
                 (s.order_escrow, "FeeChanged", {"feeBps": FEE_BPS}),
                 (s.order_escrow, "QuorumChanged", {"quorum": QUORUM}),
                 (s.order_escrow, "WindowsChanged", dict(zip(("acceptWindow", "disputeWindow", "arbitrationWindow"),
                                                             WINDOWS, strict=True))),
                 (s.order_escrow, "LeadTimeCapChanged", {"maxLeadTimeHours": MAX_LEAD_TIME_HOURS}))
        for contract, role, account in ((s.hub_registry, "ESCROW_ROLE", s.order_escrow),
                                        (s.hub_registry, "HUB_APPROVER_ROLE", s.governor),
                                        (s.product_registry, "PAUSER_ROLE", s.governor),
                                        (s.order_escrow, "PAUSER_ROLE", s.governor),
                                        (s.order_escrow, "ORACLE_ROLE", s.oracle),
                                        (s.order_escrow, "ARBITER_ROLE", s.arbiter)):
            self._tx((contract, "RoleGranted", {"role": roles[role], "account": account, "sender": s.governor}))
        self._tx((s.order_escrow, "PaymentTokenSet", {"token": s.token, "index": 1, "allowed": True,
                                                      "ratingFeeUnit": RATING_FEE_UNIT}))
        for product_id in range(1, PRODUCTS + 1):
            royalty_bps, base_price = self.rng.randint(3, 15) * 100, self.rng.randint(4, 40) * 10**6
            self._products[product_id] = (1, royalty_bps, base_price)
            self._tx((s.product_registry, "ProductRegistered", {
                "productId": product_id, "designer": address(f"designer:{product_id % 4}"),
                "designHash": _hash32(f"design:{product_id}:1"), "royaltyBps": royalty_bps,
                "metadataURI": f"ipfs://design-{product_id}"}))
        self._products[2] = (2, *self._products[2][1:])  # a designer improves a part
        self._tx((s.product_registry, "ProductVersionPublished", {"productId": 2, "version": 2,
                                                                  "designHash": _hash32("design:2:2"),
                                                                  "metadataURI": "ipfs://design-2-v2"}))
        yield from self._flush()

    def hubs(self, count: int) -> Iterator[ChainEvent]:
        """`count` more hubs join, one every HUB_INTERVAL_S: registered, then (mostly) approved, offering
        product 1 and a few others; some are suspended later. Runs until every step of theirs is done."""
        start = self.time
        for i in range(count):
            self._at(start + i * HUB_INTERVAL_S, self._register_hub)
        yield from self._run(lambda: True)

    def orders(self, count: int) -> Iterator[ChainEvent]:
        """`count` orders placed (`orders_per_day` on average) at open hubs near their buyers, each going on
        through its life; when the last is placed, what is still ahead stays in flight."""
        target = self._orders_placed + count
        if count and not self._open_hubs:
            raise ValueError("orders need approved hubs with offers: generate hubs first")
        self._buyer_pool = max(10, count // 4)  # about four orders per buyer

        def place() -> None:
            self._place_order()
            if self._orders_placed < target:
                self._at(self.time + self.rng.expovariate(self.orders_per_day / DAY), place)

        self._at(self.time, place)
        yield from self._run(lambda: self._orders_placed < target)
        self._queue.clear()

    # ------------------------------------------------------------------ hubs
    def _register_hub(self) -> None:
        hub_id = len(self._hubs) + 1
        rng = self.rng
        if rng.random() < CITY_SHARE:
            city = rng.choices(range(len(CITIES)), weights=[c[3] for c in CITIES])[0]
            latitude = CITIES[city][1] + rng.gauss(0, CITY_SPREAD_DEG)
            longitude = CITIES[city][2] + rng.gauss(0, CITY_SPREAD_DEG / math.cos(math.radians(CITIES[city][1])))
        else:
            city, (south, north, west, east) = -1, rng.choice(REGIONS)
            latitude, longitude = rng.uniform(south, north), rng.uniform(west, east)
        hub = _Hub(hub_id, address(f"operator:{hub_id}"), city, rng.gauss(0, 0.6),
                   lead_hours=rng.choice((12, 24, 48, 72)))
        self._hubs.append(hub)
        self._tx((self.suite.hub_registry, "HubRegistered", {
            "hubId": hub_id, "operator": hub.operator, "geohash": geo.to_bytes12(geo.encode(latitude, longitude, 8)),
            "capabilities": rng.randint(1, 7), "metadataURI": f"ipfs://hub-{hub_id}"}))
        self.generated.hubs += 1
        self.generated.pending += 1
        if rng.random() >= 0.02:  # else the operator never completes the approval: the hub stays pending
            self._after(rng.uniform(HOUR, 3 * DAY), lambda: self._approve_hub(hub))

    def _approve_hub(self, hub: _Hub) -> None:
        self._tx((self.suite.hub_registry, "HubApproved", {"hubId": hub.hub_id, "approver": self.suite.governor}))
        self.generated.pending -= 1
        self.generated.approved += 1
        self._after(self.rng.uniform(600, DAY), lambda: self._publish_offers(hub))

    def _publish_offers(self, hub: _Hub) -> None:
        others = self.rng.sample(range(2, PRODUCTS + 1), self.rng.choice((0, 0, 1, 2, 3)))
        for product_id in (1, *others):
            price = self._products[product_id][2] * self.rng.randint(70, 150) // 100
            hub.prices[product_id] = price
            self._tx((self.suite.product_registry, "OfferPublished", {
                "productId": product_id, "hubId": hub.hub_id, "token": self.suite.token, "price": price,
                "leadTimeHours": hub.lead_hours}))
            self.generated.offers += 1
        self._open_hubs.setdefault(hub.city, []).append(hub)
        self._city_weights = None
        if self.rng.random() < 0.005:
            self._after(self.rng.uniform(DAY, 10 * DAY), lambda: self._suspend_hub(hub))

    def _suspend_hub(self, hub: _Hub) -> None:
        self._tx((self.suite.hub_registry, "HubSuspended", {"hubId": hub.hub_id, "approver": self.suite.governor,
                                                            "reason": "repeated complaints"}))
        self._open_hubs[hub.city].remove(hub)
        self._city_weights = None
        self.generated.approved -= 1
        self.generated.suspended += 1

    # ------------------------------------------------------------------ orders
    def _place_order(self) -> None:
        rng = self.rng
        if self._city_weights is None:
            cities = [city for city, hubs in self._open_hubs.items() if hubs]
            self._city_weights = (cities, list(itertools.accumulate(CITIES[c][3] if c >= 0 else 4 for c in cities)))
        city = rng.choices(self._city_weights[0], cum_weights=self._city_weights[1])[0]
        hub = rng.choice(self._open_hubs[city])
        product_id = 1 if rng.random() < 0.6 else rng.choice(list(hub.prices))
        version, royalty_bps, _ = self._products[product_id]
        quantity = rng.choices((1, 2, 3, 5), weights=(80, 12, 5, 3))[0]
        hub_price = hub.prices[product_id] * quantity
        royalty = hub_price * royalty_bps // 10_000
        weight = min(hub_price * FEE_BPS // 10_000 * FULL_REPUTATION_WEIGHT // RATING_FEE_UNIT, FULL_REPUTATION_WEIGHT)
        self._orders_placed += 1
        share = CITIES[city][3] / TOTAL_WEIGHT if city >= 0 else 0.05
        buyer = (city, rng.randrange(max(10, int(self._buyer_pool * share))))
        if buyer not in self._buyers:
            self._buyers[buyer] = address(f"buyer:{city}:{buyer[1]}")
        order = _Order(self._orders_placed, hub, self._buyers[buyer], hub_price, royalty, weight)
        self._tx((self.suite.order_escrow, "OrderPlaced", {
            **self._ids(order), "productId": product_id, "designVersion": version, "token": self.suite.token,
            "quantity": quantity, "amount": hub_price + royalty, "royalty": royalty,
            "acceptBy": int(self.time) + WINDOWS[0]}))
        self.generated.orders += 1
        self._status(order, OrderStatus.PAID)
        fate = rng.random()
        if fate < 0.03:
            self._after(rng.uniform(0.5 * HOUR, 20 * HOUR), lambda: self._refund(order, 0, ""))
        elif fate < 0.05:
            self._after(rng.uniform(HOUR, 12 * HOUR), lambda: self._refund(order, 1, "cannot print this material"))
        else:
            self._after(rng.uniform(0.5 * HOUR, 24 * HOUR), lambda: self._accept(order))

    def _accept(self, order: _Order) -> None:
        ship_by = int(self.time) + order.hub.lead_hours * 3600
        self._tx((self.suite.order_escrow, "OrderAccepted", {**self._ids(order), "shipBy": ship_by}))
        self._status(order, OrderStatus.ACCEPTED)
        if self.rng.random() < 0.01:  # never shipped: the buyer claims a refund after the deadline
            self._after(order.hub.lead_hours * HOUR + self.rng.uniform(HOUR, 2 * DAY),
                        lambda: self._refund(order, 2, ""))
        else:
            self._after(order.hub.lead_hours * HOUR * self.rng.uniform(0.3, 1.08), lambda: self._ship(order, ship_by))

    def _ship(self, order: _Order, ship_by: int) -> None:
        order.late = self.time > ship_by
        ref = tracking_number(DEFAULT_TRACKING_FORMAT, order.hub.hub_id, order.order_id)
        self._tx((self.suite.order_escrow, "OrderShipped", {
            **self._ids(order), "trackingRef": keccak(text=ref), "disputeBy": int(self.time) + WINDOWS[1],
            "late": order.late}))
        self._status(order, OrderStatus.SHIPPED)
        way = self.rng.random()
        if way < 0.02:
            self._after(self.rng.uniform(12 * HOUR, 60 * HOUR), lambda: self._dispute(order))
        elif way < 0.72:
            self._after(self.rng.uniform(12 * HOUR, 60 * HOUR), lambda: self._deliver(order, confirmed_by_oracle=True))
        elif way < 0.92:
            self._after(self.rng.uniform(12 * HOUR, 60 * HOUR), lambda: self._deliver(order, confirmed_by_oracle=False))
        else:  # nobody confirms: anyone finalizes after the dispute window
            self._after(WINDOWS[1] + self.rng.uniform(60, DAY), lambda: self._deliver(order, confirmed_by_oracle=False))

    def _deliver(self, order: _Order, confirmed_by_oracle: bool) -> None:
        escrow = self.suite.order_escrow
        logs: list[tuple[str, str, dict[str, Any]]] = []
        if confirmed_by_oracle:
            logs.append((escrow, "DeliveryConfirmed", {**self._ids(order), "oracle": self.suite.oracle,
                                                       "confirmations": 1}))
        outcome = Outcome.COMPLETED_LATE if order.late else Outcome.COMPLETED
        fee = order.hub_price * FEE_BPS // 10_000
        logs += [self._outcome(order, outcome),
                 (escrow, "OrderDelivered", {**self._ids(order), "hubPayout": order.hub_price - fee,
                                             "royalty": order.royalty, "fee": fee})]
        self._tx(*logs)
        self._status(order, OrderStatus.DELIVERED)
        if self.rng.random() < 0.45:
            self._after(self.rng.uniform(HOUR, 3 * DAY), lambda: self._rate(order))

    def _rate(self, order: _Order) -> None:
        hub = order.hub
        stars = min(5, max(1, self.rng.choices(*RATINGS)[0] + round(hub.quality)))
        key = (hub.hub_id, order.buyer)
        rater_weight = min(max(self._raters.get(key, 0), order.weight), FULL_REPUTATION_WEIGHT)
        self._raters[key] = rater_weight
        self._tx((self.suite.order_escrow, "OrderRated", {**self._ids(order), "rating": stars}),
                 (self.suite.hub_registry, "HubRated", {"hubId": hub.hub_id, "orderId": order.order_id,
                                                        "rater": order.buyer, "rating": stars,
                                                        "raterWeight": rater_weight}))
        self.generated.rated += 1

    def _dispute(self, order: _Order) -> None:
        arbitrate_by = int(self.time) + WINDOWS[2]
        self._tx((self.suite.order_escrow, "OrderDisputed", {**self._ids(order), "arbitrateBy": arbitrate_by,
                                                             "reason": "arrived broken"}))
        self._status(order, OrderStatus.DISPUTED)
        if self.rng.random() < 0.2:  # the arbiters never decide: anyone settles it after the window
            self._after(WINDOWS[2] + self.rng.uniform(60, DAY), lambda: self._resolve(order, 5_000, expired=True))
        else:
            refund_bps = self.rng.choice((0, 3_000, 5_000, 10_000))
            self._after(self.rng.uniform(DAY, 5 * DAY), lambda: self._resolve(order, refund_bps, expired=False))

    def _resolve(self, order: _Order, refund_bps: int, expired: bool) -> None:
        amount = order.hub_price + order.royalty
        refund = amount * refund_bps // 10_000
        royalty = order.royalty * (10_000 - refund_bps) // 10_000
        fee = (amount - refund - royalty) * FEE_BPS // 10_000
        outcome = (Outcome.DISPUTE_EXPIRED if expired else
                   Outcome.DISPUTE_LOST if refund_bps >= 5_000 else Outcome.DISPUTE_WON)
        self._tx(self._outcome(order, outcome), (self.suite.order_escrow, "DisputeResolved", {
            **self._ids(order), "arbiter": ZERO_ADDRESS if expired else self.suite.arbiter, "refundBps": refund_bps,
            "refund": refund, "hubPayout": amount - refund - royalty - fee, "royalty": royalty, "fee": fee}))
        self._status(order, OrderStatus.RESOLVED)

    def _refund(self, order: _Order, reason: int, note: str) -> None:
        refunded = (self.suite.order_escrow, "OrderRefunded", {**self._ids(order), "reason": reason,
                                                               "amount": order.hub_price + order.royalty, "note": note})
        self._tx(refunded, *([self._outcome(order, Outcome.REFUNDED_FOR_FAULT)] if reason == 2 else []))
        self._status(order, OrderStatus.REFUNDED)

    def _outcome(self, order: _Order, outcome: Outcome) -> tuple[str, str, dict[str, Any]]:
        return (self.suite.hub_registry, "OutcomeRecorded", {"hubId": order.hub.hub_id, "orderId": order.order_id,
                                                             "outcome": int(outcome), "weight": order.weight})

    @staticmethod
    def _ids(order: _Order) -> dict[str, Any]:
        return {"orderId": order.order_id, "hubId": order.hub.hub_id, "buyer": order.buyer}

    def _status(self, order: _Order, status: OrderStatus) -> None:
        if status != OrderStatus.PAID:
            self.generated.order_status[order.status.name.lower()] -= 1
        order.status = status
        self.generated.order_status[status.name.lower()] += 1

    # ------------------------------------------------------------------ time, blocks, transactions
    def _at(self, when: float, step: Callable[[], None]) -> None:
        self._sequence += 1
        heapq.heappush(self._queue, (when, self._sequence, step))

    def _after(self, delay: float, step: Callable[[], None]) -> None:
        self._at(self.time + delay, step)

    def _run(self, more: Callable[[], bool]) -> Iterator[ChainEvent]:
        while self._queue and more():
            when, _, step = heapq.heappop(self._queue)
            self.time = max(self.time, when)
            step()
            yield from self._flush()

    def _flush(self) -> Iterator[ChainEvent]:
        events, self._out = self._out, []
        return iter(events)

    def _tx(self, *logs: tuple[str, str, dict[str, Any]]) -> None:
        """One transaction in the current block, emitting `logs` (contract, event, args) in that order."""
        block = self.block
        if block != self._block:
            self._block, self._log_index = block, 0
        self._tx_count += 1
        tx_hash = "0x" + blake2b(b"tx%d" % self._tx_count, digest_size=32).hexdigest()
        for contract, name, args in logs:
            content = blake2b(f"{name}{sorted(args.items())}".encode(), digest_size=8).hexdigest()
            self._out.append(ChainEvent(name, args, contract, block, block_hash(block), tx_hash, self._log_index,
                                        f"{tx_hash}:{content}:0"))
            self._log_index += 1
            self.generated.events[name] += 1


def block_hash(number: int) -> str:
    return "0x" + blake2b(b"block%d" % number, digest_size=32).hexdigest()


def _hash32(text: str) -> bytes:
    return blake2b(text.encode(), digest_size=32).digest()
