"""Compiles the suite with py-solc-x and writes the artifacts shipped inside the package."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from glocal_chain.errors import ToolchainError
from glocal_chain.toolchain.settings import CompilerSettings, project_root
from glocal_chain.toolchain.solc import install_compiler

log = logging.getLogger(__name__)

#: Contracts whose artifacts the package ships (production suite, its governance, and the local test token).
SHIPPED_CONTRACTS = ("HubRegistry", "ProductRegistry", "OrderEscrow", "ConsortiumMembership", "ConsortiumTimelock",
                     "ConsortiumGovernor", "TestToken")
ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "artifacts"


@dataclass(frozen=True)
class CompiledSuite:
    """The raw standard-JSON output and the input it came from."""

    input: dict[str, Any]
    output: dict[str, Any]

    def contract(self, name: str) -> tuple[str, dict[str, Any]]:
        for source, contracts in self.output["contracts"].items():
            if name in contracts:
                return source, contracts[name]
        raise ToolchainError(f"contract {name} is not in the compiler output")


def source_files(root: Path) -> list[Path]:
    return sorted((root / "contracts").rglob("*.sol"))


def standard_input(settings: CompilerSettings, root: Path) -> dict[str, Any]:
    sources = {
        path.relative_to(root).as_posix(): {"content": path.read_text()} for path in source_files(root)
    }
    return {"language": "Solidity", "sources": sources, "settings": settings.standard_json_settings()}


def compile_suite(settings: CompilerSettings, root: Path | None = None) -> CompiledSuite:
    root = root or project_root()
    solc_binary = install_compiler(settings, root)
    input_json = standard_input(settings, root)
    try:
        output = solcx.compile_standard(
            input_json,
            base_path=str(root),
            allow_paths=[str(root), str(root / "node_modules")],
            solc_binary=solc_binary,
        )
    except SolcError as exc:
        raise ToolchainError(f"compilation failed:\n{_formatted_errors(exc.stdout_data) or exc}") from exc
    errors = _formatted_errors(output)
    if errors:
        raise ToolchainError(f"compilation failed:\n{errors}")
    return CompiledSuite(input_json, output)


def _formatted_errors(output: dict[str, Any] | str | None) -> str:
    parsed: dict[str, Any] | None
    if isinstance(output, str):
        try:
            parsed = json.loads(output)
        except ValueError:
            return ""
    else:
        parsed = output
    errors = [e for e in (parsed or {}).get("errors", []) if e.get("severity") == "error"]
    return "\n".join(e["formattedMessage"] for e in errors)


def artifact(suite: CompiledSuite, name: str, settings: CompilerSettings) -> dict[str, Any]:
    source, contract = suite.contract(name)
    return {
        "contractName": name,
        "sourceName": source,
        "compiler": {
            "version": settings.solc_version,
            "evmVersion": settings.evm_version,
            "optimizer": {"enabled": settings.optimizer_enabled, "runs": settings.optimizer_runs},
        },
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
        "deployedBytecode": "0x" + contract["evm"]["deployedBytecode"]["object"],
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def build_artifacts(settings: CompilerSettings, root: Path | None = None) -> dict[str, str]:
    """The shipped artifacts as file name -> text, freshly compiled."""
    suite = compile_suite(settings, root)
    return {f"{name}.json": render(artifact(suite, name, settings)) for name in SHIPPED_CONTRACTS}


def write_artifacts(settings: CompilerSettings, root: Path | None = None) -> list[Path]:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in build_artifacts(settings, root).items():
        path = ARTIFACTS_DIR / file_name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            written.append(path)
    return written


def stale_artifacts(settings: CompilerSettings, root: Path | None = None) -> list[str]:
    """Names of shipped artifacts that differ from a fresh compile (missing ones included)."""
    stale = []
    for file_name, text in build_artifacts(settings, root).items():
        path = ARTIFACTS_DIR / file_name
        if not path.exists() or path.read_text() != text:
            stale.append(file_name)
    return stale
