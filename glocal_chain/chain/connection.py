"""Connections to a network: several RPC URLs with failover, chain id check, PoA header support."""

from __future__ import annotations

import logging
import threading
from typing import Any

import requests
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers.rpc import HTTPProvider
from web3.types import RPCEndpoint, RPCResponse

from glocal_chain.chain.networks import NetworkConfig
from glocal_chain.errors import ChainError

log = logging.getLogger(__name__)

CONNECTION_ERRORS = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)


class FailoverHTTPProvider(HTTPProvider):
    """Sends each request to the current RPC URL; on a connection error moves to the next one."""

    def __init__(self, urls: list[str], timeout: float) -> None:
        if not urls:
            raise ChainError("no RPC URL configured")
        super().__init__(urls[0], request_kwargs={"timeout": timeout})
        self._providers = [HTTPProvider(url, request_kwargs={"timeout": timeout}) for url in urls]
        self._current = 0
        self._lock = threading.Lock()

    @property
    def current_url(self) -> str:
        return str(self._providers[self._current].endpoint_uri)

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        with self._lock:
            start = self._current
        failures = []
        for offset in range(len(self._providers)):
            index = (start + offset) % len(self._providers)
            provider = self._providers[index]
            try:
                response = provider.make_request(method, params)
            except CONNECTION_ERRORS as exc:
                failures.append(f"{provider.endpoint_uri}: {type(exc).__name__}")
                log.warning("RPC %s unreachable (%s), trying the next URL", provider.endpoint_uri, exc)
                continue
            with self._lock:
                self._current = index
            return response
        raise ChainError("no RPC URL answers: " + "; ".join(failures))


def connect(network: NetworkConfig, check_chain_id: bool = True) -> Web3:
    """A Web3 on the network; refuses a node whose chain id differs from the configured one."""
    provider = FailoverHTTPProvider(network.rpc_urls, network.request_timeout_s)
    w3 = Web3(provider)
    if network.poa:
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    if check_chain_id:
        try:
            actual = w3.eth.chain_id
        except ChainError:
            raise
        except Exception as exc:  # any transport failure becomes one clear message
            raise ChainError(f"network {network.name!r}: cannot reach {', '.join(network.rpc_urls)} ({exc})") from exc
        if actual != network.chain_id:
            raise ChainError(
                f"network {network.name!r} expects chain id {network.chain_id}, but the node at "
                f"{provider.current_url} reports {actual}: refusing to continue"
            )
    return w3
