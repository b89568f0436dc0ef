"""anvil's well-known development accounts (local networks only: their keys are public)."""

from __future__ import annotations

from functools import cache

from eth_account import Account
from eth_account.signers.local import LocalAccount

DEV_MNEMONIC = "test test test test test test test test test test test junk"
#: anvil is started with this many (`--accounts`): 0 to 9 as usual, 10 to 12 the local consortium's cities.
DEV_ACCOUNT_COUNT = 13

Account.enable_unaudited_hdwallet_features()


@cache
def dev_account(index: int) -> LocalAccount:
    if not 0 <= index < DEV_ACCOUNT_COUNT:
        raise ValueError(f"anvil has development accounts 0 to {DEV_ACCOUNT_COUNT - 1}")
    account: LocalAccount = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account
