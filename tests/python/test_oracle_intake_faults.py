"""The oracle's webhook intake under malformed requests: whatever the headers and the body, the answer is a
4xx in the one JSON error shape, never a 500, and every answer is counted in /metrics. Against the real
oracle app on a real anvil: over real HTTP for the values a fault-injection run found, and through
FastAPI's TestClient for a property over arbitrary header values and bodies."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from glocal_chain.chain.anvil import EphemeralNode, free_port
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.demo.market import open_local_market
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import OracleConfig, WebhookSender
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.web import CHAIN_UNREACHABLE

from support import dev_suite

SECRET = "courier-secret"
ORACLE_ACCOUNT = 1  # holds the oracle role in the deployed fixture
# The fault-injection run's values: a Unicode digit `str.isdigit` accepts and `int` refuses, a number that
# overflows a float, and one past Python's 4,300-digit limit for int().
MALFORMED_TIMESTAMPS = ["²", "9" * 400, "1" * 4_400]
REPORT = {"delivery_id": "D-1", "order_id": 1, "tracking_number": "PICKUP-1", "delivered_at": "2026-11-27T10:00:00Z",
          "evidence": {"kind": "photo", "sha256": "ab" * 32}}


@pytest.fixture(scope="module")
def runner(network, w3, deployed, tmp_path_factory) -> OracleRunner:
    config = OracleConfig(wallet="oracle", database=tmp_path_factory.mktemp("oracle") / "oracle.sqlite",
                          port=free_port(), senders=[WebhookSender(name="courier", secret=SECRET)])
    return OracleRunner(config, network=network, suite=dev_suite(w3, deployed.deployment, ORACLE_ACCOUNT))


@pytest.fixture(scope="module")
def served(runner) -> Iterator[httpx.Client]:
    with runner.in_background() as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def in_process(runner) -> Iterator[TestClient]:
    with TestClient(runner.app, raise_server_exceptions=False) as client:
        yield client


def _webhooks_counted(client: httpx.Client | TestClient) -> float:
    families = text_string_to_metric_families(client.get("/metrics").text)
    return sum(sample.value for family in families if family.name == "glocal_oracle_webhooks"
               for sample in family.samples if sample.name.endswith("_total"))


def _assert_refused_in_error_shape(response: httpx.Response) -> dict[str, str]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    error = response.json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    return error


@pytest.mark.parametrize("timestamp", MALFORMED_TIMESTAMPS, ids=["superscript-two", "400-nines", "4400-digits"])
def test_webhook_refused_401_bad_timestamp_if_timestamp_header_malformed(served, timestamp):
    body = json.dumps(REPORT).encode()
    # HTTP header bytes are latin-1 to the server: b"\xb2" is the "²" the oracle then sees
    headers = {signing.SENDER_HEADER: "courier", signing.TIMESTAMP_HEADER: timestamp.encode("latin-1"),
               signing.SIGNATURE_HEADER: signing.sign(SECRET.encode(), timestamp, body),
               "Content-Type": "application/json"}
    before = _webhooks_counted(served)
    response = served.post("/v1/deliveries", content=body, headers=headers)
    error = _assert_refused_in_error_shape(response)
    assert response.status_code == 401 and error["code"] == "bad_timestamp"
    assert error["field"] == signing.TIMESTAMP_HEADER
    assert _webhooks_counted(served) == before + 1


def test_webhook_refused_401_bad_signature_if_signature_header_not_ascii(served):
    body = json.dumps(REPORT).encode()
    headers = signing.signed_headers("courier", SECRET.encode(), int(time.time()), body)
    headers[signing.SIGNATURE_HEADER] = "sha256=é".encode("latin-1")  # type: ignore[assignment]
    response = served.post("/v1/deliveries", content=body, headers=headers)
    assert response.status_code == 401 and _assert_refused_in_error_shape(response)["code"] == "bad_signature"


HEADER_BYTES = st.binary(max_size=80).filter(lambda value: not any(c in value for c in b"\r\n\x00"))
TIMESTAMPS = st.one_of(HEADER_BYTES, st.integers(min_value=-10**30, max_value=10**30).map(lambda n: str(n).encode()),
                       st.sampled_from([t.encode("latin-1") for t in MALFORMED_TIMESTAMPS]), st.just(b"now"))
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=8)
REPORTS = st.fixed_dictionaries({
    "delivery_id": st.text(max_size=140), "order_id": st.one_of(st.integers(), st.text(max_size=5)),
    "tracking_number": st.text(max_size=140), "delivered_at": st.one_of(st.text(max_size=30), st.just(
        "2026-11-27T10:00:00Z")), "evidence": st.one_of(JSON_VALUES, st.just(REPORT["evidence"]))})
BODIES = st.one_of(st.binary(max_size=300), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                   REPORTS.map(lambda v: json.dumps(v).encode()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(sender=st.one_of(HEADER_BYTES, st.just(b"courier")), timestamp=TIMESTAMPS, signature=HEADER_BYTES,
       signed=st.booleans(), body=BODIES)
def test_webhook_answered_4xx_in_error_shape_and_counted_if_headers_or_body_arbitrary(in_process, sender, timestamp,
                                                                                       signature, signed, body):
    if signed:  # a correct signature over whatever timestamp and body: the request reaches the body's checks
        timestamp = str(int(time.time())).encode() if timestamp == b"now" else timestamp
        signature = signing.sign(SECRET.encode(), timestamp.decode("latin-1"), body).encode()
    headers = {signing.SENDER_HEADER: sender, signing.TIMESTAMP_HEADER: timestamp,
               signing.SIGNATURE_HEADER: signature, "Content-Type": "application/json"}
    before = _webhooks_counted(in_process)
    response = in_process.post("/v1/deliveries", content=body, headers=headers)
    _assert_refused_in_error_shape(response)
    assert _webhooks_counted(in_process) == before + 1


def test_healthz_ok_with_chain_details_if_chain_answers(in_process, runner):
    response = in_process.get("/healthz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["problems"] == [] and body["chain"] == "reachable"
    assert isinstance(body["chain_head"], int) and body["oracle"] == runner.oracle.me


def test_openapi_declares_every_refusal_and_resolves_every_ref(in_process):
    document = in_process.get("/openapi.json").json()
    deliveries = document["paths"]["/v1/deliveries"]["post"]
    assert {"202", "401", "404", "409", "413", "422", "503"} <= set(deliveries["responses"])
    assert "503" in document["paths"]["/healthz"]["get"]["responses"]
    text = json.dumps(document)
    assert "#/$defs/" not in text
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        node = document
        for key in ref.removeprefix("#/").split("/"):
            node = node[key]  # KeyError: a $ref that points nowhere


def test_healthz_503_and_webhook_503_without_rpc_url_if_chain_unreachable(tmp_path):
    with EphemeralNode(gas_price=0) as node:
        market = open_local_market(node.url, node.chain_id, tmp_path / "deployments",
                                   Path("examples/calibration-cube.gcode"), 10**9)
        market.suite(0).set_role("oracle", dev_account(ORACLE_ACCOUNT).address, True)
        network = NetworkConfig(name="market", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)
        config = OracleConfig(wallet="oracle", database=tmp_path / "oracle.sqlite", port=free_port(),
                              senders=[WebhookSender(name="courier", secret=SECRET)])
        runner = OracleRunner(config, network=network, suite=market.suite(ORACLE_ACCOUNT))
        client = TestClient(runner.app, raise_server_exceptions=False)
        assert client.get("/healthz").status_code == 200
        hidden = [node.url, f":{node.port}"]
    # the node is stopped: the oracle says so, in the shape the API uses, and names no internal address
    health = client.get("/healthz")
    assert health.status_code == 503, health.text
    body = health.json()
    assert body["status"] == "degraded" and body["problems"] == [CHAIN_UNREACHABLE]
    assert body["chain"] == "unreachable" and body["chain_head"] is None
    report = json.dumps(REPORT).encode()
    webhook = client.post("/v1/deliveries", content=report,
                          headers=signing.signed_headers("courier", SECRET.encode(), int(time.time()), report))
    assert webhook.status_code == 503 and webhook.json()["error"]["code"] == "chain_unavailable", webhook.text
    for answer in (health.text, webhook.text):
        assert not any(address in answer for address in hidden), answer
    runner.db.close()
