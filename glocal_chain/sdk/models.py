"""Domain objects the SDK returns (never raw tuples)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

NATIVE_COIN = "0x0000000000000000000000000000000000000000"
#: IHubRegistry's FULL_REPUTATION_WEIGHT: the weight of an order whose community fee reaches its token's
#: rating fee unit, and the most one rater carries for one hub.
FULL_REPUTATION_WEIGHT = 10_000


class Outcome(IntEnum):
    """IHubRegistry.Outcome: how one of a hub's orders ended."""

    COMPLETED = 0
    COMPLETED_LATE = 1
    REFUNDED_FOR_FAULT = 2
    DISPUTE_LOST = 3
    DISPUTE_WON = 4
    DISPUTE_EXPIRED = 5


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
    def to_dict(self: DataclassInstance) -> dict[str, Any]:
        return {k: _plain(v) for k, v in asdict(self).items()}


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
    """HubRegistry.reputation (outcome counters and the weights behind reliability), .ratings (raters, their
    total weight and weighted stars) and .score (rating in centi-stars, reliability in basis points)."""

    completed: int
    completed_late: int
    refunded_for_fault: int
    disputes_lost: int
    disputes_expired: int
    on_time_weight: int
    finished_weight: int
    raters: int
    rating_weight: int
    weighted_stars: int
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
class OrderTerms(Model):
    """IOrderEscrow.OrderTerms: what the buyer agrees to. An order is placed on exactly these terms or the
    escrow refuses it, naming the term that changed (PaymentTokenChanged, DesignVersionChanged,
    LeadTimeAboveMaximum, TotalAboveMaximum)."""

    product_id: int
    hub_id: int
    quantity: int
    design_version: int
    token: str
    max_lead_time_hours: int
    max_total: int

    def as_tuple(self) -> tuple[int, int, int, int, str, int, int]:
        """The struct as the contract call takes it."""
        return (self.product_id, self.hub_id, self.quantity, self.design_version, self.token,
                self.max_lead_time_hours, self.max_total)

    @classmethod
    def from_tuple(cls, raw: Any) -> OrderTerms:
        return cls(*raw)

    def but(self, **changes: Any) -> OrderTerms:
        """A copy with some terms changed (e.g. `max_total`)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Quote(Model):
    """OrderEscrow.quoteOrder: the current offer's total, royalty, design version and lead time."""

    product_id: int
    hub_id: int
    quantity: int
    token: str
    total: int
    royalty: int
    design_version: int
    lead_time_hours: int

    @property
    def terms(self) -> OrderTerms:
        """The terms to place this quote on: what it says, at most its total."""
        return OrderTerms(self.product_id, self.hub_id, self.quantity, self.design_version, self.token,
                          self.lead_time_hours, self.total)


@dataclass(frozen=True)
class Order(Model):
    """IOrderEscrow.OrderView: `design_version` is the version bought (what the hub must make), `quorum`
    the oracle votes that deliver it (governance's when it was placed), `confirmations` the votes that count
    now, `weight` its reputation weight (0 to FULL_REPUTATION_WEIGHT, from the community fee it pays)."""

    order_id: int
    buyer: str
    hub_id: int
    product_id: int
    design_version: int
    token: str
    amount: int
    royalty: int
    fee_bps: int
    status: OrderStatus
    deadline: int
    confirmations: int
    quorum: int
    lead_time_hours: int
    weight: int
    shipped_late: bool
    rated: bool
