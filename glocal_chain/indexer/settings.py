"""The indexer's settings, read from the API's (api.toml, DATABASE_URL, GLOCAL_API_*): an indexer and the
API readers it feeds are configured by the same file, so they cannot disagree on the database or network."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from glocal_chain.chain.networks import data_dir
from glocal_chain.config import build_model, env_overrides, read_toml

ENV_PREFIX = "GLOCAL_API_"
ENV_FIELDS = {"network": "NETWORK"}


class IndexerSettings(BaseModel):
    network: str | None = None
    database_url: str | None = None  # a file path, sqlite:///path or postgresql://...; default $GLOCAL_HOME/api.sqlite
    confirmations: int | None = Field(default=None, ge=0)
    poll_interval_s: float = Field(default=0.5, gt=0)

    def database(self) -> str:
        return self.database_url or str(data_dir() / "api.sqlite")


Settings = TypeVar("Settings", bound=IndexerSettings)


def load_settings(model: type[Settings], path: Path | None, env_fields: Mapping[str, str],
                  relative_paths: tuple[str, ...] = (), **overrides: Any) -> Settings:
    """api.toml (if given; `relative_paths` are relative to it), then the environment (DATABASE_URL and
    GLOCAL_API_ + `env_fields`), then explicit overrides (CLI options that were set)."""
    data: dict[str, Any] = read_toml(path, "API config") if path is not None else {}
    for key in relative_paths:
        if path is not None and key in data:
            data[key] = str(path.parent / data[key])
    data.update(env_overrides(ENV_PREFIX, env_fields))
    if "DATABASE_URL" in os.environ:
        data["database_url"] = os.environ["DATABASE_URL"]
    data.update({k: v for k, v in overrides.items() if v is not None})
    return build_model(model, data, f"API settings{f' ({path})' if path else ''}")


def load_indexer_settings(path: Path | None = None, **overrides: Any) -> IndexerSettings:
    return load_settings(IndexerSettings, path, ENV_FIELDS, **overrides)
