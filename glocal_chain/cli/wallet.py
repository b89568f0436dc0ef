"""`glocal wallet new | import | list | address | balance`: encrypted keystores; keys never in arguments."""

from __future__ import annotations

import sys

import typer

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.cli.options import JsonOption, NetworkOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.inputs import format_units
from glocal_chain.sdk.models import NATIVE_COIN
from glocal_chain.wallet import keystore

app = typer.Typer(help="Encrypted wallets (keystore v3, scrypt).", no_args_is_help=True)


@app.command("new")
def new(name: str, json_output: JsonOption = False) -> None:
    """Create a wallet; the password comes from a prompt, $GLOCAL_WALLET_PASSWORD or its _FILE."""
    info = keystore.create(name, keystore.read_password(confirm=True))
    emit({"name": info.name, "address": info.address}, json_output, f"wallet {info.name}: {info.address}")


@app.command("import")
def import_(name: str, key_file: str | None = typer.Option(None, "--key-file", help="File holding the private key "
                                                     "(default: read it from standard input)."),
            anvil_account: int | None = typer.Option(None, "--anvil-account",
                                              help="Import anvil's public development key N (local chains only)."),
            json_output: JsonOption = False) -> None:
    """Import a private key from a file or standard input (never from an argument)."""
    if anvil_account is not None:
        key = dev_account(anvil_account).key.hex()
    elif key_file:
        with open(key_file) as handle:
            key = handle.read()
    elif sys.stdin.isatty():
        key = typer.prompt("Private key", hide_input=True)
    else:
        key = sys.stdin.readline()
    info = keystore.import_key(name, key, keystore.read_password(confirm=True))
    emit({"name": info.name, "address": info.address}, json_output, f"wallet {info.name}: {info.address}")


@app.command("list")
def list_(json_output: JsonOption = False) -> None:
    """List wallets and their addresses."""
    wallets = keystore.list_wallets()
    emit([{"name": w.name, "address": w.address} for w in wallets], json_output,
         "\n".join(f"{w.name:<20} {w.address}" for w in wallets) or "no wallets")


@app.command("address")
def address(name: str, json_output: JsonOption = False) -> None:
    """Show a wallet's address."""
    info = keystore.info(name)
    emit({"name": info.name, "address": info.address}, json_output, info.address)


@app.command("balance")
def balance(name: str, network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Native coin and payment-token balances, and what the escrow owes the wallet."""
    info = keystore.info(name)
    suite = open_suite(network)
    rows = []
    for symbol, token in suite.deployment.payment_tokens.items():
        token = suite.token(symbol)
        label, decimals = suite.token_info(token)
        rows.append({"token": label, "address": token,
                     "balance": format_units(suite.balance(info.address, token), decimals),
                     "owed_by_escrow": format_units(suite.owed(info.address, token), decimals)})
    if not any(row["address"] == NATIVE_COIN for row in rows):
        rows.insert(0, {"token": "native", "address": NATIVE_COIN,
                        "balance": format_units(suite.balance(info.address, NATIVE_COIN), 18), "owed_by_escrow": "0"})
    emit({"name": name, "address": info.address, "balances": rows}, json_output,
         "\n".join(f"{r['token']:<8} {r['balance']:>16}  owed {r['owed_by_escrow']}" for r in rows))
