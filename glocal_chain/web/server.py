"""Running a service's FastAPI app under a real uvicorn server: in the foreground (`glocal api run`,
`glocal oracle run`) or in a background thread (the agent's metrics, the demo, tests, benchmarks), beside a
service's worker (glocal_chain.events.service: the indexer, the confirmation worker) run by the caller."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from glocal_chain.errors import GlocalError

START_TIMEOUT_S = 15.0
GRACEFUL_SHUTDOWN_S = 5


def _server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    # Open event streams (the web app's live orders) never end by themselves: a stop waits 5 s for them at most.
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                         lifespan="off", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S))


def _listening_port(host: str, port: int) -> int:
    """The port the server will listen on, known before it starts: `port`, or a free one for 0. The address
    is tried here so that a taken port is refused with a clear message; uvicorn then binds it itself (a
    socket bound here and handed over served concurrent requests at under half the rate)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise GlocalError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        bound: int = probe.getsockname()[1]
        return bound


def serve(app: FastAPI, host: str, port: int) -> None:
    """Serves in the foreground until SIGINT or SIGTERM (uvicorn handles them)."""
    _server(app, host, port).run()


class BackgroundServer:
    """`app` on host:port (0: a free port, in `port` and `url` from construction on) in a daemon thread."""

    def __init__(self, app: FastAPI, port: int, host: str = "127.0.0.1") -> None:
        self.port = _listening_port(host, port)
        self.server = _server(app, host, self.port)
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.server.run, name=f"http-{self.port}", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise GlocalError(f"the HTTP server at {self.url} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(10)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
