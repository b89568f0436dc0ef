"""Live order updates as server-sent events: the list of orders a page watches, sent at once and again each
time the read model changes it (polled every half second), with a keep-alive comment in between; a bounded
number of streams at once."""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio

from glocal_chain.errors import GlocalError

POLL_INTERVAL_S = 0.5
KEEP_ALIVE_S = 15.0
#: How long a browser's EventSource waits before reconnecting after the stream ends.
RECONNECT_MS = 2000


class StreamsBusy(GlocalError):
    """Every live stream slot is taken (the API answers 503: try again shortly)."""

    code = "streams_busy"


class StreamSlots:
    """At most `limit` live streams at once: a stream counts while its iterator exists, so one whose client left
    before it started is let go with it; `close()` ends every stream at its next poll (the service stopping)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._live: weakref.WeakSet[AsyncIterator[str]] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def admit(self, stream: AsyncIterator[str]) -> bool:
        """Counts `stream` in (False when all slots are taken or the service is stopping)."""
        with self._lock:
            if len(self._live) >= self.limit or self._closed.is_set():
                return False
            self._live.add(stream)
            return True

    @property
    def open(self) -> int:
        with self._lock:
            return len(self._live)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        self._closed.set()


def event(name: str, data: Any) -> str:
    """One server-sent event: its name and its data as compact JSON on one line."""
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'), default=str)}\n\n"


async def order_events(read: Callable[[], list[dict[str, Any]]], slots: StreamSlots,
                       poll_interval_s: float = POLL_INTERVAL_S,
                       keep_alive_s: float = KEEP_ALIVE_S) -> AsyncIterator[str]:
    """`event: orders` with what `read()` returns (run in a worker thread: the read model is synchronous), at
    once and after each change; `: keep-alive` after `keep_alive_s` without one. Ends when the service stops
    (`slots` closed); when the client goes, the response cancels it."""
    yield f"retry: {RECONNECT_MS}\n\n"
    last: str | None = None
    last_sent = time.monotonic()
    while not slots.closed:
        rows = await anyio.to_thread.run_sync(read)
        text = event("orders", rows)
        if text != last:
            yield text
            last, last_sent = text, time.monotonic()
        elif time.monotonic() - last_sent >= keep_alive_s:
            yield ": keep-alive\n\n"
            last_sent = time.monotonic()
        await anyio.sleep(poll_interval_s)
