"""A service's FastAPI application with the shared plumbing in place: error handlers and metrics."""

from __future__ import annotations

from fastapi import FastAPI

from glocal_chain import __version__
from glocal_chain.web.errors import STANDARD_STATUSES, StatusMap, install_error_handlers
from glocal_chain.web.metrics import ServiceMetrics


def service_app(title: str, description: str, metrics: ServiceMetrics, statuses: StatusMap = STANDARD_STATUSES,
                count_requests: bool = True) -> FastAPI:
    """A FastAPI app answering every error in the one JSON shape (`statuses`: error class -> HTTP status),
    serving `metrics` at /metrics and, with `count_requests`, counting its requests in them."""
    app = FastAPI(title=title, version=__version__, description=description)
    install_error_handlers(app, statuses)
    if count_requests:
        metrics.instrument(app)
    metrics.mount(app)
    return app
