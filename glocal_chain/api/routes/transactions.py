"""/v1/transactions: unsigned transactions for external wallets; the client signs and sends them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from glocal_chain.api.deps import ApiServices, address, services
from glocal_chain.api.schemas import (
    OrderActionRequest,
    PlaceOrderRequest,
    RateRequest,
    UnsignedPlaceOrder,
    UnsignedTransactions,
)
from glocal_chain.errors import InvalidInput
from glocal_chain.web import error_responses

#: A body that cannot be read (400), a malformed one (422), what the contracts would refuse (409), the chain down.
RESPONSES = error_responses(400, 409, 422, 503)
router = APIRouter(prefix="/v1/transactions", tags=["transactions"], responses=RESPONSES)


@router.post("/place-order", response_model=UnsignedPlaceOrder)
def place_order(body: PlaceOrderRequest, api: ApiServices = Depends(services)) -> dict[str, object]:
    """placeOrder(terms) on the quoted terms (preceded by an approve of the total when the allowance is short),
    for the buyer to sign in order; `terms` in the answer is what the call binds. A total above the maximum
    the buyer gave, or above their balance, is a 409 (`total_above_maximum`, `insufficient_balance`)."""
    if {"max_total_base_units", "max_total_tokens"} <= body.model_fields_set:
        raise InvalidInput("give max_total_base_units or max_total_tokens, not both", "max_total_tokens")
    return api.transactions.place_order(address(body.buyer, "buyer"), body.product_id, body.hub_id, body.quantity,
                                        body.max_total_base_units, body.design_version,
                                        address(body.token, "token") if body.token is not None else None,
                                        body.max_lead_time_hours, body.max_total_tokens)


@router.post("/confirm-receipt", response_model=UnsignedTransactions)
def confirm_receipt(body: OrderActionRequest, api: ApiServices = Depends(services)) -> dict[str, object]:
    """confirmReceipt: the buyer says a shipped order arrived (pays out at once)."""
    return api.transactions.confirm_receipt(address(body.buyer, "buyer"), body.order_id)


@router.post("/rate", response_model=UnsignedTransactions)
def rate(body: RateRequest, api: ApiServices = Depends(services)) -> dict[str, object]:
    """rateOrder: the buyer rates the hub of a delivered order (1 to 5)."""
    return api.transactions.rate(address(body.buyer, "buyer"), body.order_id, body.rating)
