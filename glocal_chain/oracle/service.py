"""DeliveryOracle: checks signed delivery reports against the chain and confirms each shipped order once.

Intake (HTTP threads): signature and timestamp -> replay -> the order is Shipped and the tracking number
hashes to its trackingRef -> the report is stored and the order's confirmation opened, in one transaction.
Worker (one thread, also the event stream's): each open confirmation is checked against the chain, signed,
stored, then sent; a stored transaction is re-sent as is until it is mined or the order left Shipped. A
confirmed vote is checked again until the stream has passed its block, and after every rewind of the
stream below it: one a chain rollback took away is sent again (glocal_chain.oracle.votes).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from glocal_chain.chain.transactions import SignedTransaction
from glocal_chain.database import Connection
from glocal_chain.errors import ChainError, Conflict, ContractRevert, InvalidInput, NotFound, Refused, Unauthorized
from glocal_chain.events.service import ChainService, Following
from glocal_chain.events.store import StreamStore
from glocal_chain.events.stream import RECOVERABLE_ERRORS, ChainEvent
from glocal_chain.oracle import signing
from glocal_chain.oracle.config import OracleConfig
from glocal_chain.oracle.store import Confirmation, OracleStore
from glocal_chain.oracle.votes import OracleVotes
from glocal_chain.sdk.models import OrderStatus
from glocal_chain.sdk.suite import GlocalSuite, tracking_ref

log = logging.getLogger(__name__)
#: The largest order id a report may name: JSON's largest safe integer, exact as the OpenAPI document's float.
MAX_ORDER_ID = 2**53 - 1


class Evidence(BaseModel):
    kind: Literal["photo", "signature"]
    sha256: str = Field(pattern=r"^(0x)?[0-9a-fA-F]{64}$")


class DeliveryReport(BaseModel):
    """The JSON body a courier, locker or pickup desk posts to /v1/deliveries."""

    delivery_id: str = Field(min_length=1, max_length=128, description="The sender's unique id of this report")
    order_id: int = Field(ge=1, le=MAX_ORDER_ID)
    tracking_number: str = Field(min_length=1, max_length=128)
    delivered_at: datetime
    evidence: Evidence


def refused(error: Refused) -> Refused:
    """`error`, logged: every refusal of a webhook leaves a line."""
    log.warning("delivery webhook refused (%s): %s", error.code, error.message)
    return error


def _replayed(sender: str, report: DeliveryReport) -> Refused:
    return refused(Conflict(f"delivery {report.delivery_id} from {sender} was already received", "delivery_id",
                            "replayed"))


class DeliveryOracle(ChainService):
    """The oracle's chain-following service (its worker: stream and confirmations, woken by each accepted
    report) and the webhook intake the HTTP threads call."""

    service_name = "oracle"
    recoverable = (*RECOVERABLE_ERRORS, ContractRevert)

    def __init__(self, suite: GlocalSuite, config: OracleConfig, worker_db: Connection,
                 connect: Callable[[], Connection], following: Following) -> None:
        self.suite = suite
        self.config = config
        self.secrets = {sender.name: sender.key() for sender in config.senders}
        self.store = OracleStore(worker_db)
        self.votes = OracleVotes(suite)
        self._connect = connect
        self._local = threading.local()
        super().__init__(suite.w3, suite.deployment, worker_db, following)

    @property
    def me(self) -> str:
        return self.suite.me

    def _intake_store(self) -> OracleStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = OracleStore(self._connect())
        return store

    def chain_head(self) -> int | None:
        """The node's latest block number, None when it does not answer (the reason is logged, not shown)."""
        try:
            return int(self.suite.w3.eth.block_number)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the node means "unreachable"
            log.warning("chain unreachable: %s", exc)
            return None

    def store_counts(self) -> dict[str, int]:
        """Confirmations by state (read from the calling thread's own connection)."""
        return self._intake_store().counts()

    # ------------------------------------------------------------------ intake
    def authenticate(self, headers: dict[str, str], body: bytes) -> str:
        """The sender's name, if the request is signed by it within the allowed clock skew."""
        sender = headers.get(signing.SENDER_HEADER.lower())
        timestamp = headers.get(signing.TIMESTAMP_HEADER.lower(), "")
        signature = headers.get(signing.SIGNATURE_HEADER.lower(), "")
        if sender not in self.secrets:
            raise refused(Unauthorized(f"unknown webhook sender {(sender or '')[:64]!r}", signing.SENDER_HEADER,
                                       "unknown_sender"))
        seconds = signing.parse_timestamp(timestamp)
        if seconds is None:
            raise refused(Unauthorized(f"{signing.TIMESTAMP_HEADER} must be unix seconds (1 to 12 digits 0-9)",
                                       signing.TIMESTAMP_HEADER, "bad_timestamp"))
        skew = abs(time.time() - seconds)
        if skew > self.config.max_clock_skew_s:
            raise refused(Unauthorized(f"timestamp is {skew:.0f} s away from now (limit "
                                       f"{self.config.max_clock_skew_s} s)", signing.TIMESTAMP_HEADER,
                                       "stale_timestamp"))
        if not signing.signature_matches(self.secrets[sender], timestamp, body, signature):
            raise refused(Unauthorized(f"signature does not match the body for sender {sender}",
                                       signing.SIGNATURE_HEADER, "bad_signature"))
        return sender

    def intake(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        sender = self.authenticate(headers, body)
        try:
            report = DeliveryReport.model_validate_json(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise refused(InvalidInput(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}",
                                       str(first["loc"][-1]) if first["loc"] else "body")) from exc
        store = self._intake_store()
        if store.delivery_known(sender, report.delivery_id):
            raise _replayed(sender, report)
        try:
            self._check_against_chain(report, store)
            if not store.record_delivery(sender, report.delivery_id, report.order_id, report.tracking_number,
                                         report.delivered_at.isoformat(), report.evidence.kind,
                                         report.evidence.sha256.lower().removeprefix("0x")):
                raise _replayed(sender, report)  # the same id arrived twice at once: the second insert lost
            self.votes.reconcile_report(store, report.order_id)
        except RECOVERABLE_ERRORS as exc:  # the node's address stays in the log, out of the answer
            log.warning("delivery %s of order %d: chain unreachable: %s", report.delivery_id, report.order_id, exc)
            raise ChainError("the chain cannot be reached now; send the report again later") from exc
        log.info("delivery %s of order %d from %s accepted", report.delivery_id, report.order_id, sender)
        self.wake.set()
        confirmation = store.confirmation(report.order_id)
        return {"delivery_id": report.delivery_id, "order_id": report.order_id,
                "confirmation": confirmation.state if confirmation else "pending"}

    def _check_against_chain(self, report: DeliveryReport, store: OracleStore) -> None:
        try:
            order = self.suite.order(report.order_id)
        except ContractRevert as exc:
            if exc.error_name == "OrderNotFound":
                raise refused(NotFound(f"no order {report.order_id}", "order_id")) from exc
            raise
        if order.status is not OrderStatus.SHIPPED:
            raise refused(Conflict(f"order {report.order_id} is {order.status.name.lower()}, not shipped", "order_id",
                                   "not_shipped"))
        # the stream's record while its checkpoint is on the chain; the chain's when the stream has not seen the
        # shipment yet, or the chain rolled back under it (a shipment it recorded may be gone or replaced)
        recorded = store.shipment_ref(report.order_id)
        if recorded is not None and not self.votes.on_canonical_chain(StreamStore(store.db,
                                                                                  self.following.stream).checkpoint()):
            recorded = None
        expected = recorded or self.suite.shipping_ref(report.order_id)
        if expected != "0x" + tracking_ref(report.tracking_number).hex():
            raise refused(Conflict(f"tracking number does not match order {report.order_id}'s shipment",
                                   "tracking_number", "tracking_mismatch"))

    # ------------------------------------------------------------------ handlers (inside the stream's transaction)
    def on_OrderShipped(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802 - event names
        self.store.record_shipment(event.args["orderId"], "0x" + bytes(event.args["trackingRef"]).hex(),
                                   event.block_number)

    def on_DeliveryConfirmed(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802
        if event.args["oracle"] == self.me:  # our vote, as deep as the stream's confirmations: settled
            self.store.set_confirmation(event.args["orderId"], "confirmed", f"confirmed in {event.tx_hash}")
            self.store.settle_vote(event.args["orderId"], event.block_number, event.tx_hash)

    def on_OrderDelivered(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802
        self.store.record_outcome(event.args["orderId"], "delivered")

    def on_OrderRefunded(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802
        self.store.record_outcome(event.args["orderId"], "refunded")

    def on_OrderDisputed(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802
        self.store.record_outcome(event.args["orderId"], "disputed")

    def on_DisputeResolved(self, event: ChainEvent, db: Connection) -> None:  # noqa: N802
        self.store.record_outcome(event.args["orderId"], "resolved")

    def on_rewind(self, fork_block: int, db: Connection) -> None:
        """Inside the stream's rewind: votes and shipments above the fork are in doubt until checked again."""
        self.store.unsettle_after(fork_block)

    def on_reorg(self, fork_block: int) -> None:
        if self.suite.sender is not None:
            self.suite.sender.reset_nonce()  # our transactions above the fork may be gone: re-read the nonce
        log.warning("chain rolled back to block %d: checking this oracle's votes above it", fork_block)

    # ------------------------------------------------------------------ worker
    def tick(self) -> None:
        checkpoint = self.stream.store.checkpoint()
        self.votes.verify_unsettled(self.store, checkpoint[0] if checkpoint else -1)
        self.confirm_open()

    def confirm_open(self) -> None:
        """Moves every open confirmation one step; RPC trouble raises and the loop retries later."""
        for confirmation in self.store.open_confirmations():
            if confirmation.tx_hash is not None:
                self._follow_sent(confirmation)
            else:
                self._send(confirmation.order_id)

    def _send(self, order_id: int) -> None:
        status = self.suite.order(order_id).status
        if status is not OrderStatus.SHIPPED:
            self.store.set_confirmation(order_id, "moot", f"order is {status.name.lower()}")
            return
        assert self.suite.sender is not None
        try:
            signed = self.suite.sender.sign(self.suite.escrow.functions.confirmDelivery(order_id),
                                            f"confirm delivery of order {order_id}")
        except ContractRevert as exc:
            if exc.error_name == "AlreadyConfirmed":
                self.store.set_confirmation(order_id, "confirmed", "already confirmed by this oracle")
                return
            self.store.set_confirmation(order_id, "pending", exc.message)
            log.error("order %d: %s", order_id, exc.message)
            return
        self.store.set_confirmation(order_id, "sent", raw_tx=signed.raw, tx_hash=signed.tx_hash)  # before sending
        self._deliver(order_id, signed)

    def _follow_sent(self, confirmation: Confirmation) -> None:
        assert confirmation.raw_tx is not None and confirmation.tx_hash is not None
        signed = SignedTransaction(confirmation.raw_tx, confirmation.tx_hash)
        self._deliver(confirmation.order_id, signed)

    def _deliver(self, order_id: int, signed: SignedTransaction) -> None:
        sender = self.suite.sender
        assert sender is not None
        receipt = sender.receipt(signed.tx_hash)
        if receipt is None:
            try:
                sender.broadcast(signed, f"confirm delivery of order {order_id}")
            except ChainError as exc:
                if "nonce too low" in exc.message.lower() and sender.receipt(signed.tx_hash) is None:
                    # our nonce went to another transaction: this one can never be mined; sign anew
                    self.store.set_confirmation(order_id, "pending", "signed transaction superseded", clear_tx=True)
                    return
                raise
            receipt = sender.await_receipt(signed.tx_hash, f"confirm delivery of order {order_id} (re-sent later)")
        if receipt["status"] == 1:
            self.store.set_confirmation(order_id, "confirmed", f"confirmed in {signed.tx_hash}")
            log.info("order %d: delivery confirmed in %s", order_id, signed.tx_hash)
            return
        status = self.suite.order(order_id).status
        self.store.set_confirmation(order_id, "pending" if status is OrderStatus.SHIPPED else "moot",
                                    f"transaction {signed.tx_hash} reverted; order is {status.name.lower()}",
                                    clear_tx=True)
