"""Local-first search over the read model's maker index (market_maker: the approved hubs offering each
product, by geo.cell): the hubs `near` ranks, found by reading only the index cells the ranking reaches.

The ranking (geo.local_first_key) puts hubs sharing a longer geohash prefix with the buyer first, then the
nearer (to 0.1 km), then the better rated, the cheaper and the older. Hubs sharing `level` characters all
lie in the buyer's `level`-character cell, so each level is searched inside that cell, nearest first
(`nearest_makers`), from the longest prefix outward, until `limit` hubs are certain."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from glocal_chain import geo
from glocal_chain.database import Connection

CELL_ROWS = 48  # a cell listing more makers than this is split (in 2 ** SPLIT_BITS) rather than read whole
SPLIT_BITS = 3
ALL_ROWS = 1 << 62
PLACES_QUERY = ("SELECT cell, hub_id, latitude, longitude, geohash FROM market_maker WHERE product_id = ? "
                "AND cell >= ? AND cell < ? ORDER BY cell LIMIT ?")


@dataclass(frozen=True)
class Maker:
    """A hub offering the product, where the search found it."""

    distance_km: float
    hub_id: int
    geohash: str


@dataclass(frozen=True)
class Found:
    """What a search found: the radius it searched (widened until a hub was within it) and the hubs that
    may rank among the first `limit` (the ranking is settled on their full rows)."""

    searched_radius_km: float
    makers: list[Maker]


def local_first(db: Connection, product_id: int, geohash: str, radius_km: float, limit: int,
                growth: float, widest_km: float) -> Found:
    """The makers within `radius_km` of `geohash`, the radius multiplied by `growth` (up to `widest_km`)
    until one is; when none makes the product, nothing (and the radius as asked)."""
    origin = geo.decode(geohash)
    everywhere = nearest_makers(db, product_id, origin, 0, 0)
    nearest = next(everywhere, None)
    if nearest is None:
        return Found(radius_km, [])
    radius = radius_km
    while nearest.distance_km > radius and radius < widest_km:
        radius = min(radius * growth, widest_km)
    makers: list[Maker] = []
    for level in range(len(geohash), -1, -1):
        if len(makers) >= limit:
            break
        if level:
            stream = nearest_makers(db, product_id, origin, geo.prefix_cell(geohash[:level]), 5 * level)
        else:
            stream = itertools.chain([nearest], everywhere)
        makers += _ring(stream, geohash, level, radius, limit - len(makers))
    return Found(radius, makers)


def _ring(stream: Iterator[Maker], geohash: str, level: int, radius_km: float, wanted: int) -> list[Maker]:
    """The makers within `radius_km` sharing exactly `level` characters with `geohash`: all of them, or
    at least the `wanted` nearest and every one as near to 0.1 km as the last of those."""
    found: list[Maker] = []
    for maker in stream:
        if maker.distance_km > radius_km:
            break
        if len(found) >= wanted and round(maker.distance_km, 1) > round(found[wanted - 1].distance_km, 1):
            break
        if geo.shared_prefix(geohash, maker.geohash) == level:
            found.append(maker)
    return found


def nearest_makers(db: Connection, product_id: int, origin: tuple[float, float], first_cell: int,
                   bits: int) -> Iterator[Maker]:
    """The makers in the cell `bits` deep starting at `first_cell`, nearest to `origin` first: a cell is
    read only once nothing unread can be nearer than it; one listing many makers is split, and those of its
    parts that the rows read (in cell order) already cover need no query of their own."""
    order = itertools.count()
    queue: list[tuple[float, int, int, int, Maker | None]] = [(0.0, next(order), first_cell, bits, None)]

    def found(row: Any) -> None:
        maker = Maker(geo.point_distance_km(origin, (row[2], row[3])), row[1], row[4])
        heapq.heappush(queue, (maker.distance_km, next(order), 0, 0, maker))

    while queue:
        _, _, first, depth, maker = heapq.heappop(queue)
        if maker is not None:
            yield maker
            continue
        size = 1 << (geo.CELL_BITS - depth)
        rows = db.execute(PLACES_QUERY, (product_id, first, first + size,
                                         CELL_ROWS + 1 if depth < geo.CELL_BITS else ALL_ROWS)).fetchall()
        if len(rows) <= CELL_ROWS or depth == geo.CELL_BITS:
            for row in rows:
                found(row)
            continue
        read_below = rows[-1][0]  # every maker of the cell below this cell number has been read
        part_depth = min(depth + SPLIT_BITS, geo.CELL_BITS)
        part_size = 1 << (geo.CELL_BITS - part_depth)
        for part in range(first, first + size, part_size):
            if part + part_size <= read_below:
                for row in rows:
                    if part <= row[0] < part + part_size:
                        found(row)
            else:
                bound = geo.box_distance_km(origin, geo.cell_box(part, part_depth))
                heapq.heappush(queue, (bound, next(order), part, part_depth, None))
