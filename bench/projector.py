"""Projects events into a read model the way the market indexer does, without a chain: the schema from
`create_schema`, the handlers of `MarketProjection` (dispatched by `events.service.dispatch`, as a service's
are), and each block range committed through `StreamStore.commit_range` as the event stream commits it
(handled keys, projection writes, recent block hashes and the checkpoint in one transaction; ranges of 2,000
blocks doubling to 100,000, the stream's defaults). The API's readers then see an indexed block, as after
`glocal indexer run`."""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import partial

from bench.market_events import block_hash
from glocal_chain.database import Connection
from glocal_chain.events.service import dispatch, event_handlers
from glocal_chain.events.store import StreamStore
from glocal_chain.events.stream import ChainEvent
from glocal_chain.indexer.indexer import create_schema
from glocal_chain.indexer.projection import MarketProjection, ReputationScoring
from glocal_chain.indexer.schema import STREAM_NAME

INITIAL_BATCH, MAX_BATCH, REORG_WINDOW = 2_000, 100_000, 128  # EventStream's defaults
# HubRegistry's PRIOR_RATERS, PRIOR_ORDERS, PRIOR_RATING_CENTI_STARS, PRIOR_RELIABILITY_BPS (public constants).
REGISTRY_SCORING = ReputationScoring(20, 5, 300, 9_000)


class Projector:
    """Feed events in chain order with `add` (any chunking); `flush` commits the last, partial range (the
    stream polling up to the head). `events` and `seconds` count what was projected and the time spent in
    the commits (the database's work and the projection's Python, not the generation of the events)."""

    def __init__(self, db: Connection, scoring: ReputationScoring = REGISTRY_SCORING, start_block: int = 0) -> None:
        create_schema(db)
        self.db = db
        self.store = StreamStore(db, STREAM_NAME)
        self.handlers = event_handlers(MarketProjection(scoring))
        checkpoint = self.store.checkpoint()
        self.first = checkpoint[0] + 1 if checkpoint else start_block
        self.batch = INITIAL_BATCH
        self.pending: list[ChainEvent] = []
        self.events = 0
        self.seconds = 0.0

    def add(self, events: Iterable[ChainEvent]) -> None:
        for event in events:
            while event.block_number >= self.first + self.batch:
                self._commit(self.first + self.batch - 1)
            self.pending.append(event)

    def flush(self) -> None:
        if self.pending:
            self._commit(self.pending[-1].block_number)

    def _commit(self, last: int) -> None:
        events, self.pending = self.pending, []
        first = self.first
        started = time.perf_counter()
        recent = {number: block_hash(number) for number in range(max(first, last - REORG_WINDOW), last)}
        self.store.commit_range(events, first, last, partial(dispatch, self.handlers), recent, block_hash(last),
                                REORG_WINDOW)
        self.seconds += time.perf_counter() - started
        self.events += len(events)
        self.first = last + 1
        self.batch = min(self.batch * 2, MAX_BATCH)
