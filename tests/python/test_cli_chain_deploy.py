"""`glocal chain up/down/status` and `glocal deploy`, through Typer's test runner, against real anvils."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from glocal_chain.chain.anvil import free_port
from glocal_chain.chain.networks import local_node
from glocal_chain.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture
def local_chain():
    """Stops the local chain a test started, whatever happened."""
    yield
    local_node().down()


def test_chain_up_deploy_twice_then_restart_keeps_state_if_local(local_chain, tmp_path):
    up = invoke("chain", "up", "--json")
    assert up.exit_code == 0, up.output
    assert json.loads(up.output)["url"].startswith("http://127.0.0.1:")

    first = invoke("deploy", "--network", "local", "--json")
    assert first.exit_code == 0, first.output
    deployed = json.loads(first.output)
    assert deployed["changed"] is True
    path = Path(tmp_path / "deployments" / "local.json")
    assert json.loads(path.read_text())["contracts"]["OrderEscrow"]["address"] == \
        deployed["contracts"]["OrderEscrow"]["address"]

    second = invoke("deploy", "--json")
    assert second.exit_code == 0, second.output
    assert json.loads(second.output)["changed"] is False

    assert invoke("chain", "down").exit_code == 0
    status = invoke("chain", "status", "--json")
    assert status.exit_code == 3 and json.loads(status.output)["running"] is False

    assert invoke("chain", "up").exit_code == 0  # state file reloaded: the deployment is still there
    third = invoke("deploy", "--json")
    assert third.exit_code == 0, third.output
    assert json.loads(third.output)["changed"] is False


def test_deploy_refuses_if_local_chain_was_reset(local_chain, tmp_path):
    assert invoke("chain", "up").exit_code == 0
    assert invoke("deploy").exit_code == 0
    assert invoke("chain", "down").exit_code == 0
    (tmp_path / "home" / "anvil" / "state.json").unlink()
    assert invoke("chain", "up").exit_code == 0  # a fresh chain, on the same port
    result = invoke("deploy")
    assert result.exit_code != 0
    assert "no contract there" in str(result.exception) or "no contract there" in result.output
    fresh = invoke("deploy", "--fresh", "--json")
    assert fresh.exit_code == 0 and json.loads(fresh.output)["changed"] is True


def _networks_file(tmp_path, monkeypatch, body: str) -> str:
    """Writes a networks file and a minimal deploy config; returns the config's path."""
    path = tmp_path / "networks.toml"
    path.write_text(body)
    monkeypatch.setenv("GLOCAL_NETWORKS_FILE", str(path))
    config = tmp_path / "deploy.toml"
    config.write_text('payment_tokens = ["native"]\n')
    return str(config)


def test_deploy_refuses_before_sending_if_chain_id_differs(node, tmp_path, monkeypatch):
    config = _networks_file(tmp_path, monkeypatch, f'[networks.city]\nrpc_urls = ["{node.url}"]\nchain_id = 2024\n')
    result = invoke("deploy", "--network", "city", "--wallet", "nobody", "--config", config)
    assert result.exit_code != 0
    assert "expects chain id 2024" in str(result.exception)


def test_deploy_refuses_if_network_unknown(tmp_path, monkeypatch):
    _networks_file(tmp_path, monkeypatch, "[networks.city]\nrpc_urls = ['http://127.0.0.1:1']\nchain_id = 5\n")
    result = invoke("deploy", "--network", "atlantis")
    assert "unknown network 'atlantis' (known: local, city)" in str(result.exception)


def test_deploy_refuses_if_rpc_unreachable(tmp_path, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    config = _networks_file(tmp_path, monkeypatch, f'[networks.city]\nrpc_urls = ["{dead}"]\nchain_id = 5\n')
    result = invoke("deploy", "--network", "city", "--config", config)
    assert "cannot reach" in str(result.exception) or "no RPC URL answers" in str(result.exception)


def test_deploy_refuses_if_network_not_local_and_no_wallet(node, tmp_path, monkeypatch):
    config = _networks_file(tmp_path, monkeypatch, f'[networks.city]\nrpc_urls = ["{node.url}"]\nchain_id = 31337\n')
    result = invoke("deploy", "--network", "city", "--config", config)
    assert "choose the deploying wallet with --wallet" in str(result.exception)


def test_console_entry_prints_one_error_line_if_glocal_error(tmp_path, monkeypatch, capsys):
    from glocal_chain.cli import main as cli_main

    _networks_file(tmp_path, monkeypatch, "[networks.city]\nrpc_urls = ['http://127.0.0.1:1']\nchain_id = 5\n")
    monkeypatch.setattr("sys.argv", ["glocal", "deploy", "--network", "atlantis"])
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: unknown network 'atlantis' (known: local, city)"]
