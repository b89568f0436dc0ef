"""What `glocal agent status` and the agent's `/status` and `/healthz` say: the printers (state, current job),
the print queue, the orders in progress (and why one waits), the last block seen and the chain's head.

The running agent builds it after each step in its own thread (`agent_status`); the HTTP server only hands
out the last one. With no agent running, `stored_status` says what its SQLite store knows (no printers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glocal_chain.agent.printer_watch import UNREACHABLE
from glocal_chain.agent.store import AgentStore
from glocal_chain.database import Connection
from glocal_chain.events.store import StreamStore
from glocal_chain.web import CHAIN_UNREACHABLE

if TYPE_CHECKING:
    from glocal_chain.agent.agent import HubAgent

NO_PRINTER_REACHABLE = "no printer reachable"
ACTIVE_JOB_STATES = ("submitting", "submitted")


def _work(store: AgentStore, waiting: dict[int, str]) -> dict[str, Any]:
    queue = [{"order_id": j.order_id, "unit": j.unit, "attempt": j.attempt} for j in store.jobs_in("queued")]
    jobs = [{"order_id": j.order_id, "unit": j.unit, "attempt": j.attempt, "printer": j.printer, "state": j.state,
             "name": j.name} for j in store.jobs_in(*ACTIVE_JOB_STATES)]
    orders = [{"order_id": order_id, "state": state, "waiting_for": waiting.get(order_id)}
              for order_id, state, _ in store.orders_with_reasons("new", "accepted")]
    return {"queue": queue, "jobs": jobs, "orders": orders, "counts": store.counts()}


def agent_status(agent: HubAgent) -> dict[str, Any]:
    stats = agent.stream.stats
    printers = agent.watch.report()
    for printer in printers:
        printer.pop("problem", None)  # it names the printer's URL: logs only
    return {"hub_id": agent.hub_id, "running": True,
            "chain": {None: "unknown", True: "reachable", False: "unreachable"}[agent.chain_reachable],
            "chain_head": stats.head if stats.head >= 0 else None,
            "last_block": stats.last_block if stats.last_block >= 0 else None,
            "printers": printers, **_work(agent.store, agent.waiting), "problems": health_problems(agent)}


def health_problems(agent: HubAgent) -> list[str]:
    """What stops the agent from doing its work, one short sentence each (no URLs)."""
    problems = []
    if agent.chain_reachable is False:
        problems.append(CHAIN_UNREACHABLE)
    if agent.watch.probed() and not any(agent.watch.usable(name) for name in agent.printers):
        states = {view.state for view in agent.watch.views.values()}
        problems.append(NO_PRINTER_REACHABLE if states == {UNREACHABLE} else "no printer can print "
                        f"({', '.join(sorted(f'{v.name} {v.state}' for v in agent.watch.views.values()))})")
    return problems


def stored_status(db: Connection, hub_id: int, stream: str) -> dict[str, Any]:
    """What the store of a stopped agent knows."""
    checkpoint = StreamStore(db, stream).checkpoint()
    return {"hub_id": hub_id, "running": False, "chain": "unknown", "chain_head": None,
            "last_block": checkpoint[0] if checkpoint else None, "printers": [], **_work(AgentStore(db), {}),
            "problems": ["agent not running"]}
