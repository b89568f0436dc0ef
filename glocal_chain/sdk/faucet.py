"""The local networks' test token: its open mint (the one call that is not standard ERC-20)."""

from __future__ import annotations

from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import InputError, require_address

TEST_TOKEN_SYMBOL = "gUSD"


def mint_test_tokens(connection: SuiteConnection, to: str, amount: int) -> None:
    """Local networks only: mints `amount` of the deployment's test token to `to`."""
    payment_tokens = connection.deployment.payment_tokens
    if TEST_TOKEN_SYMBOL not in payment_tokens:
        raise InputError("this network has no test token: minting is for local networks only")
    token = connection.contract("TestToken", payment_tokens[TEST_TOKEN_SYMBOL])
    connection.send(token.functions.mint(require_address(to), amount), "mint test tokens")
