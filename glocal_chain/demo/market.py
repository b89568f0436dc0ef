"""A small local market for the demo's agent, benchmarks and tests: the suite deployed on a local chain
(anvil's development accounts), a designer's product, one approved hub offering it in the test token, and
a funded buyer who has approved the escrow."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import DeployConfig
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.deploy.deployments import Deployment
from glocal_chain.sdk.suite import GlocalSuite

OPERATOR, DESIGNER, HUB_OPERATOR, BUYER = 0, 4, 5, 7
UNIT_PRICE = 1_000_000  # 1 gUSD
ROYALTY_BPS = 1_000


@dataclass
class LocalMarket:
    w3: Web3
    deployment: Deployment
    product_id: int
    hub_id: int
    token: str

    def suite(self, account_index: int) -> GlocalSuite:
        """The suite acting as anvil's development account `account_index`."""
        return GlocalSuite(self.w3, self.deployment, Sender(self.w3, dev_account(account_index),
                                                            gas_policy=GasPolicy.FREE))

    @property
    def hub(self) -> GlocalSuite:
        return self.suite(HUB_OPERATOR)

    @property
    def buyer(self) -> GlocalSuite:
        return self.suite(BUYER)


def open_local_market(rpc_url: str, chain_id: int, deployments_dir: Path, design_file: Path,
                      buyer_funds: int) -> LocalMarket:
    w3 = connect(NetworkConfig(name="market", rpc_urls=[rpc_url], chain_id=chain_id, gas_policy=GasPolicy.FREE))
    deployment = deploy_suite(w3, Sender(w3, dev_account(OPERATOR), gas_policy=GasPolicy.FREE), "market",
                              DeployConfig(payment_tokens=["test-token"]), directory=deployments_dir,
                              allow_test_token=True).deployment
    market = LocalMarket(w3, deployment, 0, 0, "")
    design_hash = "0x" + hashlib.sha256(design_file.read_bytes()).hexdigest()
    market.product_id = market.suite(DESIGNER).register_product(design_hash, "ipfs://part", ROYALTY_BPS).product_id
    hub = market.hub
    market.hub_id = hub.register_hub("u4pruydq", 1, "").hub_id
    market.suite(OPERATOR).approve_hub(market.hub_id)
    market.token = hub.token("gUSD")
    hub.publish_offer(market.product_id, market.hub_id, market.token, UNIT_PRICE, 24)
    buyer = market.buyer
    buyer.mint_test_tokens(buyer.me, buyer_funds)
    buyer.approve_escrow(market.token, buyer_funds)
    return market
