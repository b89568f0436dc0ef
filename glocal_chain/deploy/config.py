"""What a deployment sets up: roles and governance parameters, from a TOML file per network."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from web3 import Web3

from glocal_chain.config import load_toml_model
from glocal_chain.errors import GlocalError
from glocal_chain.geo import validate as validate_geohash

DEPLOYER = "deployer"
NATIVE_COIN = "native"
TEST_TOKEN = "test-token"
#: The community fee that gives an order full reputation weight, for the tokens whose scale is known here:
#: 0.01 of the native coin (18 decimals) and 1 gUSD of the test token (6 decimals).
DEFAULT_RATING_FEE_UNITS = {NATIVE_COIN: 10**16, TEST_TOKEN: 10**6}
#: HubRegistry.MAX_APPROVER_AREAS.
MAX_APPROVER_AREAS = 16


def _check_account(value: str) -> str:
    if value == DEPLOYER:
        return value
    if not Web3.is_address(value):
        raise ValueError(f"{value!r} is not an address (nor {DEPLOYER!r})")
    return Web3.to_checksum_address(value)


def quorum_votes(members: int, quorum_percent: int) -> int:
    """The votes a proposal needs: `quorum_percent` of the members, rounded up (as ConsortiumGovernor counts)."""
    return -(-members * quorum_percent // 100)


class ConsortiumMember(BaseModel):
    """A member city: its account gets one vote, the pauser role and the hub approver role in its areas."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    account: str
    #: Geohash prefixes (1 to 12 characters) in which the city approves and suspends hubs.
    areas: list[str] = Field(default_factory=list, max_length=MAX_APPROVER_AREAS)

    @field_validator("account")
    @classmethod
    def _account(cls, value: str) -> str:
        if not Web3.is_address(value):
            raise ValueError(f"{value!r} is not an address")
        return Web3.to_checksum_address(value)

    @field_validator("areas")
    @classmethod
    def _areas(cls, values: list[str]) -> list[str]:
        for area in values:
            try:
                validate_geohash(area)
            except GlocalError as error:
                raise ValueError(f"area: {error}") from None
        return values


class ConsortiumConfig(BaseModel):
    """The member cities and the rules of their votes. Times are in seconds (the votes' clock is the block
    timestamp)."""

    model_config = ConfigDict(extra="forbid")

    members: list[ConsortiumMember] = Field(min_length=1)
    #: The share of the members (rounded up) whose votes, for or abstaining, a proposal needs.
    quorum_percent: int = Field(default=51, ge=1, le=100)
    voting_delay_s: int = Field(default=3600, ge=1, le=30 * 86400)
    voting_period_s: int = Field(default=3 * 86400, ge=10, le=90 * 86400)
    #: Between a passed proposal's queueing and its execution.
    timelock_delay_s: int = Field(default=2 * 86400, ge=1, le=90 * 86400)

    @model_validator(mode="after")
    def _no_city_decides_alone(self) -> ConsortiumConfig:
        if quorum_votes(len(self.members), self.quorum_percent) < min(2, len(self.members)):
            raise ValueError(f"quorum_percent {self.quorum_percent} lets one city of {len(self.members)} pass a "
                             "proposal alone: raise it so that the quorum is at least 2 votes")
        return self

    @model_validator(mode="after")
    def _members_are_distinct(self) -> ConsortiumConfig:
        for key in ("account", "name"):
            values = [getattr(m, key) for m in self.members]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"consortium members must differ: the same {key} twice ({', '.join(duplicates)})")
        return self


class DeployConfig(BaseModel):
    """Roles are addresses or "deployer". Payment tokens are addresses, "native" (the chain's coin)
    or "test-token" (deploys the suite's TestToken: local networks only). With a `consortium`, its
    timelock governs (it holds every admin role) and the deployer keeps nothing; without one, `governor`
    does (tests and development)."""

    model_config = ConfigDict(extra="forbid")  # a misspelt key (`consortum`) is an error, never a default

    consortium: ConsortiumConfig | None = None
    governor: str = DEPLOYER
    hub_approvers: list[str] = Field(default_factory=lambda: [DEPLOYER])
    pausers: list[str] = Field(default_factory=lambda: [DEPLOYER])
    oracles: list[str] = Field(default_factory=list)
    arbiters: list[str] = Field(default_factory=list)
    community_fund: str = DEPLOYER
    fee_bps: int = Field(default=200, ge=0, le=2_000)
    quorum: int = Field(default=1, ge=1, le=16)
    accept_window_s: int = Field(default=48 * 3600, ge=3600, le=90 * 86400)
    dispute_window_s: int = Field(default=72 * 3600, ge=3600, le=90 * 86400)
    arbitration_window_s: int = Field(default=7 * 86400, ge=3600, le=90 * 86400)
    max_lead_time_hours: int = Field(default=30 * 24, ge=1, le=2_160)
    payment_tokens: list[str] = Field(default_factory=lambda: [NATIVE_COIN])
    #: Per payment token (as listed in `payment_tokens`): the community fee, in the token's smallest unit,
    #: that gives an order full reputation weight. Required for every token address.
    rating_fee_units: dict[str, int] = Field(default_factory=dict)

    @field_validator("governor", "community_fund")
    @classmethod
    def _account(cls, value: str) -> str:
        return _check_account(value)

    @field_validator("hub_approvers", "pausers", "oracles", "arbiters")
    @classmethod
    def _accounts(cls, values: list[str]) -> list[str]:
        return [_check_account(v) for v in values]

    @field_validator("payment_tokens")
    @classmethod
    def _tokens(cls, values: list[str]) -> list[str]:
        return [v if v in (NATIVE_COIN, TEST_TOKEN) else _check_account(v) for v in values]

    @field_validator("rating_fee_units")
    @classmethod
    def _token_keys(cls, units: dict[str, int]) -> dict[str, int]:
        """Token addresses as keys in any case, like `payment_tokens`."""
        return {k if k in (NATIVE_COIN, TEST_TOKEN) else _check_account(k): v for k, v in units.items()}

    @model_validator(mode="after")
    def _consortium_governs_alone(self) -> DeployConfig:
        """With a consortium the deployer keeps nothing: no governor, no hub approvers beside the member cities
        (they approve in their areas), no role and no fund of its own."""
        if self.consortium is None:
            return self
        given = self.model_fields_set
        for field in ("governor", "hub_approvers"):
            if field in given:
                raise ValueError(f"a deploy config with a [consortium] has no `{field}`: "
                                 + ("the consortium's timelock governs" if field == "governor"
                                    else "member cities approve hubs in their areas"))
        if "pausers" not in given:
            self.pausers = []
        if "community_fund" not in given:
            raise ValueError("a deploy config with a [consortium] names its `community_fund` (an address)")
        for field in ("pausers", "oracles", "arbiters", "community_fund"):
            value = getattr(self, field)
            if DEPLOYER in (value if isinstance(value, list) else [value]):
                raise ValueError(f"`{field}` names the deployer, but with a [consortium] the deployer keeps nothing: "
                                 "name an address")
        self.hub_approvers = []
        return self

    @model_validator(mode="after")
    def _every_token_has_a_rating_fee_unit(self) -> DeployConfig:
        units = {**DEFAULT_RATING_FEE_UNITS, **self.rating_fee_units}
        for token in self.payment_tokens:
            unit = units.get(token)
            if unit is None:
                raise ValueError(f"rating_fee_units has no entry for payment token {token}: say what community "
                                 "fee (in its smallest unit) gives an order full reputation weight")
            if not 0 < unit < 2**96:
                raise ValueError(f"rating_fee_units[{token!r}] must be above 0 and below 2**96")
        return self

    def rating_fee_unit(self, token: str) -> int:
        return {**DEFAULT_RATING_FEE_UNITS, **self.rating_fee_units}[token]

    def resolve(self, account: str, deployer: str) -> str:
        return deployer if account == DEPLOYER else account


def load_deploy_config(path: Path) -> DeployConfig:
    return load_toml_model(path, DeployConfig, "deploy config")
