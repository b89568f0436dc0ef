"""`glocal order ...`: every step of an order, for buyers, hubs, oracles and arbiters."""

from __future__ import annotations

from collections.abc import Callable

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.cli.suite_action import run_on_suite
from glocal_chain.sdk.inputs import (
    DEFAULT_TRACKING_FORMAT,
    InputError,
    format_units,
    parse_units,
    tracking_number,
    tracking_ref,
)
from glocal_chain.sdk.models import Order, Quote
from glocal_chain.sdk.suite import GlocalSuite

app = typer.Typer(help="Orders: place, cancel, accept, reject, ship, confirm, dispute, resolve, rate ...",
                  no_args_is_help=True)


def describe(suite: GlocalSuite, order: Order) -> str:
    symbol, decimals = suite.token_info(order.token)
    flags = [flag for flag, on in (("shipped late", order.shipped_late), ("rated", order.rated)) if on]
    return (f"order {order.order_id}: {order.status.name.lower()}{' (' + ', '.join(flags) + ')' if flags else ''}  "
            f"product {order.product_id} design v{order.design_version} at hub {order.hub_id}, lead time "
            f"{order.lead_time_hours} h  {format_units(order.amount, decimals)} {symbol} "
            f"(royalty {format_units(order.royalty, decimals)})  buyer {order.buyer}")


def describe_quote(suite: GlocalSuite, quote: Quote) -> str:
    symbol, decimals = suite.token_info(quote.token)
    return (f"{quote.quantity} x product {quote.product_id} design v{quote.design_version} at hub {quote.hub_id}: "
            f"{format_units(quote.total, decimals)} {symbol} (royalty {format_units(quote.royalty, decimals)}), "
            f"lead time {quote.lead_time_hours} h")


def _show(suite: GlocalSuite, order: Order) -> tuple[object, str]:
    return order.to_dict(), describe(suite, order)


def _act(network: str | None, wallet: str | None, json_output: bool, action: Callable[[GlocalSuite], Order]) -> None:
    run_on_suite(network, wallet, json_output, action, _show)


def _step(name: str, step: Callable[[GlocalSuite, int], Order], doc: str) -> None:
    """Registers `glocal order NAME ORDER_ID`: one lifecycle step that needs nothing but the order."""
    def command(order_id: int, network: NetworkOption = None, wallet: WalletOption = None,
                json_output: JsonOption = False) -> None:
        _act(network, wallet, json_output, lambda suite: step(suite, order_id))
    command.__doc__ = doc
    app.command(name)(command)


@app.command()
def quote(product_id: int = typer.Option(..., "--product"), hub_id: int = typer.Option(..., "--hub"),
          quantity: int = typer.Option(1, "--quantity"), network: NetworkOption = None,
          json_output: JsonOption = False) -> None:
    """What an order would cost now, and the terms it would bind (token, design version, lead time)."""
    suite = open_suite(network)
    quoted = suite.quote(product_id, hub_id, quantity)
    emit({**quoted.to_dict(), "terms": quoted.terms.to_dict()}, json_output, describe_quote(suite, quoted))


@app.command()
def place(product_id: int = typer.Option(..., "--product"), hub_id: int = typer.Option(..., "--hub"),
          quantity: int = typer.Option(1, "--quantity"),
          max_total: str = typer.Option(..., "--max-total", help="The most you pay, in token units (e.g. 25)."),
          max_lead_time_hours: int = typer.Option(
              None, "--max-lead-time-hours", min=1,
              help="The longest lead time you accept (default: the quoted offer's)."),
          network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Place an escrowed order on the quoted terms: token, design version, lead time and at most --max-total
    (EIP-2612 permit when the token supports it, else approve)."""
    def action(suite: GlocalSuite) -> Order:
        quoted = suite.quote(product_id, hub_id, quantity)
        limit = parse_units(max_total, suite.token_info(quoted.token)[1])
        return suite.place_order(product_id, hub_id, quantity, limit, terms=quoted.terms,
                                 max_lead_time_hours=max_lead_time_hours)
    _act(network, wallet, json_output, action)


_step("cancel", GlocalSuite.cancel, "Buyer: cancel a paid order before the hub accepts it (full refund).")
_step("accept", GlocalSuite.accept, "Hub: accept a paid order.")


@app.command()
def reject(order_id: int, reason: str = typer.Option(..., "--reason"), network: NetworkOption = None,
           wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Hub: reject a paid order (full refund to the buyer)."""
    _act(network, wallet, json_output, lambda suite: suite.reject(order_id, reason))


@app.command()
def ship(order_id: int, tracking: str = typer.Option(..., "--tracking", help="The carrier's tracking number."),
         network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Hub: mark an accepted order shipped (its keccak256 tracking reference goes on chain)."""
    _act(network, wallet, json_output, lambda suite: suite.ship(order_id, tracking))


_step("confirm", GlocalSuite.confirm_delivery, "Oracle: confirm delivery of a shipped order (one vote of the quorum).")
_step("confirm-receipt", GlocalSuite.confirm_receipt, "Buyer: confirm receipt of a shipped order (it is paid out).")


@app.command()
def dispute(order_id: int, reason: str = typer.Option(..., "--reason"), network: NetworkOption = None,
            wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Buyer: dispute a shipped order within the dispute window."""
    _act(network, wallet, json_output, lambda suite: suite.dispute(order_id, reason))


@app.command()
def resolve(order_id: int, refund_bps: int = typer.Option(..., "--refund-bps", help="Buyer's share, 0 to 10000."),
            network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Arbiter: resolve a dispute by splitting the escrow."""
    _act(network, wallet, json_output, lambda suite: suite.resolve(order_id, refund_bps))


_step("finalize", GlocalSuite.finalize, "Anyone: deliver a shipped order whose dispute window passed.")
_step("settle-dispute", GlocalSuite.settle_expired_dispute,
      "Anyone: settle a dispute no arbiter resolved in time (even split).")
_step("claim-refund", GlocalSuite.claim_refund, "Buyer: full refund of an accepted order not shipped by its deadline.")


@app.command()
def rate(order_id: int, stars: int = typer.Option(..., "--stars", help="1 to 5."), network: NetworkOption = None,
         wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Buyer: rate the hub for a delivered order, once."""
    _act(network, wallet, json_output, lambda suite: suite.rate(order_id, stars))


@app.command()
def withdraw(token: str = typer.Option("gUSD", "--token", help="Token symbol, 'native', or an address."),
             network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Withdraw what the escrow owes you (payouts, refunds) in a token."""
    suite = open_suite(network, wallet)
    token_address = suite.token(token)
    symbol, decimals = suite.token_info(token_address)
    amount = suite.withdraw(token_address)
    emit({"token": token_address, "amount": amount}, json_output,
         f"withdrew {format_units(amount, decimals)} {symbol}")


def _tracking(suite: GlocalSuite, order: Order, template: str) -> tuple[str | None, str | None, str]:
    """(the order's tracking ref, its tracking number if it is the hub agent's for `template`, a line)."""
    ref = suite.shipping_ref(order.order_id)
    if ref is None:
        return None, None, "  not shipped: no tracking number yet"
    candidate = tracking_number(template, order.hub_id, order.order_id)
    if "0x" + tracking_ref(candidate).hex() != ref:
        return ref, None, (f"  tracking ref {ref}: the keccak256 of a number other than {candidate} (the hub "
                           "agent's); the hub knows which")
    where = "the hub's pickup desk" if template == DEFAULT_TRACKING_FORMAT else f"format {template}"
    return ref, candidate, f"  tracking number {candidate} ({where}), ref {ref}"


@app.command()
def show(order_id: int, tracking_format: str = typer.Option(
             DEFAULT_TRACKING_FORMAT, "--tracking-format",
             help="The hub agent's tracking number format ({hub}, {order}): the number is shown when the order "
                  "shipped with it (the chain keeps only its keccak256)."),
         network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Show an order, and once it shipped its tracking reference (and number)."""
    suite = open_suite(network)
    order = suite.order(order_id)
    ref, number, line = _tracking(suite, order, tracking_format)
    emit({**order.to_dict(), "tracking_ref": ref, "tracking_number": number}, json_output,
         f"{describe(suite, order)}\n{line}")


@app.command("list")
def list_(buyer: str | None = typer.Option(None, "--buyer"), hub_id: int | None = typer.Option(None, "--hub"),
          network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """List orders by buyer or by hub."""
    if buyer is None and hub_id is None:
        raise InputError("list orders --buyer ADDRESS or --hub ID")
    suite = open_suite(network)
    orders = suite.orders(buyer=buyer, hub_id=hub_id)
    emit([o.to_dict() for o in orders], json_output, "\n".join(describe(suite, o) for o in orders) or "no orders")
