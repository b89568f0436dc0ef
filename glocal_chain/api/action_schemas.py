"""Bodies of the web app's routes: the unsigned transaction builders of every person (`from` is the address that
will sign), the EIP-2612 permit, the network a wallet is switched to and what the escrow owes an account.
Bounds are the contracts' argument types (uint16, uint32, uint64, uint256), so that any schema-valid body is
either built or refused by the contracts (409), never an error of the API's own."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from glocal_chain.api.schemas import ADDRESS, MAX_ID, MAX_ORDER_ID, MAX_PROPOSAL_ID, TOKEN_AMOUNT, OrderTerms, Quote
from glocal_chain.geo import ALPHABET, MAX_LENGTH

MAX_UINT16 = 2**16 - 1
SHA256_HEX = r"^(0x)?[0-9a-fA-F]{64}$"
GEOHASH = f"^[{ALPHABET}]{{1,{MAX_LENGTH}}}$"
SIGNATURE = r"^0x[0-9a-fA-F]{130}$"
#: Text with something in it (a tracking number, a reason): not only whitespace.
NOT_BLANK = r"\S"
MAX_TEXT = 500


class Body(BaseModel):
    """A request body: no field but its own, and no boolean where a number is due (`true` is not 1)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_booleans(cls, data: Any) -> Any:
        if isinstance(data, dict):
            flags = [name for name, value in data.items() if isinstance(value, bool)]
            if flags:
                raise ValueError(f"{', '.join(map(str, flags))}: a number or text, not true or false")
        return data


class ActionRequest(Body):
    """`from`: the account that will sign and send the transactions (any letter case)."""

    sender: str = Field(alias="from", pattern=ADDRESS, description="The signer's address")


class OrderAction(ActionRequest):
    order_id: int = Field(ge=1, le=MAX_ORDER_ID)


class ReasonedOrderAction(OrderAction):
    reason: str = Field(min_length=1, max_length=MAX_TEXT, pattern=NOT_BLANK)


class ShipOrder(OrderAction):
    tracking: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK,
                          description="The carrier's tracking number (only its keccak256 goes on chain)")


class ResolveDispute(OrderAction):
    refund_bps: int = Field(ge=0, le=10_000, description="The buyer's share of the escrowed amount, in basis points")


class OfferAction(ActionRequest):
    product_id: int = Field(ge=1, le=MAX_ID)
    hub_id: int = Field(ge=1, le=MAX_ID)


class PublishOffer(OfferAction):
    """The price in base units (`price_base_units`) or in token units (`price_tokens`, e.g. "12.5"): one of them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [{"required": ["price_base_units"]}, {"required": ["price_tokens"]}]})
    token: str = Field(pattern=ADDRESS, description="The payment token (0x00..00: the native coin)")
    price_base_units: Annotated[int, Field(ge=0)] | SkipJsonSchema[None] = Field(
        default=None, description="Above 2**256 - 1: a 409 `above_uint256`")
    price_tokens: Annotated[str, Field(pattern=TOKEN_AMOUNT)] | SkipJsonSchema[None] = Field(
        default=None, description='Decimal token units, e.g. "12.5"')
    lead_time_hours: int = Field(ge=0, le=MAX_UINT16)

    @model_validator(mode="after")
    def _one_price(self) -> PublishOffer:
        given = [name for name in ("price_base_units", "price_tokens") if getattr(self, name) is not None]
        if len(given) != 1 or len(self.model_fields_set & {"price_base_units", "price_tokens"}) != 1:
            raise ValueError("give price_base_units or price_tokens: one of them, not null")
        return self


class RegisterHub(ActionRequest):
    geohash: str = Field(pattern=GEOHASH, description="Where the hub is")
    capabilities: int = Field(ge=0, description="What it can make, one bit per process (above 2**64 - 1: a 409 "
                                                "`above_uint64`)")
    metadata_uri: str = Field(max_length=2000)


class RegisterProduct(ActionRequest):
    design_sha256: str = Field(pattern=SHA256_HEX, description="A design already in the store (POST /v1/designs)")
    metadata_uri: str = Field(max_length=2000)
    royalty_bps: int = Field(ge=0, le=MAX_UINT16)


class PublishVersion(ActionRequest):
    product_id: int = Field(ge=1, le=MAX_ID)
    design_sha256: str = Field(pattern=SHA256_HEX, description="A design already in the store (POST /v1/designs)")
    metadata_uri: str = Field(max_length=2000)


class Withdraw(ActionRequest):
    token: str = Field(pattern=ADDRESS, description="The payment token to withdraw what is owed in")


class HubAction(ActionRequest):
    hub_id: int = Field(ge=1, le=MAX_ID)


class SuspendHub(HubAction):
    reason: str = Field(min_length=1, max_length=MAX_TEXT, pattern=NOT_BLANK)


class ProposalAction(ActionRequest):
    proposal_id: int = Field(ge=1, le=MAX_PROPOSAL_ID)


class Vote(ProposalAction):
    support: str = Field(pattern="^(for|against|abstain)$")
    reason: str = Field(default="", max_length=MAX_TEXT)


class SignedTerms(Body):
    """The `terms` the permit route returned (`token_symbol` and `token_decimals` may come back with them)."""

    product_id: int = Field(ge=0, le=MAX_ID)
    hub_id: int = Field(ge=0, le=MAX_ID)
    quantity: int = Field(ge=0, le=MAX_ID)
    design_version: int = Field(ge=0, le=MAX_ID)
    token: str = Field(pattern=ADDRESS)
    max_lead_time_hours: int = Field(ge=0, le=MAX_UINT16)
    max_total_base_units: int = Field(ge=0, description="Above 2**256 - 1: a 409 `above_uint256`")
    token_symbol: str | None = None
    token_decimals: int | None = None


class PlaceOrderWithPermit(Body):
    buyer: str = Field(pattern=ADDRESS)
    terms: SignedTerms
    deadline: int = Field(ge=0, description="The permit's deadline, as the permit route returned (above 2**256 - 1: a "
                                            "409 `above_uint256`)")
    signature: str = Field(pattern=SIGNATURE, description="The buyer's eth_signTypedData_v4 of `typed_data`")


class PermitToSign(BaseModel):
    """What the buyer signs (eth_signTypedData_v4 of `typed_data`, numbers as decimal strings) to let the escrow
    take exactly the total; then POST /v1/transactions/place-order-with-permit with `terms`, `deadline` and
    the signature."""

    quote: Quote
    terms: OrderTerms
    deadline: int = Field(description="Unix time (the chain's clock) after which the permit is void")
    typed_data: dict[str, Any] = Field(description="EIP-712 typed data: types, primaryType, domain, message")


class NativeCurrency(BaseModel):
    name: str
    symbol: str
    decimals: int


class NetworkToken(BaseModel):
    symbol: str
    address: str
    decimals: int
    permit: bool = Field(description="Whether the token takes EIP-2612 permits (no approve transaction)")


class Network(BaseModel):
    """The chain and the suite on it: what a page needs for wallet_switchEthereumChain / wallet_addEthereumChain."""

    name: str
    chain_id: int
    chain_id_hex: str
    rpc_urls: list[str]
    native_currency: NativeCurrency
    contracts: dict[str, str] = Field(description="Contract name -> address")
    tokens: list[NetworkToken] = Field(description="The payment tokens (symbol `native`: the chain's coin)")


class Owed(BaseModel):
    token: str
    token_symbol: str
    token_decimals: int
    owed_base_units: int = Field(description="What `withdraw` of this token pays the account, in base units")
