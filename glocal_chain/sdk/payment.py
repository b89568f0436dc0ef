"""How an order's payment reaches the escrow: the one decision behind the SDK's sending path and the API's
unsigned transactions. Deciding sends and builds nothing; the caller turns the plan into transactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from glocal_chain.sdk.models import NATIVE_COIN


class PaymentMethod(Enum):
    NATIVE = "native"  # the coin goes with placeOrder
    ALLOWANCE = "allowance"  # the buyer's existing allowance covers the total
    PERMIT = "permit"  # an EIP-2612 permit for exactly the total: no approve, no allowance left behind
    APPROVE = "approve"  # approve the total, then placeOrder


class Step(Enum):
    APPROVE = "approve"  # token.approve(escrow, amount)
    PLACE_ORDER = "placeOrder"  # escrow.placeOrder(terms), with `value` of the native coin
    PLACE_ORDER_WITH_PERMIT = "placeOrderWithPermit"  # terms bound to `amount`, with a permit for `amount`


@dataclass(frozen=True)
class PlannedTransaction:
    step: Step
    amount: int = 0  # the token amount approved or permitted
    value: int = 0  # the native coin sent with it


@dataclass(frozen=True)
class PaymentPlan:
    method: PaymentMethod
    token: str  # what is paid in (and approved or permitted)
    transactions: tuple[PlannedTransaction, ...]  # in sending order; the last one places the order

    @property
    def approves_first(self) -> bool:
        """The order follows an approve: until that is mined the order call can neither be estimated nor run
        with its payment, so it is checked without it (a changed term, a pause ...) before anything is sent."""
        return self.transactions[0].step is Step.APPROVE


def plan_payment(token: str, total: int, allowance: Callable[[], int],
                 permit_available: Callable[[], bool]) -> PaymentPlan:
    """The transactions that pay `total` of `token` into the escrow and place the order. `allowance` (what the
    escrow may take from the buyer now) and `permit_available` (whether the token takes EIP-2612 permits and
    the buyer can sign one) are asked only when the decision needs them, in that order."""
    if token == NATIVE_COIN:
        return PaymentPlan(PaymentMethod.NATIVE, token, (PlannedTransaction(Step.PLACE_ORDER, value=total),))
    if allowance() >= total:
        return PaymentPlan(PaymentMethod.ALLOWANCE, token, (PlannedTransaction(Step.PLACE_ORDER),))
    if permit_available():
        return PaymentPlan(PaymentMethod.PERMIT, token,
                           (PlannedTransaction(Step.PLACE_ORDER_WITH_PERMIT, amount=total),))
    return PaymentPlan(PaymentMethod.APPROVE, token, (PlannedTransaction(Step.APPROVE, amount=total),
                                                      PlannedTransaction(Step.PLACE_ORDER)))
