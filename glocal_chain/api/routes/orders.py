"""/v1/orders: orders by id (with their history), by buyer, by hub."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from glocal_chain.api.amounts import order_view
from glocal_chain.api.deps import ApiServices, address, found, services
from glocal_chain.api.schemas import ADDRESS, MAX_ID, MAX_ORDER_ID, Order
from glocal_chain.sdk.models import OrderStatus
from glocal_chain.web import error_responses

router = APIRouter(prefix="/v1/orders", tags=["orders"])
STATUSES = {status.name.lower(): status for status in OrderStatus if status is not OrderStatus.NONE}


@router.get("", response_model=list[Order], response_model_exclude_unset=True, responses=error_responses(422, 503))
def list_orders(buyer: str | None = Query(None, pattern=ADDRESS, description="Only this buyer's orders"),
                hub: int | None = Query(None, ge=1, le=MAX_ID, description="Only this hub's orders"),
                status: str | None = Query(None, pattern=f"^({'|'.join(STATUSES)})$",
                                           description=f"Only orders in this state: {', '.join(STATUSES)}"),
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ORDER_ID),
                api: ApiServices = Depends(services)) -> list[dict[str, object]]:
    """Orders, newest first (without `history`: GET one order for it)."""
    rows = api.market.orders(address(buyer, "buyer") if buyer else None, hub, STATUSES.get(status or ""), limit,
                             offset)
    return [order_view(row, api.units) for row in rows]


@router.get("/{order_id}", response_model=Order, responses=error_responses(404, 422, 503))
def show_order(order_id: int = Path(ge=1, le=MAX_ORDER_ID), api: ApiServices = Depends(services)) -> dict[str, object]:
    """One order and every event in its life, oldest first."""
    return order_view(found(api.market.order(order_id), f"order {order_id}", "order_id"), api.units)
