"""The standard ERC-20 interface (with its metadata), EIP-2612 permits and the EIP-5267 domain they are
signed over: how the SDK addresses any payment token, whatever contract implements it."""

from __future__ import annotations

from typing import Any


def _function(name: str, inputs: list[tuple[str, str]], outputs: list[str], mutability: str) -> dict[str, Any]:
    return {"type": "function", "name": name, "stateMutability": mutability,
            "inputs": [{"name": arg, "type": kind} for arg, kind in inputs],
            "outputs": [{"name": "", "type": kind} for kind in outputs]}


def _event(name: str, inputs: list[tuple[str, str, bool]]) -> dict[str, Any]:
    return {"type": "event", "name": name, "anonymous": False,
            "inputs": [{"name": arg, "type": kind, "indexed": indexed} for arg, kind, indexed in inputs]}


#: IERC20 + IERC20Metadata + IERC20Permit (EIP-2612) + IERC5267, as OpenZeppelin declares them.
ERC20_PERMIT_ABI: list[dict[str, Any]] = [
    # IERC20
    _function("totalSupply", [], ["uint256"], "view"),
    _function("balanceOf", [("account", "address")], ["uint256"], "view"),
    _function("transfer", [("to", "address"), ("value", "uint256")], ["bool"], "nonpayable"),
    _function("allowance", [("owner", "address"), ("spender", "address")], ["uint256"], "view"),
    _function("approve", [("spender", "address"), ("value", "uint256")], ["bool"], "nonpayable"),
    _function("transferFrom", [("from", "address"), ("to", "address"), ("value", "uint256")], ["bool"],
              "nonpayable"),
    _event("Transfer", [("from", "address", True), ("to", "address", True), ("value", "uint256", False)]),
    _event("Approval", [("owner", "address", True), ("spender", "address", True), ("value", "uint256", False)]),
    # IERC20Metadata
    _function("name", [], ["string"], "view"),
    _function("symbol", [], ["string"], "view"),
    _function("decimals", [], ["uint8"], "view"),
    # IERC20Permit (EIP-2612)
    _function("permit", [("owner", "address"), ("spender", "address"), ("value", "uint256"),
                         ("deadline", "uint256"), ("v", "uint8"), ("r", "bytes32"), ("s", "bytes32")], [],
              "nonpayable"),
    _function("nonces", [("owner", "address")], ["uint256"], "view"),
    _function("DOMAIN_SEPARATOR", [], ["bytes32"], "view"),
    # IERC5267: the EIP-712 domain a permit is signed over
    _function("eip712Domain", [], ["bytes1", "string", "string", "uint256", "address", "bytes32", "uint256[]"],
              "view"),
]
