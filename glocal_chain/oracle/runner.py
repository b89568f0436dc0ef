"""Wires an oracle.toml into a running oracle: wallet, event stream, confirmation worker, webhook server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from glocal_chain import database
from glocal_chain.chain.networks import NetworkConfig, load_network
from glocal_chain.errors import ConfigError
from glocal_chain.events.service import Following
from glocal_chain.events.store import open_database
from glocal_chain.oracle.app import create_oracle_app
from glocal_chain.oracle.config import OracleConfig
from glocal_chain.oracle.service import DeliveryOracle
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.wallet.keystore import unlock
from glocal_chain.web import BackgroundServer, serve


class OracleRunner:
    def __init__(self, config: OracleConfig, network: NetworkConfig | None = None,
                 suite: GlocalSuite | None = None) -> None:
        network = network or load_network(config.network)
        self.config = config
        self.suite = suite or GlocalSuite.open(network, unlock(config.wallet))
        if not self.suite.has_role("oracle", self.suite.me):
            raise ConfigError(f"wallet {config.wallet} ({self.suite.me}) does not hold the oracle role on "
                              f"{network.name}: ask the consortium to grant it (glocal admin add-oracle <address>)")
        self.db = open_database(config.database)
        following = Following(f"oracle-{self.suite.me}", confirmations=network.confirmations_or(config.confirmations),
                              poll_interval_s=config.poll_interval_s, ws_url=network.ws_url)
        self.oracle = DeliveryOracle(self.suite, config, self.db, partial(database.open_database, config.database),
                                     following)
        self.app = create_oracle_app(self.oracle, lambda: self.oracle.stream.stats.lag_blocks)

    @contextmanager
    def in_background(self) -> Iterator[BackgroundServer]:
        """Worker and webhook server in background threads, stopped on exit (demo, tests)."""
        try:
            with self.oracle.in_background(), BackgroundServer(self.app, self.config.port, self.config.host) as server:
                yield server
        finally:
            self.db.close()

    def run(self) -> None:
        """Serves webhooks until SIGINT or SIGTERM, then stops the worker (which follows the chain and sends
        confirmations; a webhook wakes it at once)."""
        try:
            with self.oracle.in_background():
                serve(self.app, self.config.host, self.config.port)
        finally:
            self.db.close()
