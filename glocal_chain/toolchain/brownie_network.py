"""Points Brownie's `development` network at the project's anvil.

Brownie 1.22's compiled modules reject a `networks:` section in brownie-config.yaml, so this uses
`brownie networks modify`, which writes Brownie's user-level network file.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from glocal_chain.errors import ToolchainError
from glocal_chain.toolchain.settings import CompilerSettings, project_root

log = logging.getLogger(__name__)

#: Chain id Brownie's development anvil uses (anvil's default).
DEVELOPMENT_CHAIN_ID = 31337
DEFAULT_PORT = 8545


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


def configure_development_network(settings: CompilerSettings, port: int = DEFAULT_PORT,
                                  steps_tracing: bool = False) -> None:
    """`steps_tracing` makes anvil record execution steps, which contract coverage reads."""
    link_anvil_into_venv()
    args = [
        str(brownie_cli()),
        "networks",
        "modify",
        "development",
        "cmd=anvil",
        "host=http://127.0.0.1",
        f"port={port}",
        f"evm_version={settings.evm_version}",
        f"chain_id={DEVELOPMENT_CHAIN_ID}",
        "accounts=10",
        "gas_limit=30000000",
        f"steps_tracing={str(steps_tracing).lower()}",
    ]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise ToolchainError(f"brownie networks modify failed:\n{result.stdout}{result.stderr}")
    log.info("brownie development network: anvil on 127.0.0.1:%d (%s)", port, settings.evm_version)
