"""New-head notifications over a WebSocket (`eth_subscribe newHeads`), used only to wake the stream
early: polling from the checkpoint stays the source of truth, so a dropped connection loses nothing and
the gap after a reconnect is backfilled by the next poll."""

from __future__ import annotations

import json
import logging
import threading

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

log = logging.getLogger(__name__)


class HeadSubscription:
    def __init__(self, ws_url: str, wake: threading.Event, stop: threading.Event,
                 max_backoff_s: float = 30.0) -> None:
        self.ws_url = ws_url
        self.wake = wake
        self.stop = stop
        self.max_backoff_s = max_backoff_s
        self.heads_seen = 0
        self.connections = 0
        self._thread = threading.Thread(target=self._run, name="new-heads", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        backoff = 0.5
        while not self.stop.is_set():
            try:
                with connect(self.ws_url, open_timeout=5, close_timeout=1) as socket:
                    socket.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                                            "params": ["newHeads"]}))
                    self.connections += 1
                    backoff = 0.5
                    while not self.stop.is_set():
                        try:
                            message = json.loads(socket.recv(timeout=1))
                        except TimeoutError:
                            continue
                        if message.get("method") == "eth_subscription":
                            self.heads_seen += 1
                            self.wake.set()
            except (OSError, WebSocketException, ValueError) as exc:
                log.info("new-heads subscription to %s lost (%s); reconnecting in %.1f s", self.ws_url, exc, backoff)
                self.wake.set()  # poll now: blocks may have arrived while disconnected
                self.stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
