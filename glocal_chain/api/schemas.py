"""The API's request and response bodies (they are also its OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from glocal_chain.sdk.models import Offer, Reputation  # the SDK's domain objects, served as they are

MAX_ID = 2**32 - 1  # product and hub ids are uint32
MAX_ORDER_ID = 2**63 - 1  # order ids are uint256 on chain; no chain reaches 2**63 orders


class DesignVersion(BaseModel):
    version: int
    design_hash: str = Field(description="sha256 of this version's design file")
    metadata_uri: str
    published_block: int


class Product(BaseModel):
    product_id: int
    designer: str
    design_hash: str = Field(description="sha256 of the current version's design file")
    royalty_bps: int
    version: int
    active: bool
    metadata_uri: str
    offers: list[Offer] | None = None
    versions: list[DesignVersion] | None = Field(default=None, description="Every version, oldest first")


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
    design_version: int = Field(description="The product version bought: the design the hub must make")
    design_hash: str | None = Field(description="sha256 of that version's design file")
    token: str
    quantity: int
    amount: int
    royalty: int
    status: str
    deadline: int
    confirmations: int
    quorum: int = Field(description="Oracle confirmations that deliver the order (governance's when placed)")
    weight: int = Field(description="The order's reputation weight, 0 to 10,000 (from the community fee it pays)")
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
    """The order's terms: the current quote's, except what the request pins (terms shown to the buyer
    earlier). The escrow refuses the order, naming the term, when the offer no longer meets them."""

    buyer: str
    product_id: int = Field(ge=1, le=MAX_ID)
    hub_id: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(default=1, ge=1, le=MAX_ID)
    max_total: int | None = Field(default=None, ge=0, lt=2**256,
                                  description="The most the buyer pays in smallest token units; default: the total")
    design_version: int | None = Field(default=None, ge=1, le=MAX_ID, description="Default: the current version")
    token: str | None = Field(default=None, description="The payment token agreed to; default: the offer's")
    max_lead_time_hours: int | None = Field(default=None, ge=1, le=2**16 - 1,
                                            description="Default: the offer's lead time")


class OrderActionRequest(BaseModel):
    buyer: str
    order_id: int = Field(ge=1, le=MAX_ORDER_ID)


class RateRequest(OrderActionRequest):
    rating: int = Field(ge=1, le=5)


class UnsignedTransactions(BaseModel):
    quote: dict[str, Any] | None = None
    terms: dict[str, Any] | None = Field(default=None, description="The OrderTerms the placeOrder call carries")
    transactions: list[dict[str, Any]]
