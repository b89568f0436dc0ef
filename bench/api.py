"""Public API figures (`make bench` -> bench/results/api.json).

A real anvil holds 1,000 approved hubs (random geohashes over Europe, each offering product 1) and
10,000 orders; the API's indexer reads them into its SQLite read model; the API serves under uvicorn in
this process while a second process (bench/load.py) sends `GET /v1/hubs/near` and `GET /v1/orders/{id}`
over loopback: open-loop at 200 requests/s for the latency figures (measured from each request's
scheduled time), then closed-loop with 8 clients for the requests/s ceiling.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from bench.load import percentile_ms
from glocal_chain import geo
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.chain.anvil import EphemeralNode, free_port
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.demo.market import BUYER, HUB_OPERATOR, OPERATOR, open_local_market
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.toolchain.settings import project_root

HUBS = 1_000
ORDERS = 10_000
RATE = 200
REQUESTS = 3_000  # 15 s at 200 requests/s per endpoint
CLOSED_REQUESTS = 2_000
CLIENTS = 8
WARM_UP = 400  # requests before measuring: connections, thread-pool threads, caches
TX_GAS = 250_000
BLOCK_TXS = 100
MAX_PRICE = 20_000_000
MAX_TOTAL = 2 * MAX_PRICE  # price plus the designer's royalty, with room
LEAD_TIME_HOURS = 24  # every hub's, as open_local_market's first hub
PART = project_root() / "examples" / "calibration-cube.gcode"


class Pipeline:
    """Sends many transactions from one account without waiting for receipts, mining a block every
    BLOCK_TXS of them (benchmark set-up only: anvil slows down as blocks of one transaction pile up)."""

    def __init__(self, w3: Web3, account: LocalAccount) -> None:
        self.w3, self.account = w3, account
        self.nonce = w3.eth.get_transaction_count(account.address)
        self.chain_id = w3.eth.chain_id
        self.last: Any = None
        self.unmined = 0
        self._rpc("evm_setAutomine", [False])

    def _rpc(self, method: str, params: list[Any]) -> None:
        self.w3.provider.make_request(method, params)  # type: ignore[arg-type]

    def send(self, contract: Any, function: str, *args: Any) -> None:
        tx = {"to": contract.address, "data": contract.encode_abi(function, args=list(args)), "gas": TX_GAS,
              "gasPrice": 0, "nonce": self.nonce, "chainId": self.chain_id, "value": 0}
        self.last = self.w3.eth.send_raw_transaction(self.account.sign_transaction(tx).raw_transaction)
        self.nonce += 1
        self.unmined += 1
        if self.unmined == BLOCK_TXS:
            self._rpc("evm_mine", [])
            self.unmined = 0

    def flush(self) -> None:
        while int(self.w3.provider.make_request("txpool_status", [])["result"]["pending"], 16):  # type: ignore[arg-type]
            self._rpc("evm_mine", [])
        self._rpc("evm_setAutomine", [True])
        if self.last is not None:
            receipt = self.w3.eth.wait_for_transaction_receipt(self.last, timeout=600)
            assert receipt["status"] == 1, "the last set-up transaction failed"


def _populate(market: Any, rng: random.Random) -> list[str]:
    suite: GlocalSuite = market.suite(OPERATOR)
    hubs, products, escrow = suite.hubs, suite.products, suite.escrow
    operator = Pipeline(market.w3, dev_account(HUB_OPERATOR))
    geohashes = [geo.encode(rng.uniform(36, 60), rng.uniform(-9, 30), 7) for _ in range(HUBS - 1)]
    for geohash in geohashes:
        operator.send(hubs, "registerHub", geo.to_bytes12(geohash), 1, "")
    operator.flush()
    approver = Pipeline(market.w3, dev_account(OPERATOR))
    first = market.hub_id + 1
    for hub_id in range(first, first + len(geohashes)):
        approver.send(hubs, "approveHub", hub_id)
    approver.flush()
    for hub_id in range(first, first + len(geohashes)):
        operator.send(products, "publishOffer", market.product_id, hub_id, market.token,
                      rng.randint(1, MAX_PRICE // 1_000_000) * 1_000_000, LEAD_TIME_HOURS)
    operator.flush()
    buyer = Pipeline(market.w3, dev_account(BUYER))
    version = suite.product(market.product_id).version
    for _ in range(ORDERS):  # OrderTerms: the offers' token, design version and lead time, at most MAX_TOTAL
        buyer.send(escrow, "placeOrder", (market.product_id, rng.randint(1, HUBS), 1, version, market.token,
                                          LEAD_TIME_HOURS, MAX_TOTAL))
    buyer.flush()
    assert hubs.functions.hubCount().call() == HUBS and escrow.functions.orderCount().call() == ORDERS
    return geohashes


COUNTS = {"open": REQUESTS, "closed": CLOSED_REQUESTS, "warm-up": WARM_UP}


def _load(url: str, kind: str, mode: str, geohashes: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.load", "--url", url, "--kind", kind,
               "--orders", str(ORDERS), "--geohashes", ",".join(geohashes[:200]), "--rate", str(RATE),
               "--clients", str(CLIENTS), "--count", str(COUNTS[mode]),
               "--mode", "closed" if mode == "warm-up" else mode]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=project_root()).stdout
    return dict(json.loads(output))


def run() -> dict[str, Any]:
    rng = random.Random(2026)
    with EphemeralNode(gas_price=0) as node, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        market = open_local_market(node.url, node.chain_id, Path(tmp) / "deployments", PART,
                                   ORDERS * MAX_TOTAL)
        geohashes = _populate(market, rng)
        setup_s = time.perf_counter() - started
        network = NetworkConfig(name="bench", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)
        settings = ApiSettings(port=free_port(), database_url=str(Path(tmp) / "api.sqlite"),
                               designs_dir=Path(tmp) / "designs")
        service = ApiService(settings, network=network, suite=GlocalSuite(market.w3, market.deployment))
        started = time.perf_counter()
        indexed = service.catch_up()
        index_s = time.perf_counter() - started
        result: dict[str, Any] = {"hubs": HUBS, "orders": ORDERS, "events_indexed": indexed,
                                  "index_s": round(index_s, 2), "setup_s": round(setup_s, 1),
                                  "target": {"p99_ms": 50, "at_rps": RATE}}
        with service.in_background() as server:
            for kind, name in (("near", "hubs_near"), ("order", "order_by_id")):
                _load(server.url, kind, "warm-up", geohashes)
                timed = _load(server.url, kind, "open", geohashes)
                ceiling = _load(server.url, kind, "closed", geohashes)
                latencies = timed["latencies"]
                result[name] = {"requests": len(latencies), "offered_rps": RATE,
                                "achieved_rps": round(timed["achieved_rps"], 1),
                                "p50_ms": percentile_ms(latencies, 0.5), "p99_ms": percentile_ms(latencies, 0.99),
                                "errors": timed["errors"] + ceiling["errors"],
                                "max_rps_8_clients": round(ceiling["rps"], 1)}
        result["target_met"] = all(result[name]["p99_ms"] <= 50 and result[name]["errors"] == 0
                                   for name in ("hubs_near", "order_by_id"))
        return result
