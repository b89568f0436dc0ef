"""OrderEscrow: every transition of the order state machine, its payouts, and every revert."""

import brownie
import pytest
from brownie import RevertingReceiver, web3

from conftest import (ACCEPT_WINDOW, ARBITRATION_WINDOW, DISPUTE_WINDOW, FEE_BPS, HOUR, LEAD_TIME_HOURS,
                      NATIVE_PRICE, ROLES, ZERO, Outcome, Status, order_weight, reverts, sleep_past, unit_total)

TRACK = web3.keccak(text="TRACK-1")


def split(amount: int, royalty: int, fee_bps: int = FEE_BPS):
    hub_gross = amount - royalty
    fee = hub_gross * fee_bps // 10_000
    return hub_gross - fee, royalty, fee


# ---------------------------------------------------------------- reverts of one shape
# Each row: an order walked to a status (NONE: an id no order has), optionally `wait` seconds later, one call from
# one account (a fixture's name), the custom error it must revert with. The order must be unchanged afterwards.

def revert_case(case_id: str, call: tuple, caller: str, status: int, error: str, wait: int = 0):
    """`call`: the escrow function's name, then its arguments after the order id."""
    method, *args = call
    return pytest.param(method, tuple(args), caller, status, wait, error, id=case_id)


WRONG_CALLER_OR_STATUS = [
    revert_case("cancel-by-stranger", ("cancelOrder",), "stranger", Status.PAID, "NotOrderBuyer"),
    revert_case("cancel-if-accepted", ("cancelOrder",), "buyer", Status.ACCEPTED, "InvalidOrderStatus"),
    revert_case("cancel-unknown-order", ("cancelOrder",), "buyer", Status.NONE, "OrderNotFound"),
    revert_case("reject-by-stranger", ("rejectOrder", ""), "stranger", Status.PAID, "NotOrderHub"),
    revert_case("reject-if-accepted", ("rejectOrder", ""), "hub_operator", Status.ACCEPTED, "InvalidOrderStatus"),
    revert_case("accept-by-other-hub", ("acceptOrder",), "other_operator", Status.PAID, "NotOrderHub"),
    revert_case("accept-if-accepted", ("acceptOrder",), "hub_operator", Status.ACCEPTED, "InvalidOrderStatus"),
    revert_case("ship-by-stranger", ("shipOrder", TRACK), "stranger", Status.ACCEPTED, "NotOrderHub"),
    revert_case("ship-if-paid", ("shipOrder", TRACK), "hub_operator", Status.PAID, "InvalidOrderStatus"),
    revert_case("claim-refund-by-stranger", ("claimRefund",), "stranger", Status.ACCEPTED, "NotOrderBuyer",
                wait=LEAD_TIME_HOURS * HOUR),
    revert_case("confirm-delivery-by-stranger", ("confirmDelivery",), "stranger", Status.SHIPPED,
                "AccessControlUnauthorizedAccount"),
    revert_case("confirm-delivery-if-paid", ("confirmDelivery",), "oracle", Status.PAID, "InvalidOrderStatus"),
    revert_case("confirm-receipt-by-stranger", ("confirmReceipt",), "stranger", Status.SHIPPED, "NotOrderBuyer"),
    revert_case("dispute-by-stranger", ("disputeOrder", ""), "stranger", Status.SHIPPED, "NotOrderBuyer"),
    revert_case("resolve-by-buyer", ("resolveDispute", 0), "buyer", Status.DISPUTED,
                "AccessControlUnauthorizedAccount"),
    revert_case("resolve-if-shipped", ("resolveDispute", 0), "arbiter", Status.SHIPPED, "InvalidOrderStatus"),
    revert_case("rate-by-stranger", ("rateOrder", 5), "stranger", Status.DELIVERED, "NotOrderBuyer"),
    revert_case("rate-if-shipped", ("rateOrder", 5), "buyer", Status.SHIPPED, "InvalidOrderStatus"),
]

WRONG_DEADLINE_OR_ARGUMENT = [
    revert_case("accept-after-accept-window", ("acceptOrder",), "hub_operator", Status.PAID, "DeadlinePassed",
                wait=ACCEPT_WINDOW),
    revert_case("ship-with-zero-tracking-ref", ("shipOrder", b"\0" * 32), "hub_operator", Status.ACCEPTED,
                "InvalidTrackingRef"),
    revert_case("claim-refund-before-ship-deadline", ("claimRefund",), "buyer", Status.ACCEPTED,
                "DeadlineNotReached"),
    revert_case("finalize-in-dispute-window", ("finalizeOrder",), "stranger", Status.SHIPPED, "DeadlineNotReached"),
    revert_case("dispute-after-dispute-window", ("disputeOrder", ""), "buyer", Status.SHIPPED, "DeadlinePassed",
                wait=DISPUTE_WINDOW),
    revert_case("resolve-bps-above-whole", ("resolveDispute", 10_001), "arbiter", Status.DISPUTED, "InvalidBps"),
    revert_case("settle-in-arbitration-window", ("settleExpiredDispute",), "stranger", Status.DISPUTED,
                "DeadlineNotReached"),
    revert_case("rate-out-of-range", ("rateOrder", 6), "buyer", Status.DELIVERED, "InvalidRating"),
]

UNKNOWN_ORDER_ID = 99


def walk_to(escrow, place, advance, buyer, status: int) -> int:
    """Places an order and walks it to `status`: Accepted, Shipped by its hub, then Disputed or Delivered by its
    buyer. Status.NONE: no order, an id none has."""
    if status == Status.NONE:
        return UNKNOWN_ORDER_ID
    order_id = place()
    advance(order_id, min(status, Status.SHIPPED))
    if status == Status.DISPUTED:
        escrow.disputeOrder(order_id, "", {"from": buyer})
    elif status == Status.DELIVERED:
        escrow.confirmReceipt(order_id, {"from": buyer})
    assert escrow.order(order_id)["status"] == status
    return order_id


def expect_revert(escrow, order_id: int, method: str, args: tuple, sender, error: str) -> None:
    before = None if order_id == UNKNOWN_ORDER_ID else escrow.order(order_id)
    with reverts(error):
        getattr(escrow, method)(order_id, *args, {"from": sender})
    if before is not None:
        assert escrow.order(order_id) == before


@pytest.mark.parametrize("method, args, caller, status, wait, error",
                         WRONG_CALLER_OR_STATUS + WRONG_DEADLINE_OR_ARGUMENT)
def test_order_call_reverts_if_caller_status_deadline_or_argument_wrong(request, escrow, place, advance, buyer,
                                                                        method, args, caller, status, wait, error):
    order_id = walk_to(escrow, place, advance, buyer, status)
    if wait:
        sleep_past(wait)
    expect_revert(escrow, order_id, method, args, request.getfixturevalue(caller), error)


# ---------------------------------------------------------------- cancel / reject

def test_cancel_order_refunds_buyer_if_paid(escrow, token, place, buyer, hub_id):
    order_id = place()
    tx = escrow.cancelOrder(order_id, {"from": buyer})
    assert escrow.order(order_id)["status"] == Status.REFUNDED
    assert escrow.owed(buyer, token) == unit_total()
    event = tx.events["OrderRefunded"]
    assert (event["orderId"], event["hubId"], event["buyer"], event["reason"], event["amount"]) == (
        order_id, hub_id, buyer, 0, unit_total())


def test_reject_order_refunds_buyer_with_reason_if_hub(escrow, token, place, buyer, hub_operator):
    order_id = place()
    tx = escrow.rejectOrder(order_id, "design hash mismatch", {"from": hub_operator})
    assert escrow.order(order_id)["status"] == Status.REFUNDED
    assert escrow.owed(buyer, token) == unit_total()
    assert tx.events["OrderRefunded"]["reason"] == 1
    assert tx.events["OrderRefunded"]["note"] == "design hash mismatch"


# ---------------------------------------------------------------- accept / ship / claim

def test_accept_order_sets_ship_deadline_if_hub_in_time(escrow, place, hub_operator, hub_id, buyer):
    order_id = place()
    tx = escrow.acceptOrder(order_id, {"from": hub_operator})
    order = escrow.order(order_id)
    assert order["status"] == Status.ACCEPTED
    assert order["deadline"] == tx.timestamp + LEAD_TIME_HOURS * HOUR
    event = tx.events["OrderAccepted"]
    assert (event["orderId"], event["hubId"], event["buyer"], event["shipBy"]) == (
        order_id, hub_id, buyer, order["deadline"])


def test_accept_order_reverts_if_hub_suspended(escrow, hubs, place, hub_operator, hub_id, gov):
    order_id = place()
    hubs.suspendHub(hub_id, "", {"from": gov})
    with reverts("HubNotApproved"):
        escrow.acceptOrder(order_id, {"from": hub_operator})


def test_ship_order_opens_dispute_window_if_hub(escrow, place, advance, hub_operator):
    order_id = place()
    advance(order_id, Status.ACCEPTED)
    tx = escrow.shipOrder(order_id, TRACK, {"from": hub_operator})
    order = escrow.order(order_id)
    assert order["status"] == Status.SHIPPED and not order["shippedLate"]
    assert order["deadline"] == tx.timestamp + DISPUTE_WINDOW
    event = tx.events["OrderShipped"]
    assert event["trackingRef"] == TRACK.to_0x_hex() and not event["late"]


def test_ship_order_succeeds_if_hub_suspended_after_accepting(escrow, hubs, place, advance, hub_operator, hub_id,
                                                               gov):
    order_id = place()
    advance(order_id, Status.ACCEPTED)
    hubs.suspendHub(hub_id, "", {"from": gov})
    escrow.shipOrder(order_id, TRACK, {"from": hub_operator})
    assert escrow.order(order_id)["status"] == Status.SHIPPED


def test_ship_order_marks_late_and_delivery_counts_late_if_after_ship_deadline(escrow, hubs, place, advance,
                                                                                hub_operator, hub_id, buyer):
    order_id = place()
    advance(order_id, Status.ACCEPTED)
    sleep_past(LEAD_TIME_HOURS * HOUR)
    tx = escrow.shipOrder(order_id, TRACK, {"from": hub_operator})
    assert tx.events["OrderShipped"]["late"]
    assert escrow.order(order_id)["shippedLate"]
    escrow.confirmReceipt(order_id, {"from": buyer})
    reputation = hubs.reputation(hub_id)
    assert (reputation["completed"], reputation["completedLate"]) == (0, 1)


def test_claim_refund_refunds_and_blames_hub_if_ship_deadline_passed(escrow, hubs, token, place, advance, buyer,
                                                                     hub_id):
    order_id = place()
    advance(order_id, Status.ACCEPTED)
    sleep_past(LEAD_TIME_HOURS * HOUR)
    tx = escrow.claimRefund(order_id, {"from": buyer})
    assert escrow.order(order_id)["status"] == Status.REFUNDED
    assert escrow.owed(buyer, token) == unit_total()
    assert tx.events["OrderRefunded"]["reason"] == 2
    assert hubs.reputation(hub_id)["refundedForFault"] == 1


# ---------------------------------------------------------------- delivery

def test_confirm_delivery_splits_payouts_if_quorum_of_one(escrow, hubs, token, place, advance, oracle, buyer,
                                                            hub_operator, designer, fund, hub_id):
    order_id = place(quantity=2)
    advance(order_id, Status.SHIPPED)
    order = escrow.order(order_id)
    tx = escrow.confirmDelivery(order_id, {"from": oracle})
    hub_payout, royalty, fee = split(order["amount"], order["royalty"])
    assert escrow.order(order_id)["status"] == Status.DELIVERED
    assert escrow.owed(hub_operator, token) == hub_payout
    assert escrow.owed(designer, token) == royalty
    assert escrow.owed(fund, token) == fee
    assert hub_payout + royalty + fee == order["amount"]
    assert tx.events["DeliveryConfirmed"]["confirmations"] == 1
    assert escrow.order(order_id)["confirmations"] == 1
    delivered = tx.events["OrderDelivered"]
    assert (delivered["hubPayout"], delivered["royalty"], delivered["fee"]) == (hub_payout, royalty, fee)
    assert (delivered["orderId"], delivered["hubId"], delivered["buyer"]) == (order_id, hub_id, buyer)
    assert hubs.reputation(hub_id)["completed"] == 1


def test_confirm_delivery_waits_for_quorum_if_quorum_above_one(escrow, place, advance, oracle, stranger, gov):
    escrow.grantRole(ROLES["ORACLE_ROLE"], stranger, {"from": gov})
    escrow.setQuorum(2, {"from": gov})
    order_id = place()
    advance(order_id, Status.SHIPPED)
    tx = escrow.confirmDelivery(order_id, {"from": oracle})
    assert "OrderDelivered" not in tx.events
    assert escrow.order(order_id)["status"] == Status.SHIPPED
    assert escrow.order(order_id)["confirmations"] == 1
    with reverts("AlreadyConfirmed"):
        escrow.confirmDelivery(order_id, {"from": oracle})
    tx = escrow.confirmDelivery(order_id, {"from": stranger})
    assert tx.events["DeliveryConfirmed"]["confirmations"] == 2
    assert escrow.order(order_id)["status"] == Status.DELIVERED
    assert escrow.order(order_id)["confirmations"] == 2


def test_confirm_delivery_uses_quorum_at_order_time_if_quorum_changed(escrow, place, advance, oracle, gov):
    order_id = place()
    escrow.setQuorum(2, {"from": gov})
    later = place()
    advance(order_id, Status.SHIPPED)
    advance(later, Status.SHIPPED)
    assert (escrow.order(order_id)["quorum"], escrow.order(later)["quorum"]) == (1, 2)
    escrow.confirmDelivery(order_id, {"from": oracle})
    escrow.confirmDelivery(later, {"from": oracle})
    assert escrow.order(order_id)["status"] == Status.DELIVERED
    assert escrow.order(later)["status"] == Status.SHIPPED


def test_confirm_delivery_reuses_vote_slot_if_voter_lost_role(escrow, place, advance, oracle, stranger,
                                                               other_buyer, gov):
    for account in (stranger, other_buyer):
        escrow.grantRole(ROLES["ORACLE_ROLE"], account, {"from": gov})
    escrow.setQuorum(3, {"from": gov})
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmDelivery(order_id, {"from": oracle})
    escrow.confirmDelivery(order_id, {"from": stranger})
    escrow.revokeRole(ROLES["ORACLE_ROLE"], oracle, {"from": gov})
    assert escrow.order(order_id)["confirmations"] == 1  # only the vote of an oracle that holds the role
    tx = escrow.confirmDelivery(order_id, {"from": other_buyer})  # takes the revoked oracle's slot
    assert tx.events["DeliveryConfirmed"]["confirmations"] == 2
    assert escrow.order(order_id)["status"] == Status.SHIPPED
    escrow.grantRole(ROLES["ORACLE_ROLE"], oracle, {"from": gov})  # reinstated: its old vote was overwritten
    tx = escrow.confirmDelivery(order_id, {"from": oracle})
    assert tx.events["DeliveryConfirmed"]["confirmations"] == 3
    assert escrow.order(order_id)["status"] == Status.DELIVERED


def test_confirm_delivery_takes_first_free_slot_if_several_voters_lost_role(escrow, place, advance, oracle,
                                                                            stranger, other_buyer, designer, gov):
    for account in (stranger, other_buyer, designer):
        escrow.grantRole(ROLES["ORACLE_ROLE"], account, {"from": gov})
    escrow.setQuorum(3, {"from": gov})
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmDelivery(order_id, {"from": oracle})
    escrow.confirmDelivery(order_id, {"from": stranger})
    for account in (oracle, stranger):
        escrow.revokeRole(ROLES["ORACLE_ROLE"], account, {"from": gov})
    escrow.confirmDelivery(order_id, {"from": other_buyer})  # slot 0 (the oracle's), slot 1 stays dead
    escrow.confirmDelivery(order_id, {"from": designer})  # slot 1 (the stranger's)
    assert escrow.order(order_id)["confirmations"] == 2
    escrow.grantRole(ROLES["ORACLE_ROLE"], stranger, {"from": gov})  # its vote was overwritten: it may vote
    tx = escrow.confirmDelivery(order_id, {"from": stranger})
    assert tx.events["DeliveryConfirmed"]["confirmations"] == 3
    assert escrow.order(order_id)["status"] == Status.DELIVERED


def test_confirm_receipt_delivers_if_buyer(escrow, token, place, advance, buyer, hub_operator):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    tx = escrow.confirmReceipt(order_id, {"from": buyer})
    assert escrow.order(order_id)["status"] == Status.DELIVERED
    assert escrow.owed(hub_operator, token) == tx.events["OrderDelivered"]["hubPayout"] > 0


def test_finalize_order_delivers_if_dispute_window_passed(escrow, place, advance, stranger):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    sleep_past(DISPUTE_WINDOW)
    escrow.finalizeOrder(order_id, {"from": stranger})
    assert escrow.order(order_id)["status"] == Status.DELIVERED


def test_delivered_order_is_final_if_anyone_tries_again(escrow, place, advance, buyer, oracle, hub_operator):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmReceipt(order_id, {"from": buyer})
    for call, sender in ((escrow.confirmReceipt, buyer), (escrow.confirmDelivery, oracle),
                         (escrow.cancelOrder, buyer), (escrow.acceptOrder, hub_operator),
                         (escrow.finalizeOrder, buyer)):
        with reverts("InvalidOrderStatus"):
            call(order_id, {"from": sender})
    with reverts("InvalidOrderStatus"):
        escrow.disputeOrder(order_id, "late", {"from": buyer})


# ---------------------------------------------------------------- disputes

def test_dispute_order_opens_arbitration_if_buyer_within_window(escrow, place, advance, buyer):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    tx = escrow.disputeOrder(order_id, "warped print", {"from": buyer})
    order = escrow.order(order_id)
    assert order["status"] == Status.DISPUTED
    assert order["deadline"] == tx.timestamp + ARBITRATION_WINDOW
    assert tx.events["OrderDisputed"]["reason"] == "warped print"
    assert tx.events["OrderDisputed"]["arbitrateBy"] == order["deadline"]


def test_resolve_dispute_splits_escrow_if_arbiter(escrow, hubs, token, place, advance, buyer, arbiter,
                                                  hub_operator, designer, fund, hub_id):
    order_id = place(quantity=3)
    advance(order_id, Status.SHIPPED)
    escrow.disputeOrder(order_id, "one part broken", {"from": buyer})
    order = escrow.order(order_id)
    tx = escrow.resolveDispute(order_id, 3_000, {"from": arbiter})
    refund = order["amount"] * 3_000 // 10_000
    royalty = order["royalty"] * 7_000 // 10_000
    hub_payout, _, fee = split(order["amount"] - refund, royalty)
    assert escrow.order(order_id)["status"] == Status.RESOLVED
    assert escrow.owed(buyer, token) == refund
    assert escrow.owed(designer, token) == royalty
    assert escrow.owed(hub_operator, token) == hub_payout
    assert escrow.owed(fund, token) == fee
    assert refund + royalty + hub_payout + fee == order["amount"]
    event = tx.events["DisputeResolved"]
    assert (event["arbiter"], event["refundBps"], event["refund"]) == (arbiter, 3_000, refund)
    assert hubs.reputation(hub_id)["disputesLost"] == 0


def test_resolve_dispute_counts_lost_dispute_if_buyer_refunded_in_full(escrow, hubs, token, place, advance,
                                                                        buyer, arbiter, hub_operator, hub_id):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.disputeOrder(order_id, "never arrived", {"from": buyer})
    escrow.resolveDispute(order_id, 10_000, {"from": arbiter})
    assert escrow.owed(buyer, token) == unit_total()
    assert escrow.owed(hub_operator, token) == 0
    assert hubs.reputation(hub_id)["disputesLost"] == 1


def test_settle_expired_dispute_splits_evenly_if_arbitration_window_passed(escrow, token, place, advance, buyer,
                                                                           stranger):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.disputeOrder(order_id, "", {"from": buyer})
    sleep_past(ARBITRATION_WINDOW)
    tx = escrow.settleExpiredDispute(order_id, {"from": stranger})
    assert escrow.order(order_id)["status"] == Status.RESOLVED
    assert escrow.owed(buyer, token) == unit_total() // 2
    event = tx.events["DisputeResolved"]
    assert event["arbiter"] == ZERO and event["refundBps"] == 5_000


def test_settle_expired_dispute_records_unjudged_dispute_if_arbiters_silent(escrow, hubs, place, advance, buyer,
                                                                            stranger, hub_id):
    """The arbiters' silence is not the hub's fault: its own outcome, outside reliability."""
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.disputeOrder(order_id, "", {"from": buyer})
    sleep_past(ARBITRATION_WINDOW)
    tx = escrow.settleExpiredDispute(order_id, {"from": stranger})
    assert tx.events["OutcomeRecorded"]["outcome"] == Outcome.DISPUTE_EXPIRED
    reputation = hubs.reputation(hub_id)
    assert (reputation["disputesLost"], reputation["disputesExpired"], reputation["finishedWeight"]) == (0, 1, 0)
    assert hubs.score(hub_id)[1] == 9_000


# ---------------------------------------------------------------- rating

def test_rate_order_records_rating_once_if_buyer_of_delivered_order(escrow, hubs, place, advance, buyer, hub_id):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmReceipt(order_id, {"from": buyer})
    tx = escrow.rateOrder(order_id, 4, {"from": buyer})
    assert escrow.order(order_id)["rated"]
    assert tx.events["OrderRated"]["rating"] == 4
    weight = order_weight()
    assert (tx.events["HubRated"]["rating"], tx.events["HubRated"]["raterWeight"]) == (4, weight)
    assert list(hubs.ratings(hub_id)) == [1, weight, 4 * weight]
    assert list(hubs.raterRecord(hub_id, buyer)) == [4, weight]
    with reverts("AlreadyRated"):
        escrow.rateOrder(order_id, 5, {"from": buyer})


# ---------------------------------------------------------------- withdrawals and pause

def test_withdraw_pays_out_erc20_if_owed(escrow, token, place, advance, buyer, hub_operator):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmReceipt(order_id, {"from": buyer})
    owed = escrow.owed(hub_operator, token)
    before = token.balanceOf(hub_operator)
    tx = escrow.withdraw(token, {"from": hub_operator})
    assert token.balanceOf(hub_operator) == before + owed
    assert escrow.owed(hub_operator, token) == 0
    assert tx.events["PayoutWithdrawn"]["amount"] == owed
    with reverts("NothingToWithdraw"):
        escrow.withdraw(token, {"from": hub_operator})


def test_withdraw_pays_out_native_coin_if_owed(escrow, place, buyer):
    order_id = place(native=True)
    escrow.cancelOrder(order_id, {"from": buyer})
    before = buyer.balance()
    tx = escrow.withdraw(ZERO, {"from": buyer, "gas_price": 0})
    assert buyer.balance() == before + unit_total(NATIVE_PRICE)
    assert tx.events["PayoutWithdrawn"]["token"] == ZERO


def test_withdraw_reverts_if_token_unknown(escrow, stranger):
    with reverts("NothingToWithdraw"):
        escrow.withdraw(stranger, {"from": stranger})


def test_withdraw_keeps_credit_if_receiver_refuses_native_coin(escrow, product_id, native_hub_id, gov):
    receiver = RevertingReceiver.deploy(escrow, {"from": gov})
    total = unit_total(NATIVE_PRICE)
    order_id = receiver.place(product_id, native_hub_id, 1, {"from": gov, "value": total}).return_value
    receiver.cancel(order_id, {"from": gov})
    with reverts("NativeTransferFailed"):
        receiver.withdrawNative({"from": gov})
    assert escrow.owed(receiver, ZERO) == total


def test_withdraw_blocks_reentry_if_receiver_reenters(escrow, product_id, native_hub_id, gov):
    receiver = RevertingReceiver.deploy(escrow, {"from": gov})
    total = unit_total(NATIVE_PRICE)
    order_id = receiver.place(product_id, native_hub_id, 1, {"from": gov, "value": total}).return_value
    receiver.cancel(order_id, {"from": gov})
    receiver.setReenter(True, {"from": gov})
    balance = escrow.balance()
    with reverts("NativeTransferFailed"):  # the re-entrant withdraw reverts inside the receive hook
        receiver.withdrawNative({"from": gov})
    assert escrow.balance() == balance and escrow.owed(receiver, ZERO) == total


def test_refund_claim_and_withdraw_work_if_paused(escrow, token, place, advance, buyer, oracle, gov):
    paid, accepted, shipped = place(), place(), place()
    advance(accepted, Status.ACCEPTED)
    advance(shipped, Status.SHIPPED)
    escrow.pause({"from": gov})
    escrow.cancelOrder(paid, {"from": buyer})
    escrow.confirmDelivery(shipped, {"from": oracle})
    sleep_past(LEAD_TIME_HOURS * HOUR)
    escrow.claimRefund(accepted, {"from": buyer})
    escrow.withdraw(token, {"from": buyer})
    assert escrow.owed(buyer, token) == 0
    assert brownie.history[-1].status == 1


def test_withdraw_pays_community_fees_to_current_fund_if_fund_changed(escrow, token, place, advance, buyer, fund,
                                                                      stranger, gov):
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmReceipt(order_id, {"from": buyer})
    fee = escrow.owed(fund, token)
    assert fee > 0
    escrow.setCommunityFund(stranger, {"from": gov})
    assert escrow.owed(fund, token) == 0 and escrow.owed(stranger, token) == fee
    with reverts("NothingToWithdraw"):
        escrow.withdraw(token, {"from": fund})
    before = token.balanceOf(stranger)
    escrow.withdraw(token, {"from": stranger})
    assert token.balanceOf(stranger) == before + fee
    assert escrow.owed(stranger, token) == 0


def test_withdraw_pays_fund_its_own_credit_and_fees_if_fund_also_bought(escrow, token, place, advance, buyer,
                                                                         gov):
    escrow.setCommunityFund(buyer, {"from": gov})
    refunded, delivered = place(), place()
    escrow.cancelOrder(refunded, {"from": buyer})
    advance(delivered, Status.SHIPPED)
    escrow.confirmReceipt(delivered, {"from": buyer})
    owed = escrow.owed(buyer, token)
    assert owed > unit_total()  # its refund plus the community fee
    before = token.balanceOf(buyer)
    escrow.withdraw(token, {"from": buyer})
    assert token.balanceOf(buyer) == before + owed and escrow.owed(buyer, token) == 0


def test_delivery_uses_fee_at_order_time_if_fee_changed(escrow, token, place, advance, buyer, fund, gov):
    order_id = place()
    escrow.setFee(1_000, {"from": gov})
    advance(order_id, Status.SHIPPED)
    escrow.confirmReceipt(order_id, {"from": buyer})
    order = escrow.order(order_id)
    assert escrow.owed(fund, token) == split(order["amount"], order["royalty"], FEE_BPS)[2]
