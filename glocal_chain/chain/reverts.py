"""Decodes revert data into the custom error's name and arguments, using the suite's ABIs; shows enum
arguments by their member's name and bytes32 roles by the role's name."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils import function_signature_to_4byte_selector
from hexbytes import HexBytes
from web3 import Web3

from glocal_chain.chain.artifacts import suite_abis

PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division by zero",
    0x21: "invalid enum value",
    0x32: "array index out of bounds",
    0x41: "out of memory",
}


#: The suite's roles (contracts/access/GlocalRoles.sol), each the keccak256 of its name, and OpenZeppelin's
#: admin role (the governor's), which is zero.
ROLE_NAMES = ("HUB_APPROVER_ROLE", "ORACLE_ROLE", "ARBITER_ROLE", "PAUSER_ROLE", "ESCROW_ROLE")
#: OpenZeppelin's TimelockController roles (the consortium's timelock: contracts/governance).
TIMELOCK_ROLE_NAMES = ("PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE")
DEFAULT_ADMIN_ROLE = "DEFAULT_ADMIN_ROLE"
ROLE_IDS: dict[str, bytes] = {DEFAULT_ADMIN_ROLE: bytes(32)} | {
    name: bytes(Web3.keccak(text=name)) for name in ROLE_NAMES + TIMELOCK_ROLE_NAMES}
KNOWN_ROLES: dict[bytes, str] = {role: name for name, role in ROLE_IDS.items()}
#: The members of the suite's enums (contracts/interfaces), by the type the ABI names for an argument.
ENUM_MEMBERS: dict[str, tuple[str, ...]] = {
    "enum IOrderEscrow.OrderStatus": ("None", "Paid", "Accepted", "Shipped", "Disputed", "Delivered", "Resolved",
                                      "Refunded"),
    "enum IOrderEscrow.RefundReason": ("CancelledByBuyer", "RejectedByHub", "ShipDeadlineMissed"),
    "enum IHubRegistry.HubStatus": ("None", "Pending", "Approved", "Suspended"),
    "enum IGovernor.ProposalState": ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired",
                                     "Executed"),
    "enum IHubRegistry.Outcome": ("Completed", "CompletedLate", "RefundedForFault", "DisputeLost", "DisputeWon",
                                  "DisputeExpired"),
}


def role_name(role: bytes | str) -> str | None:
    """The name of a known role from its bytes32 id (bytes or hex), else None."""
    return KNOWN_ROLES.get(bytes(HexBytes(role)))


@dataclass(frozen=True)
class DecodedRevert:
    """`args` are the decoded values; `shown` names the ones a person reads better by name (an enum's
    member, a role, a checksummed address), and `str()` is the error as a person reads it."""

    name: str
    args: dict[str, Any]
    shown: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        inner = ", ".join(f"{key}={self.shown.get(key) or _show(value)}" for key, value in self.args.items())
        return f"{self.name}({inner})"


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


def abi_type_string(item: dict[str, Any]) -> str:
    """The canonical type of an ABI input (tuples spelled out), as eth_abi encodes and decodes it."""
    type_ = str(item["type"])
    if type_.startswith("tuple"):
        return "(" + ",".join(abi_type_string(c) for c in item["components"]) + ")" + type_[5:]
    return type_


@dataclass(frozen=True)
class _ErrorShape:
    name: str
    names: list[str]
    types: list[str]
    internal_types: list[str]


@cache
def _error_table() -> dict[bytes, _ErrorShape]:
    table = {
        function_signature_to_4byte_selector("Error(string)"): _ErrorShape("Error", ["message"], ["string"], [""]),
        function_signature_to_4byte_selector("Panic(uint256)"): _ErrorShape("Panic", ["code"], ["uint256"], [""]),
    }
    for abi in suite_abis():
        for item in abi:
            if item.get("type") != "error":
                continue
            types = [abi_type_string(i) for i in item["inputs"]]
            selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
            table[selector] = _ErrorShape(item["name"], [i["name"] or f"arg{n}" for n, i in enumerate(item["inputs"])],
                                          types, [str(i.get("internalType", "")) for i in item["inputs"]])
    return table


def _readable(value: Any, type_: str, internal_type: str) -> str | None:
    """An enum member's or a role's name, or an address checksummed, for a decoded value."""
    if type_ == "address" and isinstance(value, str):
        return Web3.to_checksum_address(value)
    members = ENUM_MEMBERS.get(internal_type)
    if members is not None and isinstance(value, int) and 0 <= value < len(members):
        return members[value]
    if type_ == "bytes32" and isinstance(value, bytes):
        return KNOWN_ROLES.get(value)
    return None


def decode_revert(data: bytes | str | None) -> DecodedRevert | None:
    """The error in revert data, or None when there is no data or the selector is unknown."""
    if data is None:
        return None
    raw = bytes(HexBytes(data))
    if len(raw) < 4:
        return None
    shape = _error_table().get(raw[:4])
    if shape is None:
        return DecodedRevert("UnknownError", {"data": raw})
    try:
        values = decode(shape.types, raw[4:])
    except DecodingError:
        return DecodedRevert(shape.name, {"data": raw[4:]})
    args = dict(zip(shape.names, values, strict=True))
    if shape.name == "Panic":
        args["reason"] = PANIC_REASONS.get(int(args["code"]), "unknown panic")
    shown = {}
    for key, value, type_, internal_type in zip(shape.names, values, shape.types, shape.internal_types, strict=True):
        label = _readable(value, type_, internal_type)
        if label is not None:
            shown[key] = label
    return DecodedRevert(shape.name, args, shown)
