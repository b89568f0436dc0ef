"""The FastAPI application: routes, error handlers and metrics around the services it is given."""

from __future__ import annotations

from fastapi import FastAPI

from glocal_chain.api.deps import ApiServices
from glocal_chain.api.live import StreamsBusy
from glocal_chain.api.routes import (
    actions,
    consortium,
    designs,
    health,
    hubs,
    network,
    orders,
    pages,
    products,
    stream,
    transactions,
)
from glocal_chain.web import STANDARD_STATUSES, StatusMap, service_app

#: The API's HTTP status for each error its services raise (the standard ones: 422, 404, 401, 409 for a revert,
#: 413, 503 for an unreachable chain, 400 for any other GlocalError; 503 when every live stream is taken).
HTTP_STATUSES: StatusMap = {**STANDARD_STATUSES, StreamsBusy: 503}


def create_app(services: ApiServices) -> FastAPI:
    app = service_app("glocal-chain API", "Products, hubs (local-first search), orders with their history, design "
                      "files and unsigned transactions of a glocal-chain network.", services.metrics, HTTP_STATUSES)
    app.state.services = services
    # the stream before the orders: /v1/orders/stream is not /v1/orders/{order_id}
    for module in (products, hubs, stream, orders, designs, transactions, actions, network, consortium, health,
                   pages):
        app.include_router(module.router)
    return app
