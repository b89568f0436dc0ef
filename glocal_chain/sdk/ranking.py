"""Local-first ranking of the hubs that make a product: nearest geohash ring first, then reputation, then price."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from glocal_chain import geo
from glocal_chain.sdk.models import Hub, HubStatus, Offer


@dataclass(frozen=True)
class RankedHub:
    hub: Hub
    offer: Offer
    distance_km: float
    shared_prefix: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.hub.to_dict(), "offer": self.offer.to_dict(), "distance_km": round(self.distance_km, 3),
                "shared_geohash_prefix": self.shared_prefix}


def rank_local_first(geohash: str, candidates: Iterable[tuple[Hub, Offer]]) -> list[RankedHub]:
    """The approved hubs among `candidates` with an offer (a price above 0), ranked for a buyer at `geohash`
    by geo.local_first_key."""
    geo.validate(geohash)
    ranked = [RankedHub(hub, offer, geo.distance_km(geohash, hub.geohash), geo.shared_prefix(geohash, hub.geohash))
              for hub, offer in candidates if hub.status is HubStatus.APPROVED and offer.price > 0]
    ranked.sort(key=lambda r: geo.local_first_key(geohash, r.hub.geohash, r.distance_km,
                                                  r.hub.reputation.rating_centi_stars, r.offer.price))
    return ranked
