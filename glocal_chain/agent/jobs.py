"""The print jobs of accepted orders: each queued job to an idle printer that fits, each submitted job
followed to its result (a failed one retried on another printer, up to the policy's attempts). One job's
trouble (its design cannot be fetched now, its printer does not answer) never holds up the others."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from glocal_chain.agent.designs import DesignSourceUnavailable
from glocal_chain.agent.pacing import Throttle
from glocal_chain.agent.printer_watch import PrinterWatch
from glocal_chain.agent.store import AgentStore, Job
from glocal_chain.printers.base import JobResult, PrinterDriver, PrinterUnavailable

log = logging.getLogger(__name__)


@dataclass
class Printer:
    driver: PrinterDriver
    capabilities: int = 0
    materials: tuple[str, ...] = ()


@dataclass
class AgentMetrics:
    """The agent's counters, served as `glocal_agent_<name>` (with the loop's `errors`, the queue depth and the
    chain lag; see runner), and hooks called with each order whose job a printer took (benchmarks)."""

    orders_seen: int = 0
    jobs_started: int = 0
    jobs_finished: int = 0
    jobs_failed: int = 0
    retries: int = 0
    dispatch_callbacks: list[Callable[[int], None]] = field(default_factory=list)


class PrintJobs:
    """`design_for(order_id)` gives the verified bytes of an order's design (None: no file matches any more;
    raises DesignSourceUnavailable); `fitting(product_id)` the printers that can make a product."""

    def __init__(self, store: AgentStore, printers: dict[str, Printer], watch: PrinterWatch,
                 metrics: AgentMetrics, design_for: Callable[[int], bytes | None],
                 fitting: Callable[[int], list[Printer]], max_attempts: int, printer_timeout_s: float) -> None:
        self.store = store
        self.printers = printers
        self.watch = watch
        self.metrics = metrics
        self.design_for = design_for
        self.fitting = fitting
        self.max_attempts = max_attempts
        self.printer_timeout_s = printer_timeout_s
        self._down_since: dict[str, float] = {}
        self._warnings = Throttle()

    def dispatch(self) -> None:
        busy = self.store.busy_printers()
        designs: dict[int, bytes | None] = {}
        for job in self.store.jobs_in("queued", "submitting"):
            if job.state == "submitting":  # a crash between deciding and uploading: ask the printer
                self._resolve_submitting(job)
                continue
            failed_on = self.store.printers_failed(job)
            candidates = [p for p in self.fitting(self.store.product_of(job.order_id))
                          if p.driver.name not in busy and self.watch.idle(p.driver.name)]
            if not candidates:
                continue
            if job.order_id not in designs:
                designs[job.order_id] = self._design(job)
            design = designs[job.order_id]
            if design is None:
                continue
            for printer in sorted(candidates, key=lambda p: p.driver.name in failed_on):
                if self._submit(job, printer, design):
                    busy.add(printer.driver.name)
                    break

    def _design(self, job: Job) -> bytes | None:
        try:
            design = self.design_for(job.order_id)
        except DesignSourceUnavailable as exc:
            if self._warnings.due(("design", job.order_id)):
                log.warning("order %d: its design cannot be fetched now (%s); its jobs wait", job.order_id,
                            exc.message)
            return None
        if design is None and self._warnings.due(("design", job.order_id)):
            log.error("order %d: its design file disappeared after acceptance; its jobs wait until a file "
                      "matching the accepted design is back in a design folder or source", job.order_id)
        if design is not None:
            self._warnings.clear(("design", job.order_id))
        return design

    def _submit(self, job: Job, printer: Printer, design: bytes) -> bool:
        name = printer.driver.name
        self.store.set_job(job, "submitting", name)
        try:
            printer.driver.submit(job.name, design)
        except PrinterUnavailable as exc:  # the job stays `submitting`: the next pass asks the printer
            self.watch.unreachable(name, exc.message)
            return False
        self.store.set_job(job, "submitted")
        self.watch.taken(name)
        self.metrics.jobs_started += 1
        for callback in self.metrics.dispatch_callbacks:
            callback(job.order_id)
        log.info("order %d: unit %d printing on %s (job %s)", job.order_id, job.unit, name, job.name)
        return True

    def _resolve_submitting(self, job: Job) -> None:
        printer = self.printers.get(job.printer or "")
        if printer is None:
            self.store.set_job(job, "queued")
            return
        try:
            result = printer.driver.job_result(job.name)
        except PrinterUnavailable as exc:
            self.watch.unreachable(printer.driver.name, exc.message)
            return
        self.store.set_job(job, "queued" if result is JobResult.UNKNOWN else "submitted")

    def follow(self) -> None:
        for job in self.store.jobs_in("submitted"):
            printer = self.printers.get(job.printer or "")
            if printer is None:
                continue
            name = printer.driver.name
            try:
                result = printer.driver.job_result(job.name)
                self._down_since.pop(name, None)
            except PrinterUnavailable as exc:
                self.watch.unreachable(name, exc.message)
                down_since = self._down_since.setdefault(name, time.monotonic())
                if time.monotonic() - down_since < self.printer_timeout_s:
                    continue
                log.warning("%s for %.0f s: job %s counts as failed", exc.message, self.printer_timeout_s, job.name)
                result = JobResult.FAILED
            self._record(job, result)

    def _record(self, job: Job, result: JobResult) -> None:
        if result is JobResult.SUCCEEDED:
            self.store.set_job(job, "succeeded")
            self.metrics.jobs_finished += 1
            log.info("order %d: unit %d printed on %s", job.order_id, job.unit, job.printer)
        elif result in (JobResult.FAILED, JobResult.UNKNOWN):
            self.store.set_job(job, "failed")
            self.metrics.jobs_failed += 1
            if job.attempt < self.max_attempts:
                self.store.retry(job)
                self.metrics.retries += 1
                log.warning("order %d: unit %d failed on %s; retrying (attempt %d)", job.order_id, job.unit,
                            job.printer, job.attempt + 1)
            else:
                self.store.set_order(job.order_id, "failed", f"unit {job.unit} failed {job.attempt} times")
                log.error("order %d: unit %d failed %d times; giving up", job.order_id, job.unit, job.attempt)
