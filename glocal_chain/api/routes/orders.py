"""/v1/orders: orders by id (with their history), by buyer, by hub."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from glocal_chain.api.deps import ApiServices, address, found, services
from glocal_chain.api.schemas import MAX_ID, MAX_ORDER_ID, Order
from glocal_chain.errors import InvalidInput
from glocal_chain.sdk.models import OrderStatus

router = APIRouter(prefix="/v1/orders", tags=["orders"])
STATUSES = {status.name.lower(): status for status in OrderStatus if status is not OrderStatus.NONE}


@router.get("", response_model=list[Order], response_model_exclude_none=True)
def list_orders(buyer: str | None = Query(None), hub: int | None = Query(None, ge=1, le=MAX_ID),
                status: str | None = Query(None, description=f"One of {', '.join(STATUSES)}"),
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ORDER_ID),
                api: ApiServices = Depends(services)) -> list[dict[str, object]]:
    """Orders of a buyer or a hub (one of them is required), newest first."""
    if buyer is None and hub is None:
        raise InvalidInput("give buyer=<address> or hub=<hub id>", "buyer")
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown order status {status!r}; one of {', '.join(STATUSES)}", "status")
    return api.market.orders(address(buyer, "buyer") if buyer else None, hub, STATUSES.get(status or ""), limit,
                             offset)


@router.get("/{order_id}", response_model=Order)
def show_order(order_id: int = Path(ge=1, le=MAX_ORDER_ID), api: ApiServices = Depends(services)) -> dict[str, object]:
    """One order and every event in its life, oldest first."""
    return found(api.market.order(order_id), f"order {order_id}", "order_id")
