"""Options the commands share, declared once here, and opening the suite they name."""

from __future__ import annotations

from typing import Annotated

import typer

from glocal_chain.chain.networks import load_network
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.wallet.keystore import unlock

NetworkOption = Annotated[str | None, typer.Option("--network", "-n",
                                                   help="Network (networks.toml; default: its `default`, else local).")]
WalletOption = Annotated[str | None, typer.Option("--wallet", "-w", help="Wallet that signs (see `glocal wallet`).")]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON output.")]
# The services' network (no short form): `glocal api run`, `glocal indexer run`.
ServiceNetworkOption = Annotated[str | None, typer.Option("--network",
                                                          help="Network name (default: the networks file's).")]


def open_suite(network: str | None, wallet: str | None = None) -> GlocalSuite:
    """The suite on `network`, signing with `wallet` when one is named."""
    net = load_network(network)
    return GlocalSuite.open(net, unlock(wallet) if wallet is not None else None)
