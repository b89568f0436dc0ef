"""Wires an oracle.toml into a running oracle: wallet, event stream, confirmation worker, webhook server."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from functools import partial
from typing import Iterator

import uvicorn

from glocal_chain import database
from glocal_chain.chain.artifacts import suite_abis
from glocal_chain.chain.networks import NetworkConfig, load_network
from glocal_chain.errors import ConfigError, ContractRevert
from glocal_chain.events.decode import LogDecoder
from glocal_chain.events.loop import run_until_stopped
from glocal_chain.events.store import open_database
from glocal_chain.events.stream import RECOVERABLE_ERRORS, EventStream
from glocal_chain.http_server import BackgroundServer
from glocal_chain.oracle.app import create_oracle_app
from glocal_chain.oracle.config import OracleConfig
from glocal_chain.oracle.service import DeliveryOracle
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.wallet.keystore import unlock

log = logging.getLogger(__name__)


class OracleRunner:
    def __init__(self, config: OracleConfig, network: NetworkConfig | None = None,
                 suite: GlocalSuite | None = None) -> None:
        network = network or load_network(config.network)
        self.config = config
        self.ws_url = network.ws_url
        self.suite = suite or GlocalSuite.open(network, unlock(config.wallet))
        if not self.suite.has_role("oracle", self.suite.me):
            raise ConfigError(f"wallet {config.wallet} ({self.suite.me}) does not hold the oracle role on "
                              f"{network.name}: ask the consortium to grant it (glocal admin add-oracle <address>)")
        self.db = open_database(config.database)
        self.oracle = DeliveryOracle(self.suite, config, self.db, partial(database.open_database, config.database))
        confirmations = network.confirmations if config.confirmations is None else config.confirmations
        self.stream = EventStream(self.suite.w3, f"oracle-{self.suite.me}",
                                  [self.suite.deployment.address("OrderEscrow")], LogDecoder(suite_abis()), self.db,
                                  self.oracle.handle_events, start_block=self.suite.deployment.deploy_block,
                                  confirmations=confirmations)
        self.app = create_oracle_app(self.oracle, lambda: self.stream.stats.lag_blocks)
        self.stop = threading.Event()

    def _step(self) -> None:
        self.stream.poll()
        self.oracle.confirm_open()

    def work(self) -> None:
        """Follows the chain and sends confirmations until `stop` (a webhook wakes it at once)."""
        run_until_stopped(self._step, self.stop, self.config.poll_interval_s, (*RECOVERABLE_ERRORS, ContractRevert),
                          "oracle", self.ws_url, wake=self.oracle.wake)

    def _start_worker(self) -> threading.Thread:
        worker = threading.Thread(target=self.work, name="oracle-worker", daemon=True)
        worker.start()
        return worker

    @contextmanager
    def in_background(self) -> Iterator[BackgroundServer]:
        """Worker and webhook server in background threads, stopped on exit (demo, tests)."""
        worker = self._start_worker()
        try:
            with BackgroundServer(self.app, self.config.port, self.config.host) as server:
                yield server
        finally:
            self.stop.set()
            self.oracle.wake.set()
            worker.join(15)
            self.db.close()

    def run(self) -> None:
        """Serves webhooks until SIGINT or SIGTERM (uvicorn handles them), then stops the worker."""
        worker = self._start_worker()
        server = uvicorn.Server(uvicorn.Config(self.app, host=self.config.host, port=self.config.port,
                                               log_level="warning", access_log=False))
        try:
            server.run()
        finally:
            self.stop.set()
            self.oracle.wake.set()
            worker.join(15)
            self.db.close()
