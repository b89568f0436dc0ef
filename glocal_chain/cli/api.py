"""`glocal api run`: the public API and its indexer."""

from __future__ import annotations

from pathlib import Path

import typer

from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import load_api_settings
from glocal_chain.cli.options import ServiceNetworkOption
from glocal_chain.logs import SERVICE_LOG_LEVEL, configure_logging

app = typer.Typer(help="Public API: products, hubs, orders, design files, unsigned transactions.",
                  no_args_is_help=True)


@app.command()
def run(config: Path | None = typer.Option(None, "--config", help="api.toml (optional)."),
        network: ServiceNetworkOption = None,
        host: str | None = typer.Option(None, "--host"), port: int | None = typer.Option(None, "--port"),
        database_url: str | None = typer.Option(None, "--database-url",
                                                help="SQLite path or postgresql:// URL (also $DATABASE_URL).")) -> None:
    """Index the chain into the read model and serve the API until SIGINT or SIGTERM."""
    configure_logging(SERVICE_LOG_LEVEL)
    settings = load_api_settings(config, network=network, host=host, port=port, database_url=database_url)
    service = ApiService(settings)
    indexed = service.catch_up()
    typer.echo(f"API on http://{settings.host}:{settings.port} (docs at /docs); {indexed} new events indexed")
    service.run()
