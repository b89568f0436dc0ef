"""Network configuration: `local` is built in; consortium networks come from a TOML file."""

from __future__ import annotations

import difflib
import logging
import os
import tomllib
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, field_validator

from glocal_chain.config import build_model, read_toml
from glocal_chain.errors import ChainError, ConfigError
from glocal_chain.toolchain.settings import require_supported_evm

if TYPE_CHECKING:
    from glocal_chain.chain.anvil import LocalNode

log = logging.getLogger(__name__)

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


def local_chain_url() -> str:
    """The local chain's URL. A chain never stopped with `glocal chain down` is started on first use (logged at
    INFO); after `down`, a ChainError until `glocal chain up` runs."""
    node = local_node()
    running = node.status()
    if running is not None:
        return running.url
    if node.stopped_by_user():
        raise ChainError("the local chain is stopped (glocal chain down); start it with `glocal chain up`")
    started = node.up()
    log.info("started the local chain at %s (state in %s); `glocal chain down` stops it", started.url, node.home)
    return started.url


def local_network() -> NetworkConfig:
    """The built-in local network; its anvil is started on first use unless the user stopped it."""
    url = local_chain_url()
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
    if not path.exists():
        raise ConfigError(f"unknown network {name!r}{_did_you_mean(name, [LOCAL])}: only `local` is built in, and the "
                          f"networks file {path} that describes the others does not exist")
    data = read_toml(path, f"network {name!r} is not built in and the networks file")
    networks = data.get("networks", {})
    section = networks.get(name)
    if section is None:
        known = [LOCAL, *sorted(networks)]
        raise ConfigError(f"unknown network {name!r}{_did_you_mean(name, known)} (known: {', '.join(known)})")
    return build_model(NetworkConfig, {"name": name, **section}, f"network {name!r} in {path}")


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
