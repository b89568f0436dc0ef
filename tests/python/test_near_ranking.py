"""`near` reads only the index cells around the buyer; these tests check it answers exactly what ranking
every approved hub offering the product would (the brute force below), on random networks: hubs clustered
in cities and scattered, near the poles and across the antimeridian, hubs approved, suspended, reinstated
and moved, offers published, changed and withdrawn, ratings given. The networks are built by the real
write path: suite events through the indexer's projection into a real SQLite (and PostgreSQL) read model."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import pytest

from glocal_chain import geo
from glocal_chain.database import Connection, open_database
from glocal_chain.events.service import event_handlers
from glocal_chain.events.stream import ChainEvent
from glocal_chain.indexer import nearest
from glocal_chain.indexer.indexer import create_schema
from glocal_chain.indexer.projection import MarketProjection, ReputationScoring
from glocal_chain.indexer.read_model import HALF_EARTH_KM, RADIUS_GROWTH, MarketReadModel
from glocal_chain.sdk.models import FULL_REPUTATION_WEIGHT, HubStatus

SCORING = ReputationScoring(prior_raters=20, prior_orders=5, prior_rating_centi_stars=300,
                            prior_reliability_bps=9_000)
PRODUCTS = (1, 2, 3)
UNOFFERED = 4  # a product no hub makes: nothing to widen to
TOKENS = ("0x" + "11" * 20, "0x" + "22" * 20)
# (latitude, longitude, spread in degrees): cities, a pole, both sides of the antimeridian
CITIES = ((48.8566, 2.3522, 0.05), (52.52, 13.405, 0.3), (-1.2921, 36.8219, 0.02), (-17.71, 179.95, 0.4),
          (65.0, -179.9, 0.2), (89.7, 40.0, 0.5), (-89.9, -60.0, 0.1), (0.01, -0.01, 0.01))
SEEDS = (1, 2, 3)
QUERIES = 250


# ---------------------------------------------------------------------- the brute force: what near must answer
def brute_force_near(db: Connection, geohash: str, product_id: int, radius_km: float, limit: int) -> dict[str, Any]:
    """Every approved hub offering the product, the radius widened x4 until one is within it, ranked by
    geo.local_first_key (then the older hub first)."""
    rows = db.execute("SELECT h.hub_id, h.geohash, h.latitude, h.longitude, h.rating_centi_stars, o.price "
                      "FROM market_offer o JOIN market_hub h ON h.hub_id = o.hub_id "
                      "WHERE o.product_id = ? AND h.status = ?", (product_id, int(HubStatus.APPROVED))).fetchall()
    origin = geo.decode(geohash)
    makers = [(geo.point_distance_km(origin, (lat, lon)), hub_id, hub_geohash, rating, int(price))
              for hub_id, hub_geohash, lat, lon, rating, price in rows]
    radius = radius_km
    within = [m for m in makers if m[0] <= radius]
    while not within and makers and radius < HALF_EARTH_KM:
        radius = min(radius * RADIUS_GROWTH, HALF_EARTH_KM)
        within = [m for m in makers if m[0] <= radius]
    within.sort(key=lambda m: (geo.local_first_key(geohash, m[2], m[0], m[3], m[4]), m[1]))
    return {"searched_radius_km": radius, "widened": radius > radius_km,
            "hubs": [(hub_id, round(distance, 3)) for distance, hub_id, *_ in within[:limit]]}


def answer(read_model: MarketReadModel, geohash: str, product_id: int, radius_km: float,
           limit: int) -> dict[str, Any]:
    found = read_model.near(geohash, product_id, radius_km, limit)
    return {"searched_radius_km": found["searched_radius_km"], "widened": found["widened"],
            "hubs": [(hub["hub_id"], hub["distance_km"]) for hub in found["hubs"]]}


# ---------------------------------------------------------------------- random networks, as suite events
def random_place(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.75:
        latitude, longitude, spread = rng.choice(CITIES)
        latitude = min(max(rng.gauss(latitude, spread), -90.0), 90.0)
        return latitude, (rng.gauss(longitude, spread) + 540.0) % 360.0 - 180.0
    return math.degrees(math.asin(rng.uniform(-1.0, 1.0))), rng.uniform(-180.0, 180.0)


def random_geohash(rng: random.Random) -> str:
    return geo.encode(*random_place(rng), length=rng.choice((2, 4, 5, 6, 7, 8, 9, 12, 12, 12)))


class NetworkEvents:
    """Suite events of a random network, each one the chain would emit given the ones before it."""

    def __init__(self, seed: int, hubs: int) -> None:
        self.rng = random.Random(seed)
        self.events: list[ChainEvent] = []
        self.status: dict[int, HubStatus] = {}
        self.geohash: dict[int, str] = {}
        self.offers: set[tuple[int, int]] = set()
        for product_id in (*PRODUCTS, UNOFFERED):
            self.emit("ProductRegistered", productId=product_id, designer=TOKENS[0], designHash=bytes(32),
                      royaltyBps=100, metadataURI="ipfs://design")
        for _ in range(hubs):
            self.register()
        for _ in range(hubs * 6):
            self.step()

    def emit(self, name: str, **args: Any) -> None:
        number = len(self.events)
        self.events.append(ChainEvent(name=name, args=args, address=TOKENS[1], block_number=number + 1,
                                      block_hash=f"0x{number:064x}", tx_hash=f"0x{number:064x}", log_index=0,
                                      key=f"{number}"))

    def register(self) -> None:
        hub_id = len(self.status) + 1
        self.status[hub_id] = HubStatus.PENDING
        self.geohash[hub_id] = random_geohash(self.rng)
        self.emit("HubRegistered", hubId=hub_id, operator=TOKENS[0], geohash=geo.to_bytes12(self.geohash[hub_id]),
                  capabilities=1, metadataURI="ipfs://hub")
        if self.rng.random() < 0.85:
            self.approve(hub_id)

    def approve(self, hub_id: int) -> None:
        self.status[hub_id] = HubStatus.APPROVED
        self.emit("HubApproved", hubId=hub_id, approver=TOKENS[0])

    def step(self) -> None:
        rng = self.rng
        hub_id = rng.randrange(1, len(self.status) + 1)
        product_id = rng.choice(PRODUCTS)
        approved = self.status[hub_id] is HubStatus.APPROVED
        action = rng.random()
        if action < 0.55 and approved:  # publish or change an offer: few prices, so that ties happen
            self.offers.add((product_id, hub_id))
            self.emit("OfferPublished", productId=product_id, hubId=hub_id, token=rng.choice(TOKENS),
                      price=rng.choice((10, 11, 12, 15)) * 10**6, leadTimeHours=rng.randint(24, 96))
        elif action < 0.62 and (product_id, hub_id) in self.offers:
            self.offers.discard((product_id, hub_id))
            self.emit("OfferWithdrawn", productId=product_id, hubId=hub_id)
        elif action < 0.67 and approved:
            self.status[hub_id] = HubStatus.SUSPENDED
            self.emit("HubSuspended", hubId=hub_id, approver=TOKENS[0], reason="audit")
        elif action < 0.75 and not approved:
            self.approve(hub_id)
        elif action < 0.80:
            before, after = self.geohash[hub_id], random_geohash(rng)
            self.geohash[hub_id] = after
            self.emit("HubProfileUpdated", hubId=hub_id, geohash=geo.to_bytes12(after), capabilities=1,
                      metadataURI="ipfs://hub")
            if approved and not after.startswith(before):  # the registry: a move, not a refinement (HubMoved)
                self.status[hub_id] = HubStatus.PENDING
                self.emit("HubMoved", hubId=hub_id, fromGeohash=geo.to_bytes12(before), toGeohash=geo.to_bytes12(after))
        else:
            self.emit("HubRated", hubId=hub_id, orderId=len(self.events), rater=f"0x{rng.randrange(8):040x}",
                      rating=rng.randint(1, 5), raterWeight=rng.choice((FULL_REPUTATION_WEIGHT, 2_500)))


def project(events: list[ChainEvent], db: Connection) -> None:
    """The events through the indexer's projection, as its stream hands them over: in one transaction."""
    handlers = event_handlers(MarketProjection(SCORING))
    create_schema(db)
    db.execute("BEGIN IMMEDIATE")
    for event in events:
        handlers[event.name](event, db)
    db.execute("COMMIT")


def random_queries(rng: random.Random, count: int) -> Iterator[tuple[str, int, float, int]]:
    for _ in range(count):
        radius_km = rng.choice((25.0, 0.05, 1.0, 20_016.0, round(10 ** rng.uniform(-2.0, 4.3), 3)))
        yield random_geohash(rng), rng.choice((*PRODUCTS, UNOFFERED)), radius_km, rng.choice((1, 3, 20, 200))


class CountingConnection:
    """A real connection that counts the statements reading the maker index (round trips of a search)."""

    def __init__(self, db: Connection) -> None:
        self.db, self.index_reads = db, 0

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        self.index_reads += "market_maker" in sql
        return self.db.execute(sql, parameters)

    def close(self) -> None:
        self.db.close()


def assert_near_matches_brute_force(db_target: str, seed: int) -> int:
    """Builds the network of `seed` in the database, compares random searches; returns how many found hubs."""
    network = NetworkEvents(seed, hubs=300)
    writer = open_database(db_target)
    read_model = MarketReadModel(lambda: open_database(db_target))
    try:
        project(network.events, writer)
        found = 0
        for geohash, product_id, radius_km, limit in random_queries(random.Random(seed * 7919), QUERIES):
            expected = brute_force_near(writer, geohash, product_id, radius_km, limit)
            assert answer(read_model, geohash, product_id, radius_km, limit) == expected, (geohash, product_id,
                                                                                          radius_km, limit)
            found += len(expected["hubs"])
        return found
    finally:
        read_model.close()
        writer.close()


# ---------------------------------------------------------------------- tests
@pytest.mark.parametrize("seed", SEEDS)
def test_near_answers_as_brute_force_ranking_if_random_network_in_sqlite(seed, tmp_path):
    assert assert_near_matches_brute_force(str(tmp_path / "read-model.sqlite"), seed) > QUERIES


@pytest.mark.parametrize(("cell_rows", "cells_per_query"), [(1, 1), (3, 5)])
def test_near_answers_as_brute_force_ranking_if_cells_split_down_to_single_hubs(cell_rows, cells_per_query, tmp_path,
                                                                                  monkeypatch):
    """Tiny cells: every search splits cells down to 12-character ones, through every path of the walk."""
    monkeypatch.setattr(nearest, "CELL_ROWS", cell_rows)
    monkeypatch.setattr(nearest, "CELLS_PER_QUERY", cells_per_query)
    assert assert_near_matches_brute_force(str(tmp_path / "read-model.sqlite"), SEEDS[1]) > QUERIES


def test_near_reads_index_in_few_statements_if_random_network(tmp_path):
    """Round trips: a search reads the buyer's own cells in one statement, then several cells per statement,
    and walks outward only when no hub is within the radius asked (one by one, it took 7 on average here)."""
    db = open_database(tmp_path / "read-model.sqlite")
    project(NetworkEvents(SEEDS[0], hubs=300).events, db)
    counting = CountingConnection(db)
    read_model = MarketReadModel(lambda: counting)  # type: ignore[arg-type,return-value]
    reads = []
    for geohash, product_id, radius_km, limit in random_queries(random.Random(5), QUERIES):
        before = counting.index_reads
        read_model.near(geohash, product_id, radius_km, limit)
        reads.append(counting.index_reads - before)
    assert max(reads) <= 6 and sum(reads) <= 2 * len(reads), sorted(reads)
    db.close()


def test_near_answers_as_brute_force_ranking_if_random_network_in_postgresql(postgres):
    assert assert_near_matches_brute_force(postgres.get_uri(), SEEDS[0]) > QUERIES


def test_near_index_lists_exactly_approved_offers_if_hubs_suspended_moved_and_reinstated(tmp_path):
    network = NetworkEvents(5, hubs=200)
    db = open_database(tmp_path / "read-model.sqlite")
    project(network.events, db)
    listed = set(db.execute("SELECT m.hub_id, m.product_id, m.cell, h.latitude, h.longitude FROM market_maker m "
                            "JOIN market_hub h ON h.hub_id = m.hub_id").fetchall())
    approved = {(hub_id, product_id) for product_id, hub_id in network.offers
                if network.status[hub_id] is HubStatus.APPROVED}
    assert {(hub_id, product_id) for hub_id, product_id, *_ in listed} == approved
    assert all(cell == geo.cell(latitude, longitude) for *_, cell, latitude, longitude in listed)
    db.close()


@pytest.mark.parametrize("seed", range(3))
def test_cell_box_holds_its_points_and_bounds_their_distance_if_anywhere_on_earth(seed):
    """What the nearest-first search relies on: a point lies in the box of each cell its cell number is in,
    and box_distance_km never exceeds the distance to a point of the box (from near or far)."""
    rng = random.Random(seed)
    for _ in range(3000):
        point = random_place(rng)
        bits = rng.randint(0, geo.CELL_BITS)
        first = geo.cell(*point) >> (geo.CELL_BITS - bits) << (geo.CELL_BITS - bits)
        south, north, west, east = box = geo.cell_box(first, bits)
        assert south <= point[0] <= north and west <= point[1] <= east, (point, bits, box)
        origin = random_place(rng) if rng.random() < 0.5 else point_towards(
            *point, rng.uniform(0.0, 2 * math.pi), 10 ** rng.uniform(-2.0, 4.3))
        assert geo.box_distance_km(origin, box) <= geo.point_distance_km(origin, point), (origin, point, bits)


def point_towards(latitude: float, longitude: float, bearing: float, distance_km: float) -> tuple[float, float]:
    """The point `distance_km` from the given one along `bearing` (radians from north)."""
    angle, lat, lon = distance_km / geo.EARTH_RADIUS_KM, math.radians(latitude), math.radians(longitude)
    to_lat = math.asin(math.sin(lat) * math.cos(angle) + math.cos(lat) * math.sin(angle) * math.cos(bearing))
    to_lon = lon + math.atan2(math.sin(bearing) * math.sin(angle) * math.cos(lat),
                              math.cos(angle) - math.sin(lat) * math.sin(to_lat))
    return math.degrees(to_lat), (math.degrees(to_lon) + 540.0) % 360.0 - 180.0

