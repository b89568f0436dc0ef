"""EIP-2612 permits: the typed data an ERC-20 with permit expects, signed locally."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3.contract import Contract

PERMIT_TYPES = {
    "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                     {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
    "Permit": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
               {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
               {"name": "deadline", "type": "uint256"}],
}


def sign_permit(token: Contract, owner: Any, spender: str, value: int, deadline: int) -> tuple[int, bytes, bytes]:
    """(v, r, s) of `owner` (an eth-account LocalAccount) permitting `spender` to take `value` of `token`.
    The domain comes from the token's EIP-5267 `eip712Domain()`."""
    _, name, version, chain_id, verifying_contract, _, _ = token.functions.eip712Domain().call()
    message = {
        "types": PERMIT_TYPES,
        "primaryType": "Permit",
        "domain": {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying_contract},
        "message": {"owner": owner.address, "spender": spender, "value": value,
                    "nonce": token.functions.nonces(owner.address).call(), "deadline": deadline},
    }
    signed = Account.sign_message(encode_typed_data(full_message=message), owner.key)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")
