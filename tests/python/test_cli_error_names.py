"""Errors as a person reads them: a custom error's enum arguments by their member's name and its roles by the
role's name, with the names kept true to the contracts' source."""

from __future__ import annotations

import re

from eth_abi import encode
from web3 import Web3

from glocal_chain.chain.artifacts import suite_abis
from glocal_chain.chain.reverts import ENUM_MEMBERS, KNOWN_ROLES, ROLE_NAMES, TIMELOCK_ROLE_NAMES, decode_revert
from glocal_chain.toolchain.settings import project_root

CONTRACTS = project_root() / "contracts"


def _error(signature: str, types: list[str], values: list[object]) -> bytes:
    return bytes(Web3.keccak(text=signature)[:4]) + encode(types, values)


def test_decoded_revert_names_order_and_hub_status_if_error_carries_enum():
    invalid = decode_revert(_error("InvalidOrderStatus(uint256,uint8)", ["uint256", "uint8"], [56, 5]))
    assert str(invalid) == "InvalidOrderStatus(orderId=56, status=Delivered)"
    assert invalid.args == {"orderId": 56, "status": 5}  # the values stay what the chain said
    hub = decode_revert(_error("HubNotApproved(uint32,uint8)", ["uint32", "uint8"], [3, 3]))
    assert str(hub) == "HubNotApproved(hubId=3, status=Suspended)"
    unknown_member = decode_revert(_error("InvalidOrderStatus(uint256,uint8)", ["uint256", "uint8"], [1, 99]))
    assert str(unknown_member) == "InvalidOrderStatus(orderId=1, status=99)"


def test_decoded_revert_names_role_if_error_carries_known_role():
    account = "0x" + "ab" * 20

    def missing(role: bytes) -> str:
        data = _error("AccessControlUnauthorizedAccount(address,bytes32)", ["address", "bytes32"], [account, role])
        return str(decode_revert(data))

    checksummed = Web3.to_checksum_address(account)
    assert missing(Web3.keccak(text="HUB_APPROVER_ROLE")) == \
        f"AccessControlUnauthorizedAccount(account={checksummed}, neededRole=HUB_APPROVER_ROLE)"
    assert missing(bytes(32)).endswith("neededRole=DEFAULT_ADMIN_ROLE)")
    assert missing(b"\x42" * 32).endswith("neededRole=0x" + "42" * 32 + ")")  # not a role of the suite


def test_role_names_match_contracts_if_roles_change():
    source = (CONTRACTS / "access" / "GlocalRoles.sol").read_text()
    declared = re.findall(r"bytes32 internal constant (\w+) = keccak256\(\"(\w+)\"\)", source)
    assert declared and all(name == text for name, text in declared)
    assert sorted(ROLE_NAMES) == sorted(name for name, _ in declared)
    assert set(KNOWN_ROLES.values()) == {*ROLE_NAMES, *TIMELOCK_ROLE_NAMES, "DEFAULT_ADMIN_ROLE"}


def test_enum_members_match_contracts_if_enums_change():
    declared = {}
    governor = CONTRACTS.parent / "node_modules" / "@openzeppelin" / "contracts" / "governance" / "IGovernor.sol"
    for path in [*(CONTRACTS / "interfaces").glob("*.sol"), governor]:
        text = path.read_text()
        for interface, body in re.findall(r"interface (\w+)[^{]*\{(.*)\n\}", text, re.S):
            for name, members in re.findall(r"enum (\w+)\s*\{([^}]*)\}", body):
                declared[f"enum {interface}.{name}"] = tuple(m.strip() for m in members.split(",") if m.strip())
    assert declared == ENUM_MEMBERS
    in_errors = {i["internalType"] for abi in suite_abis() for item in abi if item["type"] == "error"
                 for i in item["inputs"] if i.get("internalType", "").startswith("enum ")}
    assert in_errors and in_errors <= set(ENUM_MEMBERS)
