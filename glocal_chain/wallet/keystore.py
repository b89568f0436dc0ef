"""Wallets are keystore v3 files in `<data dir>/wallets/<name>.json`, encrypted with scrypt."""

from __future__ import annotations

import getpass
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from glocal_chain.chain.networks import data_dir
from glocal_chain.errors import GlocalError

PASSWORD_ENV = "GLOCAL_WALLET_PASSWORD"
PASSWORD_FILE_ENV = "GLOCAL_WALLET_PASSWORD_FILE"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class WalletError(GlocalError):
    """A wallet is missing, exists already, or its password is wrong."""


@dataclass(frozen=True)
class WalletInfo:
    name: str
    address: str
    path: Path


def wallets_dir(home: Path | None = None) -> Path:
    """Where wallets live: under `home`, or the data dir ($GLOCAL_HOME or ./.glocal)."""
    return (home or data_dir()) / "wallets"


def _path(name: str, home: Path | None = None) -> Path:
    if not NAME_PATTERN.match(name):
        raise WalletError(f"invalid wallet name {name!r}: letters, digits, '.', '_' and '-' only")
    return wallets_dir(home) / f"{name}.json"


def read_password(prompt: str = "Wallet password: ", confirm: bool = False) -> str:
    """From $GLOCAL_WALLET_PASSWORD, the file named by $GLOCAL_WALLET_PASSWORD_FILE, or a prompt."""
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if PASSWORD_FILE_ENV in os.environ:
        try:
            return Path(os.environ[PASSWORD_FILE_ENV]).read_text().rstrip("\n")
        except OSError as exc:
            raise WalletError(f"cannot read the password file: {exc}") from exc
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the password: ") != password:
        raise WalletError("the passwords differ")
    return password


def save(name: str, account: LocalAccount, password: str, home: Path | None = None,
         scrypt_iterations: int | None = None) -> WalletInfo:
    """Encrypts `account` into wallet `name` (under `home`'s wallets, else the data dir's); `scrypt_iterations`
    lowers the key derivation's cost only for keys with nothing to protect (the demo's public dev keys)."""
    path = _path(name, home)
    if path.exists():
        raise WalletError(f"wallet {name!r} exists already ({path})")
    if not password:
        raise WalletError("an empty password protects nothing: set one")
    keystore = Account.encrypt(account.key, password, kdf="scrypt", iterations=scrypt_iterations)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keystore, handle)
    return WalletInfo(name, str(account.address), path)


def create(name: str, password: str) -> WalletInfo:
    return save(name, Account.create(), password)


def import_key(name: str, private_key: str, password: str) -> WalletInfo:
    try:
        account = Account.from_key(private_key.strip())
    except (ValueError, TypeError) as exc:
        raise WalletError("that is not a valid private key (64 hex digits)") from exc
    return save(name, account, password)


def info(name: str) -> WalletInfo:
    path = _path(name)
    try:
        address = json.loads(path.read_text())["address"]
    except FileNotFoundError as exc:
        raise WalletError(f"no wallet named {name!r} in {wallets_dir()}") from exc
    except (ValueError, KeyError) as exc:
        raise WalletError(f"wallet file {path} is corrupt") from exc
    return WalletInfo(name, _checksum(address), path)


def _checksum(address: str) -> str:
    return Web3.to_checksum_address("0x" + address.removeprefix("0x"))


def list_wallets() -> list[WalletInfo]:
    if not wallets_dir().exists():
        return []
    return [info(path.stem) for path in sorted(wallets_dir().glob("*.json"))]


def unlock(name: str, password: str | None = None) -> LocalAccount:
    wallet = info(name)
    password = read_password(f"Password for wallet {name!r}: ") if password is None else password
    try:
        key = Account.decrypt(json.loads(wallet.path.read_text()), password)
    except ValueError as exc:
        raise WalletError(f"wrong password for wallet {name!r}") from exc
    account: LocalAccount = Account.from_key(key)
    return account
