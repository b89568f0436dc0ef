"""The agent's configuration (hub.toml)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from glocal_chain.config import load_toml_model
from glocal_chain.errors import ConfigError


class PrinterConfig(BaseModel):
    name: str
    driver: str = "octoprint"
    url: str
    api_key: str | None = None
    api_key_env: str | None = None
    materials: list[str] = Field(default_factory=list)
    capabilities: int = 0
    build_volume_mm: tuple[int, int, int] | None = None

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
    database: Path
    design_dirs: list[Path] = Field(default_factory=list)
    design_urls: list[str] = Field(default_factory=list)  # templates with {sha256}
    printers: list[PrinterConfig] = Field(min_length=1)
    confirmations: int | None = Field(default=None, ge=0)
    max_attempts: int = Field(default=3, ge=1)
    printer_timeout_s: float = Field(default=300.0, gt=0)
    poll_interval_s: float = Field(default=0.5, gt=0)
    metrics_port: int | None = 0
    product_capabilities: dict[int, int] = Field(default_factory=dict)
    product_materials: dict[int, str] = Field(default_factory=dict)


def load_agent_config(path: Path) -> AgentConfig:
    config = load_toml_model(path, AgentConfig, "agent config")
    base = path.parent
    config.database = base / config.database
    config.design_dirs = [base / d for d in config.design_dirs]
    return config
