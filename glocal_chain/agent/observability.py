"""The agent's `/metrics` (Prometheus text format) and `/healthz` on a local port: the shared metrics
set-up and server lifecycle (glocal_chain.web), with values read from the agent at scrape time."""

from __future__ import annotations

from collections.abc import Callable

from glocal_chain.web import BackgroundServer, ServiceMetrics, service_app


class AgentObservability:
    """Gauges `glocal_agent_<name>` from `collect()`, served on 127.0.0.1:`port` (0: a free port, known as
    `port` from construction on)."""

    def __init__(self, collect: Callable[[], dict[str, float]], port: int = 0) -> None:
        self.metrics = ServiceMetrics("agent")
        self.metrics.on_scrape(lambda: self.metrics.set_values(collect()))
        app = service_app("glocal-chain hub agent", "The hub agent's metrics and health.", self.metrics,
                          count_requests=False)

        @app.get("/healthz")
        def healthz() -> dict[str, object]:
            values = collect()
            self.metrics.set_values(values)
            return {"status": "ok", **values}

        self._server = BackgroundServer(app, port)
        self.port = self._server.port

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
