"""The payment decision the SDK sends by and the API builds unsigned transactions from (sdk/payment.py),
and the standard ERC-20 interface every payment token is addressed through (sdk/erc20.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from web3 import Web3

from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.sdk.erc20 import ERC20_PERMIT_ABI
from glocal_chain.sdk.models import NATIVE_COIN
from glocal_chain.sdk.payment import PaymentMethod, PlannedTransaction, Step, plan_payment

TOKEN = "0x" + "7e" * 20
PACKAGE = Path(__file__).resolve().parents[2] / "glocal_chain"
# Where the package calls payment tokens' functions: every one must be in the standard interface.
TOKEN_CALLERS = (PACKAGE / "sdk" / "tokens.py", PACKAGE / "chain" / "permit.py")


def _never() -> int:
    raise AssertionError("asked although the decision did not need it")


@pytest.mark.parametrize(("allowance", "permit", "method", "transactions"), [
    (5, True, PaymentMethod.ALLOWANCE, (PlannedTransaction(Step.PLACE_ORDER),)),
    (4, True, PaymentMethod.PERMIT, (PlannedTransaction(Step.PLACE_ORDER_WITH_PERMIT, amount=5),)),
    (4, False, PaymentMethod.APPROVE, (PlannedTransaction(Step.APPROVE, amount=5),
                                       PlannedTransaction(Step.PLACE_ORDER))),
])
def test_erc20_plan_uses_allowance_then_permit_then_approve(allowance, permit, method, transactions):
    plan = plan_payment(TOKEN, 5, lambda: allowance, lambda: permit)
    assert (plan.method, plan.token, plan.transactions) == (method, TOKEN, transactions)
    assert plan.approves_first is (method is PaymentMethod.APPROVE)


def test_native_plan_sends_the_total_with_the_order_if_native_coin():
    plan = plan_payment(NATIVE_COIN, 7, _never, _never)  # neither allowance nor permit is asked
    assert plan.method is PaymentMethod.NATIVE and not plan.approves_first
    assert plan.transactions == (PlannedTransaction(Step.PLACE_ORDER, value=7),)


def test_plan_asks_for_permit_only_if_allowance_falls_short():
    assert plan_payment(TOKEN, 5, lambda: 5, _never).method is PaymentMethod.ALLOWANCE


def _signature(item: dict) -> tuple:
    return (item["type"], item["name"], tuple(arg["type"] for arg in item["inputs"]),
            tuple(arg["type"] for arg in item.get("outputs", ())), item.get("stateMutability"),
            tuple(arg.get("indexed") for arg in item["inputs"]))


def test_erc20_interface_matches_openzeppelin_if_compiled():
    """Each function and event is OpenZeppelin's ERC20Permit's (the test token compiles it): same selector,
    outputs and mutability, so a call through the interface is the call any standard token answers."""
    compiled = {item["name"]: _signature(item) for item in load_artifact("TestToken").abi if "name" in item}
    for item in ERC20_PERMIT_ABI:
        assert _signature(item) == compiled[item["name"]], item["name"]
    Web3().eth.contract(abi=ERC20_PERMIT_ABI)  # web3 accepts it as an ABI


def test_erc20_interface_holds_every_token_function_the_package_calls():
    interface = {item["name"] for item in ERC20_PERMIT_ABI if item["type"] == "function"}
    called = {node.attr for path in TOKEN_CALLERS for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
              and node.value.attr == "functions"}
    assert called and called <= interface, called - interface
    assert {"permit", "nonces", "DOMAIN_SEPARATOR", "approve", "allowance", "transferFrom"} <= interface
