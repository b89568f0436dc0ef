"""The gas breakdown behind `make bench` (bench/gas_breakdown.py), on a real anvil recording opcode steps."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from bench.gas import open_market
from bench.gas_breakdown import CATEGORIES, breakdown
from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender

TX_BASE = 21_000
FRESH_SLOT = 22_100  # EIP-2929 cold access + EIP-2200 zero to non-zero
LOG3_ONE_WORD = 375 + 3 * 375 + 8 * 32
CLEARED_SLOT_REFUND = 4_800  # EIP-3529


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with EphemeralNode(gas_price=0, steps_tracing=True) as node:
        w3 = connect(NetworkConfig(name="trace", rpc_urls=[node.url], chain_id=node.chain_id,
                                   gas_policy=GasPolicy.FREE))
        gov, designer, hub_operator, buyer = (Sender(w3, dev_account(i), gas_policy=GasPolicy.FREE) for i in (0, 4, 5, 8))
        suite, terms = open_market(w3, gov, designer, hub_operator, tmp_path_factory.mktemp("deployments"))
        total = terms[-1]  # OrderTerms.maxTotal: the quoted total
        buyer.transact(suite.token.functions.mint(buyer.address, 10 * total), "mint")
        yield {"w3": w3, "buyer": buyer, "escrow": suite.escrow, "token": suite.token, "terms": terms,
               "total": total}


def _parts_and_receipt(traced: dict[str, Any], call: Any) -> tuple[dict[str, int], Any]:
    receipt = traced["buyer"].transact(call, "traced")
    return breakdown(traced["w3"], receipt["transactionHash"]), receipt


def test_breakdown_prices_fresh_allowance_if_approving_from_zero(traced):
    parts, receipt = _parts_and_receipt(traced, traced["token"].functions.approve(traced["escrow"].address,
                                                                                  traced["total"]))
    assert set(parts) == set(CATEGORIES)
    assert sum(parts.values()) == receipt["gasUsed"]
    assert parts["storage_writes"] == FRESH_SLOT
    assert parts["events"] == LOG3_ONE_WORD
    assert parts["external_calls"] == 0 and parts["refund"] == 0
    assert TX_BASE < parts["base_and_calldata"] < TX_BASE + 68 * 16


def test_breakdown_adds_up_if_transaction_calls_other_contracts(traced):
    """Placing an order calls two registries and the token, writes two fresh slots and spends the allowance
    approved above back to zero (a refund)."""
    parts, receipt = _parts_and_receipt(traced, traced["escrow"].functions.placeOrder(traced["terms"]))
    assert sum(parts.values()) == receipt["gasUsed"]
    assert parts["storage_writes"] >= 2 * (FRESH_SLOT - 2_100)
    assert parts["external_calls"] >= 3 * 2_600  # first access to the product registry, hub registry, token
    assert parts["refund"] == -CLEARED_SLOT_REFUND
    assert parts["events"] > LOG3_ONE_WORD  # the order's event and the token's Transfer


def test_breakdown_refuses_if_node_records_no_steps(w3, deployer, deployed):
    """The shared test node runs without --steps-tracing: a contract call there yields no opcode steps."""
    token = w3.eth.contract(address=deployed.deployment.address("TestToken"), abi=load_artifact("TestToken").abi)
    receipt = deployer.transact(token.functions.mint(deployer.address, 1), "mint")
    with pytest.raises(RuntimeError, match="--steps-tracing"):
        breakdown(w3, receipt["transactionHash"])
