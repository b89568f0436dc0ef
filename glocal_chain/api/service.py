"""`glocal api run`: the indexer in a thread and the API under uvicorn, until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from functools import partial
from typing import Iterator

import uvicorn

from glocal_chain.api.app import create_app
from glocal_chain.api.designs import DesignStore
from glocal_chain.api.deps import ApiServices
from glocal_chain.api.metrics import ApiMetrics
from glocal_chain.api.settings import ApiSettings
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.chain.networks import NetworkConfig, load_network
from glocal_chain.database import open_database
from glocal_chain.http_server import BackgroundServer
from glocal_chain.indexer.indexer import MarketIndexer, reputation_scoring
from glocal_chain.indexer.read_model import MarketReadModel
from glocal_chain.sdk.suite import GlocalSuite

log = logging.getLogger(__name__)


class ApiService:
    def __init__(self, settings: ApiSettings, network: NetworkConfig | None = None,
                 suite: GlocalSuite | None = None) -> None:
        network = network or load_network(settings.network)
        self.settings = settings
        self.ws_url = network.ws_url
        self.suite = suite or GlocalSuite.open(network)
        confirmations = network.confirmations if settings.confirmations is None else settings.confirmations
        self.indexer = MarketIndexer(self.suite.w3, self.suite.deployment, open_database(settings.database()),
                                     reputation_scoring(self.suite), confirmations)
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

    def start_indexer(self) -> threading.Thread:
        indexer = threading.Thread(target=self.indexer.run, args=(self.stop, self.settings.poll_interval_s,
                                                                  self.ws_url), name="market-index", daemon=True)
        indexer.start()
        return indexer

    @contextmanager
    def in_background(self) -> Iterator[BackgroundServer]:
        """The indexer and the API in background threads, stopped on exit (demo, tests, benchmarks)."""
        indexer = self.start_indexer()
        try:
            with BackgroundServer(self.app, self.settings.port, self.settings.host) as server:
                yield server
        finally:
            self.stop.set()
            indexer.join(10)
            self.market.close()

    def run(self) -> None:
        """Serves until SIGINT or SIGTERM (uvicorn handles them), with the indexer following the chain."""
        indexer = self.start_indexer()
        server = uvicorn.Server(uvicorn.Config(self.app, host=self.settings.host, port=self.settings.port,
                                               log_level="warning", access_log=False))
        try:
            server.run()
        finally:
            self.stop.set()
            indexer.join(10)
            self.market.close()
