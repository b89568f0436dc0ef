"""The API's request and response bodies (they are also its OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from glocal_chain.sdk.models import Offer, Reputation  # the SDK's domain objects, served as they are

MAX_ID = 2**32 - 1  # product and hub ids are uint32
MAX_ORDER_ID = 2**63 - 1  # order ids are uint256 on chain; no chain reaches 2**63 orders


class Product(BaseModel):
    product_id: int
    designer: str
    design_hash: str
    royalty_bps: int
    version: int
    active: bool
    metadata_uri: str
    offers: list[Offer] | None = None


class Hub(BaseModel):
    hub_id: int
    operator: str
    status: str
    geohash: str
    capabilities: int
    metadata_uri: str
    reputation: Reputation


class RankedHub(Hub):
    offer: Offer
    distance_km: float
    shared_geohash_prefix: int


class NearbyHubs(BaseModel):
    geohash: str
    product_id: int
    radius_km: float
    searched_radius_km: float = Field(description="The radius the search widened to when nothing was closer")
    widened: bool
    hubs: list[RankedHub]


class OrderEvent(BaseModel):
    event: str
    block: int
    log_index: int
    transaction: str
    args: dict[str, Any]


class Order(BaseModel):
    order_id: int
    buyer: str
    hub_id: int
    product_id: int
    token: str
    quantity: int
    amount: int
    royalty: int
    status: str
    deadline: int
    confirmations: int
    shipped_late: bool
    rated: bool
    rating: int
    tracking_ref: str | None
    placed_block: int
    updated_block: int
    history: list[OrderEvent] | None = None


class StoredDesign(BaseModel):
    sha256: str = Field(description="0x-prefixed sha256 of the stored bytes: the design hash to register")
    size: int


class PlaceOrderRequest(BaseModel):
    buyer: str
    product_id: int = Field(ge=1, le=MAX_ID)
    hub_id: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(default=1, ge=1, le=MAX_ID)
    max_total: int | None = Field(default=None, ge=0, lt=2**256)


class OrderActionRequest(BaseModel):
    buyer: str
    order_id: int = Field(ge=1, le=MAX_ORDER_ID)


class RateRequest(OrderActionRequest):
    rating: int = Field(ge=1, le=5)


class UnsignedTransactions(BaseModel):
    quote: dict[str, Any] | None = None
    transactions: list[dict[str, Any]]
