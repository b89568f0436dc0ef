"""The printer driver interface. A driver for Moonraker, PrusaLink or Bambu implements these five
methods; the hub agent needs nothing else.

Job names are chosen by the agent (`glocal-<order>-<unit>-<attempt>.gcode`) and are how a driver
answers "was this job already submitted, and how did it end?" after a crash: drivers must keep the
uploaded file under that name and report its last result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from glocal_chain.errors import GlocalError


class PrinterUnavailable(GlocalError):
    """The printer (or its controller) cannot be reached or refuses the request; try again later."""


class PrinterState(str, Enum):
    IDLE = "idle"
    PRINTING = "printing"
    ERROR = "error"
    OFFLINE = "offline"


class JobResult(str, Enum):
    UNKNOWN = "unknown"  # never submitted
    SUBMITTED = "submitted"  # uploaded, not finished
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    job_name: str | None = None
    progress_pct: float | None = None


class PrinterDriver(Protocol):
    name: str

    def status(self) -> PrinterStatus:
        """The printer's state and current job; raises PrinterUnavailable when unreachable."""

    def submit(self, job_name: str, gcode: bytes) -> None:
        """Uploads the job under `job_name` and starts it; the printer must be idle."""

    def job_result(self, job_name: str) -> JobResult:
        """How the job of that name ended (or that it never was, or still runs)."""

    def cancel(self) -> None:
        """Cancels the current job."""

    def close(self) -> None:
        """Releases connections."""
