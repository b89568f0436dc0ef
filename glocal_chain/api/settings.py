"""The API's settings: an optional api.toml, overridden by the environment (DATABASE_URL, GLOCAL_API_*)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from glocal_chain.chain.networks import data_dir
from glocal_chain.indexer.settings import ENV_FIELDS as INDEXER_ENV_FIELDS
from glocal_chain.indexer.settings import IndexerSettings, load_settings
from glocal_chain.web.origins import web_origins

MIB = 1024 * 1024
ENV_FIELDS = {**INDEXER_ENV_FIELDS, "host": "HOST", "port": "PORT", "designs_dir": "DESIGNS_DIR",
              "max_design_bytes": "MAX_DESIGN_BYTES", "indexer": "INDEXER",
              "design_quota_bytes": "DESIGN_QUOTA_BYTES", "max_streams": "MAX_STREAMS",
              "agent_origins": "AGENT_ORIGINS"}


class ApiSettings(IndexerSettings):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    designs_dir: Path | None = None  # default $GLOCAL_HOME/designs
    max_design_bytes: int = Field(default=64 * MIB, gt=0)
    design_quota_bytes: int = Field(default=20 * MIB, gt=0)  # what one address may upload per rolling 24 h
    max_streams: int = Field(default=100, ge=1)  # live order streams (server-sent events) open at once
    # The RPC URLs a browser wallet is told to add for this chain (GET /v1/network); default: the network's.
    public_rpc_urls: list[str] | None = None
    # True: this process also indexes (the writer, or a standby while another holds the PostgreSQL writer
    # lock); False: a stateless reader of a read model `glocal indexer run` keeps.
    indexer: bool = True
    # Hub agents' origins (e.g. "http://192.168.1.40:9464") whose /status the hub page may read: added to the
    # pages' CSP connect-src. From the environment: comma-separated (GLOCAL_API_AGENT_ORIGINS). Default: none.
    agent_origins: list[str] = Field(default_factory=list)

    @field_validator("agent_origins", mode="before")
    @classmethod
    def _valid_agent_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            return value
        return web_origins(value, "http://192.168.1.40:9464")

    def designs(self) -> Path:
        return self.designs_dir or data_dir() / "designs"


def load_api_settings(path: Path | None = None, **overrides: Any) -> ApiSettings:
    """api.toml (if given), then the environment, then explicit overrides (CLI options that were set)."""
    return load_settings(ApiSettings, path, ENV_FIELDS, ("designs_dir",), **overrides)
