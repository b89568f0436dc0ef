"""`glocal indexer run`: the read-model indexer on its own, for API processes run as stateless readers."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import typer

from glocal_chain.cli.options import ServiceNetworkOption
from glocal_chain.indexer.runner import IndexerRunner
from glocal_chain.indexer.settings import load_indexer_settings
from glocal_chain.logs import SERVICE_LOG_LEVEL, configure_logging

app = typer.Typer(help="Read-model indexer: the chain's events into the database the API serves.",
                  no_args_is_help=True)


@app.callback()
def indexer() -> None:
    """Read-model indexer: the chain's events into the database the API serves."""


@app.command()
def run(config: Path | None = typer.Option(None, "--config", help="api.toml (optional; the API's settings)."),
        network: ServiceNetworkOption = None,
        database_url: str | None = typer.Option(None, "--database-url",
                                                help="SQLite path or postgresql:// URL (also $DATABASE_URL).")) -> None:
    """Index the chain into the read model until SIGINT or SIGTERM (one writer per database; others stand by)."""
    configure_logging(SERVICE_LOG_LEVEL)
    runner = IndexerRunner(load_indexer_settings(config, network=network, database_url=database_url))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    indexed = runner.catch_up()
    typer.echo(f"indexer running as the {runner.role}; {indexed} new events indexed")
    runner.run(stop)

