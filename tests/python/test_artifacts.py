"""The artifacts shipped in the package are what a fresh compile of contracts/ produces."""

from glocal_chain.chain.artifacts import SUITE, load_artifact
from glocal_chain.toolchain.compile import SHIPPED_CONTRACTS, stale_artifacts
from glocal_chain.toolchain.settings import load_settings


def test_shipped_artifacts_match_fresh_compile_if_sources_unchanged():
    assert stale_artifacts(load_settings()) == []


def test_shipped_artifacts_have_abi_and_bytecode_if_loaded():
    for name in SHIPPED_CONTRACTS:
        artifact = load_artifact(name)
        assert artifact.bytecode.startswith("0x") and len(artifact.bytecode) > 1_000
        assert any(item.get("type") == "constructor" for item in artifact.abi) or name not in SUITE
        assert artifact.evm_version == "cancun"
