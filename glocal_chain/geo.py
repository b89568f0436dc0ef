"""Geohashes: validation, decoding to a point, and great-circle distance (for local-first ranking)."""

from __future__ import annotations

import math

from glocal_chain.errors import GlocalError

ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz"
MAX_LENGTH = 12
EARTH_RADIUS_KM = 6371.0088


class InvalidGeohash(GlocalError):
    """A geohash is empty, too long, or has a character outside the geohash alphabet."""


def validate(geohash: str) -> str:
    if not 1 <= len(geohash) <= MAX_LENGTH or any(c not in ALPHABET for c in geohash):
        raise InvalidGeohash(
            f"invalid geohash {geohash!r}: 1 to {MAX_LENGTH} characters of {ALPHABET!r} (lower case)"
        )
    return geohash


def to_bytes12(geohash: str) -> bytes:
    return validate(geohash).encode().ljust(MAX_LENGTH, b"\0")


def from_bytes12(raw: bytes) -> str:
    return bytes(raw).rstrip(b"\0").decode()


def decode(geohash: str) -> tuple[float, float]:
    """The centre (latitude, longitude) of a geohash cell."""
    lat, lon = [-90.0, 90.0], [-180.0, 180.0]
    even = True
    for char in validate(geohash):
        bits = ALPHABET.index(char)
        for shift in range(4, -1, -1):
            half = lon if even else lat
            mid = (half[0] + half[1]) / 2
            if bits >> shift & 1:
                half[0] = mid
            else:
                half[1] = mid
            even = not even
    return (lat[0] + lat[1]) / 2, (lon[0] + lon[1]) / 2


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two geohash cell centres."""
    return point_distance_km(decode(a), decode(b))


def shared_prefix(a: str, b: str) -> int:
    """How many leading characters two geohashes share: the ring of cells they both fall in."""
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def point_distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def local_first_key(query: str, hub_geohash: str, distance: float, rating_centi_stars: int,
                    price: int) -> tuple[int, float, int, int]:
    """How hubs are ranked for a buyer at `query`: the nearest geohash ring first, then distance (to
    0.1 km), then reputation (higher first), then price (lower first)."""
    return (-shared_prefix(query, hub_geohash), round(distance, 1), -rating_centi_stars, price)


def encode(latitude: float, longitude: float, length: int = 8) -> str:
    """The geohash of a point, `length` characters long."""
    lat, lon = [-90.0, 90.0], [-180.0, 180.0]
    chars: list[str] = []
    bits, value, even = 0, 0, True
    while len(chars) < length:
        half, point = (lon, longitude) if even else (lat, latitude)
        mid = (half[0] + half[1]) / 2
        value <<= 1
        if point >= mid:
            value |= 1
            half[0] = mid
        else:
            half[1] = mid
        even, bits = not even, bits + 1
        if bits == 5:
            chars.append(ALPHABET[value])
            bits, value = 0, 0
    return "".join(chars)


# ---------------------------------------------------------------------- cells: an index over places
# A point's cell is its MAX_LENGTH-character geohash as a number: longitude and latitude bits interleaved,
# longitude first, so the points of a geohash cell, and of each finer split of it (one bit at a time), have
# consecutive cell numbers. A database indexes them as plain integers (no text collation involved).
AXIS_BITS = MAX_LENGTH * 5 // 2
CELL_BITS = 2 * AXIS_BITS
BOUND_MARGIN_KM = 0.001  # keeps `box_distance_km` below every distance despite rounding


def cell(latitude: float, longitude: float) -> int:
    """The cell number of a point."""
    return _spread(_step(longitude, -180.0, 360.0)) << 1 | _spread(_step(latitude, -90.0, 180.0))


def prefix_cell(geohash: str) -> int:
    """The first cell number of a geohash cell (its cells take the next 2 ** (CELL_BITS - 5 * len) numbers)."""
    number = 0
    for char in validate(geohash):
        number = number << 5 | ALPHABET.index(char)
    return number << (CELL_BITS - 5 * len(geohash))


def cell_box(first: int, bits: int) -> tuple[float, float, float, float]:
    """(south, north, west, east) of the cell `bits` deep whose cell numbers start at `first`."""
    lon_bits, lat_bits = (bits + 1) // 2, bits // 2
    width, height = 360.0 / (1 << lon_bits), 180.0 / (1 << lat_bits)
    west = -180.0 + (_compact(first >> 1) >> (AXIS_BITS - lon_bits)) * width
    south = -90.0 + (_compact(first) >> (AXIS_BITS - lat_bits)) * height
    return south, south + height, west, west + width


def box_distance_km(point: tuple[float, float], box: tuple[float, float, float, float]) -> float:
    """A lower bound of the distance from `point` to any point of `box` (south, north, west, east): the
    nearest point of the box is on the point's meridian, or else on the box's meridian edge fewer degrees of
    longitude away (at each latitude the nearer of the two), where distance along the edge has one minimum,
    at `_closest_latitude` or an end."""
    latitude, longitude = point
    south, north, west, east = box
    if west <= longitude <= east:
        nearest = [(min(max(latitude, south), north), longitude)]
    else:
        edge = min((west, east), key=lambda meridian: 180.0 - abs(abs(longitude - meridian) - 180.0))
        nearest = [(lat, edge) for lat in (south, north, _closest_latitude(point, edge)) if south <= lat <= north]
    return max(min(point_distance_km(point, other) for other in nearest) - BOUND_MARGIN_KM, 0.0)


def _closest_latitude(point: tuple[float, float], meridian: float) -> float:
    """Where on the great circle through `meridian` a point is nearest (its cosine of distance peaks)."""
    latitude = math.radians(point[0])
    return math.degrees(math.atan2(math.sin(latitude),
                                   math.cos(latitude) * math.cos(math.radians(point[1] - meridian))))


def _step(value: float, low: float, span: float) -> int:
    """Which of the 2**AXIS_BITS equal steps of [low, low + span] `value` falls in."""
    return min(max(int((value - low) / span * (1 << AXIS_BITS)), 0), (1 << AXIS_BITS) - 1)


SPREAD_MASKS = ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F),
                (2, 0x3333333333333333), (1, 0x5555555555555555))


def _spread(steps: int) -> int:
    """The bits of `steps` moved to every other position (bit i to bit 2i)."""
    for shift, mask in SPREAD_MASKS:
        steps = (steps | steps << shift) & mask
    return steps


def _compact(number: int) -> int:
    """The inverse of `_spread`: every other bit of `number` (bit 2i to bit i)."""
    number &= SPREAD_MASKS[-1][1]
    for shift, mask in ((1, 0x3333333333333333), (2, 0x0F0F0F0F0F0F0F0F), (4, 0x00FF00FF00FF00FF),
                        (8, 0x0000FFFF0000FFFF), (16, 0x00000000FFFFFFFF)):
        number = (number | number >> shift) & mask
    return number
