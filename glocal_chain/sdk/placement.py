"""Placing orders: quotes, the buyer's agreed terms, checks before anything is sent, and paying by the
payment plan (payment.plan_payment)."""

from __future__ import annotations

from collections.abc import Callable

from eth_typing import ChecksumAddress, HexAddress, HexStr
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError
from web3.types import TxReceipt, Wei

from glocal_chain.chain.permit import sign_permit
from glocal_chain.chain.transactions import call_view, revert_from_exception
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.faucet import funding_hint
from glocal_chain.sdk.inputs import InputError, format_units
from glocal_chain.sdk.models import OrderTerms, Quote
from glocal_chain.sdk.payment import PaymentPlan, PlannedTransaction, Step, plan_payment
from glocal_chain.sdk.tokens import Tokens

PERMIT_VALIDITY_S = 3600
# The escrow's errors about moving the payment (not about the terms): what a preflight without the
# payment in place expects.
PAYMENT_ERRORS = frozenset({"IncorrectPayment", "SafeERC20FailedOperation"})


class Placement:
    """`supports_permit(token)`: whether the token takes the buyer's EIP-2612 permits."""

    def __init__(self, connection: SuiteConnection, tokens: Tokens, supports_permit: Callable[[str], bool]) -> None:
        self.connection = connection
        self.tokens = tokens
        self.supports_permit = supports_permit
        self.escrow = connection.escrow

    def quote(self, product_id: int, hub_id: int, quantity: int) -> Quote:
        """The current offer priced for `quantity`, with the terms to place it on (`quote.terms`)."""
        terms, royalty = call_view(self.escrow.functions.quoteOrder(product_id, hub_id, quantity),
                                   f"quote product {product_id} at hub {hub_id}")
        quoted = OrderTerms.from_tuple(terms)
        return Quote(product_id, hub_id, quantity, quoted.token, quoted.max_total, royalty, quoted.design_version,
                     quoted.max_lead_time_hours)

    def place_order(self, product_id: int, hub_id: int, quantity: int, max_total: int | None = None, *,
                    terms: OrderTerms | None = None, max_lead_time_hours: int | None = None) -> int:
        """GlocalSuite.place_order; returns the new order's id."""
        if quantity < 1:
            raise InputError("quantity must be at least 1")
        current = self.quote(product_id, hub_id, quantity)
        if terms is None:
            terms = current.terms
        elif (terms.product_id, terms.hub_id, terms.quantity) != (product_id, hub_id, quantity):
            raise InputError(f"the terms are for {terms.quantity} of product {terms.product_id} at hub {terms.hub_id}, "
                             f"not {quantity} of product {product_id} at hub {hub_id}")
        if max_lead_time_hours is not None:
            terms = terms.but(max_lead_time_hours=max_lead_time_hours)
        terms = terms.but(max_total=terms.max_total if max_total is None else max_total)
        if current.token != terms.token:  # amounts below would compare two tokens: let the escrow name it
            self.preflight_place_order(self._place_call(terms), self.connection.me, "place order")
            raise InputError(f"the offer is now in {current.token}, not the agreed {terms.token}: nothing sent")
        symbol, decimals = self.tokens.info(terms.token)
        if current.total > terms.max_total:
            raise InputError(f"the total is {format_units(current.total, decimals)} {symbol}, above the maximum "
                             f"{format_units(terms.max_total, decimals)} {symbol}: nothing sent")
        me = self.connection.me
        balance = self.tokens.balance(me, terms.token)
        if balance < current.total:
            shortfall = format_units(current.total - balance, decimals)
            raise InputError(f"balance {format_units(balance, decimals)} {symbol} is less than the total "
                             f"{format_units(current.total, decimals)} {symbol}: nothing sent; "
                             + funding_hint(self.connection, terms.token, me, shortfall))
        plan = plan_payment(terms.token, current.total, lambda: self.tokens.allowance(me, terms.token),
                            lambda: self.supports_permit(terms.token) and self.connection.signing_account is not None)
        receipt = self._pay(plan, terms)
        return int(self.connection.event(receipt, self.escrow, "OrderPlaced")["orderId"])

    def _pay(self, plan: PaymentPlan, terms: OrderTerms) -> TxReceipt:
        if plan.approves_first:  # a changed term: refused before approving
            self.preflight_place_order(self._place_call(terms), self.connection.me, "place order")
        return [self._send(planned, plan.token, terms) for planned in plan.transactions][-1]

    def _send(self, planned: PlannedTransaction, token: str, terms: OrderTerms) -> TxReceipt:
        if planned.step is Step.APPROVE:
            return self.connection.send(self.tokens.approve_call(token, planned.amount), "approve the escrow")
        if planned.step is Step.PLACE_ORDER:
            return self.connection.send(self._place_call(terms), "place order", value=planned.value)
        # The permit is for exactly the total, and the terms bind the total to it (PermitValueNotTotal).
        account = self.connection.signing_account
        if account is None:
            raise InputError("place order with permit: the wallet cannot sign a permit")
        exact = terms.but(max_total=planned.amount)
        deadline = int(self.connection.w3.eth.get_block("latest")["timestamp"]) + PERMIT_VALIDITY_S
        v, r, s = sign_permit(self.tokens.erc20(token), account, self.escrow.address, planned.amount, deadline)
        return self.connection.send(self.escrow.functions.placeOrderWithPermit(exact.as_tuple(), deadline, v, r, s),
                                    "place order with permit")

    def _place_call(self, terms: OrderTerms) -> ContractFunction:
        return self.escrow.functions.placeOrder(terms.as_tuple())

    def preflight_place_order(self, call: ContractFunction, buyer: str, action: str) -> None:
        """Runs a placeOrder call before it can be sent (its approve is not mined yet): raises what the escrow
        would refuse it for (a changed term, a pause, a disallowed token ...). The payment itself is not
        checked: the call runs without value, and the token's refusal of a missing allowance is ignored."""
        try:
            call.call({"from": ChecksumAddress(HexAddress(HexStr(buyer))), "value": Wei(0)})
        except (ContractCustomError, ContractLogicError) as exc:
            revert = revert_from_exception(exc, action)
            if revert.error_name in self._escrow_errors() and revert.error_name not in PAYMENT_ERRORS:
                raise revert from exc

    def _escrow_errors(self) -> set[str]:
        return {item["name"] for item in self.escrow.abi if item["type"] == "error"}
