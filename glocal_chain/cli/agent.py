"""`glocal agent run | status --config hub.toml`: the hub agent, until SIGINT or SIGTERM, and what it is doing.

`status` asks the running agent (its `/status` on the port recorded in its database); with no agent
answering it shows what the database holds (queue, orders, last block seen) and exits with code 3."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from glocal_chain.agent.config import AgentConfig, load_agent_config
from glocal_chain.agent.runner import AgentRunner, stream_name
from glocal_chain.agent.status import stored_status
from glocal_chain.agent.store import AgentStore
from glocal_chain.cli.options import JsonOption
from glocal_chain.cli.output import emit
from glocal_chain.errors import ConfigError, GlocalError
from glocal_chain.events.store import open_database
from glocal_chain.logs import SERVICE_LOG_LEVEL, configure_logging

app = typer.Typer(help="Hub agent: paid orders to printers, exactly once.", no_args_is_help=True)
ConfigOption = Annotated[Path, typer.Option("--config", help="The hub's agent configuration (hub.toml).")]
FINAL_STATES = ("shipped", "rejected", "closed", "failed")


@app.command()
def run(config: ConfigOption) -> None:
    """Run the hub agent."""
    configure_logging(SERVICE_LOG_LEVEL)
    runner = AgentRunner(load_agent_config(config))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    port = runner.observability.port if runner.observability else None
    typer.echo(f"agent for hub {runner.config.hub_id} running"
               + (f"; status, health and metrics on {runner.config.metrics_host}:{port}" if port else ""))
    runner.run(stop)


@app.command()
def status(config: ConfigOption, json_output: JsonOption = False,
           wait_for: Annotated[int | None, typer.Option("--wait-for", help="First wait until the agent is done with "
                                                        "this order (shipped, rejected or closed).")] = None,
           timeout_s: Annotated[float, typer.Option("--timeout", help="Seconds --wait-for waits at most.")] = 300.0,
           ) -> None:
    """Show the agent's printers (state, current job), queue, orders in progress and last block seen."""
    settings = load_agent_config(config)
    outcome = _wait_for(settings, wait_for, timeout_s) if wait_for is not None else None
    if not settings.database_path().exists():
        raise ConfigError(f"the agent of hub {settings.hub_id} has not run yet (no database at "
                          f"{settings.database_path()})")
    report = _status(settings)
    if outcome is not None:
        report["waited_for"] = {"order_id": wait_for, "state": outcome}
    emit(report, json_output, "\n".join(_lines(report)))
    if outcome is not None and outcome != "shipped":
        raise typer.Exit(1)
    if not report["running"]:
        raise typer.Exit(3)


def _status(settings: AgentConfig) -> dict[str, Any]:
    db = open_database(settings.database_path())
    try:
        port = AgentStore(db).endpoint()
        if port is not None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/status", timeout=5.0)
                if response.status_code == 200 and response.json().get("hub_id") == settings.hub_id:
                    return dict(response.json())
            except (httpx.HTTPError, ValueError):
                pass  # not running (or another program took the port): the database says what it can
        return stored_status(db, settings.hub_id, stream_name(settings.hub_id))
    finally:
        db.close()


def _wait_for(settings: AgentConfig, order_id: int, timeout_s: float) -> str:
    """Waits (also for an agent still starting: no database yet) until the agent is done with the order."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = None
        if settings.database_path().exists():
            db = open_database(settings.database_path())
            try:
                state = AgentStore(db).order_state(order_id)
            finally:
                db.close()
        if state in FINAL_STATES:
            return state
        if time.monotonic() > deadline:
            raise GlocalError(f"order {order_id} is still {state or 'unseen by the agent'} after {timeout_s:.0f} s")
        time.sleep(0.5)


def _lines(report: dict[str, Any]) -> list[str]:
    head = report["chain_head"] if report["chain_head"] is not None else "?"
    last = report["last_block"] if report["last_block"] is not None else "none"
    lines = []
    if "waited_for" in report:
        lines.append(f"order {report['waited_for']['order_id']}: {report['waited_for']['state']}")
    lines.append(f"hub {report['hub_id']} agent: {'running' if report['running'] else 'not running'}; chain "
                 f"{report['chain']} (head {head}), last block seen {last}")
    lines.append("printers:" if report["printers"] else "printers: unknown (the agent is not running)")
    for printer in report["printers"]:
        progress = f" {printer['progress_pct']:.0f}%" if printer.get("progress_pct") is not None else ""
        lines.append(f"  {printer['name']}: {printer['state']} {printer.get('job') or ''}{progress}".rstrip())
    queue = report["queue"]
    lines.append(f"queue: {len(queue)} job(s)" + (": " + ", ".join(
        f"order {j['order_id']} unit {j['unit']}" for j in queue) if queue else ""))
    for job in report["jobs"]:
        lines.append(f"  order {job['order_id']} unit {job['unit']}: {job['state']} on {job['printer']}")
    orders = [f"order {o['order_id']} {o['state']}" + (f" (waiting: {o['waiting_for']})" if o["waiting_for"] else "")
              for o in report["orders"]]
    lines.append("orders in progress: " + ("; ".join(orders) or "none"))
    lines.append("problems: " + ("; ".join(report["problems"]) or "none"))
    return lines
