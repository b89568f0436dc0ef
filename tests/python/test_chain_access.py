"""Chain access: RPC failover, revert prediction and decoding by name, nonces across threads."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from web3 import Web3

from glocal_chain.chain.anvil import free_port
from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.reverts import decode_revert
from glocal_chain.chain.transactions import Sender
from glocal_chain.errors import ChainError, ContractRevert


def test_connect_fails_over_to_next_url_if_first_dead(node):
    dead = f"http://127.0.0.1:{free_port()}"
    w3 = connect(NetworkConfig(name="x", rpc_urls=[dead, node.url], chain_id=node.chain_id))
    assert w3.eth.block_number >= 0
    assert w3.provider.current_url == node.url


def test_connect_raises_chain_error_if_every_url_dead():
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    with pytest.raises(ChainError, match="cannot reach|no RPC URL answers"):
        connect(NetworkConfig(name="x", rpc_urls=dead, chain_id=1))


def test_transact_raises_named_error_and_sends_nothing_if_revert_predicted(w3, deployed):
    escrow = w3.eth.contract(address=deployed.deployment.address("OrderEscrow"), abi=load_artifact("OrderEscrow").abi)
    sender = Sender(w3, dev_account(7), gas_policy=GasPolicy.FREE)
    nonce = w3.eth.get_transaction_count(sender.address)
    with pytest.raises(ContractRevert) as error:
        sender.transact(escrow.functions.cancelOrder(42), "cancel order 42")
    assert error.value.error_name == "OrderNotFound"
    assert error.value.error_args == {"orderId": 42}
    assert str(error.value) == "cancel order 42 reverted: OrderNotFound(orderId=42)"
    assert w3.eth.get_transaction_count(sender.address) == nonce


def test_decode_revert_names_open_zeppelin_errors_if_selector_known():
    data = Web3.keccak(text="AccessControlUnauthorizedAccount(address,bytes32)")[:4] + bytes(12) + \
        bytes.fromhex("11" * 20) + bytes.fromhex("22" * 32)
    decoded = decode_revert(data)
    assert decoded.name == "AccessControlUnauthorizedAccount"
    assert decoded.args["account"].lower() == "0x" + "11" * 20
    assert decode_revert(b"\x01\x02") is None
    assert decode_revert(b"\xde\xad\xbe\xef").name == "UnknownError"


def test_sender_keeps_nonces_apart_if_eight_threads_send_at_once(w3, deployed):
    token = w3.eth.contract(address=deployed.deployment.address("TestToken"), abi=load_artifact("TestToken").abi)
    sender = Sender(w3, dev_account(6), gas_policy=GasPolicy.FREE)
    start = w3.eth.get_transaction_count(sender.address)

    def mint(i: int) -> int:
        return sender.transact(token.functions.mint(sender.address, i + 1), f"mint {i}")["status"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(mint, range(40)))
    assert statuses == [1] * 40
    assert w3.eth.get_transaction_count(sender.address) == start + 40
    assert token.functions.balanceOf(sender.address).call() == sum(range(1, 41))
