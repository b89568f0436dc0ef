"""What the routes share, kept on app.state (no globals): read model, design store, transactions, metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from web3 import Web3

from glocal_chain.api.designs import DesignStore
from glocal_chain.api.errors import ApiError, invalid
from glocal_chain.api.metrics import ApiMetrics
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.indexer.read_model import MarketReadModel


@dataclass
class ApiServices:
    market: MarketReadModel
    designs: DesignStore
    transactions: UnsignedTransactions
    metrics: ApiMetrics
    chain_head: Callable[[], int]
    max_design_bytes: int


def services(request: Request) -> ApiServices:
    api: ApiServices = request.app.state.services
    return api


async def read_body(request: Request, limit: int, what: str) -> bytes:
    """The request body, refused with a 413 as soon as its declared or received length passes `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the {what} is {declared} bytes; the limit is {limit}", "body")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise ApiError(413, "too_large", f"the {what} is over the limit of {limit} bytes", "body")
    return bytes(body)


def address(value: str, field: str) -> str:
    if not Web3.is_address(value):
        raise invalid(field, f"{field} {value!r} is not an address (0x followed by 40 hex digits)")
    return Web3.to_checksum_address(value)
