"""What the demo says as it goes: each set-up step with its time, the printer's progress on an order, and
what to try after it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from glocal_chain.agent.store import job_name_prefix
from glocal_chain.printers.base import PrinterStatus

NEXT_STEPS = (
    "\nwhat to try next:",
    "  glocal demo --stay      the same day, then the chain, the API and the oracle stay up for the glocal CLI and",
    "                          curl (it prints the exports), with an order waiting for its courier",
    "  README.md, \"CLI walkthrough\": every role's commands on a local chain of your own",
    "  docs/hub-agent.md: run a hub's agent against a local OctoPrint, step by step",
    "  the public API's OpenAPI docs: at /docs of the API `glocal demo --stay` keeps up, or of your own",
    "                          (`glocal api run --port 8080` after the walkthrough: http://127.0.0.1:8080/docs)",
)
Done = TypeVar("Done")


def timed(say: Callable[[str], None], doing: str, action: Callable[[], Done], done: Callable[[Done], str]) -> Done:
    """Says what starts, does it, then says how it ended and how long it took."""
    say(f"      {doing} ...")
    began = time.monotonic()
    result = action()
    say(f"      {doing}: {done(result)} ({time.monotonic() - began:.1f} s)")
    return result


def printer_line(status: PrinterStatus, order_id: int) -> str:
    """What the printer does for `order_id`: the agent's job for it (agent.store.job_name_prefix), or that it
    has none yet; an earlier order's job still shown is not this one's."""
    job = status.job_name or ""
    if not job.startswith(job_name_prefix(order_id)):
        return f"      printer: {status.state.value}, no job of order {order_id} yet"
    progress = f" {status.progress_pct:.0f} %" if status.progress_pct is not None else ""
    return f"      printer: {status.state.value} {job}{progress}"
