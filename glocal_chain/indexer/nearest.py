"""Local-first search over the read model's maker index (market_maker: the approved hubs offering each
product, by geo.cell): the hubs `near` ranks, found by reading only the index cells the ranking reaches.

The ranking (geo.local_first_key) puts hubs sharing a longer geohash prefix with the buyer first, then the
nearer (to 0.1 km), then the better rated, the cheaper and the older. A cell of the index whose cell numbers
leave the buyer's geohash after `b` bits holds only hubs sharing at most b // 5 characters with it, and none
nearer than its box (geo.box_distance_km): so one best-first walk, by (shared prefix, distance), visits the
hubs in ranking order and stops once the first `limit` are certain.

Each query counts: a walk reads, in one statement, the buyer's own cells at every prefix length first, then
the several cells nearest the head of its queue at a time, and never reads a cell twice (`CellReader`). A
search reads the radius asked for first; only when no hub lies within it does it look for the nearest hub,
widen, and walk again (from what it read)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from glocal_chain import geo
from glocal_chain.database import Connection

CELL_ROWS = 32  # a cell listing more makers than this is split in its 32 cells one character longer
CHAR_BITS = 5  # one geohash character: the cells searched are geohash cells
CELLS_PER_QUERY = 16  # the cells one statement reads: the one the walk needs and the nearest others unread
ALL_ROWS = 1 << 62
PLACES_QUERY = ("SELECT {0}, cell, hub_id, latitude, longitude, geohash FROM (SELECT cell, hub_id, latitude, "
                "longitude, geohash FROM market_maker WHERE product_id = ? AND cell >= ? AND cell < ? ORDER BY cell "
                "LIMIT {1}) AS cell_{0}")  # the limit written out: 3 parameters a cell, so psycopg caches its parsing


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


Cell = tuple[int, int]  # (first cell number, depth in bits)


class CellReader:
    """The makers of one product in index cells, each cell read at most once, several per statement: its
    first CELL_ROWS + 1 rows in cell order (all of them for a whole 12-character cell)."""

    def __init__(self, db: Connection, product_id: int, origin: tuple[float, float]) -> None:
        self.db, self.product_id, self.origin = db, product_id, origin
        self.rows: dict[Cell, list[Any]] = {}
        self.distances: dict[int, float] = {}
        self.bounds: dict[Cell, float] = {}

    def distance_km(self, row: Any) -> float:
        """How far the maker of a row is from `origin` (each computed once)."""
        distance = self.distances.get(row[1])
        if distance is None:
            distance = self.distances[row[1]] = geo.point_distance_km(self.origin, (row[2], row[3]))
        return distance

    def bound_km(self, cell: Cell) -> float:
        """How near to `origin` a maker in the cell can be (each computed once)."""
        bound = self.bounds.get(cell)
        if bound is None:
            bound = self.bounds[cell] = geo.box_distance_km(self.origin, geo.cell_box(*cell))
        return bound

    def read(self, cells: Sequence[Cell]) -> None:
        unread = sorted(set(cells) - self.rows.keys())
        if not unread:
            return
        sql = " UNION ALL ".join(PLACES_QUERY.format(index, CELL_ROWS + 1 if depth < geo.CELL_BITS else ALL_ROWS)
                                 for index, (_, depth) in enumerate(unread))
        params: list[int] = []
        for first, depth in unread:
            params += (self.product_id, first, first + (1 << (geo.CELL_BITS - depth)))
        for cell in unread:
            self.rows[cell] = []
        for index, *row in sorted(self.db.execute(sql, params).fetchall(), key=lambda row: int(row[1])):
            self.rows[unread[index]].append(row)


def local_first(db: Connection, product_id: int, geohash: str, radius_km: float, limit: int,
                growth: float, widest_km: float) -> Found:
    """The makers within `radius_km` of `geohash`, the radius multiplied by `growth` (up to `widest_km`)
    until one is; when none makes the product, nothing (and the radius as asked)."""
    cells = CellReader(db, product_id, geo.decode(geohash))
    cells.read([_ancestor(geo.prefix_cell(geohash), CHAR_BITS * length) for length in range(len(geohash) + 1)])
    makers = Walk(cells, geohash, radius_km).ranked(limit)
    if makers:
        return Found(radius_km, makers)

    def widened(distance_km: float) -> float:
        radius = radius_km
        while distance_km > radius and radius < widest_km:
            radius = min(radius * growth, widest_km)
        return radius

    radius = Walk(cells, geohash, widest_km, by_prefix=False).reach(widened)
    return Found(radius_km, []) if radius is None else Found(radius, Walk(cells, geohash, radius).ranked(limit))


def _ancestor(cell: int, depth: int) -> Cell:
    """The cell `depth` deep holding the given cell number."""
    return cell >> (geo.CELL_BITS - depth) << (geo.CELL_BITS - depth), depth


class Walk:
    """A best-first walk over the index from the whole Earth down, within `radius_km` of the buyer: hubs
    come out by (-shared prefix, distance), or by distance alone when not `by_prefix`."""

    def __init__(self, cells: CellReader, geohash: str, radius_km: float, by_prefix: bool = True) -> None:
        self.cells, self.geohash, self.radius_km, self.by_prefix = cells, geohash, radius_km, by_prefix
        self.origin = cells.origin
        self.path, self.path_bits = geo.prefix_cell(geohash), CHAR_BITS * len(geohash)
        self.order = itertools.count()
        # (-shared prefix at most, distance at least, tie-break, the hub or else the cell, whether the cell's
        # part off the buyer's path: hubs first, then cells by their bounds)
        self.queue: list[tuple[int, float, int, Maker | None, Cell, bool]] = []
        self.seen_km = float("inf")  # not by prefix: the nearest of the hubs any cell read listed
        self._push_cell((0, 0), 0.0)

    def ranked(self, limit: int) -> list[Maker]:
        """The hubs in ranking order up to the `limit`-th and all those tied with it (same prefix, same
        distance to 0.1 km); fewer when fewer are within the radius."""
        found: list[Maker] = []
        while self.queue:
            level, distance, *_ = self.queue[0]
            if len(found) >= limit:
                last = found[limit - 1]
                if level > self._level(last) or round(distance, 1) > round(last.distance_km, 1):
                    break
            maker = self._next()
            if maker is not None:
                found.append(maker)
        return found

    def reach(self, widened: Callable[[float], float]) -> float | None:
        """`widened(distance to the nearest hub)`, walking only until that is certain (not by prefix): until
        the nearest unread place (a lower bound of the distance) widens as far as the nearest hub read (an
        upper bound). None if no hub offers the product."""
        while self.queue:
            if widened(self.queue[0][1]) >= widened(self.seen_km):
                break
            maker = self._next()
            if maker is not None:
                self.seen_km = min(self.seen_km, maker.distance_km)
        return None if self.seen_km == float("inf") else widened(self.seen_km)

    def _next(self) -> Maker | None:
        """Takes the head of the queue: a hub, or a cell opened (read first, with the nearest unread ones)."""
        _, _, _, maker, cell, rest = heapq.heappop(self.queue)
        if maker is not None:
            return maker
        if rest:
            self._split(cell, around_path=True)
            return None
        if cell not in self.cells.rows:
            unread = [entry for entry in self.queue if entry[3] is None and not entry[5]
                      and entry[4] not in self.cells.rows]
            self.cells.read([cell, *(entry[4] for entry in heapq.nsmallest(CELLS_PER_QUERY - 1, unread))])
        self._open(cell)
        return None

    def _level(self, maker: Maker) -> int:
        return -geo.shared_prefix(self.geohash, maker.geohash) if self.by_prefix else 0

    def _cell_level(self, first: int, depth: int) -> int:
        """Minus the longest prefix a hub of the cell can share with the buyer's geohash."""
        if not self.by_prefix:
            return 0
        bits = min(depth, self.path_bits)
        apart = (first ^ self.path) >> (geo.CELL_BITS - bits)
        return -(len(self.geohash) if apart == 0 else (bits - apart.bit_length()) // CHAR_BITS)

    def _key(self, first: int, depth: int, bound: float) -> tuple[int, float]:
        return self._cell_level(first, depth), bound

    def _on_path(self, cell: Cell) -> bool:
        """Whether the cell holds the buyer's geohash cell (and is larger)."""
        first, depth = cell
        return depth < self.path_bits and (first ^ self.path) >> (geo.CELL_BITS - depth) == 0

    def _push_cell(self, cell: Cell, bound: float) -> None:
        if bound <= self.radius_km:
            heapq.heappush(self.queue, (*self._key(*cell, bound), next(self.order), None, cell, False))

    def _push_rows(self, rows: list[Any]) -> None:
        for row in rows:
            distance = self.cells.distance_km(row)
            if distance <= self.radius_km:
                maker = Maker(distance, row[1], row[4])
                heapq.heappush(self.queue, (self._level(maker), distance, next(self.order), maker, (0, 0), False))

    def _open(self, cell: Cell) -> None:
        """A read cell: its hubs, or, when it lists too many, its parts (the buyer's: the part on the
        buyer's path, and the others later, as one entry, ranked below it)."""
        depth = cell[1]
        rows = self.cells.rows[cell]
        if not self.by_prefix:
            self.seen_km = min((self.seen_km, *map(self.cells.distance_km, rows)))
        if len(rows) <= CELL_ROWS or depth == geo.CELL_BITS:
            self._push_rows(rows)
        elif self._on_path(cell):
            self._push_cell(_ancestor(self.path, depth + CHAR_BITS), 0.0)
            rest_level = -(depth // CHAR_BITS) if self.by_prefix else 0
            heapq.heappush(self.queue, (rest_level, 0.0, next(self.order), None, cell, True))
        else:
            self._split(cell, around_path=False)

    def _split(self, cell: Cell, around_path: bool) -> None:
        """The parts of a cell listing too many makers: those its rows (read in cell order) cover give their
        rows, the others are queued; `around_path`: all but the part on the buyer's path."""
        first, depth = cell
        rows = self.cells.rows[cell]
        part_depth = depth + CHAR_BITS
        part_size = 1 << (geo.CELL_BITS - part_depth)
        covered = first + (rows[-1][0] - first) // part_size * part_size  # every part below is read whole
        skip = _ancestor(self.path, part_depth)[0] if around_path else -1
        self._push_rows([row for row in rows if row[0] < covered and not skip <= row[0] < skip + part_size])
        for part in range(covered, first + (1 << (geo.CELL_BITS - depth)), part_size):
            if part != skip:
                self._push_cell((part, part_depth), self.cells.bound_km((part, part_depth)))
