"""The local networks' test token: its open mint (the one call that is not standard ERC-20), and where a
wallet short of a payment token gets more."""

from __future__ import annotations

from glocal_chain.chain.networks import LOCAL_CHAIN_ID
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import InputError, require_address
from glocal_chain.sdk.models import NATIVE_COIN

TEST_TOKEN_SYMBOL = "gUSD"


def mint_test_tokens(connection: SuiteConnection, to: str, amount: int) -> None:
    """Local networks only: mints `amount` of the deployment's test token to `to`."""
    payment_tokens = connection.deployment.payment_tokens
    if TEST_TOKEN_SYMBOL not in payment_tokens:
        raise InputError("this network has no test token: minting is for local networks only")
    token = connection.contract("TestToken", payment_tokens[TEST_TOKEN_SYMBOL])
    connection.send(token.functions.mint(require_address(to), amount), "mint test tokens")


def funding_hint(connection: SuiteConnection, token: str, account: str, shortfall: str) -> str:
    """How `account` gets the `shortfall` (in token units, as text) of `token` it lacks."""
    if connection.deployment.payment_tokens.get(TEST_TOKEN_SYMBOL, "").lower() == token.lower():
        return (f"get test tokens for {account}: `glocal token mint --amount {shortfall} --wallet YOUR_WALLET` (the "
                "test token's mint is open on this network)")
    if token.lower() == NATIVE_COIN and connection.deployment.chain_id == LOCAL_CHAIN_ID:
        return "on a local chain anvil's development accounts hold the native coin: send some from one"
    return "get the token from its issuer or an exchange the consortium names"
