"""The API's request and response bodies (they are also its OpenAPI schema at /docs).

Amounts are integers in the token's smallest unit, named `*_base_units`, with `token_symbol` and
`token_decimals` beside them (13200000 base units of gUSD, 6 decimals, is 13.2 gUSD)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from glocal_chain.sdk.models import Reputation  # the SDK's domain object, served as it is

MAX_ID = 2**32 - 1  # product and hub ids are uint32
#: Order ids are uint256 on chain; no chain reaches 2**53 orders, and JSON numbers are exact up to there.
MAX_ORDER_ID = 2**53 - 1
#: Proposal ids are uint256 too, but numbered 1, 2, 3, ... (GovernorSequentialProposalId).
MAX_PROPOSAL_ID = MAX_ORDER_ID
#: An address in any letter case (an EIP-55 checksum is not required).
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
#: Decimal token units as a person types them: "15", "15.5", at most 18 decimals.
TOKEN_AMOUNT = r"^[0-9]{1,30}(\.[0-9]{1,18})?$"
BASE_UNITS = "in the token's smallest unit (base units: 13200000 is 13.2 of a 6-decimal token)"


class TokenUnits(BaseModel):
    """The token an object's amounts are in."""

    token: str = Field(description="The token's address (0x00..00: the chain's native coin)")
    token_symbol: str
    token_decimals: int = Field(description="Base units per token: 10 ** token_decimals")


class Offer(TokenUnits):
    product_id: int
    hub_id: int
    price_base_units: int = Field(description=f"The price of one item, {BASE_UNITS}")
    lead_time_hours: int


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


class Order(TokenUnits):
    order_id: int
    buyer: str
    hub_id: int
    product_id: int
    design_version: int = Field(description="The product version bought: the design the hub must make")
    design_hash: str | None = Field(description="sha256 of that version's design file")
    quantity: int
    amount_base_units: int = Field(description=f"What the buyer paid into escrow, {BASE_UNITS}")
    royalty_base_units: int = Field(description=f"The designer's share of it, {BASE_UNITS}")
    status: str
    deadline: int
    confirmations: int
    quorum: int = Field(description="Oracle confirmations that deliver the order (governance's when placed)")
    weight: int = Field(description="The order's reputation weight, 0 to 10,000 (from the community fee it pays)")
    shipped_late: bool
    rated: bool
    rating: int
    tracking_ref: str | None = Field(description="keccak256 of the tracking number once shipped, else null")
    placed_block: int
    updated_block: int
    history: list[OrderEvent] | None = Field(default=None, description="Every escrow event of the order, oldest "
                                             "first (one order only; the events' `args` as the contract emits them)")


class StoredDesign(BaseModel):
    sha256: str = Field(description="0x-prefixed sha256 of the stored bytes: the design hash to register")
    size: int


class PlaceOrderRequest(BaseModel):
    """The order's terms: the current quote's, except what the request pins (terms shown to the buyer
    earlier). The escrow refuses the order, naming the term, when the offer no longer meets them. The most the
    buyer pays is `max_total_base_units` or `max_total_tokens` (at most one; default: the quoted total)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "not": {"required": ["max_total_base_units", "max_total_tokens"]}})

    buyer: str = Field(pattern=ADDRESS)
    product_id: int = Field(ge=1, le=MAX_ID)
    hub_id: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(default=1, ge=1, le=MAX_ID)
    max_total_base_units: int | None = Field(default=None, ge=0,
                                             description=f"The most the buyer pays, {BASE_UNITS} (above 2**256 - 1: "
                                                         "no limit)")
    max_total_tokens: str | None = Field(default=None, pattern=TOKEN_AMOUNT,
                                         description="The most the buyer pays in token units, e.g. \"15.5\" "
                                                     "(decimals past the token's, 6 for gUSD, are dropped)")
    design_version: int | None = Field(default=None, ge=1, le=MAX_ID, description="Default: the current version")
    token: str | None = Field(default=None, pattern=ADDRESS,
                              description="The payment token agreed to; default: the offer's")
    max_lead_time_hours: int | None = Field(default=None, ge=1, le=2**16 - 1,
                                            description="Default: the offer's lead time")


class OrderActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buyer: str = Field(pattern=ADDRESS)
    order_id: int = Field(ge=1, le=MAX_ORDER_ID)


class RateRequest(OrderActionRequest):
    rating: int = Field(ge=1, le=5)


class Quote(TokenUnits):
    """The current offer priced for the quantity (OrderEscrow.quoteOrder)."""

    product_id: int
    hub_id: int
    quantity: int
    total_base_units: int = Field(description=f"What the order costs, royalty included, {BASE_UNITS}")
    royalty_base_units: int = Field(description=f"The designer's share, {BASE_UNITS}")
    design_version: int
    lead_time_hours: int


class OrderTerms(TokenUnits):
    """The OrderTerms the placeOrder call carries: the escrow takes the order only on them."""

    product_id: int
    hub_id: int
    quantity: int
    design_version: int
    max_lead_time_hours: int
    max_total_base_units: int = Field(description=f"The most the buyer pays, {BASE_UNITS}")


class UnsignedTransaction(BaseModel):
    """A transaction with everything filled in but the signature (numbers as 0x-hex, `chainId` an integer)."""

    model_config = ConfigDict(extra="allow")
    description: str


class UnsignedTransactions(BaseModel):
    transactions: list[UnsignedTransaction] = Field(description="To sign and send in this order")


class UnsignedPlaceOrder(UnsignedTransactions):
    quote: Quote
    terms: OrderTerms


class Health(BaseModel):
    """The service's state: `problems` is empty when it can do its work (200), else each problem (503)."""

    status: str = Field(description="ok or degraded")
    problems: list[str]
    chain: str = Field(description="reachable or unreachable")
    chain_head: int | None
    indexed_block: int | None = Field(description="The last block in the read model (null before the first)")
    lag_blocks: int | None
    indexer: str = Field(description="writer, standby (another process writes) or off (this process only reads)")


class ConsortiumMember(BaseModel):
    """A member city: one vote, the pauser role, and hub approval in its areas."""

    name: str
    account: str
    areas: list[str] = Field(description="Geohash prefixes in which the city approves and suspends hubs")


class ConsortiumRules(BaseModel):
    """The rules of the members' votes (times in seconds: the votes' clock is the block timestamp)."""

    members: int
    quorum_percent: int = Field(description="The share of the members a proposal needs, for or abstaining")
    quorum_now: int = Field(description="quorum_percent of the members now, rounded up: the votes that count")
    voting_delay_s: int = Field(description="From a proposal to the opening of its vote")
    voting_period_s: int
    timelock_delay_s: int = Field(description="From a passed proposal's queueing to its execution")


class Consortium(BaseModel):
    members: list[ConsortiumMember]
    rules: ConsortiumRules


class Proposal(BaseModel):
    """A consortium proposal as the governor sees it (times are unix seconds of the chain's clock)."""

    proposal_id: int = Field(description="Sequential: 1, 2, 3, ...")
    proposer: str
    description: str
    state: str = Field(description="Pending, Active, Canceled, Defeated, Succeeded, Queued, Expired or Executed")
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum: int = Field(description="The votes (for or abstaining) it needs")
    vote_start: int = Field(description="The members' votes as of this time count; voting opens after it")
    vote_end: int = Field(description="Voting is open until this time (included)")
    eta: int = Field(description="When a queued proposal can be executed (0 before it is queued)")
    actions: list[str] = Field(description="The calls it makes, readable: `OrderEscrow.setFee(feeBps=300)`")
