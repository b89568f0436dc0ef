"""Who may upload a design: the uploader proves its address with an EIP-191 `personal_sign` over the file's
sha256 (the message of `design_upload_message`), and each address has a quota of bytes per rolling 24 hours.
The signature and the quota are checked from the request's headers, before its body is read."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct
from web3 import Web3

from glocal_chain.errors import Unauthorized

QUOTA_WINDOW_S = 24 * 3600
ADDRESS_HEADER = "X-Glocal-Address"
SHA256_HEADER = "X-Glocal-Design-Sha256"
SIGNATURE_HEADER = "X-Glocal-Signature"


def design_upload_message(sha256: str, address: str) -> str:
    """What the uploader signs: the file's sha256 (64 lowercase hex, no 0x) and its checksummed address."""
    digest = sha256.lower().removeprefix("0x")
    return f"glocal design upload\nsha256: {digest}\naddress: {Web3.to_checksum_address(address.lower())}"


def design_upload_headers(account: Any, content: bytes) -> dict[str, str]:
    """The headers that authorise uploading `content` as `account` (an eth-account LocalAccount): what the
    demo, the tests and any Python client send."""
    digest = hashlib.sha256(content).hexdigest()
    signed = Account.sign_message(encode_defunct(text=design_upload_message(digest, account.address)), account.key)
    return {ADDRESS_HEADER: account.address, SHA256_HEADER: digest,
            SIGNATURE_HEADER: "0x" + bytes(signed.signature).hex()}


def verify_upload(address: str, sha256: str, signature: str) -> str:
    """The checksummed uploader if `signature` is its personal_sign of the upload message, else Unauthorized
    `bad_signature` (any signature that does not recover to `address`, malformed ones included)."""
    claimed = Web3.to_checksum_address(address.lower())
    try:
        signer = Account.recover_message(encode_defunct(text=design_upload_message(sha256, claimed)),
                                         signature=bytes.fromhex(signature.removeprefix("0x")))
    except Exception as exc:  # any signature that cannot be recovered (bad v, r, s) is simply not valid
        raise Unauthorized("the signature cannot be recovered: sign the upload message with personal_sign",
                           SIGNATURE_HEADER, "bad_signature") from exc
    if signer != claimed:
        raise Unauthorized(f"the signature is not {claimed}'s over sha256 {sha256.lower()}: sign exactly "
                           f"{design_upload_message(sha256, claimed)!r}", SIGNATURE_HEADER, "bad_signature")
    return claimed


class UploadQuota:
    """Bytes each address stored in the last 24 hours, at most `limit` (in this process's memory)."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self._clock = clock
        self._stored: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._uploading: set[str] = set()
        self._lock = threading.Lock()

    def _used(self, address: str, now: float) -> int:
        entries = self._stored.get(address)
        if entries is None:
            return 0
        while entries and entries[0][0] <= now - QUOTA_WINDOW_S:
            entries.popleft()
        if not entries:
            del self._stored[address]  # an address that stored nothing for a day is forgotten
            return 0
        return sum(size for _, size in entries)

    def begin(self, address: str) -> bool:
        """Claims the address's one upload slot: False while another upload of it is in flight (so that parallel
        uploads cannot each pass the quota check before any is recorded)."""
        with self._lock:
            if address in self._uploading:
                return False
            self._uploading.add(address)
            return True

    def end(self, address: str) -> None:
        with self._lock:
            self._uploading.discard(address)

    def retry_after_s(self, address: str, size: int) -> int | None:
        """None if `address` may store `size` more bytes now; else the seconds until it may (the whole window
        when `size` alone is over the quota)."""
        with self._lock:
            now = self._clock()
            used = self._used(address, now)
            if used + size <= self.limit:
                return None
            freed = used
            for stamp, stored in self._stored.get(address, ()):
                freed -= stored
                if freed + size <= self.limit:
                    return max(1, math.ceil(stamp + QUOTA_WINDOW_S - now))
            return QUOTA_WINDOW_S

    def record(self, address: str, size: int) -> None:
        with self._lock:
            self._stored[address].append((self._clock(), size))
