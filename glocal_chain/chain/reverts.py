"""Decodes revert data into the custom error's name and arguments, using the suite's ABIs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils import function_signature_to_4byte_selector
from hexbytes import HexBytes

from glocal_chain.chain.artifacts import suite_abis

PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division by zero",
    0x21: "invalid enum value",
    0x32: "array index out of bounds",
    0x41: "out of memory",
}


@dataclass(frozen=True)
class DecodedRevert:
    name: str
    args: dict[str, Any]

    def __str__(self) -> str:
        inner = ", ".join(f"{key}={_show(value)}" for key, value in self.args.items())
        return f"{self.name}({inner})"


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


def _type_string(item: dict[str, Any]) -> str:
    type_ = str(item["type"])
    if type_.startswith("tuple"):
        return "(" + ",".join(_type_string(c) for c in item["components"]) + ")" + type_[5:]
    return type_


@cache
def _error_table() -> dict[bytes, tuple[str, list[str], list[str]]]:
    table: dict[bytes, tuple[str, list[str], list[str]]] = {
        function_signature_to_4byte_selector("Error(string)"): ("Error", ["message"], ["string"]),
        function_signature_to_4byte_selector("Panic(uint256)"): ("Panic", ["code"], ["uint256"]),
    }
    for abi in suite_abis():
        for item in abi:
            if item.get("type") != "error":
                continue
            types = [_type_string(i) for i in item["inputs"]]
            selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
            table[selector] = (item["name"], [i["name"] or f"arg{n}" for n, i in enumerate(item["inputs"])], types)
    return table


def decode_revert(data: bytes | str | None) -> DecodedRevert | None:
    """The error in revert data, or None when there is no data or the selector is unknown."""
    if data is None:
        return None
    raw = bytes(HexBytes(data))
    if len(raw) < 4:
        return None
    entry = _error_table().get(raw[:4])
    if entry is None:
        return DecodedRevert("UnknownError", {"data": raw})
    name, names, types = entry
    try:
        values = decode(types, raw[4:])
    except DecodingError:
        return DecodedRevert(name, {"data": raw[4:]})
    args = dict(zip(names, values, strict=True))
    if name == "Panic":
        args["reason"] = PANIC_REASONS.get(int(args["code"]), "unknown panic")
    return DecodedRevert(name, args)
