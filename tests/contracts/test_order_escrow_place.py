"""OrderEscrow: placing orders (ERC-20, EIP-2612 permit, native coin) and every way it can fail."""

import brownie
from brownie import accounts, web3
from eth_account import Account
from glocal_chain.chain.permit import sign_permit

from conftest import (ACCEPT_WINDOW, FEE_BPS, LEAD_TIME_HOURS, NATIVE_PRICE, PRICE, ROYALTY_BPS, ZERO, Status,
                      reverts, unit_total)


def test_place_order_escrows_erc20_total_if_offer_live(escrow, token, product_id, hub_id, buyer):
    before = token.balanceOf(buyer)
    tx = escrow.placeOrder(product_id, hub_id, 3, unit_total() * 3, {"from": buyer})
    order_id = tx.return_value
    total = unit_total() * 3
    assert token.balanceOf(buyer) == before - total
    assert token.balanceOf(escrow) == total
    order = escrow.order(order_id)
    assert order["buyer"] == buyer and order["hubId"] == hub_id and order["productId"] == product_id
    assert order["token"] == token and order["amount"] == total
    assert order["royalty"] == PRICE * ROYALTY_BPS // 10_000 * 3
    assert order["status"] == Status.PAID and order["feeBps"] == FEE_BPS
    assert order["deadline"] == tx.timestamp + ACCEPT_WINDOW
    assert order["leadTimeHours"] == LEAD_TIME_HOURS
    event = tx.events["OrderPlaced"]
    assert (event["orderId"], event["hubId"], event["buyer"], event["quantity"], event["amount"]) == (
        order_id, hub_id, buyer, 3, total)
    assert escrow.orderCount() == order_id == 1


def test_place_order_escrows_native_coin_if_value_exact(escrow, product_id, native_hub_id, buyer):
    total = unit_total(NATIVE_PRICE) * 2
    before = escrow.balance()
    tx = escrow.placeOrder(product_id, native_hub_id, 2, total, {"from": buyer, "value": total})
    assert escrow.balance() == before + total
    assert escrow.order(tx.return_value)["token"] == ZERO


def test_quote_order_matches_placed_total_if_offer_live(escrow, token, product_id, hub_id):
    assert list(escrow.quoteOrder(product_id, hub_id, 4)) == [token, unit_total() * 4,
                                                             PRICE * ROYALTY_BPS // 10_000 * 4]


def test_place_order_reverts_if_quantity_zero(escrow, product_id, hub_id, buyer):
    with reverts("InvalidQuantity"):
        escrow.placeOrder(product_id, hub_id, 0, 10**18, {"from": buyer})


def test_place_order_reverts_if_total_above_maximum(escrow, product_id, hub_id, buyer):
    with reverts("TotalAboveMaximum"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total() - 1, {"from": buyer})


def test_place_order_reverts_if_token_not_allowed(escrow, token, product_id, hub_id, buyer, gov):
    escrow.setPaymentToken(token, False, {"from": gov})
    with reverts("PaymentTokenNotAllowed"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer})


def test_place_order_reverts_if_value_sent_with_erc20_order(escrow, product_id, hub_id, buyer):
    with reverts("IncorrectPayment"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer, "value": 1})


def test_place_order_reverts_if_native_value_wrong(escrow, product_id, native_hub_id, buyer):
    total = unit_total(NATIVE_PRICE)
    for value in (0, total - 1, total + 1):
        with reverts("IncorrectPayment"):
            escrow.placeOrder(product_id, native_hub_id, 1, total + 1, {"from": buyer, "value": value})


def test_place_order_reverts_if_paused(escrow, product_id, hub_id, buyer, gov):
    escrow.pause({"from": gov})
    with reverts("EnforcedPause"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer})
    escrow.unpause({"from": gov})
    escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer})


def test_place_order_reverts_if_no_offer(escrow, product_id, hub_id, buyer, products, hub_operator):
    products.withdrawOffer(product_id, hub_id, {"from": hub_operator})
    with reverts("OfferNotFound"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer})


def test_place_order_reverts_if_product_retired(escrow, products, product_id, hub_id, buyer, designer):
    products.retireProduct(product_id, {"from": designer})
    with reverts("ProductNotActive"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer})


def test_place_order_reverts_if_hub_suspended(escrow, hubs, product_id, hub_id, buyer, gov):
    hubs.suspendHub(hub_id, "", {"from": gov})
    with reverts("HubNotApproved"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": buyer})


def test_place_order_reverts_if_allowance_missing(escrow, token, product_id, hub_id, stranger):
    token.mint(stranger, unit_total(), {"from": stranger})
    with reverts("ERC20InsufficientAllowance"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": stranger})


def test_place_order_reverts_if_balance_missing(escrow, token, product_id, hub_id, stranger):
    token.approve(escrow, unit_total(), {"from": stranger})
    with reverts("ERC20InsufficientBalance"):
        escrow.placeOrder(product_id, hub_id, 1, unit_total(), {"from": stranger})


def _permit(token, owner: Account, spender, value: int, deadline: int):
    contract = web3.eth.contract(address=token.address, abi=token.abi)
    return sign_permit(contract, owner, spender.address, value, deadline)


def _permit_buyer(token, gov):
    local = Account.create()
    signer = accounts.add(local.key.hex())
    gov.transfer(signer, "1 ether")
    token.mint(signer, unit_total() * 10, {"from": gov})
    return local, signer


def test_place_order_with_permit_escrows_total_if_permit_signed(escrow, token, product_id, hub_id, gov):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, local, escrow, unit_total() * 2, deadline)
    tx = escrow.placeOrderWithPermit(product_id, hub_id, 1, unit_total() * 2, deadline, v, r, s, {"from": signer})
    assert escrow.order(tx.return_value)["amount"] == unit_total()
    assert token.balanceOf(escrow) == unit_total()
    assert token.allowance(signer, escrow) == unit_total()  # permit value minus what the order took


def test_place_order_with_permit_succeeds_if_permit_front_run(escrow, token, product_id, hub_id, gov, stranger):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, local, escrow, unit_total(), deadline)
    token.permit(signer, escrow, unit_total(), deadline, v, r, s, {"from": stranger})
    tx = escrow.placeOrderWithPermit(product_id, hub_id, 1, unit_total(), deadline, v, r, s, {"from": signer})
    assert escrow.order(tx.return_value)["status"] == Status.PAID


def test_place_order_with_permit_reverts_if_signature_invalid(escrow, token, product_id, hub_id, gov):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, Account.create(), escrow, unit_total(), deadline)  # signed by someone else
    with reverts("ERC20InsufficientAllowance"):
        escrow.placeOrderWithPermit(product_id, hub_id, 1, unit_total(), deadline, v, r, s, {"from": signer})


def test_place_order_with_permit_reverts_if_offer_in_native_coin(escrow, product_id, native_hub_id, buyer):
    with reverts("PermitNeedsERC20"):
        escrow.placeOrderWithPermit(product_id, native_hub_id, 1, 10**18, 0, 27, b"\1" * 32, b"\1" * 32,
                                    {"from": buyer})


def test_place_order_with_permit_reverts_if_paused(escrow, product_id, hub_id, buyer, gov):
    escrow.pause({"from": gov})
    with reverts("EnforcedPause"):
        escrow.placeOrderWithPermit(product_id, hub_id, 1, 10**18, 0, 27, b"\1" * 32, b"\1" * 32, {"from": buyer})


def test_order_reverts_if_unknown(escrow):
    with reverts("OrderNotFound"):
        escrow.order(12345)
