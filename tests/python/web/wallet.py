"""A MetaMask-like browser wallet for the browser tests: `window.ethereum` (EIP-1193, with an EIP-6963 announcement)
injected into every page of a browser context, each `request()` answered in Python.

The page cannot reach anvil itself (its Content Security Policy allows `connect-src 'self'` only), but a Playwright
binding is not a network request: the injected provider hands each request to `TestWallet.answer`, which forwards
JSON-RPC to anvil with httpx. anvil's development accounts are unlocked, so anvil itself signs `eth_sendTransaction`,
`eth_signTypedData_v4` and `personal_sign` for the chosen account. A test can make the wallet refuse the next
signature (EIP-1193 error 4001, as when the user presses Reject), report another chain until the page asks for
`wallet_switchEthereumChain`, or go away (every request fails with 4900, disconnected)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

BINDING = "__glocalTestWallet"
#: Methods the user is asked to approve: the ones a test can make the wallet refuse.
SIGNING = frozenset({"eth_sendTransaction", "eth_signTypedData_v4", "personal_sign"})
USER_REJECTED = 4001
UNRECOGNISED_CHAIN = 4902
DISCONNECTED = 4900

PROVIDER_SCRIPT = """
(() => {
  const binding = window.__BINDING__;
  const listeners = {};
  const emit = (event, payload) => {
    for (const listener of (listeners[event] || []).slice()) {
      try { listener(payload); } catch (error) { setTimeout(() => { throw error; }); }
    }
  };
  const provider = {
    isMetaMask: true,
    async request(args) {
      if (!args || typeof args.method !== 'string') {
        throw Object.assign(new Error('request() needs {method, params}'), {code: -32600});
      }
      const answer = await binding({method: args.method, params: args.params === undefined ? [] : args.params});
      for (const [event, payload] of answer.events || []) emit(event, payload);
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        if (answer.error.data !== undefined) error.data = answer.error.data;
        throw error;
      }
      return answer.result;
    },
    on(event, listener) { (listeners[event] = listeners[event] || []).push(listener); return provider; },
    removeListener(event, listener) {
      listeners[event] = (listeners[event] || []).filter((each) => each !== listener);
      return provider;
    },
    isConnected() { return true; },
  };
  Object.defineProperty(window, 'ethereum', {value: provider, configurable: true, writable: true});
  const info = Object.freeze({
    uuid: '6f9a1f0e-4c3b-4a57-9b61-2f1d7c1e0a01',
    name: 'Glocal Test Wallet',
    icon: 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2232%22 height=%2232%22/%3E',
    rdns: 'org.glocal.testwallet',
  });
  const announce = () => window.dispatchEvent(
    new CustomEvent('eip6963:announceProvider', {detail: Object.freeze({info, provider})}));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
})();
""".replace("__BINDING__", BINDING)


class RpcError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", "JSON-RPC error"))
        self.error = error


@dataclass
class TestWallet:
    """The Python half of the injected wallet: one account, one anvil."""

    __test__ = False  # not a test class, despite its name

    rpc_url: str
    account: str
    chain_id: int
    #: What `eth_chainId` reports instead of `chain_id` until the page switches (None: the real chain).
    reported_chain_id: int | None = None
    refuse_next_signature: bool = False
    gone: bool = False
    connected: bool = False
    #: Every request the page made, in order, as (method, params).
    requests: list[tuple[str, Any]] = field(default_factory=list)
    #: Hashes of the transactions the wallet sent for the page.
    sent: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def methods(self) -> list[str]:
        return [method for method, _ in self.requests]

    def on_chain(self, chain_id: int) -> None:
        """Report chain `chain_id` until the page asks `wallet_switchEthereumChain` for the real one."""
        self.reported_chain_id = chain_id

    def refuse_next(self) -> None:
        """The user presses Reject on the next signature or transaction (EIP-1193 error 4001)."""
        self.refuse_next_signature = True

    def leave(self) -> None:
        """The wallet goes away (locked, removed): every later request fails with 4900 (disconnected)."""
        self.gone = True

    def answer(self, _source: Any, request: dict[str, Any]) -> dict[str, Any]:
        """The binding: the page's `request({method, params})` -> {result} | {error: {code, message}}, with
        events the provider emits before it settles."""
        method, params = str(request.get("method")), request.get("params") or []
        with self._lock:
            self.requests.append((method, params))
        events: list[list[Any]] = []
        try:
            result = self._answer(method, params, events)
        except RpcError as error:
            return {"error": error.error, "events": events}
        return {"result": result, "events": events}

    def _chain_hex(self) -> str:
        return hex(self.reported_chain_id if self.reported_chain_id is not None else self.chain_id)

    def _answer(self, method: str, params: list[Any], events: list[list[Any]]) -> Any:
        if self.gone:
            raise RpcError({"code": DISCONNECTED, "message": "The wallet is disconnected."})
        if method == "eth_requestAccounts":
            self.connected = True
            events.append(["connect", {"chainId": self._chain_hex()}])
            return [self.account]
        if method == "eth_accounts":
            return [self.account] if self.connected else []
        if method == "eth_chainId":
            return self._chain_hex()
        if method == "net_version":
            return str(self.reported_chain_id or self.chain_id)
        if method in ("wallet_switchEthereumChain", "wallet_addEthereumChain"):
            return self._switch(method, params, events)
        if method in SIGNING:
            return self._sign(method, params)
        return self.rpc(method, params)

    def _switch(self, method: str, params: list[Any], events: list[list[Any]]) -> None:
        wanted = int(str(params[0]["chainId"]), 16)
        if wanted != self.chain_id:
            raise RpcError({"code": UNRECOGNISED_CHAIN, "message": f"Unrecognized chain ID {hex(wanted)}."})
        if self.reported_chain_id is not None:
            self.reported_chain_id = None
            events.append(["chainChanged", hex(self.chain_id)])
        return None

    def _sign(self, method: str, params: list[Any]) -> Any:
        if self.refuse_next_signature:
            self.refuse_next_signature = False
            raise RpcError({"code": USER_REJECTED, "message": "User denied transaction signature."})
        if self.reported_chain_id is not None and method == "eth_sendTransaction":
            raise RpcError({"code": -32603, "message": f"the wallet is on chain {self._chain_hex()}: not sent"})
        if method == "eth_sendTransaction":
            tx = dict(params[0])
            if str(tx.get("from", "")).lower() != self.account.lower():
                raise RpcError({"code": 4100, "message": f"the wallet holds {self.account}, not {tx.get('from')}"})
            sent = self.rpc(method, [tx])
            self.sent.append(sent)
            return sent
        if method == "eth_signTypedData_v4":
            address, typed = params[0], params[1]
            return self.rpc(method, [address, json.loads(typed) if isinstance(typed, str) else typed])
        return self.rpc(method, params)  # personal_sign [message, address]

    def rpc(self, method: str, params: list[Any]) -> Any:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        try:
            reply = httpx.post(self.rpc_url, json=body, timeout=30).json()
        except httpx.HTTPError as error:
            raise RpcError({"code": -32603, "message": f"the chain is unreachable: {error}"}) from error
        if "error" in reply:
            raise RpcError(reply["error"])
        return reply["result"]
