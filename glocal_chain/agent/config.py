"""The agent's configuration (hub.toml)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, field_validator, model_validator

from glocal_chain.chain.networks import data_dir
from glocal_chain.config import load_toml_model
from glocal_chain.errors import ConfigError, GlocalError
from glocal_chain.printers.local import LocalPrinter
from glocal_chain.sdk.inputs import DEFAULT_TRACKING_FORMAT, tracking_number
from glocal_chain.web.origins import web_origins


class PrinterConfig(BaseModel):
    name: str
    driver: str = "octoprint"
    url: str | None = None
    api_key: str | None = None
    api_key_env: str | None = None
    local: bool = False  # the local printer of `glocal printer up` in this data folder: its URL and key from there
    materials: list[str] = Field(default_factory=list)
    capabilities: int = 0
    build_volume_mm: tuple[int, int, int] | None = None

    @model_validator(mode="after")
    def _url_or_local(self) -> PrinterConfig:
        if self.local == (self.url is not None):
            raise ValueError("give either url (with api_key or api_key_env) or local = true")
        return self

    def address(self) -> tuple[str, str]:
        """The printer's URL and API key."""
        if self.local:
            local = LocalPrinter().require_settings()
            return local.url, local.api_key
        assert self.url is not None  # checked at load
        return self.url, self.key()

    def key(self) -> str:
        if self.api_key:
            return self.api_key
        if self.api_key_env and self.api_key_env in os.environ:
            return os.environ[self.api_key_env]
        raise ConfigError(f"printer {self.name}: set api_key or api_key_env (and export it)")


class AgentConfig(BaseModel):
    network: str | None = None
    wallet: str
    hub_id: int = Field(ge=1)
    database: Path | None = None  # default: <data dir>/agent-hub-<hub_id>.db
    design_dirs: list[Path] = Field(default_factory=list)
    design_urls: list[str] = Field(default_factory=list)  # templates with {sha256}
    design_retry_margin_s: float = Field(default=3600.0, ge=0)
    printers: list[PrinterConfig] = Field(min_length=1)
    confirmations: int | None = Field(default=None, ge=0)
    max_attempts: int = Field(default=3, ge=1)
    printer_timeout_s: float = Field(default=300.0, gt=0)
    poll_interval_s: float = Field(default=0.5, gt=0)
    metrics_port: int | None = 0
    # Where /status, /healthz and /metrics listen: 127.0.0.1 (this machine only), or e.g. 0.0.0.0 so that the
    # operator's browser elsewhere on the hub's network can read /status.
    metrics_host: str = "127.0.0.1"
    # Web app origins (e.g. "http://127.0.0.1:8080") whose pages may read /status (CORS); default: none.
    web_origins: list[str] = Field(default_factory=list)
    product_capabilities: dict[int, int] = Field(default_factory=dict)
    product_materials: dict[int, str] = Field(default_factory=dict)
    tracking_format: str = DEFAULT_TRACKING_FORMAT  # placeholders {hub} and {order}

    @field_validator("tracking_format")
    @classmethod
    def _valid_tracking_format(cls, value: str) -> str:
        try:
            tracking_number(value, 1, 1)
        except GlocalError as exc:
            raise ValueError(exc.message) from exc
        return value

    @field_validator("web_origins")
    @classmethod
    def _valid_web_origins(cls, value: list[str]) -> list[str]:
        return web_origins(value, "http://127.0.0.1:8080")

    def database_path(self) -> Path:
        return self.database or data_dir() / f"agent-hub-{self.hub_id}.db"


def load_agent_config(path: Path) -> AgentConfig:
    config = load_toml_model(path, AgentConfig, "agent config")
    base = path.parent
    config.database = base / config.database if config.database is not None else None
    config.design_dirs = [base / d for d in config.design_dirs]
    return config
