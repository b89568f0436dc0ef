"""Network configuration: `local` is built in; consortium networks come from a TOML file."""

from __future__ import annotations

import os
import tomllib
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, field_validator

from glocal_chain.config import build_model, read_toml
from glocal_chain.errors import ConfigError
from glocal_chain.toolchain.settings import require_supported_evm

if TYPE_CHECKING:
    from glocal_chain.chain.anvil import LocalNode

LOCAL = "local"
LOCAL_CHAIN_ID = 31337
NETWORKS_FILE_ENV = "GLOCAL_NETWORKS_FILE"
DATA_DIR_ENV = "GLOCAL_HOME"


class GasPolicy(str, Enum):
    """`free`: legacy transactions at gas price 0 (Besu with min-gas-price 0). `eip1559`: market fees."""

    FREE = "free"
    EIP1559 = "eip1559"
    LEGACY = "legacy"


class NetworkConfig(BaseModel):
    name: str
    rpc_urls: list[str] = Field(min_length=1)
    ws_url: str | None = None  # newHeads subscription that wakes services early (polling stays the truth)
    chain_id: int
    poa: bool = False
    gas_policy: GasPolicy = GasPolicy.EIP1559
    confirmations: int = Field(default=0, ge=0, le=64)
    evm_version: str | None = None
    local: bool = False
    request_timeout_s: float = Field(default=10.0, gt=0)

    def confirmations_or(self, override: int | None) -> int:
        """A service's own confirmations setting if it has one, else the network's."""
        return self.confirmations if override is None else override

    @field_validator("evm_version")
    @classmethod
    def _supported_evm(cls, value: str | None) -> str | None:
        if value is not None:
            require_supported_evm(value)
        return value


def data_dir() -> Path:
    """Where local state lives (anvil state, keystores, checkpoints): $GLOCAL_HOME or ./.glocal."""
    return Path(os.environ.get(DATA_DIR_ENV, ".glocal")).resolve()


def local_node() -> LocalNode:
    from glocal_chain.chain.anvil import LocalNode

    return LocalNode(data_dir() / "anvil", chain_id=LOCAL_CHAIN_ID)


def local_network() -> NetworkConfig:
    """The built-in local network; its anvil is started on demand."""
    url = local_node().url()
    return NetworkConfig(
        name=LOCAL,
        rpc_urls=[url],
        ws_url=url.replace("http://", "ws://"),
        chain_id=LOCAL_CHAIN_ID,
        gas_policy=GasPolicy.FREE,
        confirmations=0,
        local=True,
    )


def networks_file() -> Path:
    return Path(os.environ.get(NETWORKS_FILE_ENV, "networks.toml"))


def default_network_name(path: Path | None = None) -> str:
    """The networks file's `default`, else `local`."""
    path = path or networks_file()
    try:
        return str(tomllib.loads(path.read_text()).get("default", LOCAL))
    except FileNotFoundError:
        return LOCAL
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def load_network(name: str | None, path: Path | None = None) -> NetworkConfig:
    """A network by name (None: the default)."""
    name = name or default_network_name(path)
    if name == LOCAL:
        return local_network()
    path = path or networks_file()
    data = read_toml(path, f"network {name!r} is not built in and the networks file")
    section = data.get("networks", {}).get(name)
    if section is None:
        known = ", ".join([LOCAL, *sorted(data.get("networks", {}))])
        raise ConfigError(f"unknown network {name!r} (known: {known})")
    return build_model(NetworkConfig, {"name": name, **section}, f"network {name!r} in {path}")
