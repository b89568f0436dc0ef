"""The consortium's chain: a Hyperledger Besu network with QBFT consensus, one validator per member city.

`write_chain_config` writes what the cities start their nodes with: the genesis (the validators in the QBFT
`extraData`, zero base fee, every fork up to cancun at genesis), each validator node's Besu `config.toml`, and
the account allowlist the nodes share. `decode_qbft_extra_data` reads the validators back from a genesis.
The layouts follow Besu's documentation and its `QbftExtraDataCodec`:
extraData = RLP([32-byte vanity, [validator addresses], vote ([] for none), round (0), [seals]]).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp  # type: ignore[import-untyped]
from eth_utils import is_address, to_canonical_address, to_checksum_address

from glocal_chain.errors import ConfigError

log = logging.getLogger(__name__)

GENESIS_FILE = "genesis.json"
PERMISSIONS_FILE = "permissions_config.toml"
VANITY = bytes(32)
#: The mix hash Besu's BFT block headers carry ("ctical byzantine fault tolerance" in ASCII).
BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"
#: EIP-170's limit, kept: the suite's largest runtime code (ConsortiumGovernor, OrderEscrow) is about 20,500 bytes.
CONTRACT_SIZE_LIMIT = 24_576
#: Gas per block. Gas is free, so this bounds the work in a block, not what anyone pays.
GAS_LIMIT = 100_000_000
EPOCH_LENGTH = 30_000
#: Block-numbered forks, all at genesis; then the time-based ones (the suite needs cancun: transient storage, mcopy).
FORK_BLOCKS = ("homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock",
               "constantinopleBlock", "petersburgBlock", "istanbulBlock", "muirGlacierBlock", "berlinBlock",
               "londonBlock", "arrowGlacierBlock", "grayGlacierBlock")
FORK_TIMES = ("shanghaiTime", "cancunTime")
P2P_PORT = 30303
RPC_PORT = 8545
RPC_APIS = ("ETH", "NET", "WEB3", "QBFT")


@dataclass(frozen=True)
class QbftNetwork:
    """A checked description of the network: validators in their `extraData` order, checksummed addresses."""

    chain_id: int
    validators: tuple[str, ...]
    #: Who may send transactions: the validators, the member cities' accounts and the participants.
    allowed_accounts: tuple[str, ...]
    block_period_s: int = 2
    request_timeout_s: int = 4
    epoch_length: int = EPOCH_LENGTH
    gas_limit: int = GAS_LIMIT
    contract_size_limit: int = CONTRACT_SIZE_LIMIT
    #: Native-coin balances at genesis (wei), by address. Gas is free: only native-coin payments need them.
    balances: Mapping[str, int] = field(default_factory=dict)


def _address(value: str, role: str) -> str:
    text = value.strip()
    if not (text.startswith("0x") and is_address(text)):
        raise ConfigError(f"{role} {text!r} is not an address (0x and 40 hex digits, with a valid checksum if "
                          "mixed case)")
    return to_checksum_address(text)


def _distinct(addresses: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(addresses))


def qbft_network(validators: Sequence[str], chain_id: int, *, block_period_s: int = 2,
                 members: Sequence[str] = (), participants: Sequence[str] = (),
                 balances: Mapping[str, int] | None = None, gas_limit: int = GAS_LIMIT,
                 contract_size_limit: int = CONTRACT_SIZE_LIMIT) -> QbftNetwork:
    """Checks the inputs; every problem is a ConfigError that names it."""
    if not validators:
        raise ConfigError("a QBFT network needs at least one validator (one per member city)")
    checked = [_address(v, "validator") for v in validators]
    for index, address in enumerate(checked):
        if address in checked[:index]:
            raise ConfigError(f"validator {address} is listed twice")
    if isinstance(chain_id, bool) or chain_id <= 0:
        raise ConfigError(f"the chain id must be a positive integer, not {chain_id}")
    if block_period_s < 1:
        raise ConfigError(f"the block period must be at least 1 s, not {block_period_s}")
    if gas_limit <= 0:
        raise ConfigError(f"the block gas limit must be positive, not {gas_limit}")
    if contract_size_limit < CONTRACT_SIZE_LIMIT:
        raise ConfigError(f"the contract size limit must be at least {CONTRACT_SIZE_LIMIT} bytes, "
                          f"not {contract_size_limit}")
    funded: dict[str, int] = {}
    for account, wei in (balances or {}).items():
        if wei < 0:
            raise ConfigError(f"the genesis balance of {account} is negative")
        funded[_address(account, "funded account")] = wei
    allowed = _distinct([*checked, *(_address(m, "member") for m in members),
                         *(_address(p, "participant") for p in participants)])
    return QbftNetwork(chain_id=chain_id, validators=tuple(checked), allowed_accounts=allowed,
                       block_period_s=block_period_s, request_timeout_s=2 * block_period_s,
                       gas_limit=gas_limit, contract_size_limit=contract_size_limit, balances=funded)


def encode_qbft_extra_data(validators: Sequence[str]) -> str:
    """The genesis `extraData`: 32 zero bytes of vanity, the validators, no vote, round 0, no seals."""
    encoded: bytes = rlp.encode([VANITY, [to_canonical_address(v) for v in validators], [], 0, []])
    return "0x" + encoded.hex()


def decode_qbft_extra_data(extra_data: str) -> list[str]:
    """The validators (checksummed, in order) of a QBFT `extraData`; a ConfigError if it is not one."""
    try:
        fields = rlp.decode(bytes.fromhex(extra_data.removeprefix("0x")))
    except (ValueError, rlp.DecodingError) as exc:
        raise ConfigError(f"extraData is not RLP-encoded hex: {exc}") from exc
    if not isinstance(fields, list) or len(fields) != 5:
        raise ConfigError("extraData is not QBFT extra data: expected a list of 5 items "
                          "(vanity, validators, vote, round, seals)")
    vanity, validators, vote, round_number, seals = fields
    if not isinstance(vanity, bytes) or len(vanity) != len(VANITY):
        raise ConfigError("extraData is not QBFT extra data: its vanity is not 32 bytes")
    if not isinstance(validators, list) or not all(isinstance(v, bytes) and len(v) == 20 for v in validators):
        raise ConfigError("extraData is not QBFT extra data: its validators are not 20-byte addresses")
    if not (isinstance(vote, list) and isinstance(round_number, bytes) and isinstance(seals, list)):
        raise ConfigError("extraData is not QBFT extra data: vote and seals must be lists, the round a number")
    return [to_checksum_address(v) for v in validators]


def genesis(network: QbftNetwork) -> dict[str, Any]:
    """The genesis document Besu reads with `--genesis-file`."""
    config: dict[str, Any] = {"chainId": network.chain_id}
    config.update({fork: 0 for fork in (*FORK_BLOCKS, *FORK_TIMES)})
    config.update({
        "zeroBaseFee": True,
        "contractSizeLimit": network.contract_size_limit,
        "qbft": {"blockperiodseconds": network.block_period_s, "epochlength": network.epoch_length,
                 "requesttimeoutseconds": network.request_timeout_s},
    })
    return {
        "config": config,
        "nonce": "0x0",
        "timestamp": "0x0",
        "extraData": encode_qbft_extra_data(network.validators),
        "gasLimit": hex(network.gas_limit),
        "difficulty": "0x1",
        "baseFeePerGas": "0x0",
        "mixHash": BFT_MIX_HASH,
        "coinbase": "0x" + "00" * 20,
        "alloc": {address.lower().removeprefix("0x"): {"balance": hex(wei)}
                  for address, wei in network.balances.items()},
    }


def _toml_value(value: object) -> str:
    """A TOML value for the strings, integers, booleans and string lists these files hold (JSON's string
    escapes are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(value)


def _toml(comment: str, settings: Mapping[str, object]) -> str:
    lines = [f"# {line}" if line else "#" for line in comment.splitlines()]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def node_directory(index: int) -> str:
    """The folder of validator `index` (1-based) inside the network folder."""
    return f"node-{index}"


def node_config(network: QbftNetwork, index: int) -> str:
    """Besu's `config.toml` for validator `index` (1-based). Paths are relative to the network folder, which
    is where the node starts: `besu --config-file=node-<n>/config.toml`."""
    node = node_directory(index)
    validator = network.validators[index - 1]
    comment = (f"Besu node {index} of {len(network.validators)}: QBFT validator {validator}.\n"
               f"Start it from the network folder: besu --config-file={node}/config.toml\n"
               f"Its node key ({node}/data/key) must be the one whose address is {validator}\n"
               f"(besu --data-path={node}/data public-key export-address).\n"
               "The RPC answers on this machine only; to serve the suite from elsewhere, widen rpc-http-host and\n"
               "host-allowlist behind TLS, and keep QBFT off an interface others reach.\n"
               "To find the other nodes, add: bootnodes = [\"enode://<public key>@<host>:<p2p port>\", ...]")
    return _toml(comment, {
        "data-path": f"{node}/data",
        "genesis-file": GENESIS_FILE,
        "sync-mode": "FULL",
        "p2p-port": P2P_PORT + index - 1,
        "rpc-http-enabled": True,
        "rpc-http-host": "127.0.0.1",
        "rpc-http-port": RPC_PORT + index - 1,
        "rpc-http-api": list(RPC_APIS),
        "host-allowlist": ["localhost", "127.0.0.1"],
        "min-gas-price": 0,
        "revert-reason-enabled": True,
        "permissions-accounts-config-file-enabled": True,
        "permissions-accounts-config-file": PERMISSIONS_FILE,
    })


def permissions_config(network: QbftNetwork) -> str:
    """The account allowlist every node shares: only these accounts may send transactions."""
    comment = ("Accounts that may send transactions on the consortium's chain (Besu local account permissioning):\n"
               "the validators, the member cities' accounts and the participants (deployer, hubs, designers,\n"
               "buyers, oracles, arbiters). Keep the same file on every node.")
    return _toml(comment, {"accounts-allowlist": [a.lower() for a in network.allowed_accounts]})


def _prepare(directory: Path, overwrite: bool) -> None:
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not overwrite:
        raise ConfigError(f"{directory} already exists and is not empty: choose another folder or overwrite "
                          "its configuration (node data and keys are kept)")


def write_chain_config(directory: Path, validators: Sequence[str], chain_id: int, block_period_s: int = 2,
                       participants: Sequence[str] = (), *, members: Sequence[str] = (),
                       balances: Mapping[str, int] | None = None, overwrite: bool = False) -> list[Path]:
    """Writes genesis.json, permissions_config.toml and node-<n>/config.toml (one per validator, in order)
    into `directory`; returns the paths written. An existing non-empty folder is refused unless `overwrite`,
    which rewrites these files and leaves everything else (node data, keys) as it is."""
    network = qbft_network(validators, chain_id, block_period_s=block_period_s, members=members,
                           participants=participants, balances=balances)
    _prepare(directory, overwrite)
    files = {directory / GENESIS_FILE: json.dumps(genesis(network), indent=2) + "\n",
             directory / PERMISSIONS_FILE: permissions_config(network)}
    for index in range(1, len(network.validators) + 1):
        files[directory / node_directory(index) / "config.toml"] = node_config(network, index)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    log.info("wrote the QBFT network of %d validators (chain id %d) to %s", len(network.validators), chain_id,
             directory)
    return list(files)
