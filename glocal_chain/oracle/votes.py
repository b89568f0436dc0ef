"""The oracle's votes checked against the chain, for when the chain rolls back (a reorganisation, or a node
restarted from an older state): a vote stored as confirmed may no longer exist, and an order id may now
name another order (placed again after the rollback).

- `verify_unsettled`: (worker) each confirmed vote the event stream has not passed is looked up by its
  receipt; settled once the stream passes its block, sent again if it vanished and the order is still
  shipped as reported, moot if the order ended or was shipped anew (a report of that shipment reopens it).
- `reconcile_report`: (intake) a report of a shipped order never answers "confirmed" unless this oracle's
  vote is on chain now, and reopens a confirmation a rollback made stale.
"""

from __future__ import annotations

import logging

from eth_typing import HexStr
from web3.exceptions import BlockNotFound

from glocal_chain.chain.transactions import Sender
from glocal_chain.errors import ContractRevert
from glocal_chain.oracle.store import Confirmation, OracleStore
from glocal_chain.sdk.models import OrderStatus
from glocal_chain.sdk.suite import GlocalSuite, tracking_ref

log = logging.getLogger(__name__)


class OracleVotes:
    def __init__(self, suite: GlocalSuite) -> None:
        self.suite = suite

    @property
    def sender(self) -> Sender:
        assert self.suite.sender is not None
        return self.suite.sender

    # ------------------------------------------------------------------ what the chain says now
    def on_chain(self, order_id: int) -> tuple[int, str] | None:
        """(block, transaction) of this oracle's DeliveryConfirmed for `order_id` on the chain as it is now."""
        logs = self.suite.escrow.events.DeliveryConfirmed().get_logs(
            from_block=self.suite.deployment.deploy_block, argument_filters={"orderId": order_id})
        mine = [entry for entry in logs if entry["args"]["oracle"] == self.suite.me]
        return (int(mine[-1]["blockNumber"]), mine[-1]["transactionHash"].to_0x_hex()) if mine else None

    def on_canonical_chain(self, checkpoint: tuple[int, str] | None) -> bool:
        """Whether a stream checkpoint (block, hash) is still on the chain: then what the stream recorded up to
        it (shipments) holds; after a rollback the stream has not noticed yet, it does not."""
        if checkpoint is None:
            return False
        try:
            return bool(self.suite.w3.eth.get_block(checkpoint[0])["hash"].to_0x_hex() == checkpoint[1])
        except BlockNotFound:
            return False

    def status(self, order_id: int) -> OrderStatus | None:
        """The order's status, None when no order has this id (any more)."""
        try:
            return self.suite.order(order_id).status
        except ContractRevert as exc:
            if exc.error_name == "OrderNotFound":
                return None
            raise

    def _shipment_reported(self, order_id: int, store: OracleStore) -> bool:
        """Whether the order's current shipment is one a stored report names (by its tracking number)."""
        shipped = self.suite.shipping_ref(order_id)
        return shipped is not None and any("0x" + tracking_ref(number).hex() == shipped
                                           for number in store.reported_tracking_numbers(order_id))

    def _in_pool(self, tx_hash: str) -> bool:
        """Whether the node still holds the transaction unmined (a reorganisation put it back in its pool)."""
        try:
            unmined = self.sender.receipt(tx_hash) is None
            return unmined and self.suite.w3.eth.get_transaction(HexStr(tx_hash)) is not None
        except Exception:  # noqa: BLE001 - TransactionNotFound and its relatives: the node does not know it
            return False

    # ------------------------------------------------------------------ worker
    def verify_unsettled(self, store: OracleStore, passed_block: int) -> None:
        """Checks every confirmed vote above the stream's checkpoint `passed_block` (or from before a rewind)."""
        for vote in store.unsettled_votes():
            found = self._find(vote)
            if found is None:
                self._vanished(vote, store)
            elif found[0] <= passed_block:
                store.settle_vote(vote.order_id, found[0], found[1])

    def _find(self, vote: Confirmation) -> tuple[int, str] | None:
        if vote.tx_hash is not None:
            receipt = self.sender.receipt(vote.tx_hash)
            if receipt is not None and receipt["status"] == 1:
                return int(receipt["blockNumber"]), vote.tx_hash
        return self.on_chain(vote.order_id)  # e.g. "already confirmed" with no transaction of this run's

    def _vanished(self, vote: Confirmation, store: OracleStore) -> None:
        order_id = vote.order_id
        self.sender.reset_nonce()  # the rollback took our transactions back: the nonce is lower again
        if vote.tx_hash is not None and self._in_pool(vote.tx_hash):
            store.set_confirmation(order_id, "sent", f"vote {vote.tx_hash} back in the node's pool after a rollback")
            log.warning("order %d: vote %s rolled back into the pool; waiting for it again", order_id, vote.tx_hash)
            return
        status = self.status(order_id)
        if status is OrderStatus.SHIPPED and self._shipment_reported(order_id, store):
            store.move(order_id, "confirmed", "pending", f"vote {vote.tx_hash} vanished in a chain rollback; "
                                                        "sending it again")
            log.warning("order %d: our vote %s is no longer on chain (rollback); sending it again", order_id,
                        vote.tx_hash)
            return
        why = ("no such order any more" if status is None else "shipped anew: waiting for a report of that shipment"
               if status is OrderStatus.SHIPPED else f"order is {status.name.lower()}")
        store.move(order_id, "confirmed", "moot", f"vote {vote.tx_hash} vanished in a chain rollback; {why}")
        log.warning("order %d: our vote %s is no longer on chain (rollback); %s", order_id, vote.tx_hash, why)

    # ------------------------------------------------------------------ intake
    def reconcile_report(self, store: OracleStore, order_id: int) -> None:
        """After a report of order `order_id` (shipped now, its tracking number the shipment's) was stored:
        a confirmation a rollback made stale is opened again, so a vote is sent for this shipment."""
        confirmation = store.confirmation(order_id)
        if confirmation is None:
            return
        if confirmation.state == "moot":  # it ended (or vanished) before; shipped now, so a rollback undid that
            store.move(order_id, "moot", "pending", "shipped again after a chain rollback; reported delivered")
        elif confirmation.state == "confirmed" and self.on_chain(order_id) is None:
            store.move(order_id, "confirmed", "pending", "no vote of this oracle on chain for this shipment "
                                                         "(chain rollback); sending one")
            self.sender.reset_nonce()
        else:
            return
        log.warning("order %d: stored confirmation was %s with no vote on chain now; sending one", order_id,
                    confirmation.state)
