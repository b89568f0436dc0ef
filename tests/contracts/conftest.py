"""Brownie fixtures: the suite deployed on anvil, roles granted, a product, an approved hub with offers; and the
same suite handed over to a consortium of three member cities (`consortium`)."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

import brownie
import pytest
from brownie import (ConsortiumGovernor, ConsortiumMembership, ConsortiumTimelock, HubRegistry, OrderEscrow,
                     ProductRegistry, TestToken, accounts, web3)

ZERO = "0x0000000000000000000000000000000000000000"
HOUR = 3600
DAY = 24 * HOUR
FEE_BPS = 200
ROYALTY_BPS = 1_000
PRICE = 10_000_000  # 10 gUSD (6 decimals)
NATIVE_PRICE = 10**16
LEAD_TIME_HOURS = 24
ACCEPT_WINDOW = 2 * DAY
DISPUTE_WINDOW = 3 * DAY
ARBITRATION_WINDOW = 7 * DAY
MAX_LEAD_TIME_HOURS = 30 * 24
FULL_WEIGHT = 10_000
#: The community fee that gives an order full reputation weight: 1 gUSD, and 0.01 of the native coin.
RATING_FEE_UNIT = 10**6
NATIVE_RATING_FEE_UNIT = 10**16
DESIGN_HASH = "0x" + "ab" * 32
GEOHASH = b"u4pruyd".ljust(12, b"\0")
GEOHASH_FAR = b"u33dc0".ljust(12, b"\0")

ROLES = {name: web3.keccak(text=name) for name in
         ("HUB_APPROVER_ROLE", "ORACLE_ROLE", "ARBITER_ROLE", "PAUSER_ROLE", "ESCROW_ROLE",
          "PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE")}
DEFAULT_ADMIN_ROLE = "0x" + "00" * 32

# The consortium of the governed fixtures: three member cities, each with its areas (geohash prefixes); the
# world's hub 1 (u4pruyd) is in the first city's area, hub 2 (u33dc0) in the second's.
VOTING_DELAY = 60  # seconds, like every governance period (the clock is the block timestamp)
VOTING_PERIOD = 2 * HOUR
TIMELOCK_DELAY = HOUR  # shorter than the voting period: a proposal can be open while another executes
QUORUM_PERCENT = 51  # of 3 members: 2 (rounded up)
MEMBERS = (("Aarhus", (b"u4pr",)), ("Berlin", (b"u33d", b"u33e")), ("Bologna", (b"srb",)))


class Status:
    NONE, PAID, ACCEPTED, SHIPPED, DISPUTED, DELIVERED, RESOLVED, REFUNDED = range(8)


class HubStatus:
    NONE, PENDING, APPROVED, SUSPENDED = range(4)


class Outcome:
    COMPLETED, COMPLETED_LATE, REFUNDED_FOR_FAULT, DISPUTE_LOST, DISPUTE_WON, DISPUTE_EXPIRED = range(6)


class ProposalState:
    PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)


class Vote:
    AGAINST, FOR, ABSTAIN = range(3)


def area(prefix: bytes) -> bytes:
    """A geohash (or an area's prefix), left-aligned and zero-padded to bytes12."""
    return prefix.ljust(12, b"\0")



def reverts(error_name: str):
    """Expects a revert with this custom error (Brownie formats them as `Name: arg, ...`)."""
    return brownie.reverts(revert_pattern=rf"{re.escape(error_name)}(: .*)?")


_COVERAGE = None


@pytest.fixture(scope="session", autouse=True)
def contract_coverage():
    """With GLOCAL_COVERAGE=1, traces every transaction and call (see coverage.py) and reports at the end."""
    global _COVERAGE
    if os.environ.get("GLOCAL_COVERAGE") == "1":
        from coverage import CoverageCollector

        _COVERAGE = CoverageCollector()
        _COVERAGE.install()
    yield


@contextmanager
def calls_untraced():
    """With coverage on, traces only transactions inside (see CoverageCollector.transactions_only)."""
    if _COVERAGE is None:
        yield
    else:
        with _COVERAGE.transactions_only():
            yield


def pytest_terminal_summary(terminalreporter):
    if _COVERAGE is not None:
        from coverage import write_report

        terminalreporter.write_line(write_report(_COVERAGE))


@pytest.fixture(autouse=True)
def isolation(world, fn_isolation):
    """Every test starts from the same world (chain snapshot before, revert after): module fixtures
    created lazily inside one test would otherwise be reverted yet cached."""


@pytest.fixture(scope="module")
def gov():
    return accounts[0]


@pytest.fixture(scope="module")
def oracle():
    return accounts[1]


@pytest.fixture(scope="module")
def arbiter():
    return accounts[2]


@pytest.fixture(scope="module")
def fund():
    return accounts[3]


@pytest.fixture(scope="module")
def designer():
    return accounts[4]


@pytest.fixture(scope="module")
def hub_operator():
    return accounts[5]


@pytest.fixture(scope="module")
def other_operator():
    return accounts[6]


@pytest.fixture(scope="module")
def buyer():
    return accounts[7]


@pytest.fixture(scope="module")
def other_buyer():
    return accounts[8]


@pytest.fixture(scope="module")
def stranger():
    return accounts[9]


@pytest.fixture(scope="module")
def hubs(gov):
    registry = HubRegistry.deploy(gov, {"from": gov})
    registry.grantRole(ROLES["HUB_APPROVER_ROLE"], gov, {"from": gov})
    return registry


@pytest.fixture(scope="module")
def products(gov, hubs):
    registry = ProductRegistry.deploy(gov, hubs, {"from": gov})
    registry.grantRole(ROLES["PAUSER_ROLE"], gov, {"from": gov})
    return registry


@pytest.fixture(scope="module")
def token(gov):
    return TestToken.deploy("Glocal Test Dollar", "gUSD", 6, {"from": gov})


@pytest.fixture(scope="module")
def escrow(gov, hubs, products, token, oracle, arbiter, fund):
    contract = OrderEscrow.deploy(
        gov, products, hubs, fund,
        (FEE_BPS, 1, ACCEPT_WINDOW, DISPUTE_WINDOW, ARBITRATION_WINDOW, MAX_LEAD_TIME_HOURS), {"from": gov}
    )
    hubs.grantRole(ROLES["ESCROW_ROLE"], contract, {"from": gov})
    contract.grantRole(ROLES["ORACLE_ROLE"], oracle, {"from": gov})
    contract.grantRole(ROLES["ARBITER_ROLE"], arbiter, {"from": gov})
    contract.grantRole(ROLES["PAUSER_ROLE"], gov, {"from": gov})
    contract.setPaymentToken(token, True, RATING_FEE_UNIT, {"from": gov})
    contract.setPaymentToken(ZERO, True, NATIVE_RATING_FEE_UNIT, {"from": gov})
    return contract


@pytest.fixture(scope="module")
def product_id(products, designer):
    tx = products.registerProduct(DESIGN_HASH, "ipfs://calibration-cube", ROYALTY_BPS, {"from": designer})
    return tx.return_value


@pytest.fixture(scope="module")
def hub_id(hubs, gov, hub_operator):
    tx = hubs.registerHub(GEOHASH, 0b11, "https://fablab.example/hub.json", {"from": hub_operator})
    hubs.approveHub(tx.return_value, {"from": gov})
    return tx.return_value


@pytest.fixture(scope="module")
def native_hub_id(hubs, gov, other_operator):
    tx = hubs.registerHub(GEOHASH_FAR, 0b1, "https://library.example/hub.json", {"from": other_operator})
    hubs.approveHub(tx.return_value, {"from": gov})
    return tx.return_value


@pytest.fixture(scope="module")
def offers(products, escrow, token, product_id, hub_id, native_hub_id, hub_operator, other_operator):
    products.publishOffer(product_id, hub_id, token, PRICE, LEAD_TIME_HOURS, {"from": hub_operator})
    products.publishOffer(product_id, native_hub_id, ZERO, NATIVE_PRICE, LEAD_TIME_HOURS, {"from": other_operator})


@pytest.fixture(scope="module")
def funded(token, escrow, buyer, other_buyer, offers):
    for account in (buyer, other_buyer):
        token.mint(account, 1_000 * 10**6, {"from": account})
        token.approve(escrow, 2**256 - 1, {"from": account})


@pytest.fixture(scope="module")
def world(funded):
    """The suite, one product (id 1), two approved hubs (1: ERC-20 offer, 2: native offer), funded buyers."""


def order_weight(price: int = PRICE, quantity: int = 1, fee_bps: int = FEE_BPS, unit: int = RATING_FEE_UNIT) -> int:
    """An order's reputation weight, as the escrow computes it at placement."""
    return min(price * quantity * fee_bps // 10_000 * FULL_WEIGHT // unit, FULL_WEIGHT)


def unit_total(price: int = PRICE, royalty_bps: int = ROYALTY_BPS) -> int:
    return price + price * royalty_bps // 10_000


@pytest.fixture(scope="module")
def terms(token, product_id, hub_id, native_hub_id):
    """Builds the OrderTerms a buyer who saw the fixtures' offer signs: product 1 version 1 at hub 1 in the
    test token (or, with `native`, at hub 2 in the native coin), lead time 24 h, the exact total; any field
    can be overridden by its Solidity name."""

    def _terms(quantity: int = 1, native: bool = False, **overrides) -> tuple:
        fields = {
            "productId": product_id,
            "hubId": native_hub_id if native else hub_id,
            "quantity": quantity,
            "designVersion": 1,
            "token": ZERO if native else token.address,
            "maxLeadTimeHours": LEAD_TIME_HOURS,
            "maxTotal": unit_total(NATIVE_PRICE if native else PRICE) * quantity,
        }
        unknown = set(overrides) - set(fields)
        assert not unknown, unknown
        fields.update(overrides)
        return tuple(fields.values())

    return _terms


@pytest.fixture(scope="module")
def place(escrow, terms, buyer, funded):
    """Places an order; returns its id."""

    def _place(quantity: int = 1, sender=None, native: bool = False) -> int:
        sender = sender or buyer
        agreed = terms(quantity, native=native)
        tx = escrow.placeOrder(agreed, {"from": sender, "value": agreed[-1] if native else 0})
        return tx.events["OrderPlaced"]["orderId"]

    return _place


@pytest.fixture(scope="module")
def advance(escrow, hub_operator, other_operator):
    """Walks an order forward: to Accepted, Shipped."""

    def _operator(order_id):
        return other_operator if escrow.order(order_id)["token"] == ZERO else hub_operator

    def _advance(order_id: int, to: int) -> None:
        operator = _operator(order_id)
        if to >= Status.ACCEPTED:
            escrow.acceptOrder(order_id, {"from": operator})
        if to >= Status.SHIPPED:
            escrow.shipOrder(order_id, web3.keccak(text=f"TRACK-{order_id}"), {"from": operator})

    return _advance


def sleep_past(seconds: int) -> None:
    brownie.chain.sleep(seconds + 1)
    brownie.chain.mine()


# ---------------------------------------------------------------- the consortium (governed suite)

class Consortium:
    """The governance contracts and the member cities, with the steps of a proposal. An action is
    `(contract, function name, *args)`; a proposal is a list of actions and a description (which makes it
    unique)."""

    def __init__(self, membership, timelock, governor, members):
        self.membership, self.timelock, self.governor, self.members = membership, timelock, governor, members

    @staticmethod
    def _batch(actions) -> tuple:
        targets = [contract.address for contract, *_ in actions]
        calldatas = [getattr(contract, name).encode_input(*args) for contract, name, *args in actions]
        return targets, [0] * len(actions), calldatas

    def propose(self, actions, description: str, proposer=None):
        """Proposes; returns the transaction (`ProposalCreated`; its return value is the proposal id)."""
        return self.governor.propose(*self._batch(actions), description, {"from": proposer or self.members[0]})

    def proposal_id(self, actions, description: str) -> int:
        return self.governor.hashProposal(*self._batch(actions), web3.keccak(text=description))

    def vote(self, proposal_id: int, voters, support: int = Vote.FOR) -> list:
        """Each voter casts `support`; returns the transactions."""
        return [self.governor.castVote(proposal_id, support, {"from": voter}) for voter in voters]

    def queue(self, actions, description: str, sender=None):
        return self.governor.queue(*self._batch(actions), web3.keccak(text=description),
                                   {"from": sender or self.members[0]})

    def execute(self, actions, description: str, sender=None):
        return self.governor.execute(*self._batch(actions), web3.keccak(text=description),
                                     {"from": sender or self.members[0]})

    def open_vote(self, actions, description: str, proposer=None) -> int:
        """Proposes and waits out the voting delay: the vote is open. Returns the proposal id."""
        proposal_id = self.propose(actions, description, proposer).return_value
        sleep_past(VOTING_DELAY)
        return proposal_id

    def vote_and_queue(self, actions, description: str, voters=None) -> int:
        """Proposes, lets `voters` (the first two members: a quorum) vote for, waits out the vote and queues.
        Returns the proposal id."""
        proposal_id = self.open_vote(actions, description)
        self.vote(proposal_id, self.members[:2] if voters is None else voters)
        sleep_past(VOTING_PERIOD)
        self.queue(actions, description)
        return proposal_id

    def pass_proposal(self, actions, description: str, voters=None):
        """The whole way: propose, vote (a quorum for), queue, wait out the timelock delay, execute.
        Returns the execution's transaction."""
        self.vote_and_queue(actions, description, voters)
        sleep_past(TIMELOCK_DELAY)
        return self.execute(actions, description)


@pytest.fixture(scope="module")
def members(gov):
    """The three member cities' accounts (fixed keys, funded for gas by the deployer)."""
    cities = [accounts.add(web3.keccak(text=f"glocal consortium member {name}").hex()) for name, _ in MEMBERS]
    for city in cities:
        if city.balance() < 10**18:
            gov.transfer(city, "10 ether")
    return cities


@pytest.fixture(scope="module")
def consortium(world, gov, hubs, products, escrow, members):
    """The world handed over to the consortium as `glocal deploy` does: the membership (three cities, one
    vote each), the timelock (proposer and canceller: the governor; executor: anyone; no admin) and the
    governor; each city a pauser of the escrow and the products and a hub approver in its areas; the timelock
    holds every contract's DEFAULT_ADMIN_ROLE and owns the membership; the deployer (`gov`) keeps nothing."""
    membership = ConsortiumMembership.deploy(gov, {"from": gov})
    timelock = ConsortiumTimelock.deploy(TIMELOCK_DELAY, [], [ZERO], gov, {"from": gov})
    governor = ConsortiumGovernor.deploy(membership, timelock, VOTING_DELAY, VOTING_PERIOD, QUORUM_PERCENT,
                                         {"from": gov})
    timelock.grantRole(ROLES["PROPOSER_ROLE"], governor, {"from": gov})
    timelock.grantRole(ROLES["CANCELLER_ROLE"], governor, {"from": gov})
    timelock.renounceRole(DEFAULT_ADMIN_ROLE, gov, {"from": gov})
    for city, (name, areas) in zip(members, MEMBERS, strict=True):
        membership.admit(city, name, {"from": gov})
        escrow.grantRole(ROLES["PAUSER_ROLE"], city, {"from": gov})
        products.grantRole(ROLES["PAUSER_ROLE"], city, {"from": gov})
        hubs.grantRole(ROLES["HUB_APPROVER_ROLE"], city, {"from": gov})
        hubs.setHubApproverAreas(city, [area(prefix) for prefix in areas], {"from": gov})
    # the plain world made the deployer a pauser and a hub approver: the consortium's deployer is neither
    hubs.revokeRole(ROLES["HUB_APPROVER_ROLE"], gov, {"from": gov})
    for contract in (products, escrow):
        contract.revokeRole(ROLES["PAUSER_ROLE"], gov, {"from": gov})
    for contract in (hubs, products, escrow):
        contract.grantRole(DEFAULT_ADMIN_ROLE, timelock, {"from": gov})
        contract.renounceRole(DEFAULT_ADMIN_ROLE, gov, {"from": gov})
    membership.transferOwnership(timelock, {"from": gov})
    sleep_past(1)  # votes count from the second after admission
    return Consortium(membership, timelock, governor, members)
