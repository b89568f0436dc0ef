"""`glocal`: one command group per role; every error is one clear line and a non-zero exit."""

from __future__ import annotations

import signal
import sys

import typer

from glocal_chain.cli import (
    admin,
    agent,
    api,
    chain,
    consortium,
    demo,
    deploy,
    hub,
    indexer,
    oracle,
    order,
    printer,
    product,
    token,
    wallet,
)
from glocal_chain.errors import GlocalError
from glocal_chain.logs import configure_logging

app = typer.Typer(help="glocal-chain: community supply chains on a permissioned EVM chain.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
# In the order `glocal --help` lists them: a role's command group, or (deploy, demo) a single command.
for name, group in (("chain", chain.app), ("wallet", wallet.app), ("consortium", consortium.app), ("admin", admin.app),
                    ("product", product.app),
                    ("hub", hub.app), ("order", order.app), ("token", token.app), ("agent", agent.app),
                    ("printer", printer.app),
                    ("api", api.app), ("indexer", indexer.app), ("oracle", oracle.app)):
    app.add_typer(group, name=name)
app.command(name="deploy")(deploy.deploy)
app.command(name="demo")(demo.demo)


def run() -> None:
    """Console entry point: turns GlocalError into `error: <message>` and its exit code. SIGTERM stops a
    command as Ctrl-C does, so what it started (a demo's chain, OctoPrint, servers) is stopped too; the
    long-running services install their own handlers on top."""
    configure_logging()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        app()
    except GlocalError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    run()
