"""Gas of every lifecycle step, measured on anvil against the shipped artifacts (`make bench`).

`lifecycle_total` = buyer's approve + place + accept + ship + confirm (quorum 1) + rate, ERC-20, for an
order in a network already in use (the hub, designer, fund and buyer have dealt before: their balances
and counters are non-zero). The first order a fresh suite ever sees also pays for zero-to-non-zero
storage writes (the escrow's token balance, the hub's first counters); it is reported beside it as
`lifecycle_total_first_order`. `place_order_at_1` / `place_order_at_1000` are the 1st and the 1,000th
order of one buyer at one hub; `place_order_at_2` shows what is left once the escrow holds the token.
`lifecycle_breakdown` says where the gas of `lifecycle_total` goes (bench/gas_breakdown.py: storage,
calls, events, base cost). `governance` is the gas of each step of the consortium's decisions
(bench/governance_gas.py).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3

from bench import governance_gas
from bench.gas_breakdown import add_up, breakdown
from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.permit import sign_permit
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import DEFAULT_RATING_FEE_UNITS, TEST_TOKEN, DeployConfig
from glocal_chain.deploy.deployer import ROLES, deploy_suite

GEOHASH = b"u4pruyd".ljust(12, b"\0")
DESIGN_HASH = bytes.fromhex("ab" * 32)
PRICE = 10_000_000
LEAD_TIME_HOURS = 24
ORDERS_FOR_SCALING = 1_000
ATTACK_ROUNDS = 20
HALF_A_STAR_CENTI = 50


class Suite:
    def __init__(self, w3: Web3, deployment: Any) -> None:
        self.w3 = w3
        self.escrow = self._contract(deployment, "OrderEscrow")
        self.hubs = self._contract(deployment, "HubRegistry")
        self.products = self._contract(deployment, "ProductRegistry")
        self.token = self._contract(deployment, "TestToken")

    def _contract(self, deployment: Any, name: str) -> Any:
        return self.w3.eth.contract(address=deployment.address(name), abi=load_artifact(name).abi)


def _sender(w3: Web3, index: int) -> Sender:
    return Sender(w3, dev_account(index), gas_policy=GasPolicy.FREE)


def _receipt(sender: Sender, call: Any, value: int = 0) -> Any:
    return sender.transact(call, "bench", value=value)


def _gas(sender: Sender, call: Any, value: int = 0) -> int:
    return int(_receipt(sender, call, value)["gasUsed"])


def open_market(w3: Web3, gov: Sender, designer: Sender, hub_op: Sender, directory: Path) -> tuple[Suite, Any]:
    """A fresh suite with one product offered by one approved hub in the test token; returns the suite and
    the terms of one unit (product 1, hub 1; the total is the last field)."""
    config = DeployConfig(community_fund=gov.address, payment_tokens=["test-token"])
    suite = Suite(w3, deploy_suite(w3, gov, "bench", config, directory=directory, allow_test_token=True).deployment)
    _gas(designer, suite.products.functions.registerProduct(DESIGN_HASH, "ipfs://cube", 1_000))
    _gas(hub_op, suite.hubs.functions.registerHub(GEOHASH, 3, "https://hub.example"))
    _gas(gov, suite.hubs.functions.approveHub(1))
    _gas(hub_op, suite.products.functions.publishOffer(1, 1, suite.token.address, PRICE, LEAD_TIME_HOURS))
    return suite, suite.escrow.functions.quoteOrder(1, 1, 1).call()[0]


def measure() -> dict[str, Any]:
    with EphemeralNode(gas_price=0, steps_tracing=True) as node, tempfile.TemporaryDirectory() as tmp:
        network = NetworkConfig(name="bench", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)
        w3 = connect(network)
        gov, oracle, oracle2, fund, designer, hub_op, native_op, buyer, buyer2 = (_sender(w3, i) for i in range(9))
        config = DeployConfig(oracles=[oracle.address], arbiters=[gov.address], community_fund=fund.address,
                              payment_tokens=["native", "test-token"])
        result = deploy_suite(w3, gov, "bench", config, directory=Path(tmp), allow_test_token=True)
        suite = Suite(w3, result.deployment)
        escrow, hubs, products, token = suite.escrow, suite.hubs, suite.products, suite.token
        gas: dict[str, Any] = {}

        gas["register_product"] = _gas(designer, products.functions.registerProduct(DESIGN_HASH, "ipfs://cube", 1_000))
        product_id = 1
        gas["register_hub"] = _gas(hub_op, hubs.functions.registerHub(GEOHASH, 3, "https://hub.example"))
        gas["approve_hub"] = _gas(gov, hubs.functions.approveHub(1))
        _gas(native_op, hubs.functions.registerHub(GEOHASH, 3, "https://hub2.example"))
        _gas(gov, hubs.functions.approveHub(2))
        gas["publish_offer"] = _gas(hub_op, products.functions.publishOffer(product_id, 1, token.address, PRICE,
                                                                             LEAD_TIME_HOURS))
        _gas(native_op, products.functions.publishOffer(product_id, 2, Web3.to_checksum_address("0x" + "00" * 20),
                                                         10**16, LEAD_TIME_HOURS))
        terms = escrow.functions.quoteOrder(product_id, 1, 1).call()[0]
        total = terms[-1]
        for who in (buyer, buyer2):
            _gas(who, token.functions.mint(who.address, total * (ORDERS_FOR_SCALING + 50)))

        def lifecycle(sender: Sender, tracking: str) -> dict[str, Any]:
            receipts = {"approve": _receipt(sender, token.functions.approve(escrow.address, total))}
            receipts["place"] = _receipt(sender, escrow.functions.placeOrder(terms))
            order_id = escrow.functions.orderCount().call()
            receipts["accept"] = _receipt(hub_op, escrow.functions.acceptOrder(order_id))
            receipts["ship"] = _receipt(hub_op, escrow.functions.shipOrder(order_id, Web3.keccak(text=tracking)))
            receipts["confirm"] = _receipt(oracle, escrow.functions.confirmDelivery(order_id))
            receipts["rate"] = _receipt(sender, escrow.functions.rateOrder(order_id, 5))
            return receipts

        first = {step: int(receipt["gasUsed"]) for step, receipt in lifecycle(buyer, "T-1").items()}
        warm_receipts = lifecycle(buyer, "T-2")
        warm = {step: int(receipt["gasUsed"]) for step, receipt in warm_receipts.items()}
        gas["lifecycle_steps"] = warm
        gas["lifecycle_total"] = sum(warm.values())
        steps_breakdown = {step: breakdown(w3, receipt["transactionHash"]) for step, receipt in warm_receipts.items()}
        gas["lifecycle_breakdown"] = {"total": add_up(list(steps_breakdown.values())), **steps_breakdown}
        gas["lifecycle_steps_first_order"] = first
        gas["lifecycle_total_first_order"] = sum(first.values())
        gas["approve"] = warm["approve"]
        gas["place_order_erc20"] = warm["place"]
        gas["accept"] = warm["accept"]
        gas["ship"] = warm["ship"]
        gas["confirm_quorum_1"] = warm["confirm"]
        gas["rate"] = warm["rate"]

        # Permit: a fresh key signs; no approve transaction at all.
        permit_owner = Account.create()
        _gas(gov, token.functions.mint(permit_owner.address, total))
        permit_sender = Sender(w3, permit_owner, gas_policy=GasPolicy.FREE)
        deadline = w3.eth.get_block("latest")["timestamp"] + 3600
        v, r, s = sign_permit(token, permit_owner, escrow.address, total, deadline)
        gas["place_order_with_permit"] = _gas(permit_sender, escrow.functions.placeOrderWithPermit(
            terms, deadline, v, r, s))
        native_terms = escrow.functions.quoteOrder(product_id, 2, 1).call()[0]
        gas["place_order_native"] = _gas(buyer, escrow.functions.placeOrder(native_terms), value=native_terms[-1])

        # Quorum of 2: the first vote is recorded, the second delivers.
        _gas(gov, escrow.functions.grantRole(ROLES["ORACLE_ROLE"], oracle2.address))
        _gas(gov, escrow.functions.setQuorum(2))
        _gas(buyer, token.functions.approve(escrow.address, total * 2))
        for tracking in ("Q-1", "F-1"):
            _gas(buyer, escrow.functions.placeOrder(terms))
            order_id = escrow.functions.orderCount().call()
            _gas(hub_op, escrow.functions.acceptOrder(order_id))
            _gas(hub_op, escrow.functions.shipOrder(order_id, Web3.keccak(text=tracking)))
        quorum_order = order_id - 1
        gas["confirm_quorum_2_first_vote"] = _gas(oracle, escrow.functions.confirmDelivery(quorum_order))
        gas["confirm_quorum_2_final_vote"] = _gas(oracle2, escrow.functions.confirmDelivery(quorum_order))
        w3.provider.make_request("evm_increaseTime", [4 * 86400])  # type: ignore[arg-type]
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        gas["finalize"] = _gas(buyer2, escrow.functions.finalizeOrder(order_id))
        gas["withdraw"] = _gas(hub_op, escrow.functions.withdraw(token.address))
        return gas


def measure_scaling() -> dict[str, int]:
    """The 1st, 2nd and 1,000th order of one buyer at one hub, on a fresh suite."""
    with EphemeralNode(gas_price=0) as node, tempfile.TemporaryDirectory() as tmp:
        network = NetworkConfig(name="bench", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)
        w3 = connect(network)
        gov, hub_op, designer, buyer = (_sender(w3, i) for i in (0, 5, 4, 7))
        suite, terms = open_market(w3, gov, designer, hub_op, Path(tmp))
        total = terms[-1]
        # More than the orders need: emptying the balance on the last order would earn a storage refund.
        _gas(buyer, suite.token.functions.mint(buyer.address, total * (ORDERS_FOR_SCALING + 1)))
        _gas(buyer, suite.token.functions.approve(suite.escrow.address, 2**256 - 1))
        results = {}
        for n in range(1, ORDERS_FOR_SCALING + 1):
            used = _gas(buyer, suite.escrow.functions.placeOrder(terms))
            if n in (1, 2, ORDERS_FOR_SCALING):
                results[f"place_order_at_{n}"] = used
        return results


def _self_dealing_hub(w3: Web3, suite: Suite, gov: Sender, price: int, tag: str) -> tuple[int, Sender, Any]:
    """A hub whose operator also designs the product it sells (royalty 0): returns hub id, operator, terms."""
    operator = Sender(w3, Account.create(), gas_policy=GasPolicy.FREE)
    receipt = _receipt(operator, suite.products.functions.registerProduct(DESIGN_HASH, f"ipfs://{tag}", 0))
    product_id = suite.products.events.ProductRegistered().process_receipt(receipt)[0]["args"]["productId"]
    receipt = _receipt(operator, suite.hubs.functions.registerHub(GEOHASH, 1, f"https://{tag}.example"))
    hub_id = suite.hubs.events.HubRegistered().process_receipt(receipt)[0]["args"]["hubId"]
    _gas(gov, suite.hubs.functions.approveHub(hub_id))
    _gas(operator, suite.products.functions.publishOffer(product_id, hub_id, suite.token.address, price, 1))
    return hub_id, operator, suite.escrow.functions.quoteOrder(product_id, hub_id, 1).call()[0]


def _buy_and_rate(suite: Suite, operator: Sender, wallet: Sender, terms: Any, rounds: int, tag: str) -> int:
    """The operator's other wallet buys, confirms receipt and rates 5 `rounds` times; returns the gas."""
    escrow, total = suite.escrow, terms[-1]
    used = _gas(wallet, suite.token.functions.mint(wallet.address, total * rounds))
    used += _gas(wallet, suite.token.functions.approve(escrow.address, total * rounds))
    for round_ in range(rounds):
        used += _gas(wallet, escrow.functions.placeOrder(terms))
        order_id = escrow.functions.orderCount().call()
        used += _gas(operator, escrow.functions.acceptOrder(order_id))
        used += _gas(operator, escrow.functions.shipOrder(order_id, Web3.keccak(text=f"{tag}-{round_}")))
        used += _gas(wallet, escrow.functions.confirmReceipt(order_id))
        used += _gas(wallet, escrow.functions.rateOrder(order_id, 5))
    return used


def measure_reputation_attack() -> dict[str, Any]:
    """Buying reputation (docs/contracts.md, threat model): twenty rounds of a hub buying from itself through
    one extra wallet, at a price of one unit and at a price whose community fee gives full weight; then how
    many fresh wallets, each with one full-weight order, move a fresh hub's stars by half a star, and what
    that costs in community fees (the hub's part and gas come back to the attacker: gas is free)."""
    with EphemeralNode(gas_price=0) as node, tempfile.TemporaryDirectory() as tmp:
        network = NetworkConfig(name="bench", rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE)
        w3 = connect(network)
        gov = _sender(w3, 0)
        config = DeployConfig(community_fund=gov.address, payment_tokens=[TEST_TOKEN])
        suite = Suite(w3, deploy_suite(w3, gov, "bench", config, directory=Path(tmp), allow_test_token=True).deployment)
        unit = DEFAULT_RATING_FEE_UNITS[TEST_TOKEN]
        decimals = suite.token.functions.decimals().call()
        full_weight_price = unit * 10_000 // config.fee_bps
        result: dict[str, Any] = {"rating_fee_unit_gusd": unit / 10**decimals, "fee_bps": config.fee_bps,
                                  "rounds": ATTACK_ROUNDS}
        for label, price in (("one_unit_price", 1), ("full_weight_price", full_weight_price)):
            hub_id, operator, terms = _self_dealing_hub(w3, suite, gov, price, label)
            wallet = Sender(w3, Account.create(), gas_policy=GasPolicy.FREE)
            stars_before, reliability_before = suite.hubs.functions.score(hub_id).call()
            fees_before = suite.escrow.functions.owed(gov.address, suite.token.address).call()
            used = _buy_and_rate(suite, operator, wallet, terms, ATTACK_ROUNDS, label)
            stars, reliability = suite.hubs.functions.score(hub_id).call()
            fees = suite.escrow.functions.owed(gov.address, suite.token.address).call() - fees_before
            result[label] = {"price_gusd": price / 10**decimals, "stars_delta_centi": stars - stars_before,
                             "reliability_delta_bps": reliability - reliability_before,
                             "community_fees_gusd": fees / 10**decimals, "gas": used}
        hub_id, operator, terms = _self_dealing_hub(w3, suite, gov, full_weight_price, "half-star")
        start = suite.hubs.functions.score(hub_id).call()[0]
        wallets, used = 0, 0
        while suite.hubs.functions.score(hub_id).call()[0] < start + HALF_A_STAR_CENTI:
            wallets += 1
            used += _buy_and_rate(suite, operator, Sender(w3, Account.create(), gas_policy=GasPolicy.FREE), terms, 1,
                                  f"half-{wallets}")
        result["half_a_star"] = {"wallets": wallets, "community_fees_gusd": wallets * unit / 10**decimals,
                                 "order_value_gusd": wallets * terms[-1] / 10**decimals, "gas": used}
        return result


def run() -> dict[str, Any]:
    started = time.monotonic()
    gas = measure()
    gas.update(measure_scaling())
    gas["reputation_attack"] = measure_reputation_attack()
    gas["governance"] = governance_gas.measure()
    gas["place_order_growth_1_to_1000_pct"] = round(
        100 * (gas["place_order_at_1000"] - gas["place_order_at_1"]) / gas["place_order_at_1"], 3)
    gas["place_order_growth_2_to_1000_pct"] = round(
        100 * (gas["place_order_at_1000"] - gas["place_order_at_2"]) / gas["place_order_at_2"], 3)
    gas["measured_in_s"] = round(time.monotonic() - started, 1)
    return gas
