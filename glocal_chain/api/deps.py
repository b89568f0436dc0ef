"""What the routes share, kept on app.state (no globals): read model, design store, transactions, metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request
from web3 import Web3

from glocal_chain.api.amounts import TokenUnits
from glocal_chain.api.designs import DesignStore
from glocal_chain.api.live import StreamSlots
from glocal_chain.api.schemas import ADDRESS
from glocal_chain.api.unsigned import UnsignedTransactions
from glocal_chain.api.upload_auth import UploadQuota
from glocal_chain.errors import InvalidInput, NotFound
from glocal_chain.indexer.read_model import MarketReadModel
from glocal_chain.web.metrics import ServiceMetrics

T = TypeVar("T")


@dataclass(frozen=True)
class PublicNetwork:
    """The chain as a browser wallet is told about it (wallet_addEthereumChain)."""

    name: str
    chain_id: int
    rpc_urls: list[str]


@dataclass
class ApiServices:
    market: MarketReadModel
    designs: DesignStore
    transactions: UnsignedTransactions
    units: TokenUnits
    metrics: ServiceMetrics
    chain_head: Callable[[], int]
    max_design_bytes: int
    indexer_role: Callable[[], str]  # "writer", "standby" (another process writes) or "off" (a reader only)
    network: PublicNetwork
    uploads: UploadQuota
    streams: StreamSlots
    agent_origins: tuple[str, ...] = ()  # hub agents the web app's pages may read from (their CSP connect-src)


def services(request: Request) -> ApiServices:
    api: ApiServices = request.app.state.services
    return api


def address(value: str, field: str) -> str:
    """`value` as a checksummed address; any letter case is taken (the schema's pattern says so)."""
    if re.fullmatch(ADDRESS, value) is None:
        raise InvalidInput(f"{field} {value!r} is not an address (0x followed by 40 hex digits)", field)
    return Web3.to_checksum_address(value.lower())


def found(item: T | None, what: str, field: str) -> T:
    """`item` (one row of the read model, looked up by the path parameter `field`), or NotFound("no <what>")."""
    if item is None:
        raise NotFound(f"no {what}", field)
    return item
