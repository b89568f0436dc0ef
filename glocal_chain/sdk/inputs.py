"""What a caller hands the SDK: addresses, design files and hashes, tracking numbers, token amounts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from eth_typing import ChecksumAddress
from web3 import Web3

from glocal_chain.errors import GlocalError


class InputError(GlocalError):
    """An argument is malformed (address, hash, amount) or cannot work (balance, allowance)."""


def require_address(value: str, what: str = "address") -> ChecksumAddress:
    if not Web3.is_address(value):
        raise InputError(f"invalid {what} {value!r}: expected 0x followed by 40 hex digits")
    return Web3.to_checksum_address(value)


def sha256_file(path: Path) -> str:
    try:
        return "0x" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read design file {path}: {exc.strerror}") from exc


def design_hash32(value: str) -> bytes:
    """A design's sha256 as the 32 bytes the registry stores."""
    raw = value.removeprefix("0x")
    if len(raw) != 64 or any(c not in "0123456789abcdefABCDEF" for c in raw):
        raise InputError(f"invalid design hash {value!r}: expected 32 bytes as 64 hex digits")
    return bytes.fromhex(raw)


def tracking_ref(tracking_number: str) -> bytes:
    """What goes on chain for a carrier's tracking number: its keccak256 (the number stays private)."""
    if not tracking_number.strip():
        raise InputError("the tracking number is empty")
    return bytes(Web3.keccak(text=tracking_number.strip()))


#: The hub agent's tracking numbers unless its config says otherwise: the parcel waits at the hub's pickup desk.
DEFAULT_TRACKING_FORMAT = "PICKUP-{hub}-{order}"


def tracking_number(template: str, hub_id: int, order_id: int) -> str:
    """The tracking number a hub ships order `order_id` with, from its `template` (placeholders `{hub}` and
    `{order}`; `{order}` is required so that no two orders share a number)."""
    if "{order}" not in template:
        raise InputError(f"tracking number format {template!r} must contain {{order}}")
    try:
        number = template.format(hub=hub_id, order=order_id)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(f"tracking number format {template!r}: only {{hub}} and {{order}} may appear") from exc
    if not number.strip():
        raise InputError(f"tracking number format {template!r} gives an empty number")
    return number


def format_units(amount: int, decimals: int) -> str:
    """12500000 with 6 decimals -> '12.5'."""
    whole, frac = divmod(amount, 10**decimals)
    return f"{whole}.{str(frac).rjust(decimals, '0').rstrip('0') or '0'}" if decimals else str(whole)


def parse_units(text: str, decimals: int) -> int:
    """'12.5' with 6 decimals -> 12500000; refuses more decimals than the token has."""
    try:
        whole, _, frac = text.strip().partition(".")
        if len(frac) > decimals or not (whole or frac) or not (whole + frac).isdigit():
            raise ValueError
        scale: int = 10**decimals
        return int(whole or "0") * scale + int(frac.ljust(decimals, "0") or "0")
    except ValueError as exc:
        raise InputError(f"invalid amount {text!r} (at most {decimals} decimals)") from exc
