"""Points Brownie's `development` network at the project's anvil.

Brownie 1.22's compiled modules reject a `networks:` section in brownie-config.yaml, so this uses
`brownie networks modify`, which writes Brownie's user-level network file.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from glocal_chain.errors import ToolchainError
from glocal_chain.toolchain.anvil_history import PRUNE_HISTORY_ARGS
from glocal_chain.toolchain.settings import CompilerSettings, project_root

log = logging.getLogger(__name__)

#: Chain id Brownie's development anvil uses (anvil's default).
DEVELOPMENT_CHAIN_ID = 31337
DEFAULT_PORT = 8545
HOST = "http://127.0.0.1"
#: Brownie picks its anvil backend for a command starting with "anvil" and adds its settings' flags to it.
ANVIL_CMD = " ".join(("anvil", *PRUNE_HISTORY_ARGS))


def anvil_binary(root: Path | None = None) -> Path:
    path = (root or project_root()) / "node_modules" / ".bin" / "anvil"
    if not path.exists():
        raise ToolchainError(f"{path} is missing: run `make setup` (npm ci) first")
    return path


def brownie_cli() -> Path:
    return Path(sys.executable).with_name("brownie")


def link_anvil_into_venv() -> Path:
    """Brownie picks its anvil backend only for a command that starts with "anvil", found on PATH:
    the virtual environment's bin folder (on PATH once activated, and in `make` targets) gets a link."""
    link = Path(sys.executable).with_name("anvil")
    target = anvil_binary()
    if link.is_symlink() or link.exists():
        if link.resolve() == target.resolve():
            return link
        link.unlink()
    link.symlink_to(target)
    return link


def development_network_file() -> Path:
    """Brownie's user-level network file (`brownie networks modify` writes it)."""
    return Path.home() / ".brownie" / "network-config.yaml"


def _current_development_network() -> dict[str, Any] | None:
    try:
        networks = yaml.safe_load(development_network_file().read_text()) or {}
        return next((n for n in networks.get("development", []) if n.get("id") == "development"), None)
    except (OSError, yaml.YAMLError, AttributeError, TypeError):
        return None


def configure_development_network(settings: CompilerSettings, port: int | None = None,
                                  steps_tracing: bool | None = None) -> bool:
    """Brownie's `development` network runs our anvil (a bounded block history, in memory: `anvil_history`) on
    `port`; `steps_tracing` makes anvil record execution steps, which contract coverage reads. None keeps what is
    configured (else port `DEFAULT_PORT`, no tracing): `make test` picks both per run. Returns whether anything
    changed; nothing is run or logged when Brownie's settings already match."""
    link_anvil_into_venv()
    current = _current_development_network() or {}
    current_settings = current.get("cmd_settings") or {}
    if port is None:
        port = int(current_settings.get("port") or DEFAULT_PORT)
    if steps_tracing is None:
        steps_tracing = bool(current_settings.get("steps_tracing", False))
    wanted: dict[str, Any] = {
        "port": port,
        "evm_version": settings.evm_version,
        "chain_id": DEVELOPMENT_CHAIN_ID,
        "accounts": 10,
        "gas_limit": 30000000,
        "steps_tracing": steps_tracing,
    }
    if current.get("cmd") == ANVIL_CMD and current.get("host") == HOST and \
            all(current_settings.get(key) == value for key, value in wanted.items()):
        log.debug("brownie development network unchanged (anvil on 127.0.0.1:%d)", port)
        return False
    args = [str(brownie_cli()), "networks", "modify", "development", f"cmd={ANVIL_CMD}", f"host={HOST}",
            *(f"{key}={str(value).lower() if isinstance(value, bool) else value}" for key, value in wanted.items())]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise ToolchainError(f"brownie networks modify failed:\n{result.stdout}{result.stderr}")
    log.info("brownie development network: `%s` on 127.0.0.1:%d (%s%s)", ANVIL_CMD, port, settings.evm_version,
             ", steps tracing" if steps_tracing else "")
    return True
