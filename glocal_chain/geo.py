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
