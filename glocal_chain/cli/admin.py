"""`glocal admin ...`: what the consortium operator does."""

from __future__ import annotations

import typer

from glocal_chain.cli.options import JSON, NETWORK, WALLET, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.suite import InputError, format_units, parse_units

app = typer.Typer(help="Consortium operator: hubs, roles, quorum, tokens, fee, lead-time cap, pause.",
                  no_args_is_help=True)


@app.command("approve-hub")
def approve_hub(hub_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Approve (or reinstate) a hub."""
    hub = open_suite(network, wallet).approve_hub(hub_id)
    emit(hub.to_dict(), json_output, f"hub {hub_id} is {hub.status.name.lower()}")


@app.command("suspend-hub")
def suspend_hub(hub_id: int, reason: str = typer.Option(..., "--reason"), network: str = NETWORK,
                wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Suspend a hub: no new offers or orders."""
    hub = open_suite(network, wallet).suspend_hub(hub_id, reason)
    emit(hub.to_dict(), json_output, f"hub {hub_id} is {hub.status.name.lower()}")


def _role(role: str, address: str, granted: bool, network: str | None, wallet: str | None, json_output: bool) -> None:
    open_suite(network, wallet).set_role(role, address, granted)
    emit({"role": role, "account": address, "granted": granted}, json_output,
         f"{role} {'granted to' if granted else 'revoked from'} {address}")


@app.command("add-oracle")
def add_oracle(address: str, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Grant the oracle role."""
    _role("oracle", address, True, network, wallet, json_output)


@app.command("remove-oracle")
def remove_oracle(address: str, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Revoke the oracle role."""
    _role("oracle", address, False, network, wallet, json_output)


@app.command("add-arbiter")
def add_arbiter(address: str, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Grant the arbiter role."""
    _role("arbiter", address, True, network, wallet, json_output)


@app.command("remove-arbiter")
def remove_arbiter(address: str, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Revoke the arbiter role."""
    _role("arbiter", address, False, network, wallet, json_output)


@app.command("set-quorum")
def set_quorum(quorum: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """How many oracle confirmations deliver an order."""
    suite = open_suite(network, wallet)
    suite.set_quorum(quorum)
    emit(suite.config(), json_output, f"quorum is {quorum}")


@app.command("allow-token")
def allow_token(token: str, allowed: bool = typer.Option(True, "--allowed/--disallowed"),
                rating_fee_unit: str | None = typer.Option(
                    None, "--rating-fee-unit",
                    help="The community fee, in token units (e.g. 1 or 0.01), that gives an order full reputation "
                         "weight. Required for a token not listed yet; default: the listed token's current unit."),
                network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Allow (or disallow) a payment token for new orders."""
    suite = open_suite(network, wallet)
    address = suite.token(token)
    listed = suite.payment_token(address)
    if rating_fee_unit is None and not listed["index"]:
        raise InputError(f"{address} is not a payment token yet: say with --rating-fee-unit what community fee "
                         "(in token units) gives an order full reputation weight")
    symbol, decimals = suite.token_info(address)
    if rating_fee_unit is not None:
        unit = parse_units(rating_fee_unit, decimals)
        if unit == 0:
            raise InputError("--rating-fee-unit must be above 0")
    else:
        unit = listed["rating_fee_unit"]
    suite.set_payment_token(address, allowed, unit)
    emit({"token": address, "allowed": allowed, "rating_fee_unit": unit}, json_output,
         f"{address} {'allowed' if allowed else 'disallowed'}; a community fee of {format_units(unit, decimals)} "
         f"{symbol} gives an order full reputation weight")


@app.command("set-lead-time-cap")
def set_lead_time_cap(hours: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """The longest lead time any new order may have (offers above it cannot be ordered)."""
    suite = open_suite(network, wallet)
    suite.set_lead_time_cap(hours)
    emit(suite.config(), json_output, f"lead-time cap is {hours} h")


@app.command("set-fee")
def set_fee(fee_bps: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Community fee in basis points of the hub's part."""
    suite = open_suite(network, wallet)
    suite.set_fee(fee_bps)
    emit(suite.config(), json_output, f"community fee is {fee_bps / 100:.2f} %")


@app.command()
def pause(network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Pause new orders and offers (refunds, claims, withdrawals go on)."""
    suite = open_suite(network, wallet)
    suite.pause()
    emit(suite.config(), json_output, "paused: no new orders or offers")


@app.command()
def unpause(network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Lift the pause."""
    suite = open_suite(network, wallet)
    suite.unpause()
    emit(suite.config(), json_output, "unpaused")


@app.command()
def config(network: str = NETWORK, json_output: bool = JSON) -> None:
    """Show the escrow's governance parameters."""
    data = open_suite(network).config()
    emit(data, json_output, "\n".join(f"{k:<22} {v}" for k, v in data.items()))
