"""`glocal chain up | down | status | advance`: the local anvil whose state and port survive a restart."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from glocal_chain.chain.anvil import advance_clock
from glocal_chain.chain.connection import connect
from glocal_chain.chain.networks import load_network, local_node
from glocal_chain.cli.options import JsonOption, NetworkOption
from glocal_chain.cli.output import emit
from glocal_chain.sdk.inputs import InputError

app = typer.Typer(help="Run the local chain (anvil, state and port kept across restarts).", no_args_is_help=True)

PortOption = Annotated[int | None, typer.Option(
    "--port", min=1, max=65535,
    help="Listen here from now on (default: the port it had before, else a free one).")]


@app.command()
def up(port: PortOption = None, json_output: JsonOption = False) -> None:
    """Start the local chain (or report the running one) on the port it had before."""
    status = local_node().up(port)
    emit({**asdict(status), "url": status.url}, json_output, f"local chain running at {status.url} (pid {status.pid})")


@app.command()
def down(json_output: JsonOption = False) -> None:
    """Stop the local chain; its state and port are kept for the next `up`. Until then, commands that need it
    refuse instead of starting it again."""
    stopped = local_node().down()
    emit({"stopped": stopped}, json_output, "local chain stopped" if stopped else "local chain was not running")


@app.command()
def status(json_output: JsonOption = False) -> None:
    """Show whether the local chain runs (exit code 3 when it does not)."""
    node = local_node()
    running = node.status()
    if running is None:
        kept = node.kept_port()
        how = "stopped with `glocal chain down`" if node.stopped_by_user() else "not started yet"
        where = f"; `glocal chain up` starts it at http://127.0.0.1:{kept}" if kept else ""
        emit({"running": False, "stopped_by_user": node.stopped_by_user(), "port": kept,
              "state_file": str(node.state_file)}, json_output, f"local chain is not running ({how}){where}")
        raise typer.Exit(3)
    emit({"running": True, **asdict(running), "url": running.url}, json_output,
         f"local chain running at {running.url} (pid {running.pid}, state {running.state_file})")


@app.command()
def advance(seconds: Annotated[int, typer.Argument(min=1, help="How far to move the clock.")],
            network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Move a local chain's clock forward and mine a block (a vote's period or a timelock's delay in no time).
    Local networks (anvil) only."""
    net = load_network(network)
    if not net.local:
        raise InputError(f"network {net.name!r} is not a local chain: its clock moves only with time")
    w3 = connect(net)
    advance_clock(w3, seconds)
    block = w3.eth.get_block("latest")
    emit({"block": block["number"], "timestamp": block["timestamp"]}, json_output,
         f"{net.name}: {seconds} s later, block {block['number']} at {block['timestamp']}")
