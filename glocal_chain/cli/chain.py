"""`glocal chain up | down | status`: the local anvil whose state survives a restart."""

from __future__ import annotations

from dataclasses import asdict

import typer

from glocal_chain.chain.networks import local_node
from glocal_chain.cli.options import JsonOption
from glocal_chain.cli.output import emit

app = typer.Typer(help="Run the local chain (anvil, state kept across restarts).", no_args_is_help=True)


@app.command()
def up(json_output: JsonOption = False) -> None:
    """Start the local chain (or report the running one)."""
    status = local_node().up()
    emit({**asdict(status), "url": status.url}, json_output, f"local chain running at {status.url} (pid {status.pid})")


@app.command()
def down(json_output: JsonOption = False) -> None:
    """Stop the local chain; its state is saved for the next `up`."""
    stopped = local_node().down()
    emit({"stopped": stopped}, json_output, "local chain stopped" if stopped else "local chain was not running")


@app.command()
def status(json_output: JsonOption = False) -> None:
    """Show whether the local chain runs."""
    node = local_node()
    running = node.status()
    if running is None:
        emit({"running": False, "state_file": str(node.state_file)}, json_output, "local chain is not running")
        raise typer.Exit(3)
    emit({"running": True, **asdict(running), "url": running.url}, json_output,
         f"local chain running at {running.url} (pid {running.pid}, state {running.state_file})")
