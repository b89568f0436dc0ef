"""Fixtures for the Python package's tests: a real anvil on a free port, the suite deployed through the
package's own deploy routine, isolated data and deployments folders per test, and real OctoPrint servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pgserver
import pytest
from support import octoprint_servers
from web3 import Web3

from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig, local_node
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import DeployConfig
from glocal_chain.deploy.deployer import DeployResult, deploy_suite
from glocal_chain.printers.server import OctoPrintServer


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data folder (wallets, local chain) and deployments folder; a local chain
    a test started on demand is stopped after it."""
    monkeypatch.setenv("GLOCAL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GLOCAL_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    yield
    local_node().down()


@pytest.fixture(scope="module")
def node() -> Iterator[EphemeralNode]:
    with EphemeralNode(gas_price=0) as running:
        yield running


@pytest.fixture(scope="module")
def network(node: EphemeralNode) -> NetworkConfig:
    return NetworkConfig(name="test", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)


@pytest.fixture(scope="module")
def w3(network: NetworkConfig) -> Web3:
    return connect(network)


@pytest.fixture(scope="module")
def deployer(w3: Web3) -> Sender:
    return Sender(w3, dev_account(0), gas_policy=GasPolicy.FREE)


@pytest.fixture(scope="module")
def deployed(w3: Web3, deployer: Sender, tmp_path_factory: pytest.TempPathFactory) -> DeployResult:
    config = DeployConfig(oracles=[dev_account(1).address], arbiters=[dev_account(2).address],
                          community_fund=dev_account(3).address, payment_tokens=["native", "test-token"])
    return deploy_suite(w3, deployer, "test", config, directory=tmp_path_factory.mktemp("deployments"),
                        allow_test_token=True)


@pytest.fixture(scope="module")
def octoprint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OctoPrintServer]:
    """One real OctoPrint server with its virtual printer, shared by a test module."""
    with octoprint_servers(tmp_path_factory.mktemp("octoprint"), 1) as (server,):
        yield server


@pytest.fixture(scope="module")
def printers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[OctoPrintServer]]:
    """Two real OctoPrint servers with virtual printers, shared by a test module."""
    with octoprint_servers(tmp_path_factory.mktemp("printers"), 2) as servers:
        yield servers


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real PostgreSQL server (pgserver) for a test module, stopped after it."""
    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()
