"""Payment tokens: addresses from symbols, metadata, balances, the escrow's allowance and permit support.
Every ERC-20 is addressed through the standard interface (erc20.ERC20_PERMIT_ABI), never a contract's own ABI."""

from __future__ import annotations

from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import BadFunctionCallOutput, ContractLogicError

from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.erc20 import ERC20_PERMIT_ABI
from glocal_chain.sdk.inputs import InputError, require_address
from glocal_chain.sdk.models import NATIVE_COIN

NATIVE_DECIMALS = 18


class Tokens:
    def __init__(self, connection: SuiteConnection) -> None:
        self.connection = connection

    def address(self, symbol_or_address: str) -> str:
        """A payment token's address from its symbol in the deployment ("native", "gUSD") or an address."""
        payment_tokens = self.connection.deployment.payment_tokens
        if symbol_or_address in payment_tokens:
            return Web3.to_checksum_address(payment_tokens[symbol_or_address])
        return require_address(symbol_or_address, "token address")

    def erc20(self, token: str) -> Contract:
        """An ERC-20 payment token's contract (standard interface)."""
        return self.connection.at(token, ERC20_PERMIT_ABI)

    def info(self, token: str) -> tuple[str, int]:
        """(symbol, decimals) of a token; the native coin is ("native", 18)."""
        if token == NATIVE_COIN:
            return "native", NATIVE_DECIMALS
        erc20 = self.erc20(token)
        try:
            return erc20.functions.symbol().call(), erc20.functions.decimals().call()
        except (ContractLogicError, BadFunctionCallOutput, ValueError) as exc:
            raise InputError(f"{token} is not an ERC-20 token") from exc

    def balance(self, account: str, token: str) -> int:
        account = require_address(account)
        if token == NATIVE_COIN:
            return int(self.connection.w3.eth.get_balance(account))
        return int(self.erc20(token).functions.balanceOf(account).call())

    def allowance(self, owner: str, token: str) -> int:
        """How much of `token` the escrow may take from `owner`."""
        return int(self.erc20(token).functions.allowance(owner, self.connection.escrow.address).call())

    def approve_call(self, token: str, amount: int) -> ContractFunction:
        """The approve that lets the escrow take up to `amount` of `token`."""
        return self.erc20(token).functions.approve(self.connection.escrow.address, amount)

    def supports_permit(self, token: str, owner: str) -> bool:
        """Whether `token` takes EIP-2612 permits signed over its EIP-5267 domain."""
        contract = self.erc20(token)
        try:
            contract.functions.eip712Domain().call()  # EIP-5267: the domain sign_permit signs over
            contract.functions.nonces(owner).call()
            return True
        except (ContractLogicError, ValueError):
            return False
