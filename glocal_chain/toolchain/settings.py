"""Compiler settings, read from the one place they live: `brownie-config.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from glocal_chain.errors import ToolchainError

#: EVM versions in order; the suite needs EIP-1153 transient storage (cancun) or later.
EVM_VERSIONS = ("paris", "shanghai", "cancun", "prague", "osaka")
MIN_EVM_VERSION = "cancun"


def project_root() -> Path:
    """The repository root (where brownie-config.yaml is)."""
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CompilerSettings:
    solc_version: str
    evm_version: str
    optimizer_enabled: bool
    optimizer_runs: int
    remappings: tuple[str, ...]

    def with_evm_version(self, evm_version: str | None) -> CompilerSettings:
        """The same settings for another EVM target; refuses targets older than the suite needs."""
        if evm_version is None or evm_version == self.evm_version:
            return self
        require_supported_evm(evm_version)
        return CompilerSettings(
            self.solc_version, evm_version, self.optimizer_enabled, self.optimizer_runs, self.remappings
        )

    def standard_json_settings(self) -> dict[str, object]:
        return {
            "evmVersion": self.evm_version,
            "optimizer": {"enabled": self.optimizer_enabled, "runs": self.optimizer_runs},
            "remappings": [_as_directory_remapping(item) for item in self.remappings],
            "outputSelection": {
                "*": {
                    "*": [
                        "abi",
                        "metadata",
                        "evm.bytecode.object",
                        "evm.bytecode.sourceMap",
                        "evm.deployedBytecode.object",
                        "evm.deployedBytecode.sourceMap",
                    ],
                    "": ["ast"],
                }
            },
        }


def require_supported_evm(evm_version: str) -> None:
    if evm_version not in EVM_VERSIONS:
        raise ToolchainError(f"unknown evmVersion {evm_version!r}; known: {', '.join(EVM_VERSIONS)}")
    if EVM_VERSIONS.index(evm_version) < EVM_VERSIONS.index(MIN_EVM_VERSION):
        raise ToolchainError(
            f"evmVersion {evm_version!r} is older than {MIN_EVM_VERSION!r}, which the suite needs "
            "(OpenZeppelin 5 uses mcopy; the escrow's reentrancy guard uses transient storage)"
        )


def _as_directory_remapping(remapping: str) -> str:
    prefix, _, target = remapping.partition("=")
    return f"{prefix.rstrip('/')}/={target.rstrip('/')}/"


def load_settings(root: Path | None = None) -> CompilerSettings:
    """Reads the `compiler` section of brownie-config.yaml."""
    path = (root or project_root()) / "brownie-config.yaml"
    try:
        compiler = yaml.safe_load(path.read_text())["compiler"]
        solc = compiler["solc"]
        settings = CompilerSettings(
            solc_version=str(solc["version"]),
            evm_version=str(compiler.get("evm_version") or MIN_EVM_VERSION),
            optimizer_enabled=bool(solc["optimizer"]["enabled"]),
            optimizer_runs=int(solc["optimizer"]["runs"]),
            remappings=tuple(solc.get("remappings") or ()),
        )
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ToolchainError(f"cannot read compiler settings from {path}: {exc}") from exc
    require_supported_evm(settings.evm_version)
    return settings
