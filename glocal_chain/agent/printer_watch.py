"""What the agent knows of its printers: each one's state from the last probe (one `status()` per printer
per pass), whether it can take work, and a log that says when a printer goes away or comes back instead of
repeating the same warning at every poll."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

from glocal_chain.agent.pacing import Throttle
from glocal_chain.printers.base import PrinterDriver, PrinterState, PrinterUnavailable

log = logging.getLogger(__name__)
UNREACHABLE = "unreachable"
USABLE = (PrinterState.IDLE.value, PrinterState.PRINTING.value)


@dataclass(frozen=True)
class PrinterView:
    """A printer as last seen: `state` is a PrinterState value or "unreachable" (then `problem` says why)."""

    name: str
    state: str
    job: str | None = None
    progress_pct: float | None = None
    problem: str | None = None
    since: float = 0.0  # wall-clock time the printer entered this state


class PrinterWatch:
    def __init__(self, drivers: list[PrinterDriver], warn_every_s: float = 60.0) -> None:
        self.drivers = {driver.name: driver for driver in drivers}
        self.views: dict[str, PrinterView] = {}
        self._warnings = Throttle(warn_every_s)

    def probe(self) -> None:
        """Asks every printer for its state once."""
        for name, driver in self.drivers.items():
            try:
                status = driver.status()
            except PrinterUnavailable as exc:
                self.unreachable(name, exc.message)
                continue
            if status.state is PrinterState.PRINTING:
                self._record(PrinterView(name, status.state.value, status.job_name, status.progress_pct))
            else:  # OctoPrint keeps showing the last job's file when idle: not a current job
                self._record(PrinterView(name, status.state.value))

    def unreachable(self, name: str, problem: str) -> None:
        """The printer did not answer (a probe, an upload or a result query)."""
        self._record(PrinterView(name, UNREACHABLE, problem=problem))
        if self._warnings.due(name):
            log.warning("%s; the agent gives it no new work until it answers", problem)

    def _record(self, view: PrinterView) -> None:
        before = self.views.get(view.name)
        if view.state != UNREACHABLE and self._warnings.clear(view.name):
            log.info("printer %s answers again (%s)", view.name, view.state)
        since = before.since if before is not None and before.state == view.state else time.time()
        self.views[view.name] = PrinterView(view.name, view.state, view.job, view.progress_pct, view.problem, since)

    def usable(self, name: str) -> bool:
        """Answered at the last probe and can print (idle or printing; not offline or in error)."""
        view = self.views.get(name)
        return view is not None and view.state in USABLE

    def idle(self, name: str) -> bool:
        view = self.views.get(name)
        return view is not None and view.state == PrinterState.IDLE.value

    def taken(self, name: str) -> None:
        """A job was just sent to the printer: it is no longer idle for the rest of this pass."""
        view = self.views.get(name)
        if view is not None:
            self.views[name] = PrinterView(name, PrinterState.PRINTING.value, view.job, None, None, time.time())

    def probed(self) -> bool:
        return bool(self.views)

    def report(self) -> list[dict[str, object]]:
        return [asdict(self.views[name]) for name in sorted(self.views)]
