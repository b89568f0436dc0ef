"""`glocal indexer run`: the market indexer as a service of its own, writing the read model that any number
of stateless API processes (`indexer = false`) serve. Several runners on one PostgreSQL database are safe:
one writes, the others stand by (writer_lock)."""

from __future__ import annotations

import logging
import threading

from glocal_chain.chain.networks import NetworkConfig, load_network
from glocal_chain.database import open_database
from glocal_chain.indexer.indexer import MarketIndexer, reputation_scoring
from glocal_chain.indexer.settings import IndexerSettings
from glocal_chain.sdk.suite import GlocalSuite

log = logging.getLogger(__name__)


class IndexerRunner:
    def __init__(self, settings: IndexerSettings, network: NetworkConfig | None = None,
                 suite: GlocalSuite | None = None) -> None:
        network = network or load_network(settings.network)
        self.settings = settings
        suite = suite or GlocalSuite.open(network)
        self.indexer = MarketIndexer(suite.w3, suite.deployment, open_database(settings.database()),
                                     reputation_scoring(suite), network.confirmations_or(settings.confirmations),
                                     settings.poll_interval_s, network.ws_url)

    @property
    def role(self) -> str:
        """"writer", or "standby" while another indexer holds the writer lock."""
        return self.indexer.role

    def catch_up(self) -> int:
        """Indexes everything confirmed so far (nothing while standing by); returns the events projected."""
        return self.indexer.poll()

    def run(self, stop: threading.Event) -> None:
        """Follows the chain until `stop` is set, then closes the database (releasing the writer lock)."""
        try:
            self.indexer.run(stop)
        finally:
            self.indexer.db.close()
            log.info("market index stopped")
