"""Signing and sending: local signing (eth-account with coincurve), a nonce counter safe across
threads, a gas policy per network, receipts awaited with a timeout, reverts decoded by name."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, cast

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress, HexStr
from hexbytes import HexBytes
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxParams, TxReceipt, Wei

from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.reverts import decode_revert
from glocal_chain.errors import ChainError, ContractRevert

log = logging.getLogger(__name__)

GAS_HEADROOM_NUM, GAS_HEADROOM_DEN = 6, 5  # 20 % over the estimate
DEFAULT_RECEIPT_TIMEOUT_S = 120.0
NONCE_ERROR_HINTS = ("nonce too low", "nonce too high", "already known", "replacement transaction")


def revert_from_exception(exc: Exception, action: str) -> ContractRevert:
    """A ContractRevert naming the custom error carried by a web3 exception."""
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        data = data.get("data")
    decoded = decode_revert(data) if isinstance(data, (str, bytes)) else None
    if decoded is None:
        message = getattr(exc, "message", None) or str(exc)
        return ContractRevert(f"{action} reverted: {message}")
    return ContractRevert(f"{action} reverted: {decoded}", decoded.name, decoded.args)


def _is_revert(exc: Exception) -> bool:
    return isinstance(exc, (ContractCustomError, ContractLogicError))


@dataclass(frozen=True)
class SignedTransaction:
    raw: str
    tx_hash: str


@dataclass
class Sender:
    """Sends transactions from one account. Thread-safe: nonces come from one counter.

    `account` signs locally (the normal case); without it, `unlocked_address` names a development
    node's unlocked account that the node signs for (Brownie scripts on anvil)."""

    w3: Web3
    account: LocalAccount | None = None
    unlocked_address: str | None = None
    gas_policy: GasPolicy = GasPolicy.EIP1559
    receipt_timeout_s: float = DEFAULT_RECEIPT_TIMEOUT_S
    confirmations: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._next_nonce: int | None = None

    @property
    def address(self) -> ChecksumAddress:
        if self.account is not None:
            return self.account.address
        if self.unlocked_address is None:
            raise ChainError("a Sender needs an account or an unlocked address")
        return Web3.to_checksum_address(self.unlocked_address)

    def _take_nonce(self) -> int:
        with self._lock:
            if self._next_nonce is None:
                self._next_nonce = self.w3.eth.get_transaction_count(self.address, "pending")
            nonce = self._next_nonce
            self._next_nonce += 1
            return nonce

    def reset_nonce(self) -> None:
        """Re-read the nonce from the chain at the next send (after a reorganisation dropped transactions)."""
        with self._lock:
            self._next_nonce = None

    def _fees(self) -> dict[str, int]:
        return fee_fields(self.w3, self.gas_policy)

    def _prepare(self, call: ContractFunction, action: str, value: int) -> dict[str, Any]:
        return build_call(self.w3, call, self.address, action, self.gas_policy, value)

    def transact(self, call: ContractFunction, action: str, value: int = 0) -> TxReceipt:
        """Sends a contract call; a revert predicted by the estimate raises before anything is sent."""
        return self.send(self._prepare(call, action, value), action)

    def sign(self, call: ContractFunction, action: str, value: int = 0) -> SignedTransaction:
        """Estimates (a predicted revert raises), takes the next nonce and signs, without sending: the caller
        stores the signed bytes first, so that after a crash the very same transaction is sent again."""
        if self.account is None:
            raise ChainError(f"{action}: signing ahead needs a local account")
        tx = self._prepare(call, action, value)
        tx.setdefault("chainId", self.w3.eth.chain_id)
        tx["nonce"] = self._take_nonce()
        signed = self.account.sign_transaction(tx)
        return SignedTransaction("0x" + bytes(signed.raw_transaction).hex(), signed.hash.to_0x_hex())

    def broadcast(self, signed: SignedTransaction, action: str) -> None:
        """Sends signed bytes; a node that already has them (or mined them) is not an error."""
        try:
            self.w3.eth.send_raw_transaction(HexStr(signed.raw))
        except Web3RPCError as exc:
            text = str(exc).lower()
            if "already known" in text or "already imported" in text:
                return
            if "nonce too low" in text and self.receipt(signed.tx_hash) is not None:
                return
            self.reset_nonce()
            raise ChainError(f"{action}: the node refused the transaction: {exc}") from exc

    def receipt(self, tx_hash: str) -> TxReceipt | None:
        try:
            return self.w3.eth.get_transaction_receipt(HexStr(tx_hash))
        except TransactionNotFound:
            return None

    def deploy(self, abi: list[dict[str, Any]], bytecode: str, args: tuple[Any, ...], action: str) -> TxReceipt:
        contract = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        try:
            tx = contract.constructor(*args).build_transaction({"from": self.address, "nonce": 0,
                                                                 **self._fees()})
        except (ContractCustomError, ContractLogicError) as exc:
            raise revert_from_exception(exc, action) from exc
        return self.send(dict(tx), action)

    def send(self, tx: dict[str, Any], action: str) -> TxReceipt:
        tx.setdefault("chainId", self.w3.eth.chain_id)
        if "gasPrice" not in tx and "maxFeePerGas" not in tx:
            tx.update(self._fees())
        for attempt in (1, 2):
            tx["nonce"] = self._take_nonce()
            try:
                tx_hash = self._submit(tx)
                break
            except Web3RPCError as exc:
                if attempt == 1 and any(hint in str(exc).lower() for hint in NONCE_ERROR_HINTS):
                    log.warning("%s: nonce out of step (%s); re-reading it from the chain", action, exc)
                    self.reset_nonce()
                    continue
                self.reset_nonce()
                raise ChainError(f"{action}: the node refused the transaction: {exc}") from exc
        return self.wait(HexBytes(tx_hash), action, tx)

    def _submit(self, tx: dict[str, Any]) -> HexBytes:
        if self.account is None:
            return HexBytes(self.w3.eth.send_transaction(cast(TxParams, {**tx, "from": self.address})))
        signed = self.account.sign_transaction(tx)
        return HexBytes(self.w3.eth.send_raw_transaction(signed.raw_transaction))

    def await_receipt(self, tx_hash: HexBytes | str, action: str) -> TxReceipt:
        """The receipt, once mined (reverted or not); a ChainError after `receipt_timeout_s`."""
        try:
            return self.w3.eth.wait_for_transaction_receipt(HexStr(tx_hash) if isinstance(tx_hash, str) else tx_hash,
                                                            timeout=self.receipt_timeout_s, poll_latency=0.05)
        except TimeExhausted as exc:
            self.reset_nonce()
            raise ChainError(f"{action}: no receipt for {HexBytes(tx_hash).to_0x_hex()} within "
                             f"{self.receipt_timeout_s:.0f} s") from exc

    def wait(self, tx_hash: HexBytes, action: str, tx: dict[str, Any] | None = None) -> TxReceipt:
        receipt = self.await_receipt(tx_hash, action)
        if receipt["status"] != 1:
            raise self._explain_failure(receipt, action, tx)
        if self.confirmations:
            self.await_confirmations(receipt["blockNumber"])
        return receipt

    def _explain_failure(self, receipt: TxReceipt, action: str, tx: dict[str, Any] | None) -> ContractRevert:
        if tx is None:
            return ContractRevert(f"{action} reverted in transaction {receipt['transactionHash'].hex()}")
        replay = {k: tx[k] for k in ("from", "to", "data", "value") if k in tx}
        replay["from"] = self.address
        try:
            self.w3.eth.call(cast(TxParams, replay), receipt["blockNumber"] - 1)
        except (ContractCustomError, ContractLogicError) as exc:
            return revert_from_exception(exc, action)
        except Web3RPCError as exc:
            return ContractRevert(f"{action} reverted: {exc}")
        return ContractRevert(f"{action} reverted in transaction {receipt['transactionHash'].hex()} (out of gas?)")

    def await_confirmations(self, block_number: int) -> None:
        """Waits until `block_number` is `confirmations` blocks deep."""
        target = block_number + self.confirmations
        deadline = time.monotonic() + self.receipt_timeout_s
        while self.w3.eth.block_number < target:
            if time.monotonic() > deadline:
                raise ChainError(f"block {block_number} not confirmed {self.confirmations} deep in time")
            time.sleep(0.2)


def build_call(w3: Web3, call: ContractFunction, sender: str, action: str, policy: GasPolicy, value: int = 0,
               nonce: int = 0, gas: int | None = None) -> dict[str, Any]:
    """The transaction for a contract call from `sender`, fees per `policy`, gas estimated with headroom
    unless given; a revert the estimate predicts raises as a ContractRevert naming the error."""
    params: TxParams = {"from": sender, "value": Wei(value)}
    try:
        if gas is None:
            gas = call.estimate_gas(params) * GAS_HEADROOM_NUM // GAS_HEADROOM_DEN
        return dict(call.build_transaction(cast(TxParams, {**params, "gas": gas, "nonce": nonce,
                                                            **fee_fields(w3, policy)})))
    except (ContractCustomError, ContractLogicError) as exc:
        raise revert_from_exception(exc, action) from exc


def fee_fields(w3: Web3, policy: GasPolicy) -> dict[str, int]:
    """The fee fields of a transaction under the network's gas policy."""
    if policy is GasPolicy.FREE:
        return {"gasPrice": 0}
    if policy is GasPolicy.LEGACY:
        return {"gasPrice": w3.eth.gas_price}
    block = w3.eth.get_block("latest")
    base_fee = int(block.get("baseFeePerGas", 0) or 0)
    tip = w3.eth.max_priority_fee if base_fee else 0
    return {"maxFeePerGas": 2 * base_fee + tip, "maxPriorityFeePerGas": tip}


def call_view(call: ContractFunction, action: str) -> Any:
    """A read-only call whose revert raises a ContractRevert naming the error."""
    try:
        return call.call()
    except (ContractCustomError, ContractLogicError) as exc:
        raise revert_from_exception(exc, action) from exc
