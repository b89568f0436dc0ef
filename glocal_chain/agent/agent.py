"""HubAgent: turns this hub's paid orders into print jobs, exactly once.

The event stream writes new orders into the agent's store (same SQLite transaction as its checkpoint).
`tick()` probes the printers once, then moves every order one step, each step checking the outside world
before acting:
  new       -> design fetched and verified against the hash of the design version the order bought
               (designHashOf(product, order.designVersion); no such file or no match: reject on chain, refund;
               the source unreachable: ask again later, rejecting only when the accept window nears its end)
            -> a printer that fits exists (else reject) and one of them answers (else wait, unaccepted)
            -> accept on chain -> one job per unit queued
  queued    -> an idle printer: submit under the job's name (a job already on the printer is not re-sent)
  submitted -> the printer's result: succeeded, or failed (retried on another printer up to max_attempts)
  accepted with every unit printed -> ship on chain, with the tracking number of `tracking_format`.
The RPC being down raises; `run` backs off and resumes, losing nothing. A printer or a design source being
down holds up only the work that needs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from glocal_chain.agent.designs import DesignLibrary, DesignSourceUnavailable
from glocal_chain.agent.jobs import AgentMetrics, Printer, PrintJobs
from glocal_chain.agent.pacing import RetrySchedule, Throttle
from glocal_chain.agent.printer_watch import PrinterWatch
from glocal_chain.agent.status import agent_status, health_problems
from glocal_chain.agent.store import AgentStore
from glocal_chain.database import Connection
from glocal_chain.errors import ContractRevert
from glocal_chain.events.service import ChainService, Following
from glocal_chain.events.stream import RECOVERABLE_ERRORS, ChainEvent
from glocal_chain.printers.base import PrinterUnavailable
from glocal_chain.sdk.inputs import DEFAULT_TRACKING_FORMAT, tracking_number
from glocal_chain.sdk.models import Order, OrderStatus
from glocal_chain.sdk.suite import GlocalSuite

__all__ = ["AgentMetrics", "HubAgent", "JobPolicy", "Printer"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobPolicy:
    """How the agent makes orders: attempts per unit, what each product needs of a printer (capability bits,
    material; default: any printer), how long a printer may be unreachable before its job counts as failed,
    how long before the accept window closes it stops waiting for an unreachable design source and rejects,
    and the tracking number's format."""

    max_attempts: int = 3
    product_capabilities: dict[int, int] = field(default_factory=dict)
    printer_timeout_s: float = 300.0
    product_materials: dict[int, str] = field(default_factory=dict)
    design_retry_margin_s: float = 3600.0
    tracking_format: str = DEFAULT_TRACKING_FORMAT


class HubAgent(ChainService):
    """The hub's chain-following service: its store and event stream in `db`, its printers, its policy."""

    service_name = "agent"
    recoverable = (*RECOVERABLE_ERRORS, PrinterUnavailable, ContractRevert)

    def __init__(self, suite: GlocalSuite, hub_id: int, db: Connection, designs: DesignLibrary,
                 printers: list[Printer], following: Following, policy: JobPolicy | None = None) -> None:
        self.suite = suite
        self.hub_id = hub_id
        self.store = AgentStore(db)
        self.designs = designs
        self.printers = {p.driver.name: p for p in printers}
        self.policy = policy or JobPolicy()
        self.metrics = AgentMetrics()
        self.watch = PrinterWatch([p.driver for p in printers])
        self.jobs = PrintJobs(self.store, self.printers, self.watch, self.metrics, self._design_for, self._fitting,
                              self.policy.max_attempts, self.policy.printer_timeout_s)
        self.chain_reachable: bool | None = None  # at the last step; None before the first
        self.status: dict[str, Any] = {}  # the last step's agent_status, read by /status and /healthz
        self.waiting: dict[int, str] = {}  # orders left unaccepted for now, and why
        self._design_retry = RetrySchedule(first_s=1.0, max_s=60.0)
        self._warnings = Throttle()
        self._verified: set[int] = set()
        super().__init__(suite.w3, suite.deployment, db, following)
        self.status = agent_status(self)

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
    def step(self) -> None:
        """A poll and a tick; records whether the chain answered and publishes the agent's status."""
        try:
            super().step()
        except RECOVERABLE_ERRORS:
            self.chain_reachable = False
            raise
        else:
            self.chain_reachable = True
        finally:
            self.status = agent_status(self)

    def health(self) -> list[str]:
        return health_problems(self)

    def tick(self) -> None:
        self.watch.probe()
        for order_id, product_id, quantity in self.store.orders_in("new"):
            try:
                self._start_order(order_id, product_id, quantity)
            except ContractRevert as exc:  # e.g. the accept-by deadline passed: nothing more to do for it
                self._settle(order_id, "closed", exc.message)
                log.warning("order %d closed: %s", order_id, exc.message)
        self.jobs.follow()
        self.jobs.dispatch()
        self._ship_finished()

    def _fitting(self, product_id: int) -> list[Printer]:
        """Printers with the capability bits and the material the product needs (config; default: any)."""
        required = self.policy.product_capabilities.get(product_id, 0)
        material = self.policy.product_materials.get(product_id)
        return [p for p in self.printers.values()
                if p.capabilities & required == required and (material is None or material in p.materials)]

    def _settle(self, order_id: int, state: str, reason: str | None = None) -> None:
        self.store.set_order(order_id, state, reason)
        self.waiting.pop(order_id, None)
        self._verified.discard(order_id)
        self._design_retry.clear(order_id)

    def _start_order(self, order_id: int, product_id: int, quantity: int) -> None:
        if not self._design_retry.due(order_id):
            return
        try:
            order = self.suite.order(order_id)
        except ContractRevert as exc:
            if exc.error_name == "OrderNotFound":  # reorganised away
                self._settle(order_id, "closed", "order no longer on chain")
                return
            raise
        if order.status is OrderStatus.ACCEPTED:  # accepted before a crash
            self.store.accept_with_jobs(order_id, quantity, self.suite.order_design_hash(order))
            self._settle(order_id, "accepted")
            return
        if order.status is not OrderStatus.PAID:
            self._settle(order_id, "closed", f"order is {order.status.name.lower()}")
            return
        reason = self._refusal(order)
        if reason is not None:
            self.suite.reject(order_id, reason)
            self._settle(order_id, "rejected", reason)
            log.warning("order %d rejected: %s", order_id, reason)
            return
        if order_id not in self._verified:
            return  # the design source is down: asked again later
        if not any(self.watch.usable(p.driver.name) for p in self._fitting(product_id)):
            self._wait_for_printer(order)
            return
        self.suite.accept(order_id)
        self.store.accept_with_jobs(order_id, quantity, self.suite.order_design_hash(order))
        self._settle(order_id, "accepted")
        log.info("order %d accepted (%d unit(s) of product %d, design v%d)", order_id, quantity, product_id,
                 order.design_version)

    def _refusal(self, order: Order) -> str | None:
        """Why the hub cannot make the order (it is rejected), or None. The version the buyer ordered, not the
        product's current one: a designer publishing version 2 does not change what version 1's orders get."""
        if not self._fitting(order.product_id):
            return "no printer at this hub can make it"
        if order.order_id in self._verified:
            return None
        design_hash = self.suite.order_design_hash(order)
        try:
            design = self.designs.fetch(design_hash)
        except DesignSourceUnavailable as exc:
            if self._chain_time() < order.deadline - self.policy.design_retry_margin_s:
                wait = self._design_retry.failed(order.order_id)
                self.waiting[order.order_id] = "design source unreachable"
                if self._warnings.due(("design", order.order_id)):
                    log.warning("order %d waits for its design (%s); asking again in %.0f s, rejecting %.0f s "
                                "before its accept window closes", order.order_id, exc.message, wait,
                                self.policy.design_retry_margin_s)
                return None
            return "design source unreachable until the accept window nearly closed"
        if design is None:
            return f"no design file matching sha256 {design_hash} (design v{order.design_version})"
        self._verified.add(order.order_id)
        self._design_retry.clear(order.order_id)
        self.waiting.pop(order.order_id, None)
        return None

    def _wait_for_printer(self, order: Order) -> None:
        """No printer that could make the order answers: leave it unaccepted until one does, while the accept
        window is open (the buyer may cancel meanwhile; after the window the agent lets it go)."""
        if self._chain_time() > order.deadline:
            self._settle(order.order_id, "closed", "accept window closed while no printer was reachable")
            log.warning("order %d not accepted: its accept window closed while no printer was reachable",
                        order.order_id)
            return
        self.waiting[order.order_id] = "no printer reachable"
        if self._warnings.due(("printer", order.order_id)):
            log.warning("order %d waits: no printer that can make it is reachable; it is accepted when one "
                        "answers (accept window open for %.0f s more)", order.order_id,
                        order.deadline - self._chain_time())

    def _chain_time(self) -> int:
        return int(self.suite.w3.eth.get_block("latest")["timestamp"])

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
                tracking = tracking_number(self.policy.tracking_format, self.hub_id, order_id)
                self.suite.ship(order_id, tracking)
                log.info("order %d shipped (tracking number %s)", order_id, tracking)
            if status in (OrderStatus.ACCEPTED, OrderStatus.SHIPPED):
                self.store.set_order(order_id, "shipped")
            else:
                self.store.set_order(order_id, "closed", f"order is {status.name.lower()}")

    def _design_for(self, order_id: int) -> bytes | None:
        """The bytes of the design the order bought, verified against its sha256 (recorded from the chain
        when the order was accepted); raises DesignSourceUnavailable."""
        design_hash = self.store.design_hash(order_id) or self.suite.order_design_hash(self.suite.order(order_id))
        return self.designs.fetch(design_hash)
