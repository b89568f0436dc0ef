"""The oracle's configuration (oracle.toml): network, wallet, database, webhook senders and their secrets."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from glocal_chain.config import load_toml_model
from glocal_chain.errors import ConfigError

MAX_CLOCK_SKEW_S = 300  # the five minutes: older (or later) timestamps are refused


class WebhookSender(BaseModel):
    """A courier, locker or pickup desk allowed to report deliveries, with its own shared secret."""

    name: str = Field(min_length=1, max_length=64)
    secret: str | None = None
    secret_env: str | None = None

    def key(self) -> bytes:
        value = self.secret or (os.environ.get(self.secret_env) if self.secret_env else None)
        if not value:
            raise ConfigError(f"webhook sender {self.name}: set secret or secret_env (and export it)")
        return value.encode()


class OracleConfig(BaseModel):
    network: str | None = None
    wallet: str
    database: Path
    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=0, le=65535)
    senders: list[WebhookSender] = Field(min_length=1)
    max_clock_skew_s: int = Field(default=MAX_CLOCK_SKEW_S, gt=0)
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    confirmations: int | None = Field(default=None, ge=0)
    poll_interval_s: float = Field(default=0.5, gt=0)


def load_oracle_config(path: Path) -> OracleConfig:
    config = load_toml_model(path, OracleConfig, "oracle config")
    config.database = path.parent / config.database
    for sender in config.senders:
        sender.key()  # a missing secret is a start-up error, not a 401 for every webhook
    return config
