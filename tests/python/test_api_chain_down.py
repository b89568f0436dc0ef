"""When the chain stops answering, the API and the delivery oracle say so the same way: /healthz is a 503
`degraded` naming "chain unreachable", and a request that needs the chain is a 503 `chain_unavailable` whose
message names no internal RPC URL (the URL goes to the log, for the operator)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterator

import httpx
import pytest

from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.chain.anvil import free_port
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import OracleConfig, WebhookSender
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.sdk import GlocalSuite

from support import dev_suite

ORACLE, BUYER = 1, 8
SECRET = b"courier-secret"
CHAIN_REPORTED = ("status", "problems", "chain", "chain_head")  # what every service's /healthz says alike


@pytest.fixture
def running(node, network, w3, deployed, tmp_path) -> Iterator[dict[str, Any]]:
    """The API and the oracle on the module's own anvil (stopped by the test)."""
    api = ApiService(ApiSettings(port=free_port(), database_url=str(tmp_path / "api.sqlite"),
                                 designs_dir=tmp_path / "designs", poll_interval_s=0.1),
                     network=network, suite=GlocalSuite(w3, deployed.deployment))
    oracle = OracleRunner(OracleConfig(wallet="oracle", database=tmp_path / "oracle.sqlite", port=free_port(),
                                       poll_interval_s=0.1, senders=[WebhookSender(name="courier",
                                                                                   secret=SECRET.decode())]),
                          network=network, suite=dev_suite(w3, deployed.deployment, ORACLE))
    with api.in_background() as api_server, oracle.in_background() as oracle_server:
        yield {"api": api_server.url, "oracle": oracle_server.url, "buyer": dev_suite(w3, deployed.deployment, BUYER)}


def _report(order_id: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"delivery_id": f"D-{order_id}", "order_id": order_id, "tracking_number": "PICKUP-1-1",
                       "delivered_at": "2026-11-27T10:00:00Z",
                       "evidence": {"kind": "signature", "sha256": "0x" + "ee" * 32}}).encode()
    return body, signing.signed_headers("courier", SECRET, int(time.time()), body)


def test_services_answer_503_without_rpc_url_if_chain_unreachable(running, node, caplog):
    api, oracle = running["api"], running["oracle"]
    healthy = httpx.get(f"{api}/healthz", timeout=10)
    assert healthy.status_code == 200 and healthy.json()["status"] == "ok" and healthy.json()["problems"] == []
    buyer = running["buyer"].me

    node.stop()
    caplog.set_level(logging.WARNING)
    health = {name: httpx.get(f"{url}/healthz", timeout=30) for name, url in (("api", api), ("oracle", oracle))}
    for name, response in health.items():
        assert response.status_code == 503, (name, response.text)
        assert response.json()["status"] == "degraded" and response.json()["problems"] == ["chain unreachable"]
        assert response.json()["chain"] == "unreachable" and response.json()["chain_head"] is None
    assert {k: health["api"].json()[k] for k in CHAIN_REPORTED} == {
        k: health["oracle"].json()[k] for k in CHAIN_REPORTED}

    body, headers = _report(1)
    refused = {"api": httpx.post(f"{api}/v1/transactions/confirm-receipt", json={"buyer": buyer, "order_id": 1},
                                 timeout=30),
               "oracle": httpx.post(f"{oracle}/v1/deliveries", content=body, headers=headers, timeout=30)}
    for name, response in refused.items():
        assert response.status_code == 503, (name, response.text)
        error = response.json()["error"]
        assert error["code"] == "chain_unavailable" and error["message"], (name, error)
        for internal in (str(node.port), node.url, "127.0.0.1"):
            assert internal not in response.text, (name, response.text)
    assert f":{node.port}" in caplog.text  # the operator still sees which node failed
