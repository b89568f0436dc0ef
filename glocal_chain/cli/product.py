"""`glocal product ...`: what a designer does."""

from __future__ import annotations

from pathlib import Path

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.inputs import sha256_file
from glocal_chain.sdk.models import Product

app = typer.Typer(help="Designers: register products, publish versions, retire.", no_args_is_help=True)


def _line(product: Product) -> str:
    state = "active" if product.active else "retired"
    return (f"product {product.product_id} v{product.version} ({state}) by {product.designer}\n"
            f"  design sha256 {product.design_hash}\n"
            f"  royalty {product.royalty_bps / 100:.2f} %  {product.metadata_uri}")


@app.command()
def register(design_file: Path = typer.Argument(...,
                                                help="The manufacturing file (G-code, 3MF); its sha256 goes on chain."),
             metadata_uri: str = typer.Option(..., "--metadata-uri"),
             royalty_bps: int = typer.Option(0, "--royalty-bps", help="Royalty in basis points of the hub's price."),
             network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Register a product from its design file."""
    design_hash = sha256_file(design_file)
    product = open_suite(network, wallet).register_product(design_hash, metadata_uri, royalty_bps)
    emit(product.to_dict(), json_output, _line(product))


@app.command("new-version")
def new_version(product_id: int, design_file: Path, metadata_uri: str = typer.Option(..., "--metadata-uri"),
                network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Publish a new version (a new design file) of a product."""
    product = open_suite(network, wallet).publish_version(product_id, sha256_file(design_file), metadata_uri)
    emit(product.to_dict(), json_output, _line(product))


@app.command()
def retire(product_id: int, network: NetworkOption = None, wallet: WalletOption = None,
           json_output: JsonOption = False) -> None:
    """Retire a product: no new orders."""
    product = open_suite(network, wallet).retire_product(product_id)
    emit(product.to_dict(), json_output, _line(product))


@app.command("list")
def list_(network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """List products."""
    products = open_suite(network).list_products()
    emit([p.to_dict() for p in products], json_output, "\n".join(_line(p) for p in products) or "no products")


@app.command()
def show(product_id: int, network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Show one product."""
    product = open_suite(network).product(product_id)
    emit(product.to_dict(), json_output, _line(product))
