"""`glocal`: one command group per role; every error is one clear line and a non-zero exit."""

from __future__ import annotations

import signal
import sys

import typer

from glocal_chain.cli import admin, agent, api, chain, demo, deploy, hub, oracle, order, product, token, wallet
from glocal_chain.errors import GlocalError
from glocal_chain.logs import configure_logging

app = typer.Typer(help="glocal-chain: community supply chains on a permissioned EVM chain.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(chain.app, name="chain")
app.command(name="deploy")(deploy.deploy)
app.add_typer(wallet.app, name="wallet")
app.add_typer(admin.app, name="admin")
app.add_typer(product.app, name="product")
app.add_typer(hub.app, name="hub")
app.add_typer(order.app, name="order")
app.add_typer(token.app, name="token")
app.command(name="demo")(demo.demo)
app.add_typer(agent.app, name="agent")
app.add_typer(api.app, name="api")
app.add_typer(oracle.app, name="oracle")


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
