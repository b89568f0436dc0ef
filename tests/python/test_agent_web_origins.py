"""The hub page reads the agent's printers from the operator's browser: the agent's /status answers the web app
origins hub.toml lists (`web_origins`, CORS, with the preflight Chromium may send) and no others, and the API's
pages allow a connection to the agents it is told about (`agent_origins`, their CSP connect-src) and to nothing
else by default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from glocal_chain.agent.config import load_agent_config
from glocal_chain.agent.observability import AgentObservability
from glocal_chain.api.routes.pages import CONTENT_SECURITY_POLICY
from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings, load_api_settings
from glocal_chain.chain.anvil import free_port
from glocal_chain.errors import ConfigError
from glocal_chain.sdk import GlocalSuite

from support import serve_api

WEB_APP = "http://127.0.0.1:8080"
STRANGER = "http://evil.example"
AGENT = "http://192.168.1.40:9464"
PRINTER = '[[printers]]\nname = "p"\nurl = "http://127.0.0.1:5000"\napi_key = "K"\n'
STATUS = {"hub_id": 1, "printers": [{"name": "p", "state": "printing", "job": "glocal-4-1-1.gcode"}], "queue": []}


@pytest.fixture
def agent_http() -> Iterator[httpx.Client]:
    """The agent's status server allowing the web app's origin only."""
    server = AgentObservability(lambda: {}, 0, status=lambda: STATUS, web_origins=[WEB_APP])
    server.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=5) as client:
            yield client
    finally:
        server.stop()


def test_status_allows_origin_if_listed_in_web_origins(agent_http):
    answer = agent_http.get("/status", headers={"Origin": WEB_APP})
    assert answer.status_code == 200 and answer.json() == STATUS
    assert answer.headers["access-control-allow-origin"] == WEB_APP
    assert "origin" in answer.headers["vary"].lower()


def test_status_carries_no_cors_header_if_origin_not_listed(agent_http):
    for headers in ({"Origin": STRANGER}, {}):
        answer = agent_http.get("/status", headers=headers)
        assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers


def test_preflight_allows_private_network_if_origin_listed_and_refuses_other_origins(agent_http):
    asked = {"Origin": WEB_APP, "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Private-Network": "true"}
    answer = agent_http.options("/status", headers=asked)
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == WEB_APP
    assert answer.headers["access-control-allow-private-network"] == "true"
    assert "GET" in answer.headers["access-control-allow-methods"]
    refused = agent_http.options("/status", headers={**asked, "Origin": STRANGER})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers


def test_status_carries_no_cors_header_if_no_web_origins_configured():
    server = AgentObservability(lambda: {}, 0, status=lambda: STATUS)
    server.start()
    try:
        answer = httpx.get(f"http://127.0.0.1:{server.port}/status", headers={"Origin": WEB_APP}, timeout=5)
    finally:
        server.stop()
    assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers


def _hub_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'wallet = "fablab"\nhub_id = 3\n{text}\n{PRINTER}')
    return path


def test_config_normalises_web_origins_and_defaults_to_none(tmp_path):
    config = load_agent_config(_hub_toml(tmp_path, 'web_origins = ["HTTP://127.0.0.1:8080/", "https://glocal.city"]'))
    assert config.web_origins == [WEB_APP, "https://glocal.city"]
    assert load_agent_config(_hub_toml(tmp_path, "")).web_origins == []


def test_config_refuses_web_origin_if_it_has_a_path(tmp_path):
    with pytest.raises(ConfigError, match=r"web_origins.*not a web origin"):
        load_agent_config(_hub_toml(tmp_path, 'web_origins = ["http://127.0.0.1:8080/hub"]'))


def test_api_settings_read_agent_origins_from_environment_if_set(monkeypatch):
    monkeypatch.setenv("GLOCAL_API_AGENT_ORIGINS", f"{AGENT}/, http://10.0.0.7:9464")
    assert load_api_settings().agent_origins == [AGENT, "http://10.0.0.7:9464"]
    monkeypatch.setenv("GLOCAL_API_AGENT_ORIGINS", "192.168.1.40:9464")
    with pytest.raises(ConfigError, match="not a web origin"):
        load_api_settings()
    monkeypatch.delenv("GLOCAL_API_AGENT_ORIGINS")
    assert load_api_settings().agent_origins == []


@pytest.fixture(scope="module")
def apis(network, w3, deployed, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The API with its default settings, and one told about two hub agents: their URLs."""
    plain = serve_api(tmp_path_factory.mktemp("plain-api"), network, w3, deployed.deployment)
    tmp = tmp_path_factory.mktemp("told-api")
    settings = ApiSettings(port=free_port(), database_url=str(tmp / "api.sqlite"), designs_dir=tmp / "designs",
                           poll_interval_s=0.1, agent_origins=[AGENT, WEB_APP])
    told = ApiService(settings, network=network, suite=GlocalSuite(w3, deployed.deployment))
    with plain.in_background() as plain_server, told.in_background() as told_server:
        yield plain_server.url, told_server.url


@pytest.mark.parametrize("path", ["/hub", "/", "/assets/js/hub.js", "/assets/js/nothing.js"])
def test_pages_allow_connecting_to_agents_if_api_told_about_them(apis, path):
    plain, told = apis
    default = httpx.get(plain + path, timeout=10).headers["content-security-policy"]
    policy = httpx.get(told + path, timeout=10).headers["content-security-policy"]
    assert default == CONTENT_SECURITY_POLICY and AGENT not in default
    assert f"connect-src 'self' {AGENT} {WEB_APP};" in policy
    assert policy.replace(f" {AGENT} {WEB_APP}", "") == CONTENT_SECURITY_POLICY  # nothing else loosened
