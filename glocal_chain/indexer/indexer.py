"""MarketIndexer: the event stream over the three suite contracts, projected into the read model."""

from __future__ import annotations

import logging
import time

from web3 import Web3

from glocal_chain.database import Connection, table_exists
from glocal_chain.deploy.deployments import Deployment
from glocal_chain.errors import ConfigError
from glocal_chain.events.service import ChainService, Following
from glocal_chain.events.store import SCHEMA as STREAM_SCHEMA
from glocal_chain.events.store import StreamStore
from glocal_chain.indexer.projection import MarketProjection, ReputationScoring
from glocal_chain.indexer.schema import SCHEMA, SCHEMA_VERSION, STREAM_NAME, TABLES, VERSION_SCHEMA
from glocal_chain.indexer.writer_lock import WriterLock
from glocal_chain.sdk.suite import GlocalSuite

log = logging.getLogger(__name__)
SUITE_CONTRACTS = ("HubRegistry", "ProductRegistry", "OrderEscrow")


def create_schema(db: Connection) -> None:
    """The read model's tables. A read model written by another schema version (an older release) is
    dropped with its stream checkpoint, so it is rebuilt from the deploy block."""
    db.executescript(STREAM_SCHEMA)
    db.executescript(VERSION_SCHEMA)
    version = _schema_version(db)
    if version != SCHEMA_VERSION:
        if db.execute("SELECT block_number FROM stream_checkpoint WHERE stream = ?", (STREAM_NAME,)).fetchone():
            log.warning("market index: the read model was written by schema version %s, this is %d; rebuilding it",
                        "(none)" if version is None else version, SCHEMA_VERSION)
        db.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        StreamStore(db, STREAM_NAME).forget_all()
        db.execute("DELETE FROM market_schema")
        db.execute("INSERT INTO market_schema (version) VALUES (?)", (SCHEMA_VERSION,))
        db.execute("COMMIT")
    db.executescript(SCHEMA)


def read_model_ready(db: Connection) -> bool:
    """Whether an indexer has created the read model, in this release's schema version."""
    return table_exists(db, "market_schema") and _schema_version(db) == SCHEMA_VERSION


def _schema_version(db: Connection) -> int | None:
    """The schema version the read model was written by (None: not recorded)."""
    row = db.execute("SELECT version FROM market_schema").fetchone()
    return None if row is None else int(row[0])


def wait_for_read_model(db: Connection, timeout_s: float, interval_s: float = 0.5) -> None:
    """Waits for an indexer (another process) to create the read model; ConfigError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not read_model_ready(db):
        if time.monotonic() > deadline:
            raise ConfigError(f"no read model (schema version {SCHEMA_VERSION}) in the database after "
                              f"{timeout_s:.0f} s: start `glocal indexer run` with the same settings")
        log.info("waiting for the indexer to create the read model")
        time.sleep(interval_s)


def reputation_scoring(suite: GlocalSuite) -> ReputationScoring:
    constants = suite.hubs.functions
    return ReputationScoring(constants.PRIOR_RATERS().call(), constants.PRIOR_ORDERS().call(),
                             constants.PRIOR_RATING_CENTI_STARS().call(), constants.PRIOR_RELIABILITY_BPS().call())


class MarketIndexer(ChainService):
    """Keeps the read model in `db` up to date with the chain, through MarketProjection's handlers. A
    reorganisation rebuilds it from the deploy block (a consortium chain with finality and confirmations
    should never see one). Only the holder of the writer lock writes (PostgreSQL; see writer_lock): another
    indexer of the same database stands by, polling nothing, and takes over when the writer's connection
    closes."""

    service_name = "market index"

    def __init__(self, w3: Web3, deployment: Deployment, db: Connection, scoring: ReputationScoring,
                 confirmations: int = 0, poll_interval_s: float = 0.5, ws_url: str | None = None) -> None:
        self.lock = WriterLock(db)
        self.projection = MarketProjection(scoring)
        self._rebuild = False
        self._writing = False
        super().__init__(w3, deployment, db, Following(STREAM_NAME, SUITE_CONTRACTS, confirmations, poll_interval_s,
                                                       ws_url), handlers=self.projection)
        self._take_writer_role()

    def _take_writer_role(self) -> bool:
        """True if this indexer writes: the lock is held and the schema made (once, under the lock)."""
        if not self._writing and self.lock.acquire():
            create_schema(self.db)
            self._writing = True
        return self._writing

    @property
    def role(self) -> str:
        return "writer" if self._writing else "standby"

    def on_reorg(self, fork_block: int) -> None:
        self._rebuild = True

    def poll(self) -> int:
        """Indexes every confirmed block not indexed yet (nothing while standing by); returns how many events
        were projected."""
        if not self._take_writer_role():
            return 0
        handled = self.stream.poll()
        if self._rebuild:
            self._reset()
            handled = self.stream.poll()
        return handled

    def _reset(self) -> None:
        log.warning("market index: chain reorganised; rebuilding the read model from block %d",
                    self.stream.start_block)
        self.db.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self.stream.store.forget_all()
        self.db.execute("COMMIT")
        self._rebuild = False
