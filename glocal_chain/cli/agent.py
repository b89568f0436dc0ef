"""`glocal agent run --config hub.toml`: the hub agent, until SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import typer

from glocal_chain.agent.config import load_agent_config
from glocal_chain.agent.runner import AgentRunner

app = typer.Typer(help="Hub agent: paid orders to printers, exactly once.", no_args_is_help=True)


@app.command()
def run(config: Path = typer.Option(..., "--config", help="The hub's agent configuration (hub.toml).")) -> None:
    """Run the hub agent."""
    runner = AgentRunner(load_agent_config(config))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    port = runner.observability.port if runner.observability else None
    typer.echo(f"agent for hub {runner.config.hub_id} running" + (f"; metrics on 127.0.0.1:{port}" if port else ""))
    runner.run(stop)
