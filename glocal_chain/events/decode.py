"""Fast log decoding: topic0 -> event ABI, decoded with eth-abi directly (web3's per-log machinery is
several times slower, and backfills decode hundreds of thousands of logs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from eth_abi import decode
from eth_utils import event_abi_to_log_topic
from hexbytes import HexBytes

from glocal_chain.chain.reverts import _type_string


@dataclass(frozen=True)
class _EventSpec:
    name: str
    indexed: tuple[tuple[str, str], ...]
    data_names: tuple[str, ...]
    data_types: tuple[str, ...]


class LogDecoder:
    def __init__(self, abis: Iterable[list[dict[str, Any]]]) -> None:
        self._specs: dict[bytes, _EventSpec] = {}
        for abi in abis:
            for item in abi:
                if item.get("type") != "event" or item.get("anonymous"):
                    continue
                topic = bytes(event_abi_to_log_topic(item))
                inputs = item["inputs"]
                self._specs[topic] = _EventSpec(
                    item["name"],
                    tuple((i["name"], _type_string(i)) for i in inputs if i["indexed"]),
                    tuple(i["name"] for i in inputs if not i["indexed"]),
                    tuple(_type_string(i) for i in inputs if not i["indexed"]),
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
        for (name, type_), topic in zip(spec.indexed, topics[1:]):
            args[name] = decode([type_], topic)[0] if type_ not in ("string", "bytes") else "0x" + topic.hex()
        if spec.data_types:
            args.update(zip(spec.data_names, decode(list(spec.data_types), bytes(HexBytes(log["data"])))))
        return spec.name, args
