"""Unsigned transactions for external wallets: the API fills in everything but the signature."""

from __future__ import annotations

from typing import Any

from web3.contract.contract import ContractFunction

from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.transactions import build_call
from glocal_chain.sdk.models import NATIVE_COIN
from glocal_chain.sdk.suite import GlocalSuite, InputError

# Gas limit for placeOrder when it cannot be estimated yet (the approve before it is not mined).
PLACE_ORDER_GAS_LIMIT = 250_000


class UnsignedTransactions:
    def __init__(self, suite: GlocalSuite, gas_policy: GasPolicy) -> None:
        self.suite = suite
        self.gas_policy = gas_policy

    def _build(self, call: ContractFunction, sender: str, nonce: int, action: str, value: int = 0,
               gas: int | None = None) -> dict[str, Any]:
        tx = build_call(self.suite.w3, call, sender, action, self.gas_policy, value, nonce, gas)
        return {"description": action, **{k: (hex(v) if isinstance(v, int) and k != "chainId" else v)
                                           for k, v in tx.items()}}

    def _nonce(self, sender: str) -> int:
        return int(self.suite.w3.eth.get_transaction_count(sender, "pending"))  # type: ignore[arg-type]

    def place_order(self, buyer: str, product_id: int, hub_id: int, quantity: int,
                    max_total: int | None) -> dict[str, Any]:
        """placeOrder, preceded by an approve when the buyer's allowance does not cover the total."""
        quote = self.suite.quote(product_id, hub_id, quantity)
        limit = quote.total if max_total is None else max_total
        if quote.total > limit:
            raise InputError(f"the total {quote.total} is above max_total {limit}")
        balance = self.suite.balance(buyer, quote.token)
        if balance < quote.total:
            raise InputError(f"the buyer's balance {balance} is less than the total {quote.total}")
        nonce = self._nonce(buyer)
        call = self.suite.escrow.functions.placeOrder(product_id, hub_id, quantity, limit)
        action = f"place order of product {product_id} at hub {hub_id}"
        transactions = []
        if quote.token == NATIVE_COIN:
            transactions.append(self._build(call, buyer, nonce, action, value=quote.total))
        else:
            token = self.suite.erc20(quote.token)
            if token.functions.allowance(buyer, self.suite.escrow.address).call() >= quote.total:
                transactions.append(self._build(call, buyer, nonce, action))
            else:
                approve = token.functions.approve(self.suite.escrow.address, quote.total)
                transactions.append(self._build(approve, buyer, nonce, "approve the escrow"))
                transactions.append(self._build(call, buyer, nonce + 1, action, gas=PLACE_ORDER_GAS_LIMIT))
        return {"quote": quote.to_dict(), "transactions": transactions}

    def confirm_receipt(self, buyer: str, order_id: int) -> dict[str, Any]:
        call = self.suite.escrow.functions.confirmReceipt(order_id)
        return {"transactions": [self._build(call, buyer, self._nonce(buyer), f"confirm receipt of order {order_id}")]}

    def rate(self, buyer: str, order_id: int, rating: int) -> dict[str, Any]:
        call = self.suite.escrow.functions.rateOrder(order_id, rating)
        return {"transactions": [self._build(call, buyer, self._nonce(buyer), f"rate order {order_id}")]}
