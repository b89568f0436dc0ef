"""`glocal api run`: the indexer in a thread and the API under uvicorn, until SIGINT or SIGTERM."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from glocal_chain.api.app import create_app
from glocal_chain.api.deps import ApiServices
from glocal_chain.api.designs import DesignStore
from glocal_chain.api.metrics import ApiMetrics
from glocal_chain.api.settings import ApiSettings
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.chain.networks import NetworkConfig, load_network
from glocal_chain.database import open_database
from glocal_chain.http_server import BackgroundServer, serve, worker_thread
from glocal_chain.indexer.indexer import MarketIndexer, reputation_scoring
from glocal_chain.indexer.read_model import MarketReadModel
from glocal_chain.sdk.suite import GlocalSuite


class ApiService:
    def __init__(self, settings: ApiSettings, network: NetworkConfig | None = None,
                 suite: GlocalSuite | None = None) -> None:
        network = network or load_network(settings.network)
        self.settings = settings
        self.ws_url = network.ws_url
        self.suite = suite or GlocalSuite.open(network)
        self.indexer = MarketIndexer(self.suite.w3, self.suite.deployment, open_database(settings.database()),
                                     reputation_scoring(self.suite), network.confirmations_or(settings.confirmations))
        self.market = MarketReadModel(partial(open_database, settings.database()))
        self.metrics = ApiMetrics()
        self.services = ApiServices(self.market, DesignStore(settings.designs()),
                                    UnsignedTransactions(self.suite, network.gas_policy), self.metrics,
                                    self._chain_head, settings.max_design_bytes)
        self.app = create_app(self.services)
        self.stop = threading.Event()

    def _chain_head(self) -> int:
        head = int(self.suite.w3.eth.block_number)
        self.metrics.chain_head.set(head)
        return head

    def catch_up(self) -> int:
        """Indexes everything confirmed so far (before serving, so the first answers are current)."""
        return self.indexer.poll()

    def _index(self) -> None:
        self.indexer.run(self.stop, self.settings.poll_interval_s, self.ws_url)

    def _close(self) -> None:
        self.market.close()
        self.indexer.db.close()

    @contextmanager
    def in_background(self) -> Iterator[BackgroundServer]:
        """The indexer and the API in background threads, stopped on exit (demo, tests, benchmarks)."""
        try:
            with worker_thread(self._index, "market-index", self.stop), \
                    BackgroundServer(self.app, self.settings.port, self.settings.host) as server:
                yield server
        finally:
            self._close()

    def run(self) -> None:
        """Serves until SIGINT or SIGTERM, with the indexer following the chain."""
        try:
            with worker_thread(self._index, "market-index", self.stop):
                serve(self.app, self.settings.host, self.settings.port)
        finally:
            self._close()
