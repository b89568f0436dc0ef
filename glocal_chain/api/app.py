"""The FastAPI application: routes, error handlers and metrics around the services it is given."""

from __future__ import annotations

from fastapi import FastAPI

from glocal_chain import __version__
from glocal_chain.api.deps import ApiServices
from glocal_chain.api.errors import install_error_handlers
from glocal_chain.api.routes import designs, health, hubs, orders, products, transactions


def create_app(services: ApiServices) -> FastAPI:
    app = FastAPI(title="glocal-chain API", version=__version__,
                  description="Products, hubs (local-first search), orders with their history, design files "
                              "and unsigned transactions of a glocal-chain network.")
    app.state.services = services
    install_error_handlers(app)
    services.metrics.install(app)
    for module in (products, hubs, orders, designs, transactions, health):
        app.include_router(module.router)
    return app
