"""Placing an order with an EIP-2612 permit from a browser wallet: the API returns the typed data the buyer signs
(eth_signTypedData_v4) for exactly the total, then builds placeOrderWithPermit from the signature: one
transaction, no approve, no allowance left behind."""

from __future__ import annotations

from typing import Any

from web3.exceptions import BadFunctionCallOutput, ContractLogicError

from glocal_chain.api.amounts import quote_view, terms_view
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.chain.permit import PERMIT_TYPES
from glocal_chain.errors import Conflict
from glocal_chain.sdk.models import NATIVE_COIN, OrderTerms
from glocal_chain.sdk.placement import PERMIT_VALIDITY_S


class PermitOrders:
    def __init__(self, unsigned: UnsignedTransactions) -> None:
        self.unsigned = unsigned
        self.suite = unsigned.suite

    def _domain(self, token: str) -> dict[str, str]:
        """The token's EIP-712 domain (EIP-5267 `eip712Domain()`), or 409 `permit_unsupported`."""
        if token == NATIVE_COIN:
            raise Conflict("the native coin is paid with the order: no permit (use place-order)", "token",
                           "permit_unsupported")
        try:
            _, name, version, chain_id, contract, _, _ = self.suite.erc20(token).functions.eip712Domain().call()
        except (ContractLogicError, BadFunctionCallOutput, ValueError) as exc:
            raise Conflict(f"token {token} does not take EIP-2612 permits: approve, then place (use place-order)",
                           "token", "permit_unsupported") from exc
        return {"name": name, "version": version, "chainId": str(chain_id), "verifyingContract": contract}

    def typed_data(self, buyer: str, product_id: int, hub_id: int, quantity: int, max_total: int | None,
                   design_version: int | None = None, token: str | None = None, max_lead_time_hours: int | None = None,
                   max_total_tokens: str | None = None) -> dict[str, Any]:
        """The quote, the terms (their `max_total` exactly the total: the escrow requires the permit's value to
        be it), the permit's deadline and the typed data to sign; what the escrow would refuse apart from the
        payment is a 409 now, before the buyer signs anything."""
        quote, terms, _ = self.unsigned.agreed_terms(buyer, product_id, hub_id, quantity, max_total, design_version,
                                                     token, max_lead_time_hours, max_total_tokens)
        exact = terms.but(max_total=quote.total)
        domain = self._domain(exact.token)
        self.suite.preflight_place_order(self.unsigned.place_call(exact), buyer,
                                         f"place order of product {product_id} at hub {hub_id}")
        deadline = int(self.suite.w3.eth.get_block("latest")["timestamp"]) + PERMIT_VALIDITY_S
        nonce = self.suite.erc20(exact.token).functions.nonces(buyer).call()
        message = {"owner": buyer, "spender": self.suite.escrow.address, "value": str(quote.total),
                   "nonce": str(nonce), "deadline": str(deadline)}
        return {"quote": quote_view(quote.to_dict(), self.unsigned.units),
                "terms": terms_view(exact.to_dict(), self.unsigned.units), "deadline": deadline,
                "typed_data": {"types": PERMIT_TYPES, "primaryType": "Permit", "domain": domain, "message": message}}

    def place_with_permit(self, buyer: str, terms: OrderTerms, deadline: int, signature: str) -> dict[str, Any]:
        """placeOrderWithPermit(terms, deadline, v, r, s) from the buyer's 65-byte signature; a signature that
        does not permit the total (wrong signer, value, deadline or nonce) is refused by the token, a 409."""
        raw = bytes.fromhex(signature.removeprefix("0x"))
        r, s, v = raw[:32], raw[32:64], raw[64]
        if v < 27:  # some wallets give the recovery id (0 or 1) rather than 27 or 28
            v += 27
        call = self.suite.escrow.functions.placeOrderWithPermit(terms.as_tuple(), deadline, v, r, s)
        return self.unsigned.sequence(buyer, [(call, f"place order of product {terms.product_id} at hub "
                                                     f"{terms.hub_id} with a permit")])
