"""/v1/hubs: hub profiles with reputation, and the local-first search."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from glocal_chain import geo
from glocal_chain.api.amounts import nearby_view
from glocal_chain.api.deps import ApiServices, address, found, services
from glocal_chain.api.schemas import ADDRESS, MAX_ID, Hub, NearbyHubs
from glocal_chain.errors import NotFound
from glocal_chain.sdk.models import HubStatus
from glocal_chain.web import error_responses

router = APIRouter(prefix="/v1/hubs", tags=["hubs"])
STATUSES = {status.name.lower(): status for status in HubStatus if status is not HubStatus.NONE}
DEFAULT_RADIUS_KM = 25.0
GEOHASH = f"^[{geo.ALPHABET}]{{1,{geo.MAX_LENGTH}}}$"


@router.get("", response_model=list[Hub], responses=error_responses(422))
def list_hubs(status: str | None = Query(None, pattern=f"^({'|'.join(STATUSES)})$",
                                         description=f"Only hubs in this state: {', '.join(STATUSES)}"),
              operator: str | None = Query(None, pattern=ADDRESS, description="Only the hubs this account operates"),
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ID),
              api: ApiServices = Depends(services)) -> list[dict[str, object]]:
    """Hubs, oldest first."""
    return api.market.hubs(STATUSES.get(status or ""), limit, offset,
                           None if operator is None else address(operator, "operator"))


@router.get("/near", response_model=NearbyHubs, responses=error_responses(404, 422, 503))
def near(geohash: str = Query(pattern=GEOHASH, description="Where the buyer is"),
         product: int = Query(ge=1, le=MAX_ID, description="The product to make"),
         radius_km: float = Query(DEFAULT_RADIUS_KM, gt=0, le=20_016),
         limit: int = Query(20, ge=1, le=200), api: ApiServices = Depends(services)) -> dict[str, object]:
    """Approved hubs offering `product`: the nearest geohash ring first, then reputation, then price (each
    offer's price in base units of its token). When no hub within `radius_km` can make it, the radius widens
    (x4 each step) until one can."""
    if not api.market.product_exists(product):
        raise NotFound(f"no product {product}", "product")
    return nearby_view(api.market.near(geo.validate(geohash), product, radius_km, limit), api.units)


@router.get("/{hub_id}", response_model=Hub, responses=error_responses(404, 422))
def show_hub(hub_id: int = Path(ge=1, le=MAX_ID), api: ApiServices = Depends(services)) -> dict[str, object]:
    """One hub with its reputation."""
    return found(api.market.hub(hub_id), f"hub {hub_id}", "hub_id")
