"""Running the services: a FastAPI app under a real uvicorn server, in the foreground (`glocal api run`,
`glocal oracle run`) or in a background thread (the demo, tests, benchmarks), beside a worker thread
(indexer, confirmation worker) that stops when the server does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from glocal_chain.errors import GlocalError

START_TIMEOUT_S = 15.0
WORKER_JOIN_S = 15.0


def _server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                         lifespan="off"))


def serve(app: FastAPI, host: str, port: int) -> None:
    """Serves in the foreground until SIGINT or SIGTERM (uvicorn handles them)."""
    _server(app, host, port).run()


@contextmanager
def worker_thread(target: Callable[[], None], name: str, stop: threading.Event,
                  wake: threading.Event | None = None) -> Iterator[None]:
    """Runs `target` in a daemon thread for the duration of the block; on leaving it sets `stop` (and
    `wake`, to cut a wait short) and waits for the thread to finish."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        if wake is not None:
            wake.set()
        thread.join(WORKER_JOIN_S)


class BackgroundServer:
    def __init__(self, app: FastAPI, port: int, host: str = "127.0.0.1") -> None:
        self.server = _server(app, host, port)
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self.server.run, name=f"http-{port}", daemon=True)

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
        self._thread.join(10)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
