"""Crash safety: `glocal agent run` is killed with SIGKILL at random moments while 50 orders flow; after
the last restart there are exactly 50 print jobs and exactly 50 accept and 50 ship transactions."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from web3 import Web3

from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.demo.market import open_local_market
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import OrderStatus
from glocal_chain.wallet.keystore import save

PART = Path(__file__).parent / "data" / "quick-part.gcode"
ORDERS = 50
UNIT = 1_100_000
PASSWORD = "agent-password"
TIME_LIMIT_S = 300


def _files(server: OctoPrintServer) -> list[str]:
    response = httpx.get(f"{server.url}/api/files/local", headers={"X-Api-Key": server.api_key}, timeout=10)
    return [entry["name"] for entry in response.json()["files"] if entry["name"].startswith("glocal-")]


def _calls(w3: Web3, escrow: str, sender: str, function: str, start: int) -> int:
    selector = Web3.keccak(text=function)[:4]
    count = 0
    for number in range(start, w3.eth.block_number + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["to"] == escrow and tx["from"] == sender and bytes(tx["input"][:4]) == selector:
                count += 1
    return count


def test_agent_prints_each_order_once_if_killed_at_random_moments(tmp_path, monkeypatch):
    random.seed(7)
    with EphemeralNode(gas_price=0) as node, OctoPrintServer(tmp_path / "p1") as p1, \
            OctoPrintServer(tmp_path / "p2") as p2:
        deployments = tmp_path / "deployments"
        market = open_local_market(node.url, node.chain_id, deployments, PART, ORDERS * UNIT)
        w3, deployment, buyer, hub_id = market.w3, market.deployment, market.buyer, market.hub_id
        product = buyer.product(market.product_id)
        start_block = w3.eth.block_number

        home = tmp_path / "home"
        monkeypatch.setenv("GLOCAL_HOME", str(home))
        save("fablab", dev_account(5), PASSWORD)
        (tmp_path / "designs").mkdir()
        shutil.copy(PART, tmp_path / "designs" / "part.gcode")
        (tmp_path / "networks.toml").write_text(
            f'[networks.market]\nrpc_urls = ["{node.url}"]\nchain_id = {node.chain_id}\ngas_policy = "free"\n')
        (tmp_path / "hub.toml").write_text(
            f'network = "market"\nwallet = "fablab"\nhub_id = {hub_id}\ndatabase = "agent.db"\n'
            f'design_dirs = ["designs"]\npoll_interval_s = 0.2\nmetrics_port = 0\n'
            f'[[printers]]\nname = "p1"\nurl = "{p1.url}"\napi_key = "{p1.api_key}"\ncapabilities = 1\n'
            f'[[printers]]\nname = "p2"\nurl = "{p2.url}"\napi_key = "{p2.api_key}"\ncapabilities = 1\n')
        env = {**os.environ, "GLOCAL_HOME": str(home), "GLOCAL_NETWORKS_FILE": str(tmp_path / "networks.toml"),
               "GLOCAL_DEPLOYMENTS_DIR": str(deployments), "GLOCAL_WALLET_PASSWORD": PASSWORD}
        command = [str(Path(sys.executable).with_name("glocal")), "agent", "run", "--config", str(tmp_path / "hub.toml")]

        placed: list[int] = []
        kills = 0
        deadline = time.monotonic() + TIME_LIMIT_S
        log = (tmp_path / "agent.log").open("ab")
        try:
            while True:
                assert time.monotonic() < deadline, f"not done after {kills} kills"
                for _ in range(min(10, ORDERS - len(placed))):  # orders keep flowing between crashes
                    placed.append(buyer.place_order(product.product_id, hub_id, 1, UNIT).order_id)
                agent = subprocess.Popen(command, env=env, stdout=log, stderr=log)
                done = all(buyer.order(o).status is OrderStatus.SHIPPED for o in placed) and len(placed) == ORDERS
                if done:
                    agent.terminate()
                    agent.wait(20)
                    break
                time.sleep(random.uniform(0.5, 4.0))
                agent.kill()  # SIGKILL: no cleanup of any kind
                agent.wait()
                kills += 1
                if kills > 12:  # enough crashes: let the last run finish the work
                    finisher = subprocess.Popen(command, env=env, stdout=log, stderr=log)
                    try:
                        while not all(buyer.order(o).status is OrderStatus.SHIPPED for o in placed) \
                                or len(placed) < ORDERS:
                            assert time.monotonic() < deadline, "agent did not finish"
                            if len(placed) < ORDERS:
                                placed.append(buyer.place_order(product.product_id, hub_id, 1, UNIT).order_id)
                            time.sleep(0.5)
                    finally:
                        finisher.terminate()
                        finisher.wait(20)
                    break
        finally:
            log.close()

        assert len(placed) == ORDERS and kills >= 5
        assert all(buyer.order(o).status is OrderStatus.SHIPPED for o in placed)
        jobs = _files(p1) + _files(p2)
        assert len(jobs) == ORDERS, sorted(jobs)
        assert sorted(int(name.split("-")[1]) for name in jobs) == sorted(placed)
        escrow = deployment.address("OrderEscrow")
        operator_address = dev_account(5).address
        assert _calls(w3, escrow, operator_address, "acceptOrder(uint256)", start_block) == ORDERS
        assert _calls(w3, escrow, operator_address, "shipOrder(uint256,bytes32)", start_block) == ORDERS
