"""`glocal consortium chain-config`: the Besu QBFT network the member cities run (genesis and node files)."""

from __future__ import annotations

from pathlib import Path

import typer

from glocal_chain.cli.options import JsonOption
from glocal_chain.cli.output import emit
from glocal_chain.deploy.qbft import write_chain_config


def _addresses(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def chain_config(
    validators: str = typer.Option(..., "--validators",
                                   help="Comma-separated validator addresses (each node key's address), one per "
                                        "member city, in order."),
    chain_id: int = typer.Option(..., "--chain-id", help="The network's chain id (networks.toml's chain_id)."),
    out: Path = typer.Option(Path("besu-network"), "--out", help="Folder to write the network's files into."),
    members: str = typer.Option("", "--members",
                                help="Comma-separated accounts of the member cities (their governance wallets)."),
    participants: str = typer.Option("", "--participants",
                                     help="Comma-separated accounts of everyone else who sends transactions: the "
                                          "deployer, hubs, designers, buyers, oracles, arbiters."),
    block_period_s: int = typer.Option(2, "--block-period-s", help="Seconds between blocks."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Rewrite the files in an existing folder (node data and keys are kept)."),
    json_output: JsonOption = False,
) -> None:
    """Write a Besu QBFT genesis, each validator node's config.toml and the shared account allowlist."""
    written = write_chain_config(out, _addresses(validators), chain_id, block_period_s, _addresses(participants),
                                 members=_addresses(members), overwrite=overwrite)
    files = [str(path) for path in written]
    emit({"directory": str(out), "chain_id": chain_id, "files": files}, json_output,
         "\n".join([f"wrote the QBFT network (chain id {chain_id}) to {out}:", *(f"  {f}" for f in files),
                    f"start each validator from {out}: besu --config-file=node-<n>/config.toml"]))
