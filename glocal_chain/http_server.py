"""A FastAPI app under a real uvicorn server in a background thread (the demo, tests, benchmarks);
`glocal api run` and `glocal oracle run` serve in the foreground instead."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from glocal_chain.errors import GlocalError

START_TIMEOUT_S = 15.0


class BackgroundServer:
    def __init__(self, app: FastAPI, port: int, host: str = "127.0.0.1") -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                                    access_log=False, lifespan="off"))
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self.server.run, name=f"http-{port}", daemon=True)

    def start(self) -> "BackgroundServer":
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

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
