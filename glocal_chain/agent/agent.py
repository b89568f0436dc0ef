"""HubAgent: turns this hub's paid orders into print jobs, exactly once.

The event stream writes new orders into the agent's store (same SQLite transaction as its checkpoint).
`tick()` then moves every order one step, each step checking the outside world before acting:
  new       -> design fetched and verified against the hash of the design version the order bought
               (designHashOf(product, order.designVersion); else reject on chain, refund)
            -> a printer that fits exists (else reject) -> accept on chain -> one job per unit queued
  queued    -> an idle printer: submit under the job's name (a job already on the printer is not re-sent)
  submitted -> the printer's result: succeeded, or failed (retried on another printer up to max_attempts)
  accepted with every unit printed -> ship on chain.
A printer or the RPC being down raises; `run` backs off and resumes, losing nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from glocal_chain.agent.designs import DesignLibrary
from glocal_chain.agent.store import AgentStore, Job
from glocal_chain.database import Connection
from glocal_chain.errors import ChainError, ContractRevert, GlocalError
from glocal_chain.events.service import ChainService, Following
from glocal_chain.events.stream import ChainEvent
from glocal_chain.printers.base import JobResult, PrinterDriver, PrinterState, PrinterUnavailable
from glocal_chain.sdk.models import OrderStatus
from glocal_chain.sdk.suite import GlocalSuite

log = logging.getLogger(__name__)


def pickup_tracking_number(hub_id: int, order_id: int) -> str:
    """The tracking number the agent ships with: the parcel waits at the hub's pickup desk."""
    return f"PICKUP-{hub_id}-{order_id}"


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


@dataclass(frozen=True)
class JobPolicy:
    """How the agent makes orders: attempts per unit, what each product needs of a printer (capability bits,
    material; default: any printer) and how long a printer may be unreachable before its job counts as failed."""

    max_attempts: int = 3
    product_capabilities: dict[int, int] = field(default_factory=dict)
    printer_timeout_s: float = 300.0
    product_materials: dict[int, str] = field(default_factory=dict)


class HubAgent(ChainService):
    """The hub's chain-following service: its store and event stream in `db`, its printers, its policy."""

    service_name = "agent"
    recoverable = (ChainError, PrinterUnavailable, ContractRevert, ConnectionError)

    def __init__(self, suite: GlocalSuite, hub_id: int, db: Connection, designs: DesignLibrary,
                 printers: list[Printer], following: Following, policy: JobPolicy | None = None) -> None:
        self.suite = suite
        self.hub_id = hub_id
        self.store = AgentStore(db)
        self.designs = designs
        self.printers = {p.driver.name: p for p in printers}
        policy = policy or JobPolicy()
        self.max_attempts = policy.max_attempts
        self.product_capabilities = policy.product_capabilities
        self.product_materials = policy.product_materials
        self.printer_timeout_s = policy.printer_timeout_s
        self.metrics = AgentMetrics()
        self._down_since: dict[str, float] = {}
        super().__init__(suite.w3, suite.deployment, db, following)

    def on_reorg(self, fork_block: int) -> None:
        """The chain reorganised: transactions of ours may have been dropped, so re-read the nonce."""
        if self.suite.sender is not None:
            self.suite.sender.reset_nonce()
        log.warning("chain reorganised back to block %d", fork_block)

    # ------------------------------------------------------------------ handlers (inside the stream's transaction)
    def on_OrderPlaced(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802 - event names
        if event.args["hubId"] == self.hub_id:
            self.store.add_order(event.args["orderId"], event.args["productId"], event.args["quantity"],
                                 event.block_number, event.tx_hash)
            self.metrics.orders_seen += 1

    # ------------------------------------------------------------------ one pass over the work
    def tick(self) -> None:
        for order_id, product_id, quantity in self.store.orders_in("new"):
            try:
                self._start_order(order_id, product_id, quantity)
            except ContractRevert as exc:  # e.g. the accept-by deadline passed: nothing more to do for it
                self.store.set_order(order_id, "closed", exc.message)
                log.warning("order %d closed: %s", order_id, exc.message)
        self._follow_jobs()
        self._dispatch_jobs()
        self._ship_finished()

    def _fitting(self, product_id: int) -> list[Printer]:
        """Printers with the capability bits and the material the product needs (config; default: any)."""
        required = self.product_capabilities.get(product_id, 0)
        material = self.product_materials.get(product_id)
        return [p for p in self.printers.values()
                if p.capabilities & required == required and (material is None or material in p.materials)]

    def _start_order(self, order_id: int, product_id: int, quantity: int) -> None:
        try:
            order = self.suite.order(order_id)
        except ContractRevert as exc:
            if exc.error_name == "OrderNotFound":  # reorganised away
                self.store.set_order(order_id, "closed", "order no longer on chain")
                return
            raise
        if order.status is OrderStatus.ACCEPTED:  # accepted before a crash
            self.store.accept_with_jobs(order_id, quantity, self.suite.order_design_hash(order))
            return
        if order.status is not OrderStatus.PAID:
            self.store.set_order(order_id, "closed", f"order is {order.status.name.lower()}")
            return
        # The version the buyer ordered, not the product's current one: a designer publishing version 2
        # does not change what an order placed for version 1 gets.
        design_hash = self.suite.order_design_hash(order)
        reason = None
        if self.designs.fetch(design_hash) is None:
            reason = f"no design file matching sha256 {design_hash} (design v{order.design_version})"
        elif not self._fitting(product_id):
            reason = "no printer at this hub can make it"
        if reason is not None:
            self.suite.reject(order_id, reason)
            self.store.set_order(order_id, "rejected", reason)
            log.warning("order %d rejected: %s", order_id, reason)
            return
        self.suite.accept(order_id)
        self.store.accept_with_jobs(order_id, quantity, design_hash)
        log.info("order %d accepted (%d unit(s) of design v%d)", order_id, quantity, order.design_version)

    def _dispatch_jobs(self) -> None:
        busy = self.store.busy_printers()
        for job in self.store.jobs_in("queued", "submitting"):
            if job.state == "submitting":  # a crash between deciding and uploading: ask the printer
                self._resolve_submitting(job)
                continue
            order_product = self._order_product(job.order_id)
            failed_on = self.store.printers_failed(job)
            for printer in sorted(self._fitting(order_product), key=lambda p: p.driver.name in failed_on):
                name = printer.driver.name
                if name in busy or not self._idle(printer):
                    continue
                self.store.set_job(job, "submitting", name)
                printer.driver.submit(job.name, self._design_for(job.order_id))
                self.store.set_job(job, "submitted")
                busy.add(name)
                self.metrics.jobs_started += 1
                for callback in self.metrics.dispatch_callbacks:
                    callback(job.order_id)
                log.info("job %s started on %s", job.name, name)
                break

    def _resolve_submitting(self, job: Job) -> None:
        printer = self.printers.get(job.printer or "")
        if printer is None:
            self.store.set_job(job, "queued")
            return
        result = printer.driver.job_result(job.name)
        self.store.set_job(job, "queued" if result is JobResult.UNKNOWN else "submitted")

    def _follow_jobs(self) -> None:
        for job in self.store.jobs_in("submitted"):
            printer = self.printers.get(job.printer or "")
            if printer is None:
                continue
            try:
                result = printer.driver.job_result(job.name)
                self._down_since.pop(printer.driver.name, None)
            except PrinterUnavailable as exc:
                down_since = self._down_since.setdefault(printer.driver.name, time.monotonic())
                if time.monotonic() - down_since < self.printer_timeout_s:
                    log.warning("%s", exc.message)
                    continue
                log.warning("%s for %.0f s: job %s counts as failed", exc.message, self.printer_timeout_s, job.name)
                result = JobResult.FAILED
            if result is JobResult.SUCCEEDED:
                self.store.set_job(job, "succeeded")
                self.metrics.jobs_finished += 1
            elif result in (JobResult.FAILED, JobResult.UNKNOWN):
                self.store.set_job(job, "failed")
                self.metrics.jobs_failed += 1
                if job.attempt < self.max_attempts:
                    self.store.retry(job)
                    self.metrics.retries += 1
                else:
                    self.store.set_order(job.order_id, "failed", f"unit {job.unit} failed {job.attempt} times")

    def _ship_finished(self) -> None:
        for order_id, _, _ in self.store.orders_in("accepted"):
            done, quantity = self.store.units_done(order_id)
            if done < quantity:
                continue
            try:
                status = self.suite.order(order_id).status
            except ContractRevert as exc:
                if exc.error_name != "OrderNotFound":
                    raise
                self.store.set_order(order_id, "closed", "order no longer on chain (reorganised away)")
                log.warning("order %d vanished in a reorganisation; not shipped", order_id)
                continue
            if status is OrderStatus.ACCEPTED:
                self.suite.ship(order_id, pickup_tracking_number(self.hub_id, order_id))
            if status in (OrderStatus.ACCEPTED, OrderStatus.SHIPPED):
                self.store.set_order(order_id, "shipped")
                log.info("order %d shipped", order_id)
            else:
                self.store.set_order(order_id, "closed", f"order is {status.name.lower()}")

    def _idle(self, printer: Printer) -> bool:
        try:
            return printer.driver.status().state is PrinterState.IDLE
        except PrinterUnavailable as exc:
            log.warning("%s", exc.message)
            return False

    def _order_product(self, order_id: int) -> int:
        return int(self.store.db.execute("SELECT product_id FROM agent_order WHERE order_id = ?",
                                         (order_id,)).fetchone()[0])

    def _design_for(self, order_id: int) -> bytes:
        """The bytes of the design the order bought, verified against its sha256 (recorded from the chain
        when the order was accepted)."""
        design_hash = self.store.design_hash(order_id) or self.suite.order_design_hash(self.suite.order(order_id))
        design = self.designs.fetch(design_hash)
        if design is None:
            raise GlocalError(f"order {order_id}: its design file disappeared after acceptance")
        return design
