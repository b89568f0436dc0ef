"""Options every command shares, and opening the suite they name."""

from __future__ import annotations

import typer

from glocal_chain.chain.networks import load_network
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.wallet.keystore import unlock

NETWORK = typer.Option(None, "--network", "-n", help="Network (networks.toml; default: its `default`, else local).")
WALLET = typer.Option(None, "--wallet", "-w", help="Wallet that signs (see `glocal wallet`).")
JSON = typer.Option(False, "--json", help="JSON output.")


def open_suite(network: str | None, wallet: str | None = None) -> GlocalSuite:
    """The suite on `network`, signing with `wallet` when one is named."""
    net = load_network(network)
    return GlocalSuite.open(net, unlock(wallet) if wallet is not None else None)
