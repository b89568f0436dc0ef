"""ChainService: the one shape of a service that follows the chain (the hub agent, the delivery oracle, the
market indexer). It owns its EventStream, its polling loop and a background mode, and hands each event to
one handler per event name: an `on_<EventName>(event, db)` method (of the service, or of the object given
as `handlers`). Handlers run inside the stream's transaction, so the checkpoint, the handler's writes and
the handled keys are committed together (exactly once); they write only to `db`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

from web3 import Web3

from glocal_chain.database import Connection
from glocal_chain.deploy.deployments import Deployment
from glocal_chain.events.loop import run_until_stopped
from glocal_chain.events.stream import RECOVERABLE_ERRORS, ChainEvent, EventStream

log = logging.getLogger(__name__)
EventHandler = Callable[[ChainEvent, Connection], None]
BACKGROUND_JOIN_S = 15.0


def event_handlers(target: object) -> dict[str, EventHandler]:
    """`target`'s `on_<EventName>` methods by event name (`on_reorg` and other lower-case hooks are not)."""
    return {name.removeprefix("on_"): getattr(target, name) for name in dir(target)
            if name.startswith("on_") and name[3:4].isupper()}


def dispatch(handlers: dict[str, EventHandler], events: list[ChainEvent], db: Connection) -> None:
    """Each event to its handler by event name (events without one are skipped)."""
    for event in events:
        handler = handlers.get(event.name)
        if handler is not None:
            handler(event, db)


@dataclass(frozen=True)
class Following:
    """What a service follows and how: its stream's name (its checkpoint), the contracts whose events it
    reads, the confirmations it waits for, its poll interval and an optional newHeads WebSocket."""

    stream: str
    contracts: Sequence[str] = ("OrderEscrow",)
    confirmations: int = 0
    poll_interval_s: float = 0.5
    ws_url: str | None = None


class ChainService:
    """Subclasses set `service_name`, may widen `recoverable`, add `on_<EventName>` handlers, and override
    `tick` (work after each poll), `on_reorg`, `on_rewind` and `poll`."""

    service_name: ClassVar[str] = "service"
    recoverable: ClassVar[tuple[type[BaseException], ...]] = RECOVERABLE_ERRORS

    def __init__(self, w3: Web3, deployment: Deployment, db: Connection, following: Following,
                 handlers: object | None = None) -> None:
        self.db = db
        self.following = following
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.loop_errors = 0
        self._handlers = event_handlers(self if handlers is None else handlers)
        self.stream = EventStream.for_deployment(w3, deployment, following.stream, db, self.handle_events,
                                                 following.contracts, confirmations=following.confirmations,
                                                 on_reorg=self.on_reorg, on_rewind=self.on_rewind)

    def handle_events(self, events: list[ChainEvent], db: Connection) -> None:
        """The stream's handler: each event to its `on_<EventName>` (events without one are skipped)."""
        dispatch(self._handlers, events, db)

    def on_reorg(self, fork_block: int) -> None:
        """The chain reorganised back to `fork_block` (the stream has already rewound)."""

    def on_rewind(self, fork_block: int, db: Connection) -> None:
        """The stream is rewinding to `fork_block`: runs inside that transaction (write only to `db`), so a
        mark made here survives exactly as long as the rewind does."""

    def poll(self) -> int:
        """Hands every confirmed event not handled yet to its handler; returns how many."""
        return self.stream.poll()

    def tick(self) -> None:
        """The service's own work after each poll (none by default)."""

    def step(self) -> None:
        self.poll()
        self.tick()

    def run(self, stop: threading.Event | None = None) -> None:
        """Polls and works until `stop` (default: `self.stop`); recoverable errors back off and resume where
        the last batch committed. Setting `wake` (or a new head at the WebSocket) runs the next step at once."""
        run_until_stopped(self.step, stop or self.stop, self.following.poll_interval_s, self.recoverable,
                          self.service_name, self.following.ws_url, on_error=self._count_error, wake=self.wake)

    def _count_error(self, _: BaseException) -> None:
        self.loop_errors += 1

    @contextmanager
    def in_background(self, join_s: float = BACKGROUND_JOIN_S) -> Iterator[ChainService]:
        """`run` in a daemon thread for the duration of the block; leaving it stops the loop and waits for
        it (up to `join_s`)."""
        thread = threading.Thread(target=self.run, name=self.service_name, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            self.wake.set()
            thread.join(join_s)
            if thread.is_alive():
                log.warning("%s did not stop within %.0f s", self.service_name, join_s)
