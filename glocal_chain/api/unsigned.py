"""Unsigned transactions for external wallets: the API fills in everything but the signature."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract.contract import ContractFunction

from glocal_chain.api.amounts import MAX_UINT256, TokenUnits, quote_view, terms_view
from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.transactions import build_call
from glocal_chain.errors import Conflict
from glocal_chain.sdk.inputs import InputError, format_units, require_address
from glocal_chain.sdk.models import OrderTerms, Quote
from glocal_chain.sdk.payment import PaymentPlan, PlannedTransaction, Step, plan_payment
from glocal_chain.sdk.suite import GlocalSuite

# Gas limit for placeOrder when it cannot be estimated yet (the approve before it is not mined).
PLACE_ORDER_GAS_LIMIT = 250_000


class UnsignedTransactions:
    def __init__(self, suite: GlocalSuite, gas_policy: GasPolicy, units: TokenUnits) -> None:
        self.suite = suite
        self.gas_policy = gas_policy
        self.units = units

    def _build(self, call: ContractFunction, sender: str, nonce: int, action: str, value: int = 0,
               gas: int | None = None) -> dict[str, Any]:
        tx = build_call(self.suite.w3, call, sender, action, self.gas_policy, value, nonce, gas)
        return {"description": action, **{k: (hex(v) if isinstance(v, int) and k != "chainId" else v)
                                           for k, v in tx.items()}}

    def _nonce(self, sender: str) -> int:
        return int(self.suite.w3.eth.get_transaction_count(Web3.to_checksum_address(sender), "pending"))

    def agreed_terms(self, buyer: str, product_id: int, hub_id: int, quantity: int, max_total: int | None,
                     design_version: int | None = None, token: str | None = None,
                     max_lead_time_hours: int | None = None,
                     max_total_tokens: str | None = None) -> tuple[Quote, OrderTerms, bool]:
        """The current quote and the terms of an order on it (at most `max_total` base units, or
        `max_total_tokens` in decimal token units: the route lets at most one through), except what the
        caller pins, and whether anything is pinned; a pinned term the offer no longer meets is refused naming
        the escrow's error, a total above the maximum or the buyer's balance is a Conflict."""
        quote = self.suite.quote(product_id, hub_id, quantity)
        limit_field = "max_total_base_units"
        if max_total_tokens is not None:
            limit_field = "max_total_tokens"
            max_total = self.units.parse_maximum(max_total_tokens, quote.token, "max_total_tokens")
        limit = quote.total if max_total is None else min(max_total, MAX_UINT256)
        terms = quote.terms.but(max_total=limit)
        if design_version is not None:
            terms = terms.but(design_version=design_version)
        if token is not None:
            terms = terms.but(token=require_address(token, "token address"))
        if max_lead_time_hours is not None:
            terms = terms.but(max_lead_time_hours=max_lead_time_hours)
        pinned = terms != quote.terms.but(max_total=limit)
        if pinned:  # pinned terms: the escrow says whether they still hold
            self.suite.preflight_place_order(self.place_call(terms), buyer, self._action(quote))
        if quote.total > limit:
            raise Conflict(f"the total {self._tokens(quote.total, quote.token)} is above the maximum "
                           f"{self._tokens(limit, quote.token)}", limit_field, "total_above_maximum")
        balance = self.suite.balance(buyer, quote.token)
        if balance < quote.total:
            raise Conflict(f"the buyer's balance {self._tokens(balance, quote.token)} is less than the total "
                           f"{self._tokens(quote.total, quote.token)}", "buyer", "insufficient_balance")
        return quote, terms, pinned

    def place_call(self, terms: OrderTerms) -> ContractFunction:
        return self.suite.escrow.functions.placeOrder(terms.as_tuple())

    @staticmethod
    def _action(quote: Quote) -> str:
        return f"place order of product {quote.product_id} at hub {quote.hub_id}"

    def place_order(self, buyer: str, product_id: int, hub_id: int, quantity: int, max_total: int | None,
                    design_version: int | None = None, token: str | None = None,
                    max_lead_time_hours: int | None = None, max_total_tokens: str | None = None) -> dict[str, Any]:
        """placeOrder(terms) on `agreed_terms`, preceded by an approve of the total when the buyer's allowance
        does not cover it (payment.plan_payment without permits: this builds transactions only; the permit
        route has the buyer sign one)."""
        quote, terms, pinned = self.agreed_terms(buyer, product_id, hub_id, quantity, max_total, design_version,
                                                 token, max_lead_time_hours, max_total_tokens)
        action, call = self._action(quote), self.place_call(terms)
        plan = plan_payment(quote.token, quote.total, lambda: self.suite.allowance(buyer, quote.token), lambda: False)
        if plan.approves_first and not pinned:  # anything but the allowance: refused now (once)
            self.suite.preflight_place_order(call, buyer, action)
        nonce = self._nonce(buyer)
        transactions = [self._build_planned(planned, plan, call, buyer, nonce + index, action)
                        for index, planned in enumerate(plan.transactions)]
        return {"quote": quote_view(quote.to_dict(), self.units), "terms": terms_view(terms.to_dict(), self.units),
                "transactions": transactions}

    def _tokens(self, amount: int, token: str) -> str:
        """`amount` in token units and in base units: "13.2 gUSD (13200000 base units)"."""
        symbol, decimals = self.units.info(token)
        return f"{format_units(amount, decimals)} {symbol} ({amount} base units)"

    def _build_planned(self, planned: PlannedTransaction, plan: PaymentPlan, place: ContractFunction, buyer: str,
                       nonce: int, action: str) -> dict[str, Any]:
        if planned.step is Step.APPROVE:
            return self._build(self.suite.approve_call(plan.token, planned.amount), buyer, nonce,
                               "approve the escrow")
        if planned.step is Step.PLACE_ORDER:
            return self._build(place, buyer, nonce, action,
                               value=planned.value, gas=PLACE_ORDER_GAS_LIMIT if plan.approves_first else None)
        raise InputError(f"{action}: a permit needs the buyer's signature, not an unsigned transaction")

    def sequence(self, sender: str, steps: list[tuple[ContractFunction, str]]) -> dict[str, Any]:
        """`{"transactions": [...]}`: each (call, action) from `sender`, with consecutive nonces; a revert an
        estimate predicts is a ContractRevert naming the error, before anything is returned."""
        nonce = self._nonce(sender)
        return {"transactions": [self._build(call, sender, nonce + index, action)
                                 for index, (call, action) in enumerate(steps)]}

    def confirm_receipt(self, buyer: str, order_id: int) -> dict[str, Any]:
        call = self.suite.escrow.functions.confirmReceipt(order_id)
        return {"transactions": [self._build(call, buyer, self._nonce(buyer), f"confirm receipt of order {order_id}")]}

    def rate(self, buyer: str, order_id: int, rating: int) -> dict[str, Any]:
        call = self.suite.escrow.functions.rateOrder(order_id, rating)
        return {"transactions": [self._build(call, buyer, self._nonce(buyer), f"rate order {order_id}")]}
