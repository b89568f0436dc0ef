"""The SDK from Python: domain objects, many orders from one wallet across threads, gas policies, PoA."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from web3.middleware import ExtraDataToPOAMiddleware

from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.errors import ContractRevert, GlocalError
from glocal_chain.sdk import GlocalSuite, HubStatus, OrderStatus, OrderTerms
from glocal_chain.sdk.suite import InputError, sha256_file

from support import dev_suite

THREADS = 8
ORDERS = 200


@pytest.fixture(scope="module")
def suites(w3, deployed):
    def suite(index: int) -> GlocalSuite:
        return dev_suite(w3, deployed.deployment, index)

    operator, designer, hub_operator, buyer = suite(0), suite(4), suite(5), suite(8)
    product = designer.register_product(sha256_file(__import__("pathlib").Path("examples/calibration-cube.gcode")),
                                        "ipfs://cube", 500)
    hub = hub_operator.register_hub("u4pruydq", 1, "https://hub.example")
    operator.approve_hub(hub.hub_id)
    token = buyer.token("gUSD")
    hub_operator.publish_offer(product.product_id, hub.hub_id, token, 1_000_000, 24)
    return {"operator": operator, "designer": designer, "hub": hub_operator, "buyer": buyer,
            "product": product.product_id, "hub_id": hub.hub_id, "token": token}


def test_sdk_returns_domain_objects_if_reading(suites):
    hub = suites["buyer"].hub(suites["hub_id"])
    assert hub.status is HubStatus.APPROVED and hub.geohash == "u4pruydq"
    product = suites["buyer"].product(suites["product"])
    assert product.royalty_bps == 500 and product.design_hash.startswith("0x")
    quote = suites["buyer"].quote(suites["product"], suites["hub_id"], 3)
    assert (quote.total, quote.royalty) == (3_150_000, 150_000)
    assert (quote.design_version, quote.lead_time_hours, quote.token) == (1, 24, suites["token"])
    assert quote.terms == OrderTerms(suites["product"], suites["hub_id"], 3, 1, suites["token"], 24, 3_150_000)


def test_place_order_uses_permit_if_no_allowance(suites, w3):
    buyer = suites["buyer"]
    buyer.mint_test_tokens(buyer.me, 10_000_000)
    nonce = w3.eth.get_transaction_count(buyer.me)
    order = buyer.place_order(suites["product"], suites["hub_id"], 1, 2_000_000)  # bound above the total
    assert order.status is OrderStatus.PAID and order.amount == 1_050_000
    assert (order.design_version, order.lead_time_hours, order.quorum) == (1, 24, 1)
    assert order.weight == 1_000_000 * 200 // 10_000 * 10_000 // 1_000_000  # 2 % of 1 gUSD, of a 1 gUSD unit
    assert w3.eth.get_transaction_count(buyer.me) == nonce + 1  # one transaction: no separate approve
    # the permit was for exactly the total: no allowance is left behind
    assert buyer.erc20(suites["token"]).functions.allowance(buyer.me, buyer.escrow.address).call() == 0


def test_place_order_refused_naming_term_if_offer_changed_after_quote(suites, w3):
    """A buyer shown a quote binds it: the hub republishing a longer lead time (or the designer a new
    version) before the order is placed gets the order refused, naming the term, with nothing sent."""
    buyer, hub, designer = suites["buyer"], suites["hub"], suites["designer"]
    product, hub_id = suites["product"], suites["hub_id"]
    buyer.mint_test_tokens(buyer.me, 10_000_000)
    quote = buyer.quote(product, hub_id, 1)
    hub.publish_offer(product, hub_id, suites["token"], 1_000_000, 72)
    nonce = w3.eth.get_transaction_count(buyer.me)
    try:
        with pytest.raises(GlocalError, match=r"LeadTimeAboveMaximum\(leadTimeHours=72, maxLeadTimeHours=24\)"):
            buyer.place_order(product, hub_id, 1, 2_000_000, terms=quote.terms)
        assert w3.eth.get_transaction_count(buyer.me) == nonce  # nothing sent (no approve, no permit order)
        # accepting the longer lead time explicitly binds that instead
        order = buyer.place_order(product, hub_id, 1, 2_000_000, terms=quote.terms, max_lead_time_hours=72)
        assert order.lead_time_hours == 72

        fresh = buyer.quote(product, hub_id, 1)
        designer.publish_version(product, "0x" + "5e" * 32, "ipfs://cube-v2")
        with pytest.raises(ContractRevert) as refused:
            buyer.place_order(product, hub_id, 1, terms=fresh.terms)
        assert refused.value.error_name == "DesignVersionChanged"
        assert refused.value.error_args == {"agreed": 1, "current": 2}
        assert buyer.place_order(product, hub_id, 1).design_version == 2  # re-quoted: the current version
    finally:
        hub.publish_offer(product, hub_id, suites["token"], 1_000_000, 24)


def test_place_order_refused_before_approve_if_term_changed_and_token_has_no_permit(suites, w3):
    """Without a permit the SDK approves, then places: a changed term is refused before the approve."""
    buyer, hub = suites["buyer"], suites["hub"]
    product, hub_id = suites["product"], suites["hub_id"]
    buyer.mint_test_tokens(buyer.me, 10_000_000)
    quote = buyer.quote(product, hub_id, 1)
    hub.publish_offer(product, hub_id, suites["token"], 1_000_000, 48)
    nonce = w3.eth.get_transaction_count(buyer.me)
    try:
        buyer._supports_permit = lambda token: False  # as for an ERC-20 without EIP-2612
        with pytest.raises(ContractRevert, match="LeadTimeAboveMaximum"):
            buyer.place_order(product, hub_id, 1, 2_000_000, terms=quote.terms)
        assert w3.eth.get_transaction_count(buyer.me) == nonce
        with pytest.raises(InputError, match="the terms are for 1 of product"):
            buyer.place_order(product, hub_id, 2, 2_000_000, terms=quote.terms)
    finally:
        del buyer._supports_permit
        hub.publish_offer(product, hub_id, suites["token"], 1_000_000, 24)


def test_place_order_from_eight_threads_keeps_nonces_apart_if_one_wallet(suites, w3):
    buyer = suites["buyer"]
    buyer.mint_test_tokens(buyer.me, ORDERS * 1_050_000)
    buyer.approve_escrow(suites["token"], ORDERS * 1_050_000)
    first = w3.eth.get_transaction_count(buyer.me)

    def place(_: int) -> int:
        return buyer.place_order(suites["product"], suites["hub_id"], 1, 1_050_000).order_id

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        order_ids = list(pool.map(place, range(ORDERS)))
    assert len(set(order_ids)) == ORDERS
    assert w3.eth.get_transaction_count(buyer.me) == first + ORDERS
    assert all(buyer.order(order_id).status is OrderStatus.PAID for order_id in order_ids[:: ORDERS // 10])


def test_free_gas_policy_sends_zero_price_legacy_transactions_if_chain_free(suites, w3):
    hub = suites["hub"]
    order = suites["buyer"].place_order(suites["product"], suites["hub_id"], 1, 1_050_000)
    hub.accept(order.order_id)
    last = w3.eth.get_block("latest", full_transactions=True)["transactions"][-1]
    assert last["gasPrice"] == 0 and last["type"] == 0


def test_eip1559_policy_sends_type_2_transactions_if_chain_has_base_fee():
    with EphemeralNode() as node:
        w3 = connect(NetworkConfig(name="market", rpc_urls=[node.url], chain_id=node.chain_id))
        sender = Sender(w3, dev_account(0), gas_policy=GasPolicy.EIP1559)
        receipt = sender.send({"to": dev_account(1).address, "value": 1, "gas": 21_000}, "transfer")
        tx = w3.eth.get_transaction(receipt["transactionHash"])
        assert tx["type"] == 2 and tx["maxFeePerGas"] > 0


def test_poa_network_reads_blocks_through_extra_data_middleware_if_poa(node):
    w3 = connect(NetworkConfig(name="qbft", rpc_urls=[node.url], chain_id=node.chain_id, poa=True))
    assert any(entry[0] is ExtraDataToPOAMiddleware for entry in w3.middleware_onion.middleware)
    block = w3.eth.get_block("latest")
    assert "proofOfAuthorityData" in block or block["extraData"] is not None
