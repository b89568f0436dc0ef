"""`glocal order ...`: every step of an order, for buyers, hubs, oracles and arbiters."""

from __future__ import annotations

from collections.abc import Callable

import typer

from glocal_chain.cli.options import JSON, NETWORK, WALLET, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.models import Order, Quote
from glocal_chain.sdk.suite import GlocalSuite, InputError, format_units, parse_units

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


def _act(network: str | None, wallet: str | None, json_output: bool,
         action: Callable[[GlocalSuite], Order]) -> None:
    suite = open_suite(network, wallet)
    order = action(suite)
    emit(order.to_dict(), json_output, describe(suite, order))


@app.command()
def quote(product_id: int = typer.Option(..., "--product"), hub_id: int = typer.Option(..., "--hub"),
          quantity: int = typer.Option(1, "--quantity"), network: str = NETWORK, json_output: bool = JSON) -> None:
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
          network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Place an escrowed order on the quoted terms: token, design version, lead time and at most --max-total
    (EIP-2612 permit when the token supports it, else approve)."""
    def action(suite: GlocalSuite) -> Order:
        quoted = suite.quote(product_id, hub_id, quantity)
        limit = parse_units(max_total, suite.token_info(quoted.token)[1])
        return suite.place_order(product_id, hub_id, quantity, limit, terms=quoted.terms,
                                 max_lead_time_hours=max_lead_time_hours)
    _act(network, wallet, json_output, action)


@app.command()
def cancel(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Buyer: cancel a paid order before the hub accepts it (full refund)."""
    _act(network, wallet, json_output, lambda s: s.cancel(order_id))


@app.command()
def accept(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Hub: accept a paid order."""
    _act(network, wallet, json_output, lambda s: s.accept(order_id))


@app.command()
def reject(order_id: int, reason: str = typer.Option(..., "--reason"), network: str = NETWORK,
           wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Hub: reject a paid order (full refund to the buyer)."""
    _act(network, wallet, json_output, lambda s: s.reject(order_id, reason))


@app.command()
def ship(order_id: int, tracking: str = typer.Option(..., "--tracking", help="The carrier's tracking number."),
         network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Hub: mark an accepted order shipped (its keccak256 tracking reference goes on chain)."""
    _act(network, wallet, json_output, lambda s: s.ship(order_id, tracking))


@app.command()
def confirm(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Oracle: confirm delivery of a shipped order (one vote of the quorum)."""
    _act(network, wallet, json_output, lambda s: s.confirm_delivery(order_id))


@app.command("confirm-receipt")
def confirm_receipt(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Buyer: confirm receipt of a shipped order (it is paid out)."""
    _act(network, wallet, json_output, lambda s: s.confirm_receipt(order_id))


@app.command()
def dispute(order_id: int, reason: str = typer.Option(..., "--reason"), network: str = NETWORK,
            wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Buyer: dispute a shipped order within the dispute window."""
    _act(network, wallet, json_output, lambda s: s.dispute(order_id, reason))


@app.command()
def resolve(order_id: int, refund_bps: int = typer.Option(..., "--refund-bps", help="Buyer's share, 0 to 10000."),
            network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Arbiter: resolve a dispute by splitting the escrow."""
    _act(network, wallet, json_output, lambda s: s.resolve(order_id, refund_bps))


@app.command()
def finalize(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Anyone: deliver a shipped order whose dispute window passed."""
    _act(network, wallet, json_output, lambda s: s.finalize(order_id))


@app.command("settle-dispute")
def settle_dispute(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Anyone: settle a dispute no arbiter resolved in time (even split)."""
    _act(network, wallet, json_output, lambda s: s.settle_expired_dispute(order_id))


@app.command("claim-refund")
def claim_refund(order_id: int, network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Buyer: full refund of an accepted order not shipped by its deadline."""
    _act(network, wallet, json_output, lambda s: s.claim_refund(order_id))


@app.command()
def rate(order_id: int, stars: int = typer.Option(..., "--stars", help="1 to 5."), network: str = NETWORK,
         wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Buyer: rate the hub for a delivered order, once."""
    _act(network, wallet, json_output, lambda s: s.rate(order_id, stars))


@app.command()
def withdraw(token: str = typer.Option("gUSD", "--token", help="Token symbol, 'native', or an address."),
             network: str = NETWORK, wallet: str = WALLET, json_output: bool = JSON) -> None:
    """Withdraw what the escrow owes you (payouts, refunds) in a token."""
    suite = open_suite(network, wallet)
    token_address = suite.token(token)
    symbol, decimals = suite.token_info(token_address)
    amount = suite.withdraw(token_address)
    emit({"token": token_address, "amount": amount}, json_output,
         f"withdrew {format_units(amount, decimals)} {symbol}")


@app.command()
def show(order_id: int, network: str = NETWORK, json_output: bool = JSON) -> None:
    """Show an order."""
    suite = open_suite(network)
    order = suite.order(order_id)
    emit(order.to_dict(), json_output, describe(suite, order))


@app.command("list")
def list_(buyer: str | None = typer.Option(None, "--buyer"), hub_id: int | None = typer.Option(None, "--hub"),
          network: str = NETWORK, json_output: bool = JSON) -> None:
    """List orders by buyer or by hub."""
    if buyer is None and hub_id is None:
        raise InputError("list orders --buyer ADDRESS or --hub ID")
    suite = open_suite(network)
    orders = suite.orders(buyer=buyer, hub_id=hub_id)
    emit([o.to_dict() for o in orders], json_output, "\n".join(describe(suite, o) for o in orders) or "no orders")
