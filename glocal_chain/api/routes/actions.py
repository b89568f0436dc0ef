"""/v1/transactions/<action>: the unsigned transactions of hub operators, buyers, designers, arbiters and the
consortium's member cities (the web app's buttons), and placing an order with an EIP-2612 permit. Each body names
the signer in `from`; the answer is `{"transactions": [...]}` to sign and send in order."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from glocal_chain.api import action_schemas as req
from glocal_chain.api.actions import Actions
from glocal_chain.api.amounts import uint256
from glocal_chain.api.deps import ApiServices, address, services
from glocal_chain.api.permit import PermitOrders
from glocal_chain.api.routes.transactions import RESPONSES
from glocal_chain.api.schemas import PlaceOrderRequest, UnsignedTransactions
from glocal_chain.errors import InvalidInput
from glocal_chain.sdk.models import OrderTerms
from glocal_chain.web import error_responses

router = APIRouter(prefix="/v1/transactions", tags=["transactions"], responses=RESPONSES)
#: Also a 404: no consortium on this deployment (`no_consortium`), or no such proposal.
CONSORTIUM = error_responses(404)
Built = dict[str, object]


def _actions(api: ApiServices) -> Actions:
    return Actions(api.transactions, api.designs, api.units)


def _from(body: req.ActionRequest) -> str:
    return address(body.sender, "from")


@router.post("/accept-order", response_model=UnsignedTransactions)
def accept_order(body: req.OrderAction, api: ApiServices = Depends(services)) -> Built:
    """acceptOrder: the hub's operator takes a paid order (before the accept window closes)."""
    return _actions(api).accept_order(_from(body), body.order_id)


@router.post("/reject-order", response_model=UnsignedTransactions)
def reject_order(body: req.ReasonedOrderAction, api: ApiServices = Depends(services)) -> Built:
    """rejectOrder: the hub's operator turns a paid order down (the buyer is refunded in full)."""
    return _actions(api).reject_order(_from(body), body.order_id, body.reason)


@router.post("/ship-order", response_model=UnsignedTransactions)
def ship_order(body: req.ShipOrder, api: ApiServices = Depends(services)) -> Built:
    """shipOrder: the hub's operator ships an accepted order by hand (the keccak256 of `tracking` goes on chain)."""
    return _actions(api).ship_order(_from(body), body.order_id, body.tracking)


@router.post("/cancel-order", response_model=UnsignedTransactions)
def cancel_order(body: req.OrderAction, api: ApiServices = Depends(services)) -> Built:
    """cancelOrder: the buyer cancels an order not accepted yet (refunded in full)."""
    return _actions(api).cancel_order(_from(body), body.order_id)


@router.post("/claim-refund", response_model=UnsignedTransactions)
def claim_refund(body: req.OrderAction, api: ApiServices = Depends(services)) -> Built:
    """claimRefund: the buyer reclaims an order the hub did not accept or ship in time."""
    return _actions(api).claim_refund(_from(body), body.order_id)


@router.post("/dispute", response_model=UnsignedTransactions)
def dispute(body: req.ReasonedOrderAction, api: ApiServices = Depends(services)) -> Built:
    """disputeOrder: the buyer disputes a shipped or delivered order within the dispute window."""
    return _actions(api).dispute(_from(body), body.order_id, body.reason)


@router.post("/resolve-dispute", response_model=UnsignedTransactions)
def resolve_dispute(body: req.ResolveDispute, api: ApiServices = Depends(services)) -> Built:
    """resolveDispute: an arbiter splits a disputed order (`refund_bps` to the buyer, the rest to the hub)."""
    return _actions(api).resolve_dispute(_from(body), body.order_id, body.refund_bps)


@router.post("/withdraw", response_model=UnsignedTransactions)
def withdraw(body: req.Withdraw, api: ApiServices = Depends(services)) -> Built:
    """withdraw: pays `from` what the escrow owes it in `token` (earnings, royalties, refunds); nothing owed is
    a 409 `NothingToWithdraw`."""
    return _actions(api).withdraw(_from(body), address(body.token, "token"))


@router.post("/publish-offer", response_model=UnsignedTransactions)
def publish_offer(body: req.PublishOffer, api: ApiServices = Depends(services)) -> Built:
    """publishOffer: a hub's price (base units or token units) and lead time for a product, new or changed."""
    return _actions(api).publish_offer(_from(body), body.product_id, body.hub_id, address(body.token, "token"),
                                       body.price_base_units, body.price_tokens, body.lead_time_hours)


@router.post("/withdraw-offer", response_model=UnsignedTransactions)
def withdraw_offer(body: req.OfferAction, api: ApiServices = Depends(services)) -> Built:
    """withdrawOffer: the hub stops offering the product."""
    return _actions(api).withdraw_offer(_from(body), body.product_id, body.hub_id)


@router.post("/register-hub", response_model=UnsignedTransactions)
def register_hub(body: req.RegisterHub, api: ApiServices = Depends(services)) -> Built:
    """registerHub: a new hub (pending until the consortium, or the city of its area, approves it)."""
    return _actions(api).register_hub(_from(body), body.geohash, body.capabilities, body.metadata_uri)


@router.post("/register-product", response_model=UnsignedTransactions)
def register_product(body: req.RegisterProduct, api: ApiServices = Depends(services)) -> Built:
    """registerProduct: a designer's product whose design is already in the store (else 409
    `design_not_stored`)."""
    return _actions(api).register_product(_from(body), body.design_sha256, body.metadata_uri, body.royalty_bps)


@router.post("/publish-version", response_model=UnsignedTransactions)
def publish_version(body: req.PublishVersion, api: ApiServices = Depends(services)) -> Built:
    """publishVersion: a new design version of the designer's product (its design in the store)."""
    return _actions(api).publish_version(_from(body), body.product_id, body.design_sha256, body.metadata_uri)


@router.post("/approve-hub", response_model=UnsignedTransactions)
def approve_hub(body: req.HubAction, api: ApiServices = Depends(services)) -> Built:
    """approveHub: a member city approves a hub in its areas; elsewhere it is a 409 `HubOutsideApproverArea`
    (a proposal of the consortium approves it there)."""
    return _actions(api).approve_hub(_from(body), body.hub_id)


@router.post("/suspend-hub", response_model=UnsignedTransactions)
def suspend_hub(body: req.SuspendHub, api: ApiServices = Depends(services)) -> Built:
    """suspendHub: a member city suspends a hub in its areas."""
    return _actions(api).suspend_hub(_from(body), body.hub_id, body.reason)


@router.post("/pause", response_model=UnsignedTransactions)
def pause(body: req.ActionRequest, api: ApiServices = Depends(services)) -> Built:
    """pause: a pauser stops new orders and new offers at once (two transactions); unpausing is a proposal."""
    return _actions(api).pause(_from(body))


@router.post("/propose-approve-hub", response_model=UnsignedTransactions, responses=CONSORTIUM)
def propose_approve_hub(body: req.HubAction, api: ApiServices = Depends(services)) -> Built:
    """propose: a member city proposes that the consortium approve a hub outside every city's area."""
    return _actions(api).propose_approve_hub(_from(body), body.hub_id)


@router.post("/propose-unpause", response_model=UnsignedTransactions, responses=CONSORTIUM)
def propose_unpause(body: req.ActionRequest, api: ApiServices = Depends(services)) -> Built:
    """propose: a member city proposes to lift the pause (409 `not_paused` when nothing is paused)."""
    return _actions(api).propose_unpause(_from(body))


@router.post("/vote", response_model=UnsignedTransactions, responses=CONSORTIUM)
def vote(body: req.Vote, api: ApiServices = Depends(services)) -> Built:
    """castVoteWithReason: a member city votes on an open proposal (a non-member is a 409 `not_a_member`)."""
    return _actions(api).vote(_from(body), body.proposal_id, body.support, body.reason)


@router.post("/queue", response_model=UnsignedTransactions, responses=CONSORTIUM)
def queue(body: req.ProposalAction, api: ApiServices = Depends(services)) -> Built:
    """queue: a proposal that passed goes to the timelock."""
    return _actions(api).queue(_from(body), body.proposal_id)


@router.post("/execute", response_model=UnsignedTransactions, responses=CONSORTIUM)
def execute(body: req.ProposalAction, api: ApiServices = Depends(services)) -> Built:
    """execute: a queued proposal whose timelock delay has passed is carried out."""
    return _actions(api).execute(_from(body), body.proposal_id)


@router.post("/place-order/permit", response_model=req.PermitToSign)
def place_order_permit(body: PlaceOrderRequest, api: ApiServices = Depends(services)) -> Built:
    """The EIP-2612 permit the buyer signs (eth_signTypedData_v4 of `typed_data`) for exactly the quoted total,
    with the `terms` and `deadline` to send back with the signature; a token without permits (the native coin
    included) is a 409 `permit_unsupported`."""
    if {"max_total_base_units", "max_total_tokens"} <= body.model_fields_set:
        raise InvalidInput("give max_total_base_units or max_total_tokens, not both", "max_total_tokens")
    return PermitOrders(api.transactions).typed_data(
        address(body.buyer, "buyer"), body.product_id, body.hub_id, body.quantity, body.max_total_base_units,
        body.design_version, address(body.token, "token") if body.token is not None else None,
        body.max_lead_time_hours, body.max_total_tokens)


@router.post("/place-order-with-permit", response_model=UnsignedTransactions)
def place_order_with_permit(body: req.PlaceOrderWithPermit, api: ApiServices = Depends(services)) -> Built:
    """placeOrderWithPermit: the order on the signed terms, paid by the permit (one transaction)."""
    t = body.terms
    terms = OrderTerms(t.product_id, t.hub_id, t.quantity, t.design_version, address(t.token, "token"),
                       t.max_lead_time_hours, uint256(t.max_total_base_units, "max_total_base_units"))
    return PermitOrders(api.transactions).place_with_permit(address(body.buyer, "buyer"), terms,
                                                            uint256(body.deadline, "deadline"), body.signature)
