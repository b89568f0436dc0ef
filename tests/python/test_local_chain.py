"""The local chain (`glocal chain up/down`, and the `local` network that starts it on first use): its port stays the
same across restarts, a chain the user stopped stays stopped, a mistyped network name gets a hint, and no anvil
leaves block states on disk."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web3 import Web3

from glocal_chain.chain.anvil import EphemeralNode, free_port
from glocal_chain.chain.networks import load_network, local_node
from glocal_chain.cli.main import app
from glocal_chain.errors import ChainError, ConfigError

runner = CliRunner()
STOPPED = "the local chain is stopped (glocal chain down); start it with `glocal chain up`"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def chain_up(*args: str) -> str:
    result = invoke("chain", "up", "--json", *args)
    assert result.exit_code == 0, result.output or result.exception
    return str(json.loads(result.output)["url"])


def test_chain_up_after_down_keeps_url_and_earlier_client_works_if_restarted() -> None:
    url = chain_up()
    client = Web3(Web3.HTTPProvider(url))
    assert client.eth.chain_id == 31337
    assert invoke("chain", "down").exit_code == 0
    assert not client.is_connected()

    assert chain_up() == url
    assert client.eth.chain_id == 31337 and client.eth.block_number >= 0
    status = json.loads(invoke("chain", "status", "--json").output)
    assert status["running"] is True and status["url"] == url


def test_chain_up_refuses_and_names_port_if_kept_port_taken() -> None:
    url = chain_up()
    port = int(url.rsplit(":", 1)[1])
    assert invoke("chain", "down").exit_code == 0
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        refused = invoke("chain", "up")
        assert refused.exit_code != 0
        assert isinstance(refused.exception, ChainError)
        assert f"its port {port}: another process listens there" in str(refused.exception)
        assert "glocal chain up --port" in str(refused.exception)
        moved = free_port()
        assert chain_up("--port", str(moved)) == f"http://127.0.0.1:{moved}"
    assert invoke("chain", "down").exit_code == 0
    assert chain_up() == f"http://127.0.0.1:{moved}"  # the port chosen last is the one kept


def test_local_network_refuses_and_starts_nothing_if_user_stopped_chain() -> None:
    chain_up()
    assert invoke("chain", "down").exit_code == 0
    with pytest.raises(ChainError) as refused:
        load_network("local")
    assert str(refused.value) == STOPPED
    deploy = invoke("deploy", "--network", "local")
    assert deploy.exit_code != 0 and str(deploy.exception) == STOPPED
    assert local_node().status() is None
    status = invoke("chain", "status")
    assert status.exit_code == 3 and "stopped with `glocal chain down`" in status.output

    url = chain_up()
    assert load_network("local").rpc_urls == [url]


def test_local_network_refuses_if_chain_down_ran_before_any_up() -> None:
    assert invoke("chain", "down").output.strip() == "local chain was not running"
    with pytest.raises(ChainError, match="glocal chain up"):
        load_network("local")
    assert local_node().status() is None


def test_local_network_starts_chain_and_says_so_if_never_stopped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="glocal_chain.chain.networks"):
        network = load_network("local")
    running = local_node().status()
    assert running is not None and network.rpc_urls == [running.url]
    assert f"started the local chain at {running.url}" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="glocal_chain.chain.networks"):
        assert load_network("local").rpc_urls == [running.url]  # already running: nothing to say
    assert "started" not in caplog.text


def test_unknown_network_error_suggests_close_name_if_mistyped(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOCAL_NETWORKS_FILE", str(tmp_path / "absent.toml"))
    with pytest.raises(ConfigError) as no_file:
        load_network("lcoal")
    assert "unknown network 'lcoal' (did you mean `local`?)" in str(no_file.value)
    assert "only `local` is built in" in str(no_file.value)

    path = tmp_path / "networks.toml"
    path.write_text("[networks.city]\nrpc_urls = ['http://127.0.0.1:1']\nchain_id = 5\n")
    monkeypatch.setenv("GLOCAL_NETWORKS_FILE", str(path))
    with pytest.raises(ConfigError) as mistyped:
        load_network("ctiy")
    assert str(mistyped.value) == "unknown network 'ctiy' (did you mean `city`?) (known: local, city)"
    with pytest.raises(ConfigError) as unlike:
        load_network("atlantis")
    assert str(unlike.value) == "unknown network 'atlantis' (known: local, city)"


def anvil_state_caches(home: Path) -> list[Path]:
    """The block-state folders anvil spills to (`~/.foundry/anvil/tmp/anvil-state-*`, under $HOME)."""
    return sorted((home / ".foundry" / "anvil" / "tmp").glob("anvil-state-*"))


def mine(url: str, blocks: int) -> int:
    """Mines `blocks` blocks at once (past the few hundred states anvil keeps in memory), then one with a
    transfer; returns the head's number."""
    w3 = Web3(Web3.HTTPProvider(url))
    w3.provider.make_request("anvil_mine", [hex(blocks)])  # type: ignore[arg-type]
    sender, receiver = w3.eth.accounts[:2]
    w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction({"from": sender, "to": receiver, "value": 1}))
    return int(w3.eth.block_number)


def test_anvil_leaves_no_block_states_on_disk_if_run_past_hundreds_of_blocks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "user"  # anvil writes under $HOME/.foundry: a HOME of this test's own
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert anvil_state_caches(home) == []

    with EphemeralNode(gas_price=0) as node:
        assert mine(node.url, 1200) == 1201
        reorganised = Web3(Web3.HTTPProvider(node.url)).provider.make_request(  # type: ignore[arg-type]
            "anvil_reorg", [3, []])  # a reorganisation writes state folders even with a pruned history
        assert "error" not in reorganised
        assert anvil_state_caches(home) == []
    assert anvil_state_caches(home) == []

    url = chain_up()
    assert mine(url, 1200) == 1201
    assert invoke("chain", "down").exit_code == 0
    url = chain_up()  # the state reloads from state.json
    assert Web3(Web3.HTTPProvider(url)).eth.block_number == 1201
    assert mine(url, 600) == 1802
    assert "error" not in Web3(Web3.HTTPProvider(url)).provider.make_request("anvil_reorg", [3, []])  # type: ignore[arg-type]
    assert invoke("chain", "down").exit_code == 0
    assert anvil_state_caches(home) == []
    assert not (home / ".foundry" / "anvil" / "tmp").exists() or \
        not any((home / ".foundry" / "anvil" / "tmp").iterdir())
