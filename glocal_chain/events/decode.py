"""Fast log decoding: topic0 -> event ABI. Static words (uint, int, address, bool, bytesN) are decoded
by hand, anything else with eth-abi: backfills decode hundreds of thousands of logs, and web3's per-log
machinery is many times slower."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_abi import decode
from eth_typing import ABIEvent
from eth_utils import event_abi_to_log_topic, to_checksum_address
from hexbytes import HexBytes

from glocal_chain.chain.reverts import abi_type_string


@dataclass(frozen=True)
class _EventSpec:
    name: str
    indexed: tuple[tuple[str, str], ...]
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]


class LogDecoder:
    def __init__(self, abis: Iterable[Sequence[Mapping[str, Any]]]) -> None:
        self._specs: dict[bytes, _EventSpec] = {}
        for abi in abis:
            for item in abi:
                if item.get("type") != "event" or item.get("anonymous"):
                    continue
                topic = bytes(event_abi_to_log_topic(cast(ABIEvent, item)))  # an event's ABI, checked above
                inputs = item["inputs"]
                self._specs[topic] = _EventSpec(
                    item["name"],
                    tuple((i["name"], abi_type_string(i)) for i in inputs if i["indexed"]),
                    tuple(i["name"] for i in inputs if not i["indexed"]),
                    tuple(abi_type_string(i) for i in inputs if not i["indexed"]),
                )

    @property
    def topics(self) -> list[str]:
        return ["0x" + topic.hex() for topic in self._specs]

    def decode(self, log: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        topics = [bytes(HexBytes(t)) for t in log["topics"]]
        if not topics or topics[0] not in self._specs:
            return None
        spec = self._specs[topics[0]]
        args: dict[str, Any] = {}
        for (name, type_), topic in zip(spec.indexed, topics[1:], strict=False):
            args[name] = _static_word(type_, topic) if _is_static(type_) else "0x" + topic.hex()
        if spec.data_types:
            data = bytes(HexBytes(log["data"]))
            if all(_is_static(t) for t in spec.data_types) and len(data) == 32 * len(spec.data_types):
                args.update((name, _static_word(type_, data[32 * i:32 * i + 32]))
                            for i, (name, type_) in enumerate(zip(spec.data_names, spec.data_types, strict=True)))
            else:
                args.update(zip(spec.data_names, decode(list(spec.data_types), data), strict=True))
        return spec.name, args


_ADDRESSES: dict[bytes, str] = {}


def _is_static(type_: str) -> bool:
    return type_ in ("address", "bool") or (type_.startswith(("uint", "int", "bytes")) and type_ != "bytes"
                                            and "[" not in type_)


def _static_word(type_: str, word: bytes) -> Any:
    if type_.startswith("uint"):
        return int.from_bytes(word, "big")
    if type_.startswith("int"):
        return int.from_bytes(word, "big", signed=True)
    if type_ == "address":
        raw = word[12:]
        if raw not in _ADDRESSES:
            _ADDRESSES[raw] = to_checksum_address(raw)
        return _ADDRESSES[raw]
    if type_ == "bool":
        return word[-1] == 1
    return word[: int(type_[5:])]  # bytesN
