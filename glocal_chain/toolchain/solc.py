"""Makes the pinned solc available to py-solc-x and Brownie, offline.

A native binary of the pinned version in py-solc-x's install folder is used as it is. Otherwise the
solc-js bridge (`tools/solc/solc-bridge.js`, the npm `solc` of the same version) is installed there
under the native binary's name, so py-solc-x, Brownie and Slither all see "solc <version> installed".
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import solcx

from glocal_chain.errors import ToolchainError
from glocal_chain.toolchain.settings import CompilerSettings, project_root

log = logging.getLogger(__name__)

BRIDGE_MARKER = "# glocal-chain solc-js bridge"


def compiler_path(version: str) -> Path:
    return Path(solcx.get_solcx_install_folder()) / f"solc-v{version}"


def _bridge_script(root: Path) -> str:
    node = shutil.which("node")
    if node is None:
        raise ToolchainError("node is not installed: the solc-js bridge needs Node.js (>= 18)")
    bridge = root / "tools" / "solc" / "solc-bridge.js"
    return f'#!/bin/sh\n{BRIDGE_MARKER}\nexec "{node}" "{bridge}" "$@"\n'


def is_bridge(path: Path) -> bool:
    try:
        return BRIDGE_MARKER in path.read_text(errors="ignore")[:200]
    except OSError:
        return False


def reported_version(path: Path) -> str:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ToolchainError(f"{path} does not run: {exc}") from exc
    for line in out.splitlines():
        if line.startswith("Version:"):
            return line.split()[1].split("+")[0]
    raise ToolchainError(f"{path} printed no version")


def install_compiler(settings: CompilerSettings, root: Path | None = None) -> Path:
    """Ensures `solc-v<version>` exists in py-solc-x's folder; returns its path."""
    root = root or project_root()
    path = compiler_path(settings.solc_version)
    if path.exists() and not is_bridge(path):
        log.debug("native solc %s found at %s", settings.solc_version, path)
    else:
        if not (root / "node_modules" / "solc" / "soljson.js").exists():
            raise ToolchainError("node_modules/solc is missing: run `make setup` (npm ci) first")
        path.parent.mkdir(parents=True, exist_ok=True)
        script = _bridge_script(root)
        if not path.exists() or path.read_text() != script:
            path.write_text(script)
            path.chmod(0o755)
            log.info("installed the solc-js bridge as %s", path)
    version = reported_version(path)
    if version != settings.solc_version:
        raise ToolchainError(
            f"{path} is solc {version}, but brownie-config.yaml pins {settings.solc_version}: "
            "align package.json's `solc` with the pinned version"
        )
    return path
