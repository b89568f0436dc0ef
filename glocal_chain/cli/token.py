"""`glocal token balance | mint`."""

from __future__ import annotations

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.inputs import InputError, format_units, parse_units, require_address
from glocal_chain.wallet.keystore import info

app = typer.Typer(help="Payment tokens: balances; minting the test token on local networks.", no_args_is_help=True)


def _owner(wallet: str | None, address: str | None) -> str:
    """The address a balance is of: one of your wallets (--wallet) or anyone's address (--address)."""
    if (wallet is None) == (address is None):
        raise InputError("whose balance? name one of your wallets with --wallet NAME, or anyone's address with "
                         "--address 0x...")
    return info(wallet).address if wallet is not None else require_address(str(address))


@app.command()
def balance(wallet: str | None = typer.Option(None, "--wallet", "-w", help="One of your wallets (`glocal wallet`)."),
            address: str | None = typer.Option(None, "--address", help="Anyone's address (0x...), not a wallet."),
            token: str = typer.Option("gUSD", "--token"), network: NetworkOption = None,
            json_output: JsonOption = False) -> None:
    """A token balance of one of your wallets (--wallet) or of any address (--address)."""
    owner = _owner(wallet, address)
    suite = open_suite(network)
    token_address = suite.token(token)
    symbol, decimals = suite.token_info(token_address)
    amount = suite.balance(owner, token_address)
    emit({"address": owner, "token": token_address, "balance": amount}, json_output,
         f"{format_units(amount, decimals)} {symbol}")


@app.command()
def mint(to: str | None = typer.Argument(None, help="The address to mint to (default: the --wallet's own)."),
         amount: str = typer.Option(..., "--amount", help="In token units."), network: NetworkOption = None,
         wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Mint test tokens (local networks only; the test token's mint is open to anyone)."""
    suite = open_suite(network, wallet)
    recipient = require_address(to) if to is not None else suite.me
    token_address = suite.token("gUSD")
    _, decimals = suite.token_info(token_address)
    suite.mint_test_tokens(recipient, parse_units(amount, decimals))
    emit({"to": recipient, "amount": amount}, json_output, f"minted {amount} gUSD to {recipient}")
