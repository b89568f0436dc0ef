"""`glocal demo`: the mission end to end on a fresh local chain, with a readable summary."""

from __future__ import annotations

import typer

from glocal_chain.demo.scenario import run


def demo(stay: bool = typer.Option(False, "--stay", help="Keep the chain, API and oracle up afterwards, with one "
                                                           "order waiting for a courier webhook, and print how to "
                                                           "point the glocal CLI and curl at them.")) -> None:
    """Act out a day in a community network on a fresh local chain, then print a summary and what to try next
    (with --stay, how to point the glocal CLI and curl at the demo's chain, API and oracle)."""
    result = run(lambda line: typer.echo(line), stay=stay)
    if stay:  # without --stay the demo says when it finished, then what to try next
        typer.echo(f"\ndemo finished in {result.wall_time_s} s")
