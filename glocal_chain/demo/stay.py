"""`glocal demo --stay`: after the day, the demo's chain, API and oracle stay up, and the glocal CLI (and
curl) can be pointed at them: a networks file naming the demo's chain `demo` (its default), the demo's
deployment, and wallets for the demo's people, all in the demo's folder."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import DATA_DIR_ENV, NETWORKS_FILE_ENV, NetworkConfig
from glocal_chain.deploy.deployments import DEPLOYMENTS_DIR_ENV
from glocal_chain.wallet import keystore
from glocal_chain.wallet.keystore import PASSWORD_ENV

DEMO_NETWORK = "demo"
# The demo's wallets hold anvil's public development keys: nothing to protect, so a known password and a
# cheap scrypt (each CLI command unlocks in milliseconds, not a second).
WALLET_PASSWORD = "demo"
WALLET_SCRYPT_N = 2**10


@dataclass(frozen=True)
class CliSettings:
    """The environment that points the glocal CLI at the demo."""

    networks_file: Path
    deployments_dir: Path
    home: Path

    def environment(self) -> dict[str, str]:
        return {NETWORKS_FILE_ENV: str(self.networks_file), DEPLOYMENTS_DIR_ENV: str(self.deployments_dir),
                DATA_DIR_ENV: str(self.home), PASSWORD_ENV: WALLET_PASSWORD}

    def export_line(self) -> str:
        return "export " + " ".join(f"{key}={shlex.quote(value)}" for key, value in self.environment().items())


def write_networks_file(path: Path, network: NetworkConfig) -> None:
    """A networks file whose default is the demo's chain."""
    urls = ", ".join(f'"{url}"' for url in network.rpc_urls)
    path.write_text(f'default = "{network.name}"\n\n[networks.{network.name}]\nrpc_urls = [{urls}]\n'
                    f'chain_id = {network.chain_id}\ngas_policy = "{network.gas_policy.value}"\nlocal = true\n')


def cli_settings(workdir: Path, network: NetworkConfig, deployments_dir: Path,
                 people: dict[str, int]) -> CliSettings:
    """Writes the networks file and a wallet for each of the demo's people (name -> anvil account) under
    `workdir`; the deployment is already in `deployments_dir`."""
    settings = CliSettings(workdir / "networks.toml", deployments_dir, workdir / "home")
    workdir.mkdir(parents=True, exist_ok=True)
    write_networks_file(settings.networks_file, network)
    for name, index in people.items():
        keystore.save(name, dev_account(index), WALLET_PASSWORD, settings.home, scrypt_iterations=WALLET_SCRYPT_N)
    return settings


def instructions(settings: CliSettings, wallets: list[str], api_url: str, order_id: int) -> list[str]:
    """Where the web app is, and what to type to use the demo from another shell: the glocal CLI, curl, the
    API's docs."""
    api_url = api_url.rstrip("/")
    return [
        f"\nopen the web app in a browser: {api_url}/ (buyer; /hub, /designer, /arbiter, /consortium); a wallet "
        f"(e.g. MetaMask) on this chain ({api_url}/v1/network) with an anvil development key signs",
        "\npoint the glocal CLI at this demo from another shell (after `source .venv/bin/activate`):",
        f"  {settings.export_line()}",
        f"  glocal order show {order_id}        # the networks file makes `{DEMO_NETWORK}` the default network "
        f"(or: --network {DEMO_NETWORK})",
        "  glocal hub near u4pruydr --product 1",
        "  glocal token balance --wallet buyer",
        "  glocal order place --product 1 --hub 1 --max-total 15 --wallet buyer",
        f"  its wallets (anvil's development keys): {', '.join(wallets)}",
        f"and curl: curl {api_url}/v1/orders/{order_id}; the API's docs: {api_url}/docs",
    ]
