"""How often the agent says and retries things while it waits: a warning repeated at most once a while
(not at every poll), and a per-order retry schedule that doubles its wait."""

from __future__ import annotations

import time
from collections.abc import Hashable


class Throttle:
    """`due(key)` is true the first time for a key and then at most once every `every_s`; `clear(key)` starts
    it over (the condition ended)."""

    def __init__(self, every_s: float = 60.0) -> None:
        self.every_s = every_s
        self._last: dict[Hashable, float] = {}

    def due(self, key: Hashable) -> bool:
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.every_s:
            return False
        self._last[key] = now
        return True

    def clear(self, key: Hashable) -> bool:
        """Forgets the key; true when it was being throttled (the condition had been reported)."""
        return self._last.pop(key, None) is not None


class RetrySchedule:
    """Per key: `due` once its wait has passed; each `failed` doubles the wait from `first_s` up to `max_s`."""

    def __init__(self, first_s: float = 1.0, max_s: float = 60.0) -> None:
        self.first_s = first_s
        self.max_s = max_s
        self._next: dict[Hashable, tuple[float, float]] = {}

    def due(self, key: Hashable) -> bool:
        entry = self._next.get(key)
        return entry is None or time.monotonic() >= entry[0]

    def failed(self, key: Hashable) -> float:
        """Records a failure; returns the wait before the next attempt."""
        _, wait = self._next.get(key, (0.0, self.first_s / 2))
        wait = min(wait * 2, self.max_s)
        self._next[key] = (time.monotonic() + wait, wait)
        return wait

    def clear(self, key: Hashable) -> None:
        self._next.pop(key, None)
