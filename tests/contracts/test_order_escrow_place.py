"""OrderEscrow: placing orders (ERC-20, EIP-2612 permit, native coin) and every way it can fail."""

import brownie
import pytest
from brownie import accounts, web3
from eth_account import Account
from glocal_chain.chain.permit import sign_permit

from conftest import (ACCEPT_WINDOW, FEE_BPS, LEAD_TIME_HOURS, MAX_LEAD_TIME_HOURS, NATIVE_PRICE, PRICE,
                      ROYALTY_BPS, ZERO, Status, order_weight, reverts, unit_total)


def test_place_order_escrows_erc20_total_if_offer_live(escrow, token, product_id, hub_id, buyer, terms):
    before = token.balanceOf(buyer)
    tx = escrow.placeOrder(terms(3), {"from": buyer})
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
    assert order["designVersion"] == 1 and order["quorum"] == 1
    assert order["weight"] == order_weight(quantity=3) and 0 < order["weight"] < 10_000
    event = tx.events["OrderPlaced"]
    assert (event["orderId"], event["hubId"], event["buyer"], event["quantity"], event["amount"]) == (
        order_id, hub_id, buyer, 3, total)
    assert (event["designVersion"], event["token"], event["royalty"]) == (1, token, order["royalty"])
    assert escrow.orderCount() == order_id == 1


def test_place_order_escrows_native_coin_if_value_exact(escrow, buyer, terms):
    total = unit_total(NATIVE_PRICE) * 2
    before = escrow.balance()
    tx = escrow.placeOrder(terms(2, native=True), {"from": buyer, "value": total})
    assert escrow.balance() == before + total
    assert escrow.order(tx.return_value)["token"] == ZERO


def test_quote_order_returns_terms_of_placed_order_if_offer_live(escrow, token, product_id, hub_id, terms):
    quoted, royalty = escrow.quoteOrder(product_id, hub_id, 4)
    assert tuple(quoted) == terms(4)
    assert royalty == PRICE * ROYALTY_BPS // 10_000 * 4


def test_quote_order_reverts_if_lead_time_above_cap(escrow, products, product_id, hub_id, token, hub_operator):
    products.publishOffer(product_id, hub_id, token, PRICE, MAX_LEAD_TIME_HOURS + 1, {"from": hub_operator})
    with reverts("LeadTimeAboveCap"):
        escrow.quoteOrder(product_id, hub_id, 1)


def test_place_order_weighs_nothing_if_fee_rounds_to_zero(escrow, products, product_id, hub_id, token,
                                                          hub_operator, buyer, terms):
    products.publishOffer(product_id, hub_id, token, 1, LEAD_TIME_HOURS, {"from": hub_operator})
    tx = escrow.placeOrder(terms(maxTotal=1), {"from": buyer})
    assert escrow.order(tx.return_value)["weight"] == 0


def test_place_order_weighs_full_if_fee_reaches_unit(escrow, products, product_id, hub_id, token,
                                                     hub_operator, buyer, terms):
    price = 100 * 10**6  # a 2 gUSD fee, above the 1 gUSD unit
    products.publishOffer(product_id, hub_id, token, price, LEAD_TIME_HOURS, {"from": hub_operator})
    tx = escrow.placeOrder(terms(maxTotal=unit_total(price)), {"from": buyer})
    assert escrow.order(tx.return_value)["weight"] == order_weight(price) == 10_000


#: A different payment token than the offer's (any address: it only has to differ).
OTHER_TOKEN = "0x" + "22" * 20
NATIVE_TOTAL = unit_total(NATIVE_PRICE)


def placement_case(case_id: str, error: str, value: int = 0, **terms):
    """`terms`: the arguments of the `terms` fixture (quantity, native, any OrderTerms field); `value`: the native
    coin sent with the order."""
    return pytest.param(terms, value, error, id=case_id)


BAD_TERMS_OR_PAYMENT = [
    placement_case("quantity-zero", "InvalidQuantity", quantity=0, maxTotal=10**18),
    placement_case("total-above-maximum", "TotalAboveMaximum", maxTotal=unit_total() - 1),
    placement_case("token-differs-from-terms", "PaymentTokenChanged", token=OTHER_TOKEN),
    placement_case("design-version-differs-from-terms", "DesignVersionChanged", designVersion=2),
    placement_case("lead-time-above-terms", "LeadTimeAboveMaximum", maxLeadTimeHours=LEAD_TIME_HOURS - 1),
    placement_case("value-sent-with-erc20-order", "IncorrectPayment", value=1),
    placement_case("native-value-zero", "IncorrectPayment", value=0, native=True, maxTotal=NATIVE_TOTAL + 1),
    placement_case("native-value-short", "IncorrectPayment", value=NATIVE_TOTAL - 1, native=True,
                   maxTotal=NATIVE_TOTAL + 1),
    placement_case("native-value-over", "IncorrectPayment", value=NATIVE_TOTAL + 1, native=True,
                   maxTotal=NATIVE_TOTAL + 1),
]


@pytest.mark.parametrize("overrides, value, error", BAD_TERMS_OR_PAYMENT)
def test_place_order_reverts_if_terms_or_payment_wrong(escrow, buyer, terms, overrides, value, error):
    with reverts(error):
        escrow.placeOrder(terms(**overrides), {"from": buyer, "value": value})
    assert escrow.orderCount() == 0


def test_place_order_reverts_if_token_not_allowed(escrow, token, buyer, gov, terms):
    escrow.setPaymentToken(token, False, 1, {"from": gov})
    with reverts("PaymentTokenNotAllowed"):
        escrow.placeOrder(terms(), {"from": buyer})


def test_place_order_succeeds_if_lead_time_below_terms(escrow, buyer, terms):
    tx = escrow.placeOrder(terms(maxLeadTimeHours=LEAD_TIME_HOURS * 2), {"from": buyer})
    assert escrow.order(tx.return_value)["leadTimeHours"] == LEAD_TIME_HOURS


def test_place_order_reverts_if_lead_time_above_cap(escrow, products, product_id, hub_id, token, hub_operator,
                                                    buyer, terms):
    products.publishOffer(product_id, hub_id, token, PRICE, MAX_LEAD_TIME_HOURS + 1, {"from": hub_operator})
    with reverts("LeadTimeAboveCap"):
        escrow.placeOrder(terms(maxLeadTimeHours=2**16 - 1), {"from": buyer})


def test_place_order_reverts_if_paused(escrow, buyer, gov, terms):
    escrow.pause({"from": gov})
    with reverts("EnforcedPause"):
        escrow.placeOrder(terms(), {"from": buyer})
    escrow.unpause({"from": gov})
    escrow.placeOrder(terms(), {"from": buyer})


def test_place_order_reverts_if_no_offer(escrow, product_id, hub_id, buyer, products, hub_operator, terms):
    products.withdrawOffer(product_id, hub_id, {"from": hub_operator})
    with reverts("OfferNotFound"):
        escrow.placeOrder(terms(), {"from": buyer})


def test_place_order_reverts_if_product_retired(escrow, products, product_id, buyer, designer, terms):
    products.retireProduct(product_id, {"from": designer})
    with reverts("ProductNotActive"):
        escrow.placeOrder(terms(), {"from": buyer})


def test_place_order_reverts_if_hub_suspended(escrow, hubs, hub_id, buyer, gov, terms):
    hubs.suspendHub(hub_id, "", {"from": gov})
    with reverts("HubNotApproved"):
        escrow.placeOrder(terms(), {"from": buyer})


def test_place_order_reverts_if_allowance_missing(escrow, token, stranger, terms):
    token.mint(stranger, unit_total(), {"from": stranger})
    with reverts("ERC20InsufficientAllowance"):
        escrow.placeOrder(terms(), {"from": stranger})


def test_place_order_reverts_if_balance_missing(escrow, token, stranger, terms):
    token.approve(escrow, unit_total(), {"from": stranger})
    with reverts("ERC20InsufficientBalance"):
        escrow.placeOrder(terms(), {"from": stranger})


def _permit(token, owner: Account, spender, value: int, deadline: int):
    contract = web3.eth.contract(address=token.address, abi=token.abi)
    return sign_permit(contract, owner, spender.address, value, deadline)


def _permit_buyer(token, gov):
    local = Account.create()
    signer = accounts.add(local.key.hex())
    gov.transfer(signer, "1 ether")
    token.mint(signer, unit_total() * 10, {"from": gov})
    return local, signer


def test_place_order_with_permit_leaves_no_allowance_if_permit_signed(escrow, token, gov, terms):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, local, escrow, unit_total(), deadline)
    tx = escrow.placeOrderWithPermit(terms(), deadline, v, r, s, {"from": signer})
    assert escrow.order(tx.return_value)["amount"] == unit_total()
    assert token.balanceOf(escrow) == unit_total()
    assert token.allowance(signer, escrow) == 0  # the permit was for exactly the total


def test_place_order_with_permit_reverts_if_permit_value_not_total(escrow, token, gov, terms):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, local, escrow, unit_total() * 2, deadline)
    with reverts("PermitValueNotTotal"):
        escrow.placeOrderWithPermit(terms(maxTotal=unit_total() * 2), deadline, v, r, s, {"from": signer})
    assert token.allowance(signer, escrow) == 0


def test_place_order_with_permit_succeeds_if_permit_front_run(escrow, token, gov, stranger, terms):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, local, escrow, unit_total(), deadline)
    token.permit(signer, escrow, unit_total(), deadline, v, r, s, {"from": stranger})
    tx = escrow.placeOrderWithPermit(terms(), deadline, v, r, s, {"from": signer})
    assert escrow.order(tx.return_value)["status"] == Status.PAID
    assert token.allowance(signer, escrow) == 0


def test_place_order_with_permit_reverts_if_signature_invalid(escrow, token, gov, terms):
    local, signer = _permit_buyer(token, gov)
    deadline = brownie.chain.time() + 3600
    v, r, s = _permit(token, Account.create(), escrow, unit_total(), deadline)  # signed by someone else
    with reverts("ERC20InsufficientAllowance"):
        escrow.placeOrderWithPermit(terms(), deadline, v, r, s, {"from": signer})


def test_place_order_with_permit_reverts_if_offer_in_native_coin(escrow, buyer, terms):
    with reverts("PermitNeedsERC20"):
        escrow.placeOrderWithPermit(terms(native=True), 0, 27, b"\1" * 32, b"\1" * 32, {"from": buyer})


def test_place_order_with_permit_reverts_if_paused(escrow, buyer, gov, terms):
    escrow.pause({"from": gov})
    with reverts("EnforcedPause"):
        escrow.placeOrderWithPermit(terms(), 0, 27, b"\1" * 32, b"\1" * 32, {"from": buyer})


def test_order_reverts_if_unknown(escrow):
    with reverts("OrderNotFound"):
        escrow.order(12345)
