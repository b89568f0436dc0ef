"""The API's settings: an optional api.toml, overridden by the environment (DATABASE_URL, GLOCAL_API_*)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from glocal_chain.chain.networks import data_dir
from glocal_chain.config import build_model, env_overrides, read_toml

MIB = 1024 * 1024
ENV_PREFIX = "GLOCAL_API_"
ENV_FIELDS = {"network": "NETWORK", "host": "HOST", "port": "PORT", "designs_dir": "DESIGNS_DIR",
              "max_design_bytes": "MAX_DESIGN_BYTES"}


class ApiSettings(BaseModel):
    network: str | None = None
    database_url: str | None = None  # a file path, sqlite:///path or postgresql://...; default $GLOCAL_HOME/api.sqlite
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    designs_dir: Path | None = None  # default $GLOCAL_HOME/designs
    max_design_bytes: int = Field(default=64 * MIB, gt=0)
    confirmations: int | None = Field(default=None, ge=0)
    poll_interval_s: float = Field(default=0.5, gt=0)

    def database(self) -> str:
        return self.database_url or str(data_dir() / "api.sqlite")

    def designs(self) -> Path:
        return self.designs_dir or data_dir() / "designs"


def load_api_settings(path: Path | None = None, **overrides: Any) -> ApiSettings:
    """api.toml (if given), then the environment, then explicit overrides (CLI options that were set)."""
    data: dict[str, Any] = read_toml(path, "API config") if path is not None else {}
    if path is not None and "designs_dir" in data:  # relative to the file, like the other services' paths
        data["designs_dir"] = str(path.parent / data["designs_dir"])
    data.update(env_overrides(ENV_PREFIX, ENV_FIELDS))
    if "DATABASE_URL" in os.environ:
        data["database_url"] = os.environ["DATABASE_URL"]
    data.update({k: v for k, v in overrides.items() if v is not None})
    return build_model(ApiSettings, data, f"API settings{f' ({path})' if path else ''}")
