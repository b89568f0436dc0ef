"""`glocal admin ...`: what one account does alone: a member city approves hubs in its areas and pauses; on a
deployment without a consortium, the governor's settings and role grants (with one, `glocal consortium propose`)."""

from __future__ import annotations

from collections.abc import Callable

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.cli.suite_action import run_on_suite, show, show_config
from glocal_chain.sdk.inputs import InputError, format_units, parse_units
from glocal_chain.sdk.models import Hub
from glocal_chain.sdk.suite import GlocalSuite

app = typer.Typer(help="One account's administration: hubs in a city's areas, pause; without a consortium also "
                       "roles, quorum, tokens, fee, lead-time cap, unpause.",
                  no_args_is_help=True)


def _show_hub(_: object, hub: Hub) -> tuple[object, str]:
    return hub.to_dict(), f"hub {hub.hub_id} is {hub.status.name.lower()}"


@app.command("approve-hub")
def approve_hub(hub_id: int, network: NetworkOption = None, wallet: WalletOption = None,
                json_output: JsonOption = False) -> None:
    """Approve (or reinstate) a hub: a member city, in its areas (else `glocal consortium propose approve-hub`)."""
    run_on_suite(network, wallet, json_output, lambda suite: suite.approve_hub(hub_id), _show_hub)


@app.command("suspend-hub")
def suspend_hub(hub_id: int, reason: str = typer.Option(..., "--reason"), network: NetworkOption = None,
                wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Suspend a hub: no new offers or orders (a member city, in its areas)."""
    run_on_suite(network, wallet, json_output, lambda suite: suite.suspend_hub(hub_id, reason), _show_hub)


def _role_command(name: str, role: str, granted: bool, doc: str) -> None:
    """Registers `glocal admin NAME ADDRESS`: grants (or revokes) `role`."""
    def command(address: str, network: NetworkOption = None, wallet: WalletOption = None,
                json_output: JsonOption = False) -> None:
        run_on_suite(network, wallet, json_output, lambda suite: suite.set_role(role, address, granted),
                     show({"role": role, "account": address, "granted": granted},
                          f"{role} {'granted to' if granted else 'revoked from'} {address}"))
    command.__doc__ = doc
    app.command(name)(command)


_role_command("add-oracle", "oracle", True, "Grant the oracle role.")
_role_command("remove-oracle", "oracle", False, "Revoke the oracle role.")
_role_command("add-arbiter", "arbiter", True, "Grant the arbiter role.")
_role_command("remove-arbiter", "arbiter", False, "Revoke the arbiter role.")


@app.command("add-hub-approver")
def add_hub_approver(address: str, areas: str = typer.Option(
                         ..., "--areas", help="Comma-separated geohash prefixes where it approves and suspends hubs."),
                     network: NetworkOption = None, wallet: WalletOption = None,
                     json_output: JsonOption = False) -> None:
    """Grant the hub approver role, in these areas (geohash prefixes: an approver acts only on hubs inside them)."""
    prefixes = [area.strip() for area in areas.split(",") if area.strip()]

    def grant(suite: GlocalSuite) -> None:
        suite.set_role("hub-approver", address, True)
        suite.set_hub_approver_areas(address, prefixes)

    run_on_suite(network, wallet, json_output, grant,
                 show({"role": "hub-approver", "account": address, "granted": True, "areas": prefixes},
                      f"hub-approver granted to {address}, in {', '.join(prefixes) or 'no area'}"))
_role_command("remove-hub-approver", "hub-approver", False, "Revoke the hub approver role.")


def _setting_command(name: str, argument: str, change: Callable[[GlocalSuite, int], object],
                     describe: Callable[[int], str], doc: str) -> None:
    """Registers `glocal admin NAME ARGUMENT`: sets one governance parameter (an integer) and shows them all."""
    def command(value: int = typer.Argument(..., metavar=argument), network: NetworkOption = None,
                wallet: WalletOption = None, json_output: JsonOption = False) -> None:
        run_on_suite(network, wallet, json_output, lambda suite: change(suite, value), show_config(describe(value)))
    command.__doc__ = doc
    app.command(name)(command)


_setting_command("set-quorum", "quorum", lambda suite, quorum: suite.set_quorum(quorum),
                 lambda quorum: f"quorum is {quorum}",
                 "How many oracle confirmations deliver an order.")


@app.command("allow-token")
def allow_token(token: str, allowed: bool = typer.Option(True, "--allowed/--disallowed"),
                rating_fee_unit: str | None = typer.Option(
                    None, "--rating-fee-unit",
                    help="The community fee, in token units (e.g. 1 or 0.01), that gives an order full reputation "
                         "weight. Required for a token not listed yet; default: the listed token's current unit."),
                network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
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


_setting_command("set-lead-time-cap", "hours", lambda suite, hours: suite.set_lead_time_cap(hours),
                 lambda hours: f"lead-time cap is {hours} h",
                 "The longest lead time any new order may have (offers above it cannot be ordered).")
_setting_command("set-fee", "fee_bps", lambda suite, fee_bps: suite.set_fee(fee_bps),
                 lambda fee_bps: f"community fee is {fee_bps / 100:.2f} %",
                 "Community fee in basis points of the hub's part.")


@app.command()
def pause(network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Pause new orders and offers at once (refunds, claims, withdrawals go on); any member city may."""
    run_on_suite(network, wallet, json_output, lambda suite: suite.pause(),
                 show_config("paused: no new orders or offers"))


@app.command()
def unpause(network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Lift the pause (the governor; with a consortium: `glocal consortium propose unpause`)."""
    run_on_suite(network, wallet, json_output, lambda suite: suite.unpause(), show_config("unpaused"))


@app.command()
def config(network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Show the escrow's governance parameters."""
    data = open_suite(network).config()
    emit(data, json_output, "\n".join(f"{k:<22} {v}" for k, v in data.items()))
