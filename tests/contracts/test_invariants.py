"""Stateful test: random buyers, hubs, oracles and arbiters drive orders through the lifecycle while a
model predicts every payout, status and reputation counter. After every step the five invariants of
DESIGN §2 are checked against the chain.

Brownie 1.22's own `state_machine` breaks on its compiled modules, so this is hypothesis's
RuleBasedStateMachine, with `chain.snapshot()` / `chain.revert()` resetting the chain between runs.
"""

from collections import defaultdict
from dataclasses import dataclass

from brownie import chain, web3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from conftest import HOUR, NATIVE_PRICE, PRICE, ROLES, ZERO, Status, reverts, unit_total

OPEN = {Status.PAID, Status.ACCEPTED, Status.SHIPPED, Status.DISPUTED}
TERMINAL = {Status.DELIVERED, Status.RESOLVED, Status.REFUNDED}
MARGIN = 120  # seconds kept clear of every deadline, so block timestamps never decide a rule
#: Gas ceilings per operation: a step that needs more means work grew with the number of orders.
GAS_CEILING = {"place": 190_000, "cancel": 80_000, "reject": 90_000, "accept": 70_000, "ship": 70_000,
               "confirm": 170_000, "receipt": 170_000, "finalize": 170_000, "dispute": 70_000,
               "resolve": 190_000, "settle": 190_000, "claim": 110_000, "rate": 110_000, "withdraw": 80_000}


@dataclass
class ModelOrder:
    order_id: int
    buyer: object
    hub_id: int
    native: bool
    amount: int
    royalty: int
    status: int
    deadline: int
    confirmations: int = 0
    voters: tuple = ()
    late: bool = False
    rated: bool = False


def run_machine(escrow, hubs, token, product_id, hub_id, native_hub_id, accounts_by_role):
    roles = accounts_by_role
    chain.snapshot()

    class EscrowMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            chain.revert()
            self.orders: list[ModelOrder] = []
            self.owed = defaultdict(int)  # (address, native) -> amount
            self.reputation = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # hub -> counters, count, sum
            self.quorum = 1
            self.paused = False
            self.fee_bps = escrow.config()["feeBps"]
            self.gas = defaultdict(list)

        # ------------------------------------------------------------ helpers
        def _in(self, *statuses):
            return [o for o in self.orders if o.status in statuses]

        def _operator(self, order):
            return roles["operator"][order.hub_id]

        def _tx(self, kind, tx):
            assert tx.status == 1
            self.gas[kind].append(tx.gas_used)
            assert tx.gas_used <= GAS_CEILING[kind], (kind, tx.gas_used)
            return tx

        def _credit(self, account, order, amount):
            if amount:
                self.owed[(str(account), order.native)] += amount

        def _pay_out(self, order, amount, royalty):
            hub_gross = amount - royalty
            fee = hub_gross * self.fee_bps // 10_000
            self._credit(self._operator(order), order, hub_gross - fee)
            self._credit(roles["designer"], order, royalty)
            self._credit(roles["fund"], order, fee)

        def _deliver(self, order):
            order.status = Status.DELIVERED
            self._pay_out(order, order.amount, order.royalty)
            self.reputation[order.hub_id][1 if order.late else 0] += 1

        def _refund(self, order):
            order.status = Status.REFUNDED
            self._credit(order.buyer, order, order.amount)

        # ------------------------------------------------------------ rules
        @rule(buyer=st.sampled_from([0, 1]), quantity=st.integers(1, 3), native=st.booleans())
        def place(self, buyer, quantity, native):
            sender = roles["buyers"][buyer]
            hub = native_hub_id if native else hub_id
            total = unit_total(NATIVE_PRICE if native else PRICE) * quantity
            params = {"from": sender, "value": total if native else 0}
            if self.paused:
                with reverts("EnforcedPause"):
                    escrow.placeOrder(product_id, hub, quantity, total, params)
                return
            tx = self._tx("place", escrow.placeOrder(product_id, hub, quantity, total, params))
            event = tx.events["OrderPlaced"]
            self.orders.append(ModelOrder(event["orderId"], sender, hub, native, total, event["royalty"],
                                          Status.PAID, event["acceptBy"]))

        @precondition(lambda self: self._in(Status.PAID))
        @rule(data=st.data())
        def cancel(self, data):
            order = data.draw(st.sampled_from(self._in(Status.PAID)))
            self._tx("cancel", escrow.cancelOrder(order.order_id, {"from": order.buyer}))
            self._refund(order)

        @precondition(lambda self: self._in(Status.PAID))
        @rule(data=st.data())
        def reject(self, data):
            order = data.draw(st.sampled_from(self._in(Status.PAID)))
            self._tx("reject", escrow.rejectOrder(order.order_id, "no filament", {"from": self._operator(order)}))
            self._refund(order)

        @precondition(lambda self: self._in(Status.PAID))
        @rule(data=st.data())
        def accept(self, data):
            order = data.draw(st.sampled_from(self._in(Status.PAID)))
            if chain.time() > order.deadline - MARGIN:
                with reverts("DeadlinePassed"):
                    escrow.acceptOrder(order.order_id, {"from": self._operator(order)})
                return
            tx = self._tx("accept", escrow.acceptOrder(order.order_id, {"from": self._operator(order)}))
            order.status, order.deadline = Status.ACCEPTED, tx.events["OrderAccepted"]["shipBy"]

        @precondition(lambda self: self._in(Status.ACCEPTED))
        @rule(data=st.data())
        def ship(self, data):
            order = data.draw(st.sampled_from(self._in(Status.ACCEPTED)))
            tx = self._tx("ship", escrow.shipOrder(order.order_id, web3.keccak(text=str(order.order_id)),
                                                   {"from": self._operator(order)}))
            order.late = tx.events["OrderShipped"]["late"]
            order.status, order.deadline = Status.SHIPPED, tx.events["OrderShipped"]["disputeBy"]

        @precondition(lambda self: self._in(Status.ACCEPTED))
        @rule(data=st.data())
        def claim_refund(self, data):
            order = data.draw(st.sampled_from(self._in(Status.ACCEPTED)))
            if chain.time() < order.deadline + MARGIN:
                with reverts("DeadlineNotReached"):
                    escrow.claimRefund(order.order_id, {"from": order.buyer})
                return
            self._tx("claim", escrow.claimRefund(order.order_id, {"from": order.buyer}))
            self._refund(order)
            self.reputation[order.hub_id][2] += 1

        @precondition(lambda self: self._in(Status.SHIPPED))
        @rule(data=st.data(), oracle=st.sampled_from([0, 1]))
        def confirm(self, data, oracle):
            order = data.draw(st.sampled_from(self._in(Status.SHIPPED)))
            sender = roles["oracles"][oracle]
            if self.quorum > 1 and str(sender) in order.voters:
                with reverts("AlreadyConfirmed"):
                    escrow.confirmDelivery(order.order_id, {"from": sender})
                return
            self._tx("confirm", escrow.confirmDelivery(order.order_id, {"from": sender}))
            order.confirmations += 1
            order.voters += (str(sender),)
            if order.confirmations >= self.quorum:
                self._deliver(order)

        @precondition(lambda self: self._in(Status.SHIPPED))
        @rule(data=st.data())
        def confirm_receipt(self, data):
            order = data.draw(st.sampled_from(self._in(Status.SHIPPED)))
            self._tx("receipt", escrow.confirmReceipt(order.order_id, {"from": order.buyer}))
            self._deliver(order)

        @precondition(lambda self: self._in(Status.SHIPPED))
        @rule(data=st.data())
        def finalize_or_dispute(self, data):
            order = data.draw(st.sampled_from(self._in(Status.SHIPPED)))
            now = chain.time()
            if now > order.deadline + MARGIN:
                self._tx("finalize", escrow.finalizeOrder(order.order_id, {"from": roles["stranger"]}))
                self._deliver(order)
            elif now < order.deadline - MARGIN:
                tx = self._tx("dispute", escrow.disputeOrder(order.order_id, "broken", {"from": order.buyer}))
                order.status = Status.DISPUTED
                order.deadline = tx.timestamp + escrow.config()["arbitrationWindow"]

        @precondition(lambda self: self._in(Status.DISPUTED))
        @rule(data=st.data(), refund_bps=st.sampled_from([0, 2_500, 5_000, 9_999, 10_000]))
        def resolve(self, data, refund_bps):
            order = data.draw(st.sampled_from(self._in(Status.DISPUTED)))
            if chain.time() > order.deadline + MARGIN and data.draw(st.booleans()):
                self._tx("settle", escrow.settleExpiredDispute(order.order_id, {"from": roles["stranger"]}))
                refund_bps = 5_000
            else:
                self._tx("resolve", escrow.resolveDispute(order.order_id, refund_bps, {"from": roles["arbiter"]}))
            order.status = Status.RESOLVED
            refund = order.amount * refund_bps // 10_000
            royalty = order.royalty * (10_000 - refund_bps) // 10_000
            self._credit(order.buyer, order, refund)
            self._pay_out(order, order.amount - refund, royalty)
            if refund_bps >= 5_000:
                self.reputation[order.hub_id][3] += 1

        @precondition(lambda self: any(not o.rated for o in self._in(Status.DELIVERED)))
        @rule(data=st.data(), rating=st.integers(1, 5))
        def rate(self, data, rating):
            order = data.draw(st.sampled_from([o for o in self._in(Status.DELIVERED) if not o.rated]))
            self._tx("rate", escrow.rateOrder(order.order_id, rating, {"from": order.buyer}))
            order.rated = True
            self.reputation[order.hub_id][4] += 1
            self.reputation[order.hub_id][5] += rating

        @precondition(lambda self: any(o.rated for o in self.orders))
        @rule(data=st.data())
        def rate_again_fails(self, data):
            order = data.draw(st.sampled_from([o for o in self.orders if o.rated]))
            with reverts("AlreadyRated"):
                escrow.rateOrder(order.order_id, 5, {"from": order.buyer})

        @precondition(lambda self: self._in(*TERMINAL))
        @rule(data=st.data())
        def terminal_is_final(self, data):
            order = data.draw(st.sampled_from(self._in(*TERMINAL)))
            with reverts("InvalidOrderStatus"):
                escrow.cancelOrder(order.order_id, {"from": order.buyer})
            with reverts("InvalidOrderStatus"):
                escrow.confirmReceipt(order.order_id, {"from": order.buyer})

        @precondition(lambda self: any(amount for amount in self.owed.values()))
        @rule(data=st.data())
        def withdraw(self, data):
            (address, native) = data.draw(st.sampled_from([key for key, amount in self.owed.items() if amount]))
            self._tx("withdraw", escrow.withdraw(ZERO if native else token, {"from": address, "gas_price": 0}))
            self.owed[(address, native)] = 0

        @rule(hours=st.sampled_from([1, 12, 30, 80, 200]))
        def time_passes(self, hours):
            chain.sleep(hours * HOUR)
            chain.mine()

        @rule()
        def toggle_pause(self):
            (escrow.unpause if self.paused else escrow.pause)({"from": roles["governor"]})
            self.paused = not self.paused

        @rule(quorum=st.sampled_from([1, 2]))
        def set_quorum(self, quorum):
            escrow.setQuorum(quorum, {"from": roles["governor"]})
            self.quorum = quorum

        # ------------------------------------------------------------ invariants
        @invariant()
        def balances_cover_open_orders_and_owed_payouts(self):  # invariant 1
            for native, balance in ((False, token.balanceOf(escrow)), (True, escrow.balance())):
                open_amounts = sum(o.amount for o in self._in(*OPEN) if o.native == native)
                owed = sum(amount for (_, is_native), amount in self.owed.items() if is_native == native)
                assert balance == open_amounts + owed
            for (address, native), amount in self.owed.items():
                assert escrow.owed(address, ZERO if native else token) == amount

        @invariant()
        def statuses_match_model(self):  # invariant 2: each order in exactly the state its moves imply
            for order in self.orders:
                on_chain = escrow.order(order.order_id)
                assert on_chain["status"] == order.status
                assert on_chain["rated"] == order.rated

        @invariant()
        def reputation_matches_order_history(self):  # invariant 3
            for hub in (hub_id, native_hub_id):
                assert list(hubs.reputation(hub)) == self.reputation[hub]

        @invariant()
        def every_open_order_has_a_timeout(self):  # invariant 1, "nothing stuck"
            for order in self._in(*OPEN):
                assert escrow.order(order.order_id)["deadline"] > 0

    run_state_machine_as_test(
        EscrowMachine,
        settings=settings(max_examples=int(__import__("os").environ.get("GLOCAL_STATEFUL_EXAMPLES", "20")),
                          stateful_step_count=30, deadline=None,
                          # long random programs are the point here, not a generation problem
                          suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much]),
    )


def test_lifecycle_keeps_invariants_if_actors_act_at_random(escrow, hubs, token, product_id, hub_id,
                                                            native_hub_id, gov, oracle, arbiter, fund, designer,
                                                            hub_operator, other_operator, buyer, other_buyer,
                                                            stranger):
    escrow.grantRole(ROLES["ORACLE_ROLE"], stranger, {"from": gov})
    roles = {
        "governor": gov, "arbiter": arbiter, "fund": fund, "designer": designer, "stranger": stranger,
        "oracles": [oracle, stranger], "buyers": [buyer, other_buyer],
        "operator": {hub_id: hub_operator, native_hub_id: other_operator},
    }
    run_machine(escrow, hubs, token, product_id, hub_id, native_hub_id, roles)
