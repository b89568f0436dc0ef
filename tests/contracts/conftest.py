"""Brownie fixtures: the suite deployed on anvil, roles granted, a product, an approved hub with offers."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

import brownie
import pytest
from brownie import HubRegistry, OrderEscrow, ProductRegistry, TestToken, accounts, web3

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
         ("HUB_APPROVER_ROLE", "ORACLE_ROLE", "ARBITER_ROLE", "PAUSER_ROLE", "ESCROW_ROLE")}


class Status:
    NONE, PAID, ACCEPTED, SHIPPED, DISPUTED, DELIVERED, RESOLVED, REFUNDED = range(8)


class HubStatus:
    NONE, PENDING, APPROVED, SUSPENDED = range(4)


class Outcome:
    COMPLETED, COMPLETED_LATE, REFUNDED_FOR_FAULT, DISPUTE_LOST, DISPUTE_WON, DISPUTE_EXPIRED = range(6)



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
