"""/v1/orders/stream: the orders a page watches, live, as server-sent events (not in the OpenAPI document: a
stream never ends; docs/api.md describes it)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from glocal_chain.api.amounts import order_view
from glocal_chain.api.deps import ApiServices, address, services
from glocal_chain.api.live import StreamsBusy, order_events
from glocal_chain.api.schemas import ADDRESS, MAX_ID, MAX_ORDER_ID

router = APIRouter(prefix="/v1/orders", tags=["orders"])
#: Not cached, not buffered by a proxy (nginx honours X-Accel-Buffering).
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@router.get("/stream", include_in_schema=False)
def stream_orders(buyer: str | None = Query(None, pattern=ADDRESS), hub: int | None = Query(None, ge=1, le=MAX_ID),
                  order: int | None = Query(None, ge=1, le=MAX_ORDER_ID), limit: int = Query(50, ge=1, le=500),
                  api: ApiServices = Depends(services)) -> StreamingResponse:
    """`event: orders` with the list GET /v1/orders gives for `buyer` and/or `hub` (or `[order]` for `order`), at
    once and each time it changes; a `: keep-alive` comment every 15 s; 503 `streams_busy` when every slot is
    taken."""
    who = address(buyer, "buyer") if buyer else None

    def read() -> list[dict[str, object]]:
        if order is not None:
            row = api.market.order(order)
            rows = [] if row is None else [{k: v for k, v in row.items() if k != "history"}]
        else:
            rows = api.market.orders(who, hub, None, limit, 0)
        return [order_view(row, api.units) for row in rows]

    events = order_events(read, api.streams)
    if not api.streams.admit(events):
        raise StreamsBusy(f"all {api.streams.limit} live streams are open; try again shortly")
    return StreamingResponse(events, media_type="text/event-stream", headers=STREAM_HEADERS)
