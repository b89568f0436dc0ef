"""The suite's wiring on one network: the node, the recorded deployment, its contracts and the signing wallet."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.logs import DISCARD
from web3.types import TxReceipt

from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.connection import connect
from glocal_chain.chain.networks import NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.deployer import verify_deployment
from glocal_chain.deploy.deployments import Deployment, require_deployment
from glocal_chain.errors import ContractRevert, GlocalError
from glocal_chain.sdk.inputs import InputError
from glocal_chain.sdk.roles import missing_role_hint, signing_accounts

#: OpenZeppelin AccessControl's error for a caller without the role a function needs.
ROLE_MISSING = "AccessControlUnauthorizedAccount"


class SuiteConnection:
    """The suite's contracts, read through `w3` and written through `sender` (if any)."""

    def __init__(self, w3: Web3, deployment: Deployment, sender: Sender | None = None) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.sender = sender
        self.hubs = self.contract("HubRegistry")
        self.products = self.contract("ProductRegistry")
        self.escrow = self.contract("OrderEscrow")

    @classmethod
    def open(cls, network: NetworkConfig, account: Any | None = None, verify: bool = True) -> SuiteConnection:
        """Connects to `network`, loads deployments/<network>.json and checks it against the chain."""
        w3 = connect(network)
        deployment = require_deployment(network.name)
        if verify:
            verify_deployment(w3, deployment)
        sender = None
        if account is not None:
            sender = Sender(w3, account, gas_policy=network.gas_policy, confirmations=network.confirmations)
        return cls(w3, deployment, sender)

    def contract(self, name: str, address: str | None = None) -> Contract:
        """One of the deployment's contracts by its artifact's name (at `address`, else where it was deployed)."""
        return self.at(address or self.deployment.address(name), load_artifact(name).abi)

    def at(self, address: str, abi: list[dict[str, Any]]) -> Contract:
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi)

    def send(self, call: ContractFunction, action: str, value: int = 0) -> TxReceipt:
        if self.sender is None:
            raise InputError(f"{action}: no wallet chosen (use --wallet)")
        try:
            return self.sender.transact(call, action, value=value)
        except ContractRevert as exc:
            hint = self._role_hint(call, exc.error_args) if exc.error_name == ROLE_MISSING else None
            if hint is None:
                raise
            raise ContractRevert(f"{exc.message}; {hint}", exc.error_name, exc.error_args) from exc

    def _role_hint(self, call: ContractFunction, error_args: dict[str, object]) -> str | None:
        """Who holds the role the signer lacks on the contract `call` was made on (its ABI has AccessControl's
        hasRole), and how it is granted (None when that cannot be found out)."""
        address = call.address
        name = next((name for name, record in self.deployment.contracts.items()
                     if record.address.lower() == address.lower()), address)
        role, account = error_args.get("neededRole"), error_args.get("account")
        if not isinstance(role, bytes) or not isinstance(account, str):
            return None
        try:
            return missing_role_hint(self.w3.eth.contract(address=address, abi=call.contract_abi), name, role,
                                     Web3.to_checksum_address(account), signing_accounts(self.deployment.chain_id),
                                     consortium="ConsortiumTimelock" in self.deployment.contracts)
        except Exception:  # noqa: BLE001 - a hint that cannot be had must not hide the error itself
            return None

    def event(self, receipt: TxReceipt, contract: Contract, name: str) -> dict[str, Any]:
        """The arguments of the first `name` event `contract` emitted in the transaction."""
        events = getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD)
        if not events:
            raise GlocalError(f"transaction {receipt['transactionHash'].hex()} emitted no {name}")
        return dict(events[0]["args"])

    @property
    def me(self) -> str:
        if self.sender is None:
            raise InputError("no wallet chosen (use --wallet)")
        return self.sender.address

    @property
    def signing_account(self) -> LocalAccount | None:
        """The local account that signs (what an off-chain signature such as a permit needs), if any."""
        return None if self.sender is None else self.sender.account
