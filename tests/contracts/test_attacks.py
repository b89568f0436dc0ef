"""Attacks on the buyer's promise ("you pay what you saw, for what you saw, and your money never sits locked for
long") and on reputation, each tried as an attacker would. docs/contracts.md, "Threat model", lists each attack
with its defence and the test here that tries it."""

from brownie import TestToken, accounts, web3

from conftest import (ACCEPT_WINDOW, DESIGN_HASH, FEE_BPS, HOUR, LEAD_TIME_HOURS, MAX_LEAD_TIME_HOURS,
                      PRICE, RATING_FEE_UNIT, ROLES, Status, reverts, sleep_past, unit_total)

NEW_HASH = "0x" + "cd" * 32
ROUNDS = 20


# ---------------------------------------------------------------- the hub changes the terms after the quote

def test_place_order_reverts_if_hub_switches_token_after_quote(escrow, products, product_id, hub_id, hub_operator,
                                                               buyer, gov, terms):
    """The governor allowlists a second token the buyer has a standing approval for; the hub republishes its
    offer in it at the same number. The buyer's quoted terms name the first token: nothing is taken."""
    other = TestToken.deploy("Other Dollar", "ODL", 18, {"from": gov})
    escrow.setPaymentToken(other, True, RATING_FEE_UNIT, {"from": gov})
    other.mint(buyer, 10**24, {"from": buyer})
    other.approve(escrow, 2**256 - 1, {"from": buyer})
    quoted = tuple(escrow.quoteOrder(product_id, hub_id, 1)[0])
    products.publishOffer(product_id, hub_id, other, PRICE, LEAD_TIME_HOURS, {"from": hub_operator})
    with reverts("PaymentTokenChanged"):
        escrow.placeOrder(quoted, {"from": buyer})
    assert other.balanceOf(buyer) == 10**24 and escrow.orderCount() == 0
    assert quoted == terms()


def test_place_order_reverts_if_hub_stretches_lead_time_after_quote(escrow, products, product_id, hub_id, token,
                                                                    hub_operator, buyer, terms):
    """The hub republishes the same price with a lead time of 65,535 hours (7.48 years): the quoted terms
    refuse it, and so does governance's cap for a buyer who agreed to any lead time."""
    quoted = terms()
    products.publishOffer(product_id, hub_id, token, PRICE, 2**16 - 1, {"from": hub_operator})
    with reverts("LeadTimeAboveMaximum"):
        escrow.placeOrder(quoted, {"from": buyer})
    with reverts("LeadTimeAboveCap"):
        escrow.placeOrder(terms(maxLeadTimeHours=2**16 - 1), {"from": buyer})
    assert escrow.orderCount() == 0


def test_claim_refund_opens_within_windows_and_cap_if_hub_accepts_late_and_never_ships(
        escrow, products, product_id, hub_id, token, hub_operator, buyer, terms):
    """The worst a hub can do to a paid order before shipping: take the longest lead time governance allows,
    accept at the last moment and never ship. The buyer's refund still opens within accept window + cap."""
    products.publishOffer(product_id, hub_id, token, PRICE, MAX_LEAD_TIME_HOURS, {"from": hub_operator})
    placed = escrow.placeOrder(terms(maxLeadTimeHours=MAX_LEAD_TIME_HOURS), {"from": buyer})
    sleep_past(ACCEPT_WINDOW - 60)
    escrow.acceptOrder(placed.return_value, {"from": hub_operator})
    ship_by = escrow.order(placed.return_value)["deadline"]
    assert ship_by <= placed.timestamp + ACCEPT_WINDOW + MAX_LEAD_TIME_HOURS * HOUR
    sleep_past(ship_by - web3.eth.get_block("latest")["timestamp"])
    escrow.claimRefund(placed.return_value, {"from": buyer})
    assert escrow.order(placed.return_value)["status"] == Status.REFUNDED


# ---------------------------------------------------------------- a revoked oracle

def test_confirm_delivery_ignores_vote_if_its_oracle_was_revoked(escrow, place, advance, oracle, stranger,
                                                                 other_buyer, gov, hub_operator, token):
    """Quorum 2: oracle A votes, its key leaks and the governor revokes it; one vote from B must not deliver."""
    for account in (stranger, other_buyer):
        escrow.grantRole(ROLES["ORACLE_ROLE"], account, {"from": gov})
    escrow.setQuorum(2, {"from": gov})
    order_id = place()
    advance(order_id, Status.SHIPPED)
    escrow.confirmDelivery(order_id, {"from": oracle})
    escrow.revokeRole(ROLES["ORACLE_ROLE"], oracle, {"from": gov})
    assert escrow.order(order_id)["confirmations"] == 0
    tx = escrow.confirmDelivery(order_id, {"from": stranger})
    assert tx.events["DeliveryConfirmed"]["confirmations"] == 1 and "OrderDelivered" not in tx.events
    assert escrow.order(order_id)["status"] == Status.SHIPPED and escrow.owed(hub_operator, token) == 0
    escrow.confirmDelivery(order_id, {"from": other_buyer})  # a second live oracle
    assert escrow.order(order_id)["status"] == Status.DELIVERED


# ---------------------------------------------------------------- bought reputation

def _wallet(gov):
    """A fresh wallet with coin for gas: the attacker can make as many as it likes."""
    wallet = accounts.add()
    gov.transfer(wallet, "1 ether")
    return wallet


def _self_dealing_market(escrow, products, hubs, token, gov, price):
    """The attack of the issue: a hub whose operator also designs the product (royalty 0) and buys from itself
    with a second wallet. Returns (hub id, operator, second wallet, terms)."""
    operator, second_wallet = _wallet(gov), _wallet(gov)
    product_id = products.registerProduct(DESIGN_HASH, "ipfs://own", 0, {"from": operator}).return_value
    hub_id = hubs.registerHub(b"u4pruyd".ljust(12, b"\0"), 1, "", {"from": operator}).return_value
    hubs.approveHub(hub_id, {"from": gov})
    products.publishOffer(product_id, hub_id, token, price, 1, {"from": operator})
    token.mint(second_wallet, price * ROUNDS, {"from": second_wallet})
    token.approve(escrow, 2**256 - 1, {"from": second_wallet})
    terms = tuple(escrow.quoteOrder(product_id, hub_id, 1)[0])
    return hub_id, operator, second_wallet, terms


def _buy_and_rate(escrow, operator, second_wallet, terms, rounds):
    for round_ in range(rounds):
        order_id = escrow.placeOrder(terms, {"from": second_wallet}).return_value
        escrow.acceptOrder(order_id, {"from": operator})
        escrow.shipOrder(order_id, web3.keccak(text=f"SELF-{round_}"), {"from": operator})
        escrow.confirmReceipt(order_id, {"from": second_wallet})
        escrow.rateOrder(order_id, 5, {"from": second_wallet})


def test_rate_order_moves_score_under_a_tenth_of_a_star_if_hub_buys_from_itself_at_one_unit(
        escrow, products, hubs, token, gov):
    hub_id, operator, second_wallet, terms = _self_dealing_market(escrow, products, hubs, token, gov, price=1)
    _buy_and_rate(escrow, operator, second_wallet, terms, ROUNDS)
    assert list(hubs.score(hub_id)) == [300, 9_000]  # fees round to 0: the orders weigh nothing
    assert hubs.reputation(hub_id)["completed"] == ROUNDS and hubs.ratings(hub_id)["raters"] == 1


def test_rate_order_moves_score_under_a_tenth_of_a_star_if_hub_buys_from_itself_at_full_weight(
        escrow, products, hubs, token, gov, fund):
    """Paying enough community fee for full weight every round: the one wallet still counts as one rater."""
    price = RATING_FEE_UNIT * 10_000 // FEE_BPS  # a fee of exactly one rating fee unit
    fees_before = escrow.owed(fund, token)
    hub_id, operator, second_wallet, terms = _self_dealing_market(escrow, products, hubs, token, gov, price)
    _buy_and_rate(escrow, operator, second_wallet, terms, ROUNDS)
    rating, reliability = hubs.score(hub_id)
    assert rating - 300 < 10
    assert list(hubs.ratings(hub_id)) == [1, 10_000, 50_000]
    assert escrow.owed(fund, token) - fees_before == ROUNDS * RATING_FEE_UNIT  # what the rounds cost
    assert reliability == (5 * 9_000 + ROUNDS * 10_000) * 10_000 // ((5 + ROUNDS) * 10_000)


def test_rate_order_needs_seven_paying_wallets_if_attacker_moves_score_half_a_star(escrow, products, hubs, token,
                                                                                     gov):
    """The cost of half a star (docs/contracts.md): seven wallets, each paying one rating fee unit."""
    price = RATING_FEE_UNIT * 10_000 // FEE_BPS
    hub_id, operator, _, terms = _self_dealing_market(escrow, products, hubs, token, gov, price)
    scores = []
    for _ in range(7):
        wallet = _wallet(gov)
        token.mint(wallet, price, {"from": wallet})
        token.approve(escrow, price, {"from": wallet})
        _buy_and_rate(escrow, operator, wallet, terms, 1)
        scores.append(hubs.score(hub_id)[0])
    assert scores[5] < 350 <= scores[6]


# ---------------------------------------------------------------- the design the buyer paid for

def test_order_keeps_design_version_if_designer_publishes_new_version(escrow, products, product_id, place,
                                                                     designer, buyer, terms):
    order_id = place()
    products.publishVersion(product_id, NEW_HASH, "ipfs://v2", {"from": designer})
    order = escrow.order(order_id)
    assert order["designVersion"] == 1
    assert products.designHashOf(product_id, order["designVersion"]) == DESIGN_HASH  # what the agent prints
    with reverts("DesignVersionChanged"):  # a buyer who saw version 1 is not sold version 2
        escrow.placeOrder(terms(), {"from": buyer})
    later = escrow.placeOrder(terms(designVersion=2), {"from": buyer}).return_value
    assert escrow.order(later)["designVersion"] == 2
    assert unit_total() == escrow.order(later)["amount"]
