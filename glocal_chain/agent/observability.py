"""The agent's `/metrics` (Prometheus text format), `/healthz` and `/status` on a local port: the shared
metrics set-up, health shape and server lifecycle (glocal_chain.web), with values read from the agent at
request time.

`/healthz`: 200 `{"status": "ok", "problems": [], ...}`, or 503 `"degraded"` with `problems` such as
"chain unreachable" or "no printer reachable" (the agent then accepts no new order). `/status`: the agent's
printers, queue, orders in progress and last block seen (see agent.status), what `glocal agent status` shows.

The web app's hub page reads `/status` from the operator's browser, on another origin: an answer to a request
whose `Origin` is one of `web_origins` (hub.toml) carries `Access-Control-Allow-Origin` for it (CORS), and the
preflight a browser may send first (OPTIONS; Chromium's Private Network Access asks with
`Access-Control-Request-Private-Network`) is answered for those origins only. Other origins get no CORS header:
their pages cannot read the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from glocal_chain.web import HEALTH_RESPONSES, BackgroundServer, ServiceMetrics, health_response, service_app


class AgentObservability:
    """Gauges `glocal_agent_<name>` from `collect()`, `/healthz` from `health()` (the problems, then details)
    and `/status` from `status()`, served on `host`:`port` (0: a free port, known as `port` from
    construction on), `/status` readable by pages of `web_origins`."""

    def __init__(self, collect: Callable[[], dict[str, float]], port: int = 0,
                 health: Callable[[], tuple[list[str], dict[str, Any]]] | None = None,
                 status: Callable[[], dict[str, Any]] | None = None, host: str = "127.0.0.1",
                 web_origins: list[str] | None = None) -> None:
        allowed = frozenset(web_origins or ())
        self.metrics = ServiceMetrics("agent")
        self.metrics.on_scrape(lambda: self.metrics.set_values(collect()))
        app = service_app("glocal-chain hub agent", "The hub agent's metrics, health and status.", self.metrics,
                          count_requests=False)

        @app.get("/healthz", responses=HEALTH_RESPONSES)
        def healthz() -> JSONResponse:
            problems, details = health() if health is not None else ([], {})
            return health_response(problems, **details)

        @app.get("/status")
        def agent_status(request: Request) -> JSONResponse:
            return JSONResponse(status() if status is not None else {},
                                headers=cors_headers(request.headers.get("origin"), allowed))

        @app.options("/status", include_in_schema=False)
        def agent_status_preflight(request: Request) -> Response:
            headers = cors_headers(request.headers.get("origin"), allowed)
            if "Access-Control-Allow-Origin" not in headers:
                return Response(status_code=403, headers={"Vary": "Origin"})
            headers.update({"Access-Control-Allow-Methods": "GET", "Access-Control-Max-Age": "600"})
            if request.headers.get("access-control-request-private-network") == "true":
                headers["Access-Control-Allow-Private-Network"] = "true"
            return Response(status_code=204, headers=headers)

        self._server = BackgroundServer(app, port, host)
        self.port = self._server.port

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()


def cors_headers(origin: str | None, allowed: frozenset[str]) -> dict[str, str]:
    """The CORS headers for a request from `origin`: its Access-Control-Allow-Origin when allowed (else none),
    and `Vary: Origin` whenever origins are configured (answers differ by origin)."""
    if not allowed:
        return {}
    if origin is not None and origin.lower() in allowed:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {"Vary": "Origin"}
