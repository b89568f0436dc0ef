"""The market the browser tests act in: the suite deployed from config/deploy/local.toml on a real anvil (the member
cities Oslo, Berlin and Baltimore are development accounts 10, 11 and 12 and approve hubs in their areas), a
designer's product whose G-code is in the API's design store, approved hubs offering it in gUSD, and the public API
(`glocal api run`'s ApiService) following that chain."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from web3 import Web3

from glocal_chain.api.designs import DesignStore
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.chain.anvil import free_port
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.deploy.deployments import Deployment
from glocal_chain.events.stream import wait_for
from glocal_chain.sdk import GlocalSuite

ROOT = Path(__file__).resolve().parents[3]
LOCAL_CONFIG = ROOT / "config" / "deploy" / "local.toml"
CUBE = ROOT / "examples" / "calibration-cube.gcode"
GUSD = 1_000_000  # base units of one gUSD (6 decimals)
DEPLOYER, ORACLE, ARBITER, FUND, DESIGNER, HUB_OPERATOR = 0, 1, 2, 3, 4, 5
OSLO, BERLIN, BALTIMORE = 10, 11, 12  # the member cities: areas u4, u33, dqc
BUYER_GEOHASH = "u4pruydr"  # the buyer, a few hundred metres from the near hub


def address(index: int) -> str:
    return str(dev_account(index).address)


@dataclass
class WebMarket:
    w3: Web3
    network: NetworkConfig
    deployment: Deployment
    designs: Path
    cube: int = 0
    cube_sha256: str = ""
    token: str = ""
    hubs: dict[str, int] = field(default_factory=dict)

    def suite(self, index: int) -> GlocalSuite:
        """The suite acting as development account `index` (free gas, as on the consortium chain)."""
        return GlocalSuite(self.w3, self.deployment, Sender(self.w3, dev_account(index), gas_policy=GasPolicy.FREE))

    def store_design(self, content: bytes) -> str:
        """Puts `content` in the API's design store (as an authorised upload would); its sha256 as 0x hex."""
        return "0x" + DesignStore(self.designs).put(content)

    def add_hub(self, name: str, geohash: str, approver: int | None, price_gusd: int | None = None,
                product: int | None = None) -> int:
        """A hub of the hub operator at `geohash`, approved by member city `approver` (None: left pending), with
        an offer of `product` (the cube by default) at `price_gusd` if given."""
        operator = self.suite(HUB_OPERATOR)
        hub_id = operator.register_hub(geohash, 1, f"https://{name}.example").hub_id
        if approver is not None:
            self.suite(approver).approve_hub(hub_id)
        if price_gusd is not None:
            operator.publish_offer(self.cube if product is None else product, hub_id, self.token, price_gusd * GUSD,
                                   24)
        self.hubs[name] = hub_id
        return hub_id

    def fund(self, index: int, gusd: int) -> None:
        self.suite(index).mint_test_tokens(address(index), gusd * GUSD)


def open_web_market(rpc_url: str, chain_id: int, workdir: Path) -> WebMarket:
    network = NetworkConfig(name="local", rpc_urls=[rpc_url], chain_id=chain_id, gas_policy=GasPolicy.FREE)
    w3 = connect(network)
    config = load_deploy_config(LOCAL_CONFIG)
    deployment = deploy_suite(w3, Sender(w3, dev_account(DEPLOYER), gas_policy=GasPolicy.FREE), "local", config,
                              directory=workdir / "deployments", allow_test_token=True).deployment
    market = WebMarket(w3, network, deployment, workdir / "designs")
    market.cube_sha256 = market.store_design(CUBE.read_bytes())
    market.cube = market.suite(DESIGNER).register_product(market.cube_sha256, "ipfs://calibration-cube",
                                                          1_000).product_id
    market.token = market.suite(HUB_OPERATOR).token("gUSD")
    market.add_hub("near", "u4pruydq", OSLO, price_gusd=10)
    market.add_hub("far", "u33dc0", BERLIN, price_gusd=5)
    return market


@contextmanager
def running_api(market: WebMarket, workdir: Path) -> Iterator[Any]:
    """`glocal api run` on a free loopback port following the market's chain; yields its BackgroundServer."""
    workdir.mkdir(parents=True, exist_ok=True)
    settings = ApiSettings(port=free_port(), database_url=str(workdir / "api.sqlite"), designs_dir=market.designs,
                           poll_interval_s=0.1)
    service = ApiService(settings, network=market.network, suite=GlocalSuite(market.w3, market.deployment))
    with service.in_background() as server:
        yield server


def wait_indexed(api_url: str, w3: Web3, timeout: float = 20) -> None:
    """Waits until the API's read model has every block the chain has now."""
    head = w3.eth.block_number
    assert wait_for(lambda: (httpx.get(f"{api_url}/healthz").json().get("indexed_block") or -1) >= head, timeout), \
        "the API's read model is behind the chain"


def sha256_hex(content: bytes) -> str:
    return "0x" + hashlib.sha256(content).hexdigest()


def status_pattern(status: str) -> re.Pattern[str]:
    """An `.order-status` text that is `status` (lowercase, whole word)."""
    return re.compile(rf"\b{status}\b", re.IGNORECASE)
