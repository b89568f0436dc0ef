"""`glocal token balance | mint`."""

from __future__ import annotations

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.inputs import format_units, parse_units, require_address

app = typer.Typer(help="Payment tokens: balances; minting the test token on local networks.", no_args_is_help=True)


@app.command()
def balance(address: str, token: str = typer.Option("gUSD", "--token"), network: NetworkOption = None,
            json_output: JsonOption = False) -> None:
    """A token balance."""
    suite = open_suite(network)
    token_address = suite.token(token)
    symbol, decimals = suite.token_info(token_address)
    amount = suite.balance(require_address(address), token_address)
    emit({"address": address, "token": token_address, "balance": amount}, json_output,
         f"{format_units(amount, decimals)} {symbol}")


@app.command()
def mint(to: str, amount: str = typer.Option(..., "--amount", help="In token units."), network: NetworkOption = None,
         wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Mint test tokens (local networks only)."""
    suite = open_suite(network, wallet)
    token_address = suite.token("gUSD")
    _, decimals = suite.token_info(token_address)
    suite.mint_test_tokens(to, parse_units(amount, decimals))
    emit({"to": to, "amount": amount}, json_output, f"minted {amount} gUSD to {to}")
