"""`glocal deploy`: deploy the suite to a network, or verify the recorded deployment there."""

from __future__ import annotations

from pathlib import Path

import typer

from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import load_network
from glocal_chain.chain.transactions import Sender
from glocal_chain.cli.options import JsonOption, NetworkOption
from glocal_chain.cli.output import emit
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.errors import ConfigError
from glocal_chain.toolchain.settings import project_root
from glocal_chain.wallet.keystore import unlock


def deploy(
    network: NetworkOption = None,
    config: Path | None = typer.Option(None, "--config", help="Deploy config (default: config/deploy/<network>.toml)."),
    wallet: str | None = typer.Option(None, "--wallet", help="Wallet that deploys (local: anvil account 0)."),
    fresh: bool = typer.Option(False, "--fresh", help="Deploy anew even if a deployment is recorded."),
    json_output: JsonOption = False,
) -> None:
    """Deploy and wire the suite, grant roles, write deployments/<network>.json (or verify it)."""
    net = load_network(network)
    config_path = config or project_root() / "config" / "deploy" / f"{net.name}.toml"
    deploy_config = load_deploy_config(config_path)
    w3 = connect(net)
    if wallet:
        account = unlock(wallet)
    elif net.local:
        account = dev_account(0)
    else:
        raise ConfigError(f"network {net.name!r} is not local: choose the deploying wallet with --wallet")
    sender = Sender(w3, account, gas_policy=net.gas_policy, confirmations=net.confirmations)
    result = deploy_suite(w3, sender, net.name, deploy_config, fresh=fresh, allow_test_token=net.local)
    data = {"changed": result.changed, **result.deployment.model_dump()}
    lines = [f"{name:<20} {record.address}" for name, record in result.deployment.contracts.items()]
    verdict = f"deployed to {net.name} ({result.path})" if result.changed else (
        f"{net.name}: the recorded deployment is live and unchanged; nothing sent")
    emit(data, json_output, "\n".join([verdict, *lines]))
