"""The services' OpenAPI documents are true: Schemathesis (its own environment, `.venv-schemathesis`, made by
`make setup`) runs every check it has (`--checks all`: status codes, response schemas, required fields,
schema-valid requests accepted and invalid ones refused, 405 with `Allow`, ...) against the public API and
the delivery oracle, each serving a real anvil with a deployed suite and orders in every state. A bounded,
seeded number of examples per operation keeps the run short and repeatable; any failure fails the test with
Schemathesis's report."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.chain.anvil import free_port
from glocal_chain.oracle.config import OracleConfig, WebhookSender
from glocal_chain.oracle.runner import OracleRunner
from glocal_chain.sdk import GlocalSuite
from glocal_chain.toolchain.settings import project_root

from support import dev_suite

SCHEMATHESIS = project_root() / ".venv-schemathesis" / "bin" / "st"
EXAMPLES = 30  # per operation and phase; the stateful phase chains the operations on top
SEED = 2026
PRICE = 1_000_000
OPERATOR, ORACLE, DESIGNER, HUB_OPERATOR, BUYER = 0, 1, 4, 5, 8
COURIER, SECRET = "courier", "conformance-secret"

#: Signs each delivery report the way a courier does (oracle.signing's scheme: HMAC-SHA256 over
#: "<timestamp>.<raw body>"), so that Schemathesis reaches past the signature check to the report itself.
SIGNING_HOOK = '''
import hashlib, hmac, json, os, time
import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.path != "/v1/deliveries" or case.media_type != "application/json":
        return
    try:
        body = json.dumps(case.body).encode()
    except (TypeError, ValueError):
        return  # no JSON body (none generated, or bytes): sent unsigned, refused with 401
    timestamp = str(int(time.time()))
    digest = hmac.new(os.environ["COURIER_SECRET"].encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    kwargs["data"] = body
    case.headers = {**(case.headers or {}), "X-Glocal-Sender": os.environ["COURIER_NAME"],
                    "X-Glocal-Timestamp": timestamp, "X-Glocal-Signature": "sha256=" + digest.hexdigest()}
'''
AUTH_REFUSALS = {"unknown_sender", "bad_timestamp", "stale_timestamp", "bad_signature", "unsigned"}


@pytest.fixture(scope="module")
def market(w3, deployed) -> dict[str, Any]:
    """A product offered by an approved hub (and a pending hub), a buyer with tokens and orders in each
    state: 1 and 2 shipped (the first ids the fuzzer tries), 3 accepted, 4 delivered and rated, 5 cancelled,
    6 paid."""
    def suite(index: int) -> GlocalSuite:
        return dev_suite(w3, deployed.deployment, index)

    operator, hubs, buyer, oracle = suite(OPERATOR), suite(HUB_OPERATOR), suite(BUYER), suite(ORACLE)
    token = buyer.token("gUSD")
    product = suite(DESIGNER).register_product("0x" + "ab" * 32, "ipfs://part", 1_000).product_id
    hub_id = hubs.register_hub("u4pruydq", 1, "https://hub.example").hub_id
    hubs.register_hub("u33dc0", 1, "https://pending.example")
    operator.approve_hub(hub_id)
    hubs.publish_offer(product, hub_id, token, 12 * PRICE, 24)
    buyer.mint_test_tokens(buyer.me, 10_000 * PRICE)
    buyer.approve_escrow(token, 10_000 * PRICE)
    orders = [buyer.place_order(product, hub_id, 1, 100 * PRICE).order_id for _ in range(6)]
    for order in orders[:4]:
        hubs.accept(order)
    for order in (orders[0], orders[1], orders[3]):
        hubs.ship(order, f"PICKUP-{order}")
    oracle.confirm_delivery(orders[3])
    buyer.rate(orders[3], 5)
    buyer.cancel(orders[4])
    return {"suite": suite, "orders": orders}


def _schemathesis(url: str, workdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`st run <url>/openapi.json --checks all`, bounded and seeded, in `workdir` (its example database and
    reports stay there: every run starts afresh)."""
    if not SCHEMATHESIS.exists():
        pytest.fail(f"{SCHEMATHESIS} is missing: run `make setup`")
    command = [str(SCHEMATHESIS), "run", f"{url}/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES),
               "--seed", str(SEED), "--workers", "1", "--request-timeout", "30", "--no-shrink"]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1", **env})


def _assert_conforms(result: subprocess.CompletedProcess[str]) -> None:
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    tested = re.search(r"(\d+) generated, (\d+) passed", report)
    assert tested is not None and int(tested.group(1)) > 0, report
    print(report[report.rfind("SUMMARY"):])  # shown with `pytest -rP`: what was tested, by phase and check


def test_api_conforms_to_its_openapi_document_if_fuzzed(market, network, w3, deployed, tmp_path):
    settings = ApiSettings(port=free_port(), database_url=str(tmp_path / "api.sqlite"),
                           designs_dir=tmp_path / "designs", max_design_bytes=4096, poll_interval_s=0.1)
    service = ApiService(settings, network=network, suite=GlocalSuite(w3, deployed.deployment))
    service.catch_up()
    with service.in_background() as server:
        assert httpx.get(f"{server.url}/v1/orders/{market['orders'][3]}").json()["status"] == "delivered"
        _assert_conforms(_schemathesis(server.url, tmp_path))


@pytest.fixture
def oracle_url(market, network, tmp_path) -> Iterator[str]:
    config = OracleConfig(wallet="oracle", database=tmp_path / "oracle.sqlite", port=free_port(),
                          poll_interval_s=0.1, senders=[WebhookSender(name=COURIER, secret=SECRET)])
    with OracleRunner(config, network=network, suite=market["suite"](ORACLE)).in_background() as server:
        yield server.url


def test_oracle_conforms_to_its_openapi_document_if_fuzzed_with_signed_reports(oracle_url, tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "signing_hook.py").write_text(SIGNING_HOOK)
    result = _schemathesis(oracle_url, tmp_path, SCHEMATHESIS_HOOKS="signing_hook", PYTHONPATH=str(hooks),
                           COURIER_NAME=COURIER, COURIER_SECRET=SECRET)
    _assert_conforms(result)
    counted = re.findall(r'glocal_oracle_webhooks_total\{result="([a-z_]+)"\} ([0-9.]+)',
                         httpx.get(f"{oracle_url}/metrics").text)
    past_signature = {code for code, count in counted if code not in AUTH_REFUSALS and float(count) > 0}
    assert past_signature, f"no signed report got past the signature check: {counted}"
