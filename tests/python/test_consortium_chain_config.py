"""`glocal consortium chain-config` writes a Besu QBFT network: the genesis is checked against Besu's documented
layout with an RLP decoder of its own (Besu itself cannot be installed here: it is on no package registry this
project uses), and every node configuration and the shared account allowlist are parsed as Besu would read them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import rlp
import typer
from typer.testing import CliRunner

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.cli.consortium_chain import chain_config
from glocal_chain.deploy.qbft import decode_qbft_extra_data, encode_qbft_extra_data
from glocal_chain.errors import ConfigError, GlocalError

runner = CliRunner()
CHAIN_ID = 1_337_001
VALIDATORS = [dev_account(i).address for i in (10, 11, 12)]  # one per member city
MEMBERS = [dev_account(i).address for i in (4, 5, 6)]
PARTICIPANTS = [dev_account(0).address, dev_account(7).address, dev_account(4).address]  # 4 is a member too
ARTIFACTS = Path(__file__).resolve().parents[2] / "glocal_chain" / "artifacts"
#: The "block header validator selection" genesis of Besu's QBFT documentation: four validators.
BESU_DOC_EXTRA_DATA = (
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e"
    "6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00c"
    "e683cf93039b212648e01c6c6b78c080c0")
BESU_DOC_VALIDATORS = ["0x64a702e6263b7297a96638cac6ae65e6541f4169", "0x3923390ad55e90c237593b3b0e401f3b08a03185",
                       "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692", "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78"]


def cli_app() -> typer.Typer:
    """The command alone, registered as the consortium CLI registers it."""
    app = typer.Typer()

    @app.callback()
    def consortium() -> None:
        """The consortium."""

    app.command("chain-config")(chain_config)
    return app


def invoke(*args: str):
    return runner.invoke(cli_app(), ["chain-config", *args])


def write(out: Path, *extra: str, validators: list[str] = VALIDATORS):
    return invoke("--validators", ",".join(validators), "--chain-id", str(CHAIN_ID), "--out", str(out),
                  "--members", ",".join(MEMBERS), "--participants", ",".join(PARTICIPANTS), "--json", *extra)


def refusal(result) -> str:
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, GlocalError), (result.output, result.exception)
    return str(result.exception)


def largest_runtime_code() -> int:
    sizes = [len(bytes.fromhex(json.loads(path.read_text())["deployedBytecode"].removeprefix("0x")))
             for path in ARTIFACTS.glob("*.json")]
    return max(sizes)


def test_chain_config_writes_qbft_genesis_besu_reads_if_validators_given(tmp_path):
    out = tmp_path / "besu-network"
    result = write(out)
    assert result.exit_code == 0, (result.output, result.exception)
    report = json.loads(result.output)
    files = [Path(f) for f in report["files"]]
    assert sorted(f.relative_to(out).as_posix() for f in files) == [
        "genesis.json", "node-1/config.toml", "node-2/config.toml", "node-3/config.toml", "permissions_config.toml"]
    assert all(f.is_file() for f in files)

    genesis = json.loads((out / "genesis.json").read_text())
    config = genesis["config"]
    assert config["chainId"] == CHAIN_ID
    assert config["zeroBaseFee"] is True and genesis["baseFeePerGas"] == "0x0"
    assert config["qbft"]["blockperiodseconds"] == 2
    assert config["qbft"]["requesttimeoutseconds"] > config["qbft"]["blockperiodseconds"]
    assert config["londonBlock"] == 0 and config["shanghaiTime"] == 0 and config["cancunTime"] == 0
    assert config["contractSizeLimit"] >= largest_runtime_code()
    assert genesis["difficulty"] == "0x1"
    assert bytes.fromhex(genesis["mixHash"][2:]) == b"ctical byzantine fault tolerance"

    # extraData = RLP([32-byte vanity, [validators], vote, round, [seals]]), decoded here without the package.
    vanity, validators, vote, round_number, seals = rlp.decode(bytes.fromhex(genesis["extraData"][2:]))
    assert vanity == bytes(32)
    assert validators == [bytes.fromhex(v[2:]) for v in VALIDATORS]
    assert vote == [] and seals == []
    assert round_number == b""  # the integer 0, as Besu writes it (writeIntScalar)
    assert decode_qbft_extra_data(genesis["extraData"]) == VALIDATORS


def test_chain_config_points_every_node_at_genesis_and_allowlist_if_written(tmp_path):
    out = tmp_path / "besu-network"
    assert write(out).exit_code == 0
    nodes = [tomllib.loads((out / f"node-{n}" / "config.toml").read_text()) for n in (1, 2, 3)]
    for node in nodes:
        assert (out / node["genesis-file"]).resolve() == (out / "genesis.json").resolve()
        assert node["permissions-accounts-config-file-enabled"] is True
        assert (out / node["permissions-accounts-config-file"]).resolve() == (out / "permissions_config.toml").resolve()
        assert node["min-gas-price"] == 0
        assert node["rpc-http-enabled"] is True
        assert {"ETH", "NET", "WEB3", "QBFT"} <= set(node["rpc-http-api"])
    for key in ("data-path", "p2p-port", "rpc-http-port"):
        assert len({node[key] for node in nodes}) == 3, key  # the nodes can share one machine for a trial

    allowlist = tomllib.loads((out / "permissions_config.toml").read_text())["accounts-allowlist"]
    assert len(allowlist) == len(set(allowlist))
    assert {a.lower() for a in allowlist} == {a.lower() for a in [*VALIDATORS, *MEMBERS, *PARTICIPANTS]}


def test_extra_data_matches_besu_documentation_if_encoded_from_its_validators():
    assert encode_qbft_extra_data(BESU_DOC_VALIDATORS) == BESU_DOC_EXTRA_DATA
    assert [v.lower() for v in decode_qbft_extra_data(BESU_DOC_EXTRA_DATA)] == BESU_DOC_VALIDATORS


def test_decode_extra_data_refuses_if_not_qbft():
    with pytest.raises(ConfigError, match="list of 5 items"):
        decode_qbft_extra_data("0x" + rlp.encode([bytes(32), [], []]).hex())
    with pytest.raises(ConfigError, match="not RLP"):
        decode_qbft_extra_data("0xzz")


@pytest.mark.parametrize(("validators", "chain_id", "problem"), [
    ("0x1234", "7", "validator '0x1234' is not an address"),
    (f"{VALIDATORS[0]},{VALIDATORS[1]},{VALIDATORS[0].lower()}", "7", f"validator {VALIDATORS[0]} is listed twice"),
    ("", "7", "at least one validator"),
    (" , ", "7", "at least one validator"),
    (VALIDATORS[0], "0", "chain id must be a positive integer, not 0"),
    (VALIDATORS[0], "-5", "chain id must be a positive integer, not -5"),
])
def test_chain_config_refuses_if_input_is_bad(tmp_path, validators, chain_id, problem):
    out = tmp_path / "net"
    message = refusal(invoke("--validators", validators, f"--chain-id={chain_id}", "--out", str(out)))
    assert problem in message
    assert not out.exists()  # nothing written


def test_chain_config_refuses_if_participant_is_not_an_address(tmp_path):
    message = refusal(invoke("--validators", VALIDATORS[0], "--chain-id", "7", "--out", str(tmp_path / "net"),
                             "--participants", f"{MEMBERS[0]},buyer"))
    assert "participant 'buyer' is not an address" in message


def test_chain_config_refuses_if_folder_is_not_empty_unless_overwrite(tmp_path):
    out = tmp_path / "besu-network"
    assert write(out).exit_code == 0
    key = out / "node-1" / "data" / "key"
    key.parent.mkdir()
    key.write_text("the city's node key")
    message = refusal(write(out, validators=VALIDATORS[:2]))
    assert f"{out} already exists and is not empty" in message
    assert len(decode_qbft_extra_data(json.loads((out / "genesis.json").read_text())["extraData"])) == 3

    assert write(out, "--overwrite", validators=VALIDATORS[:2]).exit_code == 0
    assert decode_qbft_extra_data(json.loads((out / "genesis.json").read_text())["extraData"]) == VALIDATORS[:2]
    assert key.read_text() == "the city's node key"  # node data and keys are kept
