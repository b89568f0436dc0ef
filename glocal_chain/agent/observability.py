"""The agent's `/metrics` (Prometheus text format), `/healthz` and `/status` on a local port: the shared
metrics set-up, health shape and server lifecycle (glocal_chain.web), with values read from the agent at
request time.

`/healthz`: 200 `{"status": "ok", "problems": [], ...}`, or 503 `"degraded"` with `problems` such as
"chain unreachable" or "no printer reachable" (the agent then accepts no new order). `/status`: the agent's
printers, queue, orders in progress and last block seen (see agent.status), what `glocal agent status` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

from glocal_chain.web import HEALTH_RESPONSES, BackgroundServer, ServiceMetrics, health_response, service_app


class AgentObservability:
    """Gauges `glocal_agent_<name>` from `collect()`, `/healthz` from `health()` (the problems, then details)
    and `/status` from `status()`, served on 127.0.0.1:`port` (0: a free port, known as `port` from
    construction on)."""

    def __init__(self, collect: Callable[[], dict[str, float]], port: int = 0,
                 health: Callable[[], tuple[list[str], dict[str, Any]]] | None = None,
                 status: Callable[[], dict[str, Any]] | None = None) -> None:
        self.metrics = ServiceMetrics("agent")
        self.metrics.on_scrape(lambda: self.metrics.set_values(collect()))
        app = service_app("glocal-chain hub agent", "The hub agent's metrics, health and status.", self.metrics,
                          count_requests=False)

        @app.get("/healthz", responses=HEALTH_RESPONSES)
        def healthz() -> JSONResponse:
            problems, details = health() if health is not None else ([], {})
            return health_response(problems, **details)

        @app.get("/status")
        def agent_status() -> dict[str, Any]:
            return status() if status is not None else {}

        self._server = BackgroundServer(app, port)
        self.port = self._server.port

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
