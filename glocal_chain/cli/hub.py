"""`glocal hub ...`: what a hub operator does, and finding hubs near a buyer."""

from __future__ import annotations

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.inputs import format_units, parse_units
from glocal_chain.sdk.models import FULL_REPUTATION_WEIGHT, Hub

app = typer.Typer(help="Hub operators: register, offer; anyone: list, show, near.", no_args_is_help=True)


def _line(hub: Hub) -> str:
    rep = hub.reputation
    raters = f"{rep.raters} rater{'' if rep.raters == 1 else 's'}"
    return (f"hub {hub.hub_id} ({hub.status.name.lower()}) at {hub.geohash}, operator {hub.operator}\n"
            f"  rating {rep.rating_centi_stars / 100:.2f} from {raters} (weight "
            f"{rep.rating_weight / FULL_REPUTATION_WEIGHT:.2f}), on time {rep.reliability_bps / 100:.1f} % "
            f"(weight {rep.finished_weight / FULL_REPUTATION_WEIGHT:.2f})\n"
            f"  completed {rep.completed} (+{rep.completed_late} late), refunded for fault {rep.refunded_for_fault}, "
            f"disputes lost {rep.disputes_lost}, disputes expired {rep.disputes_expired}")


@app.command()
def register(geohash: str = typer.Option(..., "--geohash"), capabilities: int = typer.Option(0, "--capabilities"),
             metadata_uri: str = typer.Option("", "--metadata-uri"),
             network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Register a hub (pending until a hub approver approves it)."""
    hub = open_suite(network, wallet).register_hub(geohash, capabilities, metadata_uri)
    emit(hub.to_dict(), json_output, _line(hub))


@app.command()
def offer(hub_id: int, product_id: int = typer.Option(..., "--product"),
          price: str = typer.Option(..., "--price", help="Price per unit in token units, e.g. 12.50."),
          token: str = typer.Option("gUSD", "--token",
                                    help="Token symbol from the deployment, 'native', or an address."),
          lead_time_hours: int = typer.Option(48, "--lead-time-hours"),
          network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Publish (or replace) the hub's offer for a product."""
    suite = open_suite(network, wallet)
    token_address = suite.token(token)
    symbol, decimals = suite.token_info(token_address)
    published = suite.publish_offer(product_id, hub_id, token_address, parse_units(price, decimals), lead_time_hours)
    emit(published.to_dict(), json_output,
         f"hub {hub_id} offers product {product_id} at {format_units(published.price, decimals)} {symbol}, "
         f"lead time {published.lead_time_hours} h")


@app.command("withdraw-offer")
def withdraw_offer(hub_id: int, product_id: int = typer.Option(..., "--product"),
                   network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Withdraw the hub's offer for a product."""
    open_suite(network, wallet).withdraw_offer(product_id, hub_id)
    emit({"hub_id": hub_id, "product_id": product_id, "withdrawn": True}, json_output,
         f"hub {hub_id} withdrew its offer for product {product_id}")


@app.command("list")
def list_(network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """List hubs."""
    hubs = open_suite(network).list_hubs()
    emit([h.to_dict() for h in hubs], json_output, "\n".join(_line(h) for h in hubs) or "no hubs")


@app.command()
def show(hub_id: int, network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Show a hub with its reputation."""
    hub = open_suite(network).hub(hub_id)
    emit(hub.to_dict(), json_output, _line(hub))


@app.command()
def near(geohash: str, product_id: int = typer.Option(..., "--product"),
         network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Hubs that make a product, nearest first, then by reputation, then by price."""
    suite = open_suite(network)
    ranked = suite.near(geohash, product_id)
    lines = []
    for entry in ranked:
        symbol, decimals = suite.token_info(entry.offer.token)
        lines.append(f"hub {entry.hub.hub_id:<4} {entry.hub.geohash:<12} {entry.distance_km:>9.1f} km  "
                     f"rating {entry.hub.reputation.rating_centi_stars / 100:.2f}  "
                     f"{format_units(entry.offer.price, decimals)} {symbol}")
    emit([entry.to_dict() for entry in ranked], json_output, "\n".join(lines) or "no hub offers this product")
