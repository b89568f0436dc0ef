"""`glocal api run`: the API under uvicorn until SIGINT or SIGTERM, with the indexer in a thread (the
default) or as a stateless reader of a read model a separate `glocal indexer run` keeps (`indexer = false`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial

from glocal_chain.api.amounts import TokenUnits
from glocal_chain.api.app import create_app
from glocal_chain.api.deps import ApiServices, PublicNetwork
from glocal_chain.api.designs import DesignStore
from glocal_chain.api.live import StreamSlots
from glocal_chain.api.settings import ApiSettings
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.api.upload_auth import UploadQuota
from glocal_chain.chain.networks import NetworkConfig, load_network
from glocal_chain.database import open_database
from glocal_chain.indexer.indexer import MarketIndexer, reputation_scoring, wait_for_read_model
from glocal_chain.indexer.read_model import MarketReadModel
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.web import BackgroundServer, ServiceMetrics, serve

READ_MODEL_WAIT_S = 120.0  # how long a reader waits at start for the indexer to create the read model


class ApiService:
    def __init__(self, settings: ApiSettings, network: NetworkConfig | None = None,
                 suite: GlocalSuite | None = None) -> None:
        network = network or load_network(settings.network)
        self.settings = settings
        self.suite = suite or GlocalSuite.open(network)
        self.indexer: MarketIndexer | None = None
        if settings.indexer:
            self.indexer = MarketIndexer(self.suite.w3, self.suite.deployment, open_database(settings.database()),
                                         reputation_scoring(self.suite),
                                         network.confirmations_or(settings.confirmations),
                                         settings.poll_interval_s, network.ws_url)
        self.market = MarketReadModel(partial(open_database, settings.database()))
        self.metrics = ServiceMetrics("api")
        self._indexed_block = self.metrics.gauge("indexed_block", "Last block in the read model")
        self._chain_head_seen = self.metrics.gauge("chain_head", "Chain head seen by the indexer")
        self.metrics.on_scrape(self._refresh_metrics)
        units = TokenUnits(self.suite.token_info)
        units.warm(self.suite.deployment.payment_tokens.values())
        self.services = ApiServices(self.market, DesignStore(settings.designs()),
                                    UnsignedTransactions(self.suite, network.gas_policy, units), units, self.metrics,
                                    self._chain_head, settings.max_design_bytes, self._indexer_role,
                                    PublicNetwork(network.name, network.chain_id,
                                                  settings.public_rpc_urls or list(network.rpc_urls)),
                                    UploadQuota(settings.design_quota_bytes), StreamSlots(settings.max_streams),
                                    tuple(settings.agent_origins))
        self.app = create_app(self.services)

    def _chain_head(self) -> int:
        head = int(self.suite.w3.eth.block_number)
        self._chain_head_seen.set(head)
        return head

    def _refresh_metrics(self) -> None:
        indexed = self.market.indexed_block()
        if indexed is not None:
            self._indexed_block.set(indexed)

    def _indexer_role(self) -> str:
        return self.indexer.role if self.indexer is not None else "off"

    def catch_up(self) -> int:
        """Indexes everything confirmed so far (before serving, so the first answers are current); a reader
        waits for the indexer to have created the read model instead."""
        if self.indexer is None:
            wait_for_read_model(self.market.db, READ_MODEL_WAIT_S)
            return 0
        return self.indexer.poll()

    def _indexing(self) -> AbstractContextManager[object]:
        """The in-process indexer following the chain in a background thread (if this process indexes)."""
        return self.indexer.in_background() if self.indexer is not None else nullcontext()

    def _close(self) -> None:
        self.market.close()
        if self.indexer is not None:
            self.indexer.db.close()

    @contextmanager
    def in_background(self) -> Iterator[BackgroundServer]:
        """The indexer and the API in background threads, stopped on exit (demo, tests, benchmarks)."""
        try:
            with self._indexing(), BackgroundServer(self.app, self.settings.port, self.settings.host) as server:
                try:
                    yield server
                finally:
                    self.services.streams.close()  # open live streams end, so that the server can stop
        finally:
            self._close()

    def run(self) -> None:
        """Serves until SIGINT or SIGTERM, with the indexer (if any) following the chain."""
        try:
            with self._indexing():
                serve(self.app, self.settings.host, self.settings.port)
        finally:
            self._close()
