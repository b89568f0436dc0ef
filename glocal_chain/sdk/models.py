"""Domain objects the SDK returns (never raw tuples)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import Any

NATIVE_COIN = "0x0000000000000000000000000000000000000000"


class HubStatus(IntEnum):
    NONE = 0
    PENDING = 1
    APPROVED = 2
    SUSPENDED = 3


class OrderStatus(IntEnum):
    NONE = 0
    PAID = 1
    ACCEPTED = 2
    SHIPPED = 3
    DISPUTED = 4
    DELIVERED = 5
    RESOLVED = 6
    REFUNDED = 7

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.PAID, OrderStatus.ACCEPTED, OrderStatus.SHIPPED, OrderStatus.DISPUTED)


def _plain(value: Any) -> Any:
    if isinstance(value, IntEnum):
        return value.name.lower()
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Model:
    def to_dict(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in asdict(self).items()}  # type: ignore[call-overload]


@dataclass(frozen=True)
class Product(Model):
    product_id: int
    designer: str
    design_hash: str
    royalty_bps: int
    version: int
    active: bool
    metadata_uri: str


@dataclass(frozen=True)
class Reputation(Model):
    completed: int
    completed_late: int
    refunded_for_fault: int
    disputes_lost: int
    rating_count: int
    rating_sum: int
    rating_centi_stars: int
    reliability_bps: int


@dataclass(frozen=True)
class Hub(Model):
    hub_id: int
    operator: str
    status: HubStatus
    geohash: str
    capabilities: int
    metadata_uri: str
    reputation: Reputation


@dataclass(frozen=True)
class Offer(Model):
    product_id: int
    hub_id: int
    token: str
    price: int
    lead_time_hours: int

    @property
    def native(self) -> bool:
        return self.token == NATIVE_COIN


@dataclass(frozen=True)
class Quote(Model):
    product_id: int
    hub_id: int
    quantity: int
    token: str
    total: int
    royalty: int


@dataclass(frozen=True)
class Order(Model):
    order_id: int
    buyer: str
    hub_id: int
    product_id: int
    token: str
    amount: int
    royalty: int
    fee_bps: int
    status: OrderStatus
    deadline: int
    confirmations: int
    lead_time_hours: int
    shipped_late: bool
    rated: bool
