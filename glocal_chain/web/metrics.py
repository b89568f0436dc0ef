"""One Prometheus set-up for every service: a registry of its own per service (no global state), metric
names under `glocal_<service>_`, values read from the service at scrape time, and requests of a FastAPI
app counted by route and status."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
CONTENT_TYPE = "text/plain; version=0.0.4"


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.prefix = f"glocal_{service}_"
        self.registry = CollectorRegistry()
        self._on_scrape: list[Callable[[], None]] = []
        self._values: dict[str, Gauge] = {}

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        return Counter(self.prefix + name, documentation, labels, registry=self.registry)

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(self.prefix + name, documentation, labels, registry=self.registry)

    def histogram(self, name: str, documentation: str, labels: Sequence[str] = (),
                  buckets: Sequence[float] = LATENCY_BUCKETS) -> Histogram:
        return Histogram(self.prefix + name, documentation, labels, buckets=buckets, registry=self.registry)

    def on_scrape(self, refresh: Callable[[], None]) -> None:
        """`refresh` runs before every exposition (to set gauges from the service's current state)."""
        self._on_scrape.append(refresh)

    def set_values(self, values: Mapping[str, float]) -> None:
        """One gauge per name (created on first sight, documented by its name), set to its value."""
        for name, value in values.items():
            if name not in self._values:
                self._values[name] = self.gauge(name, name.replace("_", " "))
            self._values[name].set(value)

    def exposition(self) -> bytes:
        for refresh in self._on_scrape:
            refresh()
        return generate_latest(self.registry)

    def response(self) -> Response:
        return Response(self.exposition(), media_type=CONTENT_TYPE)

    def instrument(self, app: FastAPI) -> None:
        """Counts `app`'s requests by route, method and status, and times them by route."""
        requests = self.counter("requests", "HTTP requests", ["route", "method", "status"])
        latency = self.histogram("request_seconds", "Request latency", ["route"])

        @app.middleware("http")
        async def _measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            started = time.perf_counter()
            response = await call_next(request)
            name = getattr(request.scope.get("route"), "path", "unmatched")
            latency.labels(name).observe(time.perf_counter() - started)
            requests.labels(name, request.method, str(response.status_code)).inc()
            return response

    def mount(self, app: FastAPI, tags: Sequence[str] = ("health",)) -> None:
        """GET /metrics on `app`, in Prometheus text format."""

        def metrics() -> Response:
            """Prometheus text format."""
            return self.response()

        app.add_api_route("/metrics", metrics, methods=["GET"], response_class=Response, tags=list(tags))
