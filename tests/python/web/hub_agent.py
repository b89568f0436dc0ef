"""The real services of the hub agent's browser tests: the hub agent (`glocal agent run`'s AgentRunner, from a
hub.toml written here) printing on a real OctoPrint server with its virtual printer and fetching designs from the
API's design store, the delivery oracle (`glocal oracle run`'s OracleRunner), a courier's signed webhook in the
real wire format, and a public API told about the agent (`agent_origins`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from glocal_chain.agent.config import load_agent_config
from glocal_chain.agent.runner import AgentRunner
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import OracleConfig, WebhookSender
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import GlocalSuite

from .market import ORACLE, WebMarket

COURIER, COURIER_SECRET = "baltimore-courier", "courier-secret-for-the-browser-test"
TRACKING_FORMAT = "BAL-{hub}-{order}"
#: The agent takes an order once it is this many blocks deep (anvil mines only when a transaction comes): a test
#: sees the order paid first, then mines the blocks that let the agent take it.
CONFIRMATIONS = 2


def origin(port: int) -> str:
    return f"http://127.0.0.1:{port}"


@dataclass
class RunningAgent:
    runner: AgentRunner
    url: str  # where its /status answers

    def status(self) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(f"{self.url}/status", timeout=5).json()
        return answer


@contextmanager
def running_agent(market: WebMarket, hub_id: int, operator: int, printer: OctoPrintServer, design_url: str,
                  port: int, web_origins: list[str], workdir: Path) -> Iterator[RunningAgent]:
    """The hub's agent as an operator runs it: a hub.toml (its wallet is the operator's development account,
    handed over unlocked), the network from a networks file, `web_origins` allowed to read /status on `port`."""
    workdir.mkdir(parents=True, exist_ok=True)
    networks = workdir / "networks.toml"
    networks.write_text(f'[networks.web]\nrpc_urls = ["{market.network.rpc_urls[0]}"]\n'
                        f'chain_id = {market.network.chain_id}\ngas_policy = "free"\nconfirmations = 0\n')
    hub_toml = workdir / "hub.toml"
    hub_toml.write_text(
        f'network = "web"\nwallet = "fablab"\nhub_id = {hub_id}\ndatabase = "agent.db"\n'
        f'design_urls = ["{design_url}"]\npoll_interval_s = 0.2\nmetrics_port = {port}\n'
        f'web_origins = {json.dumps(web_origins)}\ntracking_format = "{TRACKING_FORMAT}"\n'
        f'confirmations = {CONFIRMATIONS}\n'
        f'[[printers]]\nname = "virtual-mk4"\ndriver = "octoprint"\nurl = "{printer.url}"\n'
        f'api_key = "{printer.api_key}"\nmaterials = ["PLA"]\ncapabilities = 1\n')
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GLOCAL_NETWORKS_FILE", str(networks))
        runner = AgentRunner(load_agent_config(hub_toml), suite=market.suite(operator))
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), name=f"hub-agent-{hub_id}", daemon=True)
    thread.start()
    try:
        yield RunningAgent(runner, origin(port))
    finally:
        stop.set()
        thread.join(30)
        assert not thread.is_alive(), "the hub agent did not stop"


@contextmanager
def running_oracle(market: WebMarket, workdir: Path, port: int) -> Iterator[str]:
    """The delivery oracle (the oracle's development account), trusting the courier's webhooks; its URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = OracleConfig(wallet="oracle", database=workdir / "oracle.sqlite", port=port, poll_interval_s=0.2,
                          confirmations=0, senders=[WebhookSender(name=COURIER, secret=COURIER_SECRET)])
    with OracleRunner(config, network=market.network, suite=market.suite(ORACLE)).in_background() as server:
        yield server.url


def courier_delivers(oracle_url: str, order_id: int, tracking_number: str) -> httpx.Response:
    """What the courier's system sends when it hands the parcel over: a JSON report signed with HMAC-SHA256 over
    `<timestamp>.<raw body>` (X-Glocal-Sender, X-Glocal-Timestamp, X-Glocal-Signature)."""
    body = json.dumps({"delivery_id": f"BAL-DELIVERY-{order_id}", "order_id": order_id,
                       "tracking_number": tracking_number,
                       "delivered_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "evidence": {"kind": "signature", "sha256": "0x" + "5" * 64}}).encode()
    headers = signing.signed_headers(COURIER, COURIER_SECRET.encode(), int(time.time()), body)
    return httpx.post(f"{oracle_url}/v1/deliveries", content=body, headers=headers, timeout=30)


@contextmanager
def api_knowing_agents(market: WebMarket, workdir: Path, port: int, agent_origins: list[str]) -> Iterator[str]:
    """`glocal api run` on `port` with `agent_origins` (its pages may read those agents' /status); its URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    settings = ApiSettings(port=port, database_url=str(workdir / "api.sqlite"), designs_dir=market.designs,
                           poll_interval_s=0.1, agent_origins=agent_origins)
    service = ApiService(settings, network=market.network, suite=GlocalSuite(market.w3, market.deployment))
    with service.in_background() as server:
        yield server.url


def printed_files(printer: OctoPrintServer, order_id: int) -> list[dict[str, Any]]:
    """The files of the order's print jobs on the printer (OctoPrint's files API), with their print history."""
    answer = httpx.get(f"{printer.url}/api/files/local", headers={"X-Api-Key": printer.api_key}, timeout=10)
    files: list[dict[str, Any]] = answer.json()["files"]
    return [f for f in files if f["name"].startswith(f"glocal-{order_id}-")]


def printer_job(printer: OctoPrintServer) -> dict[str, Any]:
    """OctoPrint's current (or last) job and its state."""
    answer: dict[str, Any] = httpx.get(f"{printer.url}/api/job", headers={"X-Api-Key": printer.api_key},
                                       timeout=10).json()
    return answer


def mine(market: WebMarket, blocks: int = CONFIRMATIONS) -> None:
    """Mines `blocks` empty blocks: what lets the agent see an order `blocks` deep."""
    for _ in range(blocks):
        market.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
