"""Stateful test: random buyers, hubs, oracles and arbiters drive orders through the lifecycle while a
model predicts every payout, status and reputation counter, and the hub moves its offer's lead time under the
buyers' feet. The suite is governed as deployed (conftest's `consortium`): the member cities propose and vote
on fee and oracle-quorum changes, an unpause and an oracle's revocation or return, passed proposals wait in
the timelock while orders go on, and any city pauses at once. After every step the invariants of
docs/contracts.md ("Invariants") are checked against the chain: funds, finality, reputation, bound terms,
live votes only, rating weight, and the governed parameters (an order keeps the fee and quorum in force when
it was placed; a change applies only once its proposal has passed and its timelock delay is over).

Brownie 1.22's own `state_machine` breaks on its compiled modules, so this is hypothesis's
RuleBasedStateMachine, with `chain.snapshot()` / `chain.revert()` resetting the chain between runs.
"""

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pytest
from brownie import chain, web3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from conftest import (FULL_WEIGHT, HOUR, LEAD_TIME_HOURS, NATIVE_PRICE, NATIVE_RATING_FEE_UNIT, PRICE, ROLES,
                      TIMELOCK_DELAY, VOTING_PERIOD, ZERO, Outcome, ProposalState, Status, Vote, calls_untraced,
                      order_weight, reverts, sleep_past)

OPEN = {Status.PAID, Status.ACCEPTED, Status.SHIPPED, Status.DISPUTED}
TERMINAL = {Status.DELIVERED, Status.RESOLVED, Status.REFUNDED}
#: Outcome -> its count's place in HubRegistry.reputation() (a dispute the hub won counts nowhere).
COUNTER_OF_OUTCOME = {Outcome.COMPLETED: 0, Outcome.COMPLETED_LATE: 1, Outcome.REFUNDED_FOR_FAULT: 2,
                      Outcome.DISPUTE_LOST: 3, Outcome.DISPUTE_EXPIRED: 4}
#: Outcomes whose order's weight counts as finished (the reliability score's denominator).
FINISHING_OUTCOMES = {Outcome.COMPLETED, Outcome.COMPLETED_LATE, Outcome.REFUNDED_FOR_FAULT, Outcome.DISPUTE_LOST}
ON_TIME_WEIGHT, FINISHED_WEIGHT = 5, 6  # places in HubRegistry.reputation()
MARGIN = 120  # seconds kept clear of every deadline, so block timestamps never decide a rule
#: Gas ceilings per operation: a step that needs more means work grew with the number of orders.
GAS_CEILING = {"place": 190_000, "cancel": 80_000, "reject": 90_000, "accept": 70_000, "ship": 70_000,
               "confirm": 170_000, "receipt": 170_000, "finalize": 170_000, "dispute": 70_000,
               "resolve": 190_000, "settle": 190_000, "claim": 110_000, "rate": 110_000, "withdraw": 80_000}
#: How one city votes on a proposal (None: it does not vote); "for" twice as likely, so that some pass.
BALLOT = st.sampled_from([Vote.FOR, Vote.FOR, Vote.AGAINST, Vote.ABSTAIN, None])
#: The changes the cities propose: (kind, value); an oracle change's value is True to grant, False to revoke.
CHANGE = st.one_of(st.tuples(st.just("fee"), st.sampled_from([0, 100, 500, 2_000])),
                   st.tuples(st.just("quorum"), st.sampled_from([1, 2])),
                   st.just(("unpause", None)),
                   st.tuples(st.just("oracle"), st.booleans()))


@dataclass(frozen=True)
class World:
    """The deployed suite the machine drives, handed in once by the test."""
    escrow: object
    hubs: object
    products: object
    token: object
    terms: Callable[..., tuple]  # the `terms` fixture: the OrderTerms a buyer signs
    product_id: int
    hub_id: int  # the ERC-20 offer's hub
    native_hub_id: int  # the native-coin offer's hub
    #: arbiter, fund, designer, stranger: an account each; oracles, buyers: two accounts each; members: the
    #: three cities; operator: hub id -> its operator
    roles: dict
    consortium: object  # conftest.Consortium: the escrow's DEFAULT_ADMIN_ROLE is its timelock

    def operator(self, order) -> object:
        return self.roles["operator"][order.hub_id]

    def token_of(self, native: bool) -> object:
        return ZERO if native else self.token


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
    fee_bps: int  # the community fee in force when it was placed
    lead_time_hours: int
    vote_slots: list  # oracles whose votes are stored, in the escrow's slot order
    late: bool = False
    rated: bool = False


@dataclass
class Payouts:
    """What the escrow owes whom, (address, native) -> amount, credited as the escrow splits a payment."""
    designer: object
    fund: object
    owed: defaultdict = field(default_factory=lambda: defaultdict(int))

    def credit(self, account, native: bool, amount: int) -> None:
        if amount:
            self.owed[(str(account), native)] += amount

    def pay_out(self, operator, native: bool, amount: int, royalty: int, fee_bps: int) -> None:
        """The hub's share less the community fee (the order's) to its operator, the royalty to the designer,
        the fee to the fund."""
        hub_gross = amount - royalty
        fee = hub_gross * fee_bps // 10_000
        self.credit(operator, native, hub_gross - fee)
        self.credit(self.designer, native, royalty)
        self.credit(self.fund, native, fee)

    def outstanding(self) -> list:
        return [key for key, amount in self.owed.items() if amount]

    def total(self, native: bool) -> int:
        return sum(amount for (_, is_native), amount in self.owed.items() if is_native == native)

    def withdrawn(self, key) -> None:
        self.owed[key] = 0


class Reputation:
    """hub -> [completed, late, refunded, lost, expired, on-time weight, finished weight], the order of
    HubRegistry.reputation()."""

    def __init__(self):
        self.counters = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])

    def record(self, order: ModelOrder, outcome: int) -> None:
        counters = self.counters[order.hub_id]
        if outcome in COUNTER_OF_OUTCOME:
            counters[COUNTER_OF_OUTCOME[outcome]] += 1
        if outcome == Outcome.COMPLETED:
            counters[ON_TIME_WEIGHT] += order.weight
        if outcome in FINISHING_OUTCOMES:
            counters[FINISHED_WEIGHT] += order.weight

    def of(self, hub: int) -> list:
        return self.counters[hub]


class Ratings:
    """hub -> rater -> (latest rating, weight): a rater's weight is the heaviest order it rated, capped."""

    def __init__(self):
        self.raters = defaultdict(dict)

    def rate(self, order: ModelOrder, rating: int) -> None:
        raters = self.raters[order.hub_id]
        previous_weight = raters.get(str(order.buyer), (0, 0))[1]
        raters[str(order.buyer)] = (rating, min(max(previous_weight, order.weight), FULL_WEIGHT))

    def totals(self, hub: int) -> list:
        """As HubRegistry.ratings(): [raters, total weight, weighted sum of ratings]."""
        raters = self.raters[hub]
        return [len(raters), sum(w for _, w in raters.values()), sum(r * w for r, w in raters.values())]

    def records(self, hub: int) -> dict:
        return self.raters[hub]


class Oracles:
    """Which oracles hold the role, and which votes an order's slots keep: only a live oracle's vote counts,
    and a new vote takes the first slot of an oracle that lost the role."""

    def __init__(self, oracles):
        self.live = {str(o) for o in oracles}

    def live_votes(self, order: ModelOrder) -> int:
        return sum(voter in self.live for voter in order.vote_slots)

    def store_vote(self, order: ModelOrder, sender: str) -> None:
        dead = [i for i, voter in enumerate(order.vote_slots) if voter not in self.live]
        if dead:
            order.vote_slots[dead[0]] = sender
        else:
            order.vote_slots.append(sender)


@dataclass
class Proposal:
    """A passed proposal waiting in the timelock: its change applies once it executes."""
    proposal_id: int
    description: str
    actions: list
    eta: int  # when the timelock lets it execute
    kind: str
    value: object


class EscrowMachine(RuleBasedStateMachine):
    """Drives `world` at random while the model predicts every payout, status and counter. Each run starts from
    the chain snapshot the test took."""

    def __init__(self, world: World):
        super().__init__()
        chain.revert()
        self.world = world
        roles = world.roles
        self.orders: list[ModelOrder] = []
        self.payouts = Payouts(roles["designer"], roles["fund"])
        self.fee_bps = world.escrow.config()["feeBps"]
        self.queued: list[Proposal] = []  # passed proposals waiting in the timelock
        self.proposals = 0  # how many were made (numbers their descriptions, which makes each unique)
        self.reputation = Reputation()
        self.ratings = Ratings()
        self.oracles = Oracles(roles["oracles"])
        self.offer_lead_time = LEAD_TIME_HOURS  # of the ERC-20 hub's offer
        self.quorum = 1
        self.paused = False
        self.gas = defaultdict(list)

    # ------------------------------------------------------------ helpers
    def _in(self, *statuses):
        return [o for o in self.orders if o.status in statuses]

    def _tx(self, kind, tx):
        assert tx.status == 1
        self.gas[kind].append(tx.gas_used)
        assert tx.gas_used <= GAS_CEILING[kind], (kind, tx.gas_used)
        return tx

    def _pay_out(self, order, amount, royalty):
        self.payouts.pay_out(self.world.operator(order), order.native, amount, royalty, order.fee_bps)

    def _deliver(self, order):
        order.status = Status.DELIVERED
        self._pay_out(order, order.amount, order.royalty)
        self.reputation.record(order, Outcome.COMPLETED_LATE if order.late else Outcome.COMPLETED)

    def _refund(self, order):
        order.status = Status.REFUNDED
        self.payouts.credit(order.buyer, order.native, order.amount)

    def _second_oracle(self) -> str:
        return str(self.world.roles["oracles"][1])

    # ------------------------------------------------------------ governance helpers
    def _actions(self, kind, value) -> list:
        escrow = self.world.escrow
        if kind == "fee":
            return [(escrow, "setFee", value)]
        if kind == "quorum":
            return [(escrow, "setQuorum", value)]
        if kind == "unpause":
            return [(escrow, "unpause")]
        return [(escrow, "grantRole" if value else "revokeRole", ROLES["ORACLE_ROLE"], self._second_oracle())]

    def _learn(self, kind, value) -> None:
        """What the model learns when a proposal executes."""
        if kind == "fee":
            self.fee_bps = value
        elif kind == "quorum":
            self.quorum = value
        elif kind == "unpause":
            self.paused = False
        elif value:
            self.oracles.live.add(self._second_oracle())
        else:
            self.oracles.live.discard(self._second_oracle())

    def _decide(self, kind, value, ballots) -> Proposal | None:
        """A city proposes the change, the cities cast `ballots`, the vote closes; a proposal with more votes
        for than against and a quorum (2 of 3, for or abstain) is queued and returned, any other is defeated
        and cannot be queued."""
        consortium, members = self.world.consortium, self.world.roles["members"]
        self.proposals += 1
        description, actions = f"{kind} {value} (#{self.proposals})", self._actions(kind, value)
        proposal_id = consortium.open_vote(actions, description, members[self.proposals % len(members)])
        for member, ballot in zip(members, ballots, strict=True):
            if ballot is not None:
                consortium.vote(proposal_id, [member], ballot)
        sleep_past(VOTING_PERIOD)
        tally = [ballots.count(support) for support in (Vote.AGAINST, Vote.FOR, Vote.ABSTAIN)]
        assert list(consortium.governor.proposalVotes(proposal_id)) == tally
        if not (tally[Vote.FOR] > tally[Vote.AGAINST] and tally[Vote.FOR] + tally[Vote.ABSTAIN] >= 2):
            assert consortium.governor.state(proposal_id) == ProposalState.DEFEATED
            with reverts("GovernorUnexpectedProposalState"):
                consortium.queue(actions, description)
            return None
        eta = consortium.queue(actions, description).events["ProposalQueued"]["etaSeconds"]
        return Proposal(proposal_id, description, actions, eta, kind, value)

    def _execute(self, proposal: Proposal) -> bool:
        """Executes a proposal whose delay is over; an unpause while nothing is paused reverts (and stays
        queued). Returns whether it executed."""
        consortium = self.world.consortium
        if proposal.kind == "unpause" and not self.paused:
            with reverts("ExpectedPause"):
                consortium.execute(proposal.actions, proposal.description)
            return False
        consortium.execute(proposal.actions, proposal.description)
        self._learn(proposal.kind, proposal.value)
        return True

    def _pass(self, kind, value) -> None:
        """The whole way at once: two cities vote for, the delay passes, it executes."""
        proposal = self._decide(kind, value, (Vote.FOR, Vote.FOR, None))
        sleep_past(TIMELOCK_DELAY)
        assert self._execute(proposal)

    # ------------------------------------------------------------ rules
    @initialize(quorum=st.sampled_from([1, 2]))
    def start_with_quorum(self, quorum):
        """Half the runs start at quorum 2, where revoked votes matter (the consortium passes it first)."""
        if quorum != self.quorum:
            self._pass("quorum", quorum)

    @rule(buyer=st.sampled_from([0, 1]), quantity=st.integers(1, 3), native=st.booleans())
    def place(self, buyer, quantity, native):
        """Buyers always sign the terms they were quoted at the start: 24 h lead time, version 1."""
        escrow, sender = self.world.escrow, self.world.roles["buyers"][buyer]
        agreed = self.world.terms(quantity, native=native)
        params = {"from": sender, "value": agreed[-1] if native else 0}
        if self.paused:
            with reverts("EnforcedPause"):
                escrow.placeOrder(agreed, params)
            return
        if not native and self.offer_lead_time > LEAD_TIME_HOURS:
            with reverts("LeadTimeAboveMaximum"):
                escrow.placeOrder(agreed, params)
            return
        event = self._tx("place", escrow.placeOrder(agreed, params)).events["OrderPlaced"]
        weight = (order_weight(NATIVE_PRICE, quantity, self.fee_bps, NATIVE_RATING_FEE_UNIT) if native
                  else order_weight(PRICE, quantity, self.fee_bps))
        self.orders.append(ModelOrder(event["orderId"], sender, agreed[1], native, agreed[-1], event["royalty"],
                                      Status.PAID, event["acceptBy"], self.quorum, weight, self.fee_bps,
                                      LEAD_TIME_HOURS if native else self.offer_lead_time, []))

    @rule(lead_time=st.sampled_from([LEAD_TIME_HOURS // 2, LEAD_TIME_HOURS, 2 * LEAD_TIME_HOURS, 2**16 - 1]))
    def hub_republishes_offer(self, lead_time):
        """The hub changes its lead time between the buyers' quote and their orders."""
        world = self.world
        world.products.publishOffer(world.product_id, world.hub_id, world.token, PRICE, lead_time,
                                    {"from": world.roles["operator"][world.hub_id]})
        self.offer_lead_time = lead_time

    @precondition(lambda self: self._in(Status.PAID))
    @rule(data=st.data())
    def cancel(self, data):
        order = data.draw(st.sampled_from(self._in(Status.PAID)))
        self._tx("cancel", self.world.escrow.cancelOrder(order.order_id, {"from": order.buyer}))
        self._refund(order)

    @precondition(lambda self: self._in(Status.PAID))
    @rule(data=st.data())
    def reject(self, data):
        order = data.draw(st.sampled_from(self._in(Status.PAID)))
        self._tx("reject", self.world.escrow.rejectOrder(order.order_id, "no filament",
                                                         {"from": self.world.operator(order)}))
        self._refund(order)

    @precondition(lambda self: self._in(Status.PAID))
    @rule(data=st.data())
    def accept(self, data):
        order = data.draw(st.sampled_from(self._in(Status.PAID)))
        escrow, operator = self.world.escrow, self.world.operator(order)
        if chain.time() > order.deadline - MARGIN:
            with reverts("DeadlinePassed"):
                escrow.acceptOrder(order.order_id, {"from": operator})
            return
        tx = self._tx("accept", escrow.acceptOrder(order.order_id, {"from": operator}))
        order.status, order.deadline = Status.ACCEPTED, tx.events["OrderAccepted"]["shipBy"]

    @precondition(lambda self: self._in(Status.ACCEPTED))
    @rule(data=st.data())
    def ship(self, data):
        order = data.draw(st.sampled_from(self._in(Status.ACCEPTED)))
        tx = self._tx("ship", self.world.escrow.shipOrder(order.order_id, web3.keccak(text=str(order.order_id)),
                                                          {"from": self.world.operator(order)}))
        order.late = tx.events["OrderShipped"]["late"]
        order.status, order.deadline = Status.SHIPPED, tx.events["OrderShipped"]["disputeBy"]

    @precondition(lambda self: self._in(Status.ACCEPTED))
    @rule(data=st.data())
    def claim_refund(self, data):
        order = data.draw(st.sampled_from(self._in(Status.ACCEPTED)))
        if chain.time() < order.deadline + MARGIN:
            with reverts("DeadlineNotReached"):
                self.world.escrow.claimRefund(order.order_id, {"from": order.buyer})
            return
        self._tx("claim", self.world.escrow.claimRefund(order.order_id, {"from": order.buyer}))
        self._refund(order)
        self.reputation.record(order, Outcome.REFUNDED_FOR_FAULT)

    @precondition(lambda self: self._in(Status.SHIPPED))
    @rule(data=st.data(), oracle=st.sampled_from([0, 1]))
    def confirm(self, data, oracle):
        self._vote(data.draw(st.sampled_from(self._in(Status.SHIPPED))), str(self.world.roles["oracles"][oracle]))

    def _vote(self, order, sender):
        escrow = self.world.escrow
        if sender not in self.oracles.live:
            with reverts("AccessControlUnauthorizedAccount"):
                escrow.confirmDelivery(order.order_id, {"from": sender})
            return
        if sender in order.vote_slots:
            with reverts("AlreadyConfirmed"):
                escrow.confirmDelivery(order.order_id, {"from": sender})
            return
        tx = self._tx("confirm", escrow.confirmDelivery(order.order_id, {"from": sender}))
        live = 1 + self.oracles.live_votes(order)
        assert tx.events["DeliveryConfirmed"]["confirmations"] == live
        if live >= order.quorum:
            self._deliver(order)
        else:
            self.oracles.store_vote(order, sender)

    @precondition(lambda self: any(o.quorum > 1 and not o.vote_slots for o in self._in(Status.SHIPPED))
                  and self._second_oracle() in self.oracles.live)
    @rule(data=st.data())
    def second_oracle_votes_then_loses_its_role(self, data):
        """The leaked-key story: an oracle votes on a quorum-2 order, the consortium revokes it by proposal
        (hours pass), and the other oracle's one vote must not deliver the order."""
        order = data.draw(st.sampled_from([o for o in self._in(Status.SHIPPED)
                                           if o.quorum > 1 and not o.vote_slots]))
        self._vote(order, self._second_oracle())
        self._pass("oracle", False)
        self._vote(order, str(self.world.roles["oracles"][0]))


    @precondition(lambda self: self._in(Status.SHIPPED))
    @rule(data=st.data())
    def confirm_receipt(self, data):
        order = data.draw(st.sampled_from(self._in(Status.SHIPPED)))
        self._tx("receipt", self.world.escrow.confirmReceipt(order.order_id, {"from": order.buyer}))
        self._deliver(order)

    @precondition(lambda self: self._in(Status.SHIPPED))
    @rule(data=st.data())
    def finalize_or_dispute(self, data):
        order = data.draw(st.sampled_from(self._in(Status.SHIPPED)))
        escrow, now = self.world.escrow, chain.time()
        if now > order.deadline + MARGIN:
            self._tx("finalize", escrow.finalizeOrder(order.order_id, {"from": self.world.roles["stranger"]}))
            self._deliver(order)
        elif now < order.deadline - MARGIN:
            tx = self._tx("dispute", escrow.disputeOrder(order.order_id, "broken", {"from": order.buyer}))
            order.status = Status.DISPUTED
            order.deadline = tx.timestamp + escrow.config()["arbitrationWindow"]

    @precondition(lambda self: self._in(Status.DISPUTED))
    @rule(data=st.data(), refund_bps=st.sampled_from([0, 2_500, 5_000, 9_999, 10_000]))
    def resolve(self, data, refund_bps):
        order = data.draw(st.sampled_from(self._in(Status.DISPUTED)))
        escrow, roles = self.world.escrow, self.world.roles
        if chain.time() > order.deadline + MARGIN and data.draw(st.booleans()):
            self._tx("settle", escrow.settleExpiredDispute(order.order_id, {"from": roles["stranger"]}))
            refund_bps, outcome = 5_000, Outcome.DISPUTE_EXPIRED
        else:
            self._tx("resolve", escrow.resolveDispute(order.order_id, refund_bps, {"from": roles["arbiter"]}))
            outcome = Outcome.DISPUTE_LOST if refund_bps >= 5_000 else Outcome.DISPUTE_WON
        order.status = Status.RESOLVED
        refund = order.amount * refund_bps // 10_000
        royalty = order.royalty * (10_000 - refund_bps) // 10_000
        self.payouts.credit(order.buyer, order.native, refund)
        self._pay_out(order, order.amount - refund, royalty)
        self.reputation.record(order, outcome)

    @precondition(lambda self: any(not o.rated for o in self._in(Status.DELIVERED)))
    @rule(data=st.data(), rating=st.integers(1, 5))
    def rate(self, data, rating):
        order = data.draw(st.sampled_from([o for o in self._in(Status.DELIVERED) if not o.rated]))
        self._tx("rate", self.world.escrow.rateOrder(order.order_id, rating, {"from": order.buyer}))
        order.rated = True
        self.ratings.rate(order, rating)

    @precondition(lambda self: any(o.rated for o in self.orders))
    @rule(data=st.data())
    def rate_again_fails(self, data):
        order = data.draw(st.sampled_from([o for o in self.orders if o.rated]))
        with reverts("AlreadyRated"):
            self.world.escrow.rateOrder(order.order_id, 5, {"from": order.buyer})

    @precondition(lambda self: self._in(*TERMINAL))
    @rule(data=st.data())
    def terminal_is_final(self, data):
        order = data.draw(st.sampled_from(self._in(*TERMINAL)))
        with reverts("InvalidOrderStatus"):
            self.world.escrow.cancelOrder(order.order_id, {"from": order.buyer})
        with reverts("InvalidOrderStatus"):
            self.world.escrow.confirmReceipt(order.order_id, {"from": order.buyer})

    @precondition(lambda self: self.payouts.outstanding())
    @rule(data=st.data())
    def withdraw(self, data):
        (address, native) = data.draw(st.sampled_from(self.payouts.outstanding()))
        self._tx("withdraw", self.world.escrow.withdraw(self.world.token_of(native),
                                                        {"from": address, "gas_price": 0}))
        self.payouts.withdrawn((address, native))

    @rule(hours=st.sampled_from([1, 12, 30, 80, 200]))
    def time_passes(self, hours):
        chain.sleep(hours * HOUR)
        chain.mine()

    @precondition(lambda self: not self.paused)
    @rule(member=st.sampled_from([0, 1, 2]))
    def city_pauses(self, member):
        """Any city pauses new orders at once."""
        escrow, city = self.world.escrow, self.world.roles["members"][member]
        assert escrow.pause({"from": city}).events["Paused"]["account"] == city
        self.paused = True

    @precondition(lambda self: self.paused)
    @rule(member=st.sampled_from([0, 1, 2]))
    def consortium_lifts_pause(self, member):
        """No city lifts the pause alone (nor pauses twice); the consortium does, by proposal."""
        escrow, city = self.world.escrow, self.world.roles["members"][member]
        with reverts("EnforcedPause"):
            escrow.pause({"from": city})
        with reverts("AccessControlUnauthorizedAccount"):
            escrow.unpause({"from": city})
        self._pass("unpause", None)

    @rule(change=CHANGE, ballots=st.tuples(BALLOT, BALLOT, BALLOT))
    def consortium_decides(self, change, ballots):
        """A city proposes a change and the cities vote; a passed proposal waits in the timelock (orders go on
        at the old settings) until `timelock_executes` runs it."""
        proposal = self._decide(*change, ballots)
        if proposal is not None:
            self.queued.append(proposal)

    @precondition(lambda self: self.queued)
    @rule(data=st.data(), wait=st.booleans())
    def timelock_executes(self, data, wait):
        """Anyone executes a queued proposal once its delay is over, and nobody before; with `wait`, an early
        executor waits out the delay and executes."""
        proposal = data.draw(st.sampled_from(self.queued))
        now = chain.time()
        if now < proposal.eta - MARGIN:
            with reverts("TimelockUnexpectedOperationState"):
                self.world.consortium.execute(proposal.actions, proposal.description, self.world.roles["stranger"])
            if not wait:
                return
            sleep_past(proposal.eta - now + MARGIN)
        elif now <= proposal.eta + MARGIN:
            return  # too close to the ETA for the block timestamp to decide
        if self._execute(proposal):
            self.queued.remove(proposal)

    # ------------------------------------------------------------ invariants
    @invariant()
    def balances_cover_open_orders_and_owed_payouts(self):  # invariant 1
        escrow, token = self.world.escrow, self.world.token
        for native, balance in ((False, token.balanceOf(escrow)), (True, escrow.balance())):
            open_amounts = sum(o.amount for o in self._in(*OPEN) if o.native == native)
            assert balance == open_amounts + self.payouts.total(native)
        for (address, native), amount in self.payouts.owed.items():
            assert escrow.owed(address, self.world.token_of(native)) == amount

    @invariant()
    def statuses_match_model(self):  # invariant 2: each order in exactly the state its moves imply
        for order in self.orders:
            on_chain = self.world.escrow.order(order.order_id)
            assert on_chain["status"] == order.status
            assert on_chain["rated"] == order.rated

    @invariant()
    def reputation_matches_order_history(self):  # invariant 3
        for hub in (self.world.hub_id, self.world.native_hub_id):
            assert list(self.world.hubs.reputation(hub)) == self.reputation.of(hub)

    @invariant()
    def orders_carry_the_terms_their_buyers_signed(self):  # invariant 6
        for order in self.orders:
            on_chain = self.world.escrow.order(order.order_id)
            assert on_chain["designVersion"] == 1
            assert on_chain["leadTimeHours"] == order.lead_time_hours <= LEAD_TIME_HOURS
            assert on_chain["token"] == self.world.token_of(order.native) and on_chain["amount"] == order.amount
            assert on_chain["quorum"] == order.quorum and on_chain["weight"] == order.weight
            assert on_chain["feeBps"] == order.fee_bps

    @invariant()
    def only_live_votes_count(self):  # invariant 7, votes
        for order in self._in(Status.SHIPPED):
            live = self.oracles.live_votes(order)
            assert self.world.escrow.order(order.order_id)["confirmations"] == live < order.quorum

    @invariant()
    def ratings_weigh_what_their_raters_paid(self):  # invariant 7, ratings
        hubs = self.world.hubs
        for hub in (self.world.hub_id, self.world.native_hub_id):
            assert list(hubs.ratings(hub)) == self.ratings.totals(hub)
            for rater, record in self.ratings.records(hub).items():
                assert tuple(hubs.raterRecord(hub, rater)) == record
                assert record[1] <= FULL_WEIGHT  # what one rater can move is capped

    @invariant()
    def governed_settings_change_only_by_executed_proposals(self):  # governance
        escrow, governor = self.world.escrow, self.world.consortium.governor
        config = escrow.config()
        assert (config["feeBps"], config["quorum"], escrow.paused()) == (self.fee_bps, self.quorum, self.paused)
        live = {str(o) for o in self.world.roles["oracles"] if escrow.hasRole(ROLES["ORACLE_ROLE"], o)}
        assert live == self.oracles.live
        for proposal in self.queued:
            assert governor.state(proposal.proposal_id) == ProposalState.QUEUED

    @invariant()
    def every_open_order_has_a_timeout(self):  # invariant 1, "nothing stuck"
        for order in self._in(*OPEN):
            assert self.world.escrow.order(order.order_id)["deadline"] > 0


def machine_settings() -> settings:
    """GLOCAL_STATEFUL_EXAMPLES random programs (50 by default) of 30 steps each."""
    return settings(max_examples=int(os.environ.get("GLOCAL_STATEFUL_EXAMPLES", "50")),
                    stateful_step_count=30, deadline=None,
                    # long random programs are the point here, not a generation problem
                    suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])


@pytest.fixture(autouse=True)
def isolation(consortium, fn_isolation):
    """As conftest's, with the consortium built before the snapshot."""


def test_lifecycle_keeps_invariants_if_actors_and_consortium_act_at_random(escrow, hubs, products, token, terms,
                                                                          product_id, hub_id, native_hub_id,
                                                                          consortium, oracle, arbiter, fund,
                                                                          designer, hub_operator, other_operator,
                                                                          buyer, other_buyer, stranger):
    consortium.pass_proposal([(escrow, "grantRole", ROLES["ORACLE_ROLE"], stranger)], "a second oracle")
    roles = {
        "arbiter": arbiter, "fund": fund, "designer": designer, "stranger": stranger,
        "oracles": [oracle, stranger], "buyers": [buyer, other_buyer], "members": consortium.members,
        "operator": {hub_id: hub_operator, native_hub_id: other_operator},
    }
    world = World(escrow, hubs, products, token, terms, product_id, hub_id, native_hub_id, roles, consortium)
    chain.snapshot()  # every run of the machine starts here (EscrowMachine.__init__ reverts to it)
    # With coverage on, the machine's transactions are traced but not the thousands of view reads its
    # invariants make (the unit tests cover those views).
    with calls_untraced():
        run_state_machine_as_test(partial(EscrowMachine, world), settings=machine_settings())
