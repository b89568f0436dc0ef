"""Wires a hub.toml into a running agent: suite, store, event stream, printers, metrics, health, status."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import asdict
from typing import Any

from glocal_chain.agent.agent import HubAgent, JobPolicy, Printer
from glocal_chain.agent.config import AgentConfig
from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.agent.observability import AgentObservability
from glocal_chain.chain.networks import load_network
from glocal_chain.errors import ConfigError
from glocal_chain.events.service import Following
from glocal_chain.events.store import open_database
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.wallet.keystore import unlock

log = logging.getLogger(__name__)
DRIVERS = {"octoprint": OctoPrintDriver}


def stream_name(hub_id: int) -> str:
    return f"agent-hub-{hub_id}"


class AgentRunner:
    def __init__(self, config: AgentConfig, suite: GlocalSuite | None = None) -> None:
        network = load_network(config.network)
        self.suite = suite or GlocalSuite.open(network, unlock(config.wallet))
        hub = self.suite.hub(config.hub_id)
        if hub.operator != self.suite.me:
            raise ConfigError(f"wallet {config.wallet} ({self.suite.me}) does not operate hub {config.hub_id} "
                              f"(operator {hub.operator})")
        printers = []
        for printer in config.printers:
            if printer.driver not in DRIVERS:
                raise ConfigError(f"printer {printer.name}: unknown driver {printer.driver!r} ({', '.join(DRIVERS)})")
            url, key = printer.address()
            printers.append(Printer(DRIVERS[printer.driver](printer.name, url, key),
                                    printer.capabilities, tuple(printer.materials)))
        self.db = open_database(config.database_path())
        confirmations = network.confirmations_or(config.confirmations)
        following = Following(stream_name(config.hub_id), confirmations=confirmations,
                              poll_interval_s=config.poll_interval_s, ws_url=network.ws_url)
        policy = JobPolicy(config.max_attempts, config.product_capabilities, config.printer_timeout_s,
                           config.product_materials, config.design_retry_margin_s, config.tracking_format)
        self.agent = HubAgent(self.suite, config.hub_id, self.db, DesignLibrary(config.design_dirs, config.design_urls),
                              printers, following, policy)
        self.config = config
        self.observability = None
        if config.metrics_port is not None:
            self.observability = AgentObservability(self._metrics, config.metrics_port, self._health,
                                                    lambda: self.agent.status, config.metrics_host,
                                                    config.web_origins)

    def _metrics(self) -> dict[str, float]:
        values: dict[str, float] = {k: v for k, v in asdict(self.agent.metrics).items() if isinstance(v, int)}
        values["errors"] = self.agent.loop_errors
        values["queue_depth"] = len(self.agent.status.get("queue", []))
        values["chain_lag_blocks"] = self.agent.stream.stats.lag_blocks
        return values

    def _health(self) -> tuple[list[str], dict[str, Any]]:
        status = self.agent.status  # its `chain` is reachable, unreachable, or unknown before the first step
        details = {"chain": status["chain"],
                   "chain_head": status["chain_head"] if status["chain"] == "reachable" else None,
                   "last_block": status.get("last_block"),
                   "printers": {p["name"]: p["state"] for p in status.get("printers", [])}}
        return status["problems"], details

    def run(self, stop: threading.Event) -> None:
        if self.observability is not None:
            self.observability.start()
            self.agent.store.set_endpoint(self.observability.port, os.getpid())
            log.info("agent status, health and metrics on http://%s:%d (/status, /healthz, /metrics)",
                     self.config.metrics_host, self.observability.port)
        try:
            self.agent.run(stop)
        finally:
            if self.observability is not None:
                self.observability.stop()
            for printer in self.agent.printers.values():
                printer.driver.close()
            self.db.close()
