"""The compiled suite shipped inside the package: services need neither node nor a compiler."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from glocal_chain.errors import ToolchainError

ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "artifacts"
SUITE = ("HubRegistry", "ProductRegistry", "OrderEscrow")
#: The consortium's governance (contracts/governance), deployed when a deploy config has a [consortium].
GOVERNANCE = ("ConsortiumMembership", "ConsortiumTimelock", "ConsortiumGovernor")


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    evm_version: str


@cache
def load_artifact(name: str) -> Artifact:
    path = ARTIFACTS_DIR / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ToolchainError(f"artifact {path} is missing or corrupt ({exc}); run `make artifacts`") from exc
    return Artifact(
        name=name,
        abi=data["abi"],
        bytecode=data["bytecode"],
        deployed_bytecode=data["deployedBytecode"],
        evm_version=data["compiler"]["evmVersion"],
    )


@cache
def suite_abis() -> tuple[list[dict[str, Any]], ...]:
    return tuple(load_artifact(name).abi for name in (*SUITE, *GOVERNANCE, "TestToken"))
