"""The polling loop services share: do a step, wait (woken early by new heads), back off on errors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from glocal_chain.events.heads import HeadSubscription

log = logging.getLogger(__name__)


def run_until_stopped(step: Callable[[], object], stop: threading.Event, poll_interval_s: float,
                      recoverable: tuple[type[BaseException], ...], name: str, ws_url: str | None = None,
                      max_backoff_s: float = 30.0, on_error: Callable[[BaseException], None] | None = None,
                      wake: threading.Event | None = None) -> None:
    """Runs `step` until `stop` is set. A recoverable error (RPC or printer down) doubles the wait up to
    `max_backoff_s` and the next step resumes where the last one committed, losing nothing. Setting
    `wake` (or a new head at `ws_url`) runs the next step at once."""
    wake = wake or threading.Event()
    heads = HeadSubscription(ws_url, wake, stop) if ws_url else None
    if heads is not None:
        heads.start()
    backoff = poll_interval_s
    while not stop.is_set():
        wake.clear()
        try:
            step()
            backoff = poll_interval_s
        except recoverable as exc:
            if on_error is not None:
                on_error(exc)
            log.warning("%s: %s; retrying in %.1f s", name, getattr(exc, "message", exc), backoff)
            backoff = min(backoff * 2, max_backoff_s)
        wake.wait(backoff)
    if heads is not None:
        heads.join(5)
