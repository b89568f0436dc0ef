"""Prometheus metrics of the API: requests by route and status, latency, and how far the index lags."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("glocal_api_requests", "HTTP requests", ["route", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("glocal_api_request_seconds", "Request latency", ["route"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.indexed_block = Gauge("glocal_api_indexed_block", "Last block in the read model", registry=self.registry)
        self.chain_head = Gauge("glocal_api_chain_head", "Chain head seen by the indexer", registry=self.registry)

    def install(self, app: FastAPI) -> None:
        @app.middleware("http")
        async def _measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            started = time.perf_counter()
            response = await call_next(request)
            route = request.scope.get("route")
            name = getattr(route, "path", "unmatched")
            self.latency.labels(name).observe(time.perf_counter() - started)
            self.requests.labels(name, request.method, str(response.status_code)).inc()
            return response

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
