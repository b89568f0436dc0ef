"""`/metrics` (Prometheus text format) and `/healthz` on a local port, from a registry of its own."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CollectorRegistry, Gauge, generate_latest


class AgentObservability:
    """Gauges read from the agent at scrape time (`collect`), served on 127.0.0.1:`port` (0: a free port)."""

    def __init__(self, collect: Callable[[], dict[str, float]], port: int = 0) -> None:
        self.registry = CollectorRegistry()
        self._collect = collect
        self._gauges: dict[str, Gauge] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="agent-metrics", daemon=True)

    def _refresh(self) -> dict[str, float]:
        values = self._collect()
        for name, value in values.items():
            if name not in self._gauges:
                self._gauges[name] = Gauge(f"glocal_agent_{name}", name.replace("_", " "), registry=self.registry)
            self._gauges[name].set(value)
        return values

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's naming
                if self.path == "/metrics":
                    outer._refresh()
                    body, kind = generate_latest(outer.registry), "text/plain; version=0.0.4"
                elif self.path == "/healthz":
                    body, kind = json.dumps({"status": "ok", **outer._refresh()}).encode(), "application/json"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
