"""Stateful test: random buyers, hubs, oracles and arbiters drive orders through the lifecycle while a
model predicts every payout, status and reputation counter, and governance revokes and grants an oracle and
the hub moves its offer's lead time under the buyers' feet. After every step the invariants of
docs/contracts.md ("Invariants") are checked against the chain: funds, finality, reputation, bound terms,
live votes only and rating weight.

Brownie 1.22's own `state_machine` breaks on its compiled modules, so this is hypothesis's
RuleBasedStateMachine, with `chain.snapshot()` / `chain.revert()` resetting the chain between runs.
"""

from collections import defaultdict
from dataclasses import dataclass

from brownie import chain, web3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from conftest import (FULL_WEIGHT, HOUR, LEAD_TIME_HOURS, NATIVE_PRICE, NATIVE_RATING_FEE_UNIT, PRICE, ROLES, ZERO,
                      Outcome, Status, order_weight, reverts)

OPEN = {Status.PAID, Status.ACCEPTED, Status.SHIPPED, Status.DISPUTED}
TERMINAL = {Status.DELIVERED, Status.RESOLVED, Status.REFUNDED}
#: Outcome -> its count's place in HubRegistry.reputation() (a dispute the hub won counts nowhere).
COUNTER_OF_OUTCOME = {Outcome.COMPLETED: 0, Outcome.COMPLETED_LATE: 1, Outcome.REFUNDED_FOR_FAULT: 2,
                      Outcome.DISPUTE_LOST: 3, Outcome.DISPUTE_EXPIRED: 4}
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
    quorum: int
    weight: int
    lead_time_hours: int
    vote_slots: list  # oracles whose votes are stored, in the escrow's slot order
    late: bool = False
    rated: bool = False


def run_machine(escrow, hubs, products, token, terms, product_id, hub_id, native_hub_id, accounts_by_role):
    roles = accounts_by_role
    chain.snapshot()

    class EscrowMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            chain.revert()
            self.orders: list[ModelOrder] = []
            self.owed = defaultdict(int)  # (address, native) -> amount
            # hub -> [completed, late, refunded, lost, expired, on-time weight, finished weight]
            self.reputation = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
            self.raters = defaultdict(dict)  # hub -> rater -> (latest rating, weight)
            self.live_oracles = {str(o) for o in roles["oracles"]}
            self.offer_lead_time = LEAD_TIME_HOURS  # of the ERC-20 hub's offer
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

        def _record(self, order, outcome):
            counters = self.reputation[order.hub_id]
            if outcome in COUNTER_OF_OUTCOME:
                counters[COUNTER_OF_OUTCOME[outcome]] += 1
            if outcome == Outcome.COMPLETED:
                counters[5] += order.weight
            if outcome in (Outcome.COMPLETED, Outcome.COMPLETED_LATE, Outcome.REFUNDED_FOR_FAULT,
                           Outcome.DISPUTE_LOST):
                counters[6] += order.weight

        def _deliver(self, order):
            order.status = Status.DELIVERED
            self._pay_out(order, order.amount, order.royalty)
            self._record(order, Outcome.COMPLETED_LATE if order.late else Outcome.COMPLETED)

        def _refund(self, order):
            order.status = Status.REFUNDED
            self._credit(order.buyer, order, order.amount)

        # ------------------------------------------------------------ rules
        @initialize(quorum=st.sampled_from([1, 2]))
        def start_with_quorum(self, quorum):
            """Half the runs start at quorum 2, where revoked votes matter."""
            self.set_quorum(quorum)

        @rule(buyer=st.sampled_from([0, 1]), quantity=st.integers(1, 3), native=st.booleans())
        def place(self, buyer, quantity, native):
            """Buyers always sign the terms they were quoted at the start: 24 h lead time, version 1."""
            sender = roles["buyers"][buyer]
            agreed = terms(quantity, native=native)
            params = {"from": sender, "value": agreed[-1] if native else 0}
            if self.paused:
                with reverts("EnforcedPause"):
                    escrow.placeOrder(agreed, params)
                return
            if not native and self.offer_lead_time > LEAD_TIME_HOURS:
                with reverts("LeadTimeAboveMaximum"):
                    escrow.placeOrder(agreed, params)
                return
            tx = self._tx("place", escrow.placeOrder(agreed, params))
            event = tx.events["OrderPlaced"]
            weight = (order_weight(NATIVE_PRICE, quantity, unit=NATIVE_RATING_FEE_UNIT) if native
                      else order_weight(PRICE, quantity))
            self.orders.append(ModelOrder(event["orderId"], sender, agreed[1], native, agreed[-1], event["royalty"],
                                          Status.PAID, event["acceptBy"], self.quorum, weight,
                                          LEAD_TIME_HOURS if native else self.offer_lead_time, []))

        @rule(lead_time=st.sampled_from([LEAD_TIME_HOURS // 2, LEAD_TIME_HOURS, 2 * LEAD_TIME_HOURS, 2**16 - 1]))
        def hub_republishes_offer(self, lead_time):
            """The hub changes its lead time between the buyers' quote and their orders."""
            products.publishOffer(product_id, hub_id, token, PRICE, lead_time, {"from": roles["operator"][hub_id]})
            self.offer_lead_time = lead_time

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
            self._record(order, Outcome.REFUNDED_FOR_FAULT)

        @precondition(lambda self: self._in(Status.SHIPPED))
        @rule(data=st.data(), oracle=st.sampled_from([0, 1]))
        def confirm(self, data, oracle):
            self._vote(data.draw(st.sampled_from(self._in(Status.SHIPPED))), str(roles["oracles"][oracle]))

        def _vote(self, order, sender):
            if sender not in self.live_oracles:
                with reverts("AccessControlUnauthorizedAccount"):
                    escrow.confirmDelivery(order.order_id, {"from": sender})
                return
            if sender in order.vote_slots:
                with reverts("AlreadyConfirmed"):
                    escrow.confirmDelivery(order.order_id, {"from": sender})
                return
            tx = self._tx("confirm", escrow.confirmDelivery(order.order_id, {"from": sender}))
            live = 1 + sum(voter in self.live_oracles for voter in order.vote_slots)
            assert tx.events["DeliveryConfirmed"]["confirmations"] == live
            if live >= order.quorum:
                self._deliver(order)
            else:
                dead = [i for i, voter in enumerate(order.vote_slots) if voter not in self.live_oracles]
                if dead:
                    order.vote_slots[dead[0]] = sender
                else:
                    order.vote_slots.append(sender)

        @precondition(lambda self: any(o.quorum > 1 and not o.vote_slots for o in self._in(Status.SHIPPED))
                      and str(roles["oracles"][1]) in self.live_oracles)
        @rule(data=st.data())
        def second_oracle_votes_then_loses_its_role(self, data):
            """The leaked-key story: an oracle votes on a quorum-2 order, the governor revokes it, and the other
            oracle's one vote must not deliver the order."""
            order = data.draw(st.sampled_from([o for o in self._in(Status.SHIPPED)
                                               if o.quorum > 1 and not o.vote_slots]))
            self._vote(order, str(roles["oracles"][1]))
            self.governor_toggles_second_oracle()
            self._vote(order, str(roles["oracles"][0]))

        @rule()
        def governor_toggles_second_oracle(self):
            """Revoking an oracle (its key leaked) voids its votes on open orders; granting it back revives them."""
            second = str(roles["oracles"][1])
            if second in self.live_oracles:
                escrow.revokeRole(ROLES["ORACLE_ROLE"], second, {"from": roles["governor"]})
                self.live_oracles.remove(second)
            else:
                escrow.grantRole(ROLES["ORACLE_ROLE"], second, {"from": roles["governor"]})
                self.live_oracles.add(second)

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
                refund_bps, outcome = 5_000, Outcome.DISPUTE_EXPIRED
            else:
                self._tx("resolve", escrow.resolveDispute(order.order_id, refund_bps, {"from": roles["arbiter"]}))
                outcome = Outcome.DISPUTE_LOST if refund_bps >= 5_000 else Outcome.DISPUTE_WON
            order.status = Status.RESOLVED
            refund = order.amount * refund_bps // 10_000
            royalty = order.royalty * (10_000 - refund_bps) // 10_000
            self._credit(order.buyer, order, refund)
            self._pay_out(order, order.amount - refund, royalty)
            self._record(order, outcome)

        @precondition(lambda self: any(not o.rated for o in self._in(Status.DELIVERED)))
        @rule(data=st.data(), rating=st.integers(1, 5))
        def rate(self, data, rating):
            order = data.draw(st.sampled_from([o for o in self._in(Status.DELIVERED) if not o.rated]))
            self._tx("rate", escrow.rateOrder(order.order_id, rating, {"from": order.buyer}))
            order.rated = True
            raters = self.raters[order.hub_id]
            previous_weight = raters.get(str(order.buyer), (0, 0))[1]
            raters[str(order.buyer)] = (rating, min(max(previous_weight, order.weight), FULL_WEIGHT))

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
        def orders_carry_the_terms_their_buyers_signed(self):  # invariant 6
            for order in self.orders:
                on_chain = escrow.order(order.order_id)
                assert on_chain["designVersion"] == 1
                assert on_chain["leadTimeHours"] == order.lead_time_hours <= LEAD_TIME_HOURS
                assert on_chain["token"] == (ZERO if order.native else token) and on_chain["amount"] == order.amount
                assert on_chain["quorum"] == order.quorum and on_chain["weight"] == order.weight

        @invariant()
        def only_live_votes_count(self):  # invariant 7, votes
            for order in self._in(Status.SHIPPED):
                live = sum(voter in self.live_oracles for voter in order.vote_slots)
                assert escrow.order(order.order_id)["confirmations"] == live < order.quorum

        @invariant()
        def ratings_weigh_what_their_raters_paid(self):  # invariant 7, ratings
            for hub in (hub_id, native_hub_id):
                raters = self.raters[hub]
                assert list(hubs.ratings(hub)) == [len(raters), sum(w for _, w in raters.values()),
                                                   sum(r * w for r, w in raters.values())]
                for rater, record in raters.items():
                    assert tuple(hubs.raterRecord(hub, rater)) == record
                    assert record[1] <= FULL_WEIGHT  # what one rater can move is capped

        @invariant()
        def every_open_order_has_a_timeout(self):  # invariant 1, "nothing stuck"
            for order in self._in(*OPEN):
                assert escrow.order(order.order_id)["deadline"] > 0

    run_state_machine_as_test(
        EscrowMachine,
        settings=settings(max_examples=int(__import__("os").environ.get("GLOCAL_STATEFUL_EXAMPLES", "50")),
                          stateful_step_count=30, deadline=None,
                          # long random programs are the point here, not a generation problem
                          suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much]),
    )


def test_lifecycle_keeps_invariants_if_actors_act_at_random(escrow, hubs, products, token, terms, product_id,
                                                            hub_id, native_hub_id, gov, oracle, arbiter, fund,
                                                            designer, hub_operator, other_operator, buyer,
                                                            other_buyer, stranger):
    escrow.grantRole(ROLES["ORACLE_ROLE"], stranger, {"from": gov})
    roles = {
        "governor": gov, "arbiter": arbiter, "fund": fund, "designer": designer, "stranger": stranger,
        "oracles": [oracle, stranger], "buyers": [buyer, other_buyer],
        "operator": {hub_id: hub_operator, native_hub_id: other_operator},
    }
    run_machine(escrow, hubs, products, token, terms, product_id, hub_id, native_hub_id, roles)
