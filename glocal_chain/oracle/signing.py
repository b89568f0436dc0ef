"""How webhooks are signed: HMAC-SHA256 with the sender's secret over `<timestamp>.<raw body>`.

Headers: `X-Glocal-Sender: <name>`, `X-Glocal-Timestamp: <unix seconds>`,
`X-Glocal-Signature: sha256=<hex digest>`. Binding the timestamp into the signature means a captured
request cannot be replayed later with a fresh timestamp; the delivery id stops replays inside the window.
"""

from __future__ import annotations

import hashlib
import hmac
import re

SENDER_HEADER = "X-Glocal-Sender"
TIMESTAMP_HEADER = "X-Glocal-Timestamp"
SIGNATURE_HEADER = "X-Glocal-Signature"
SCHEME = "sha256="
#: Unix seconds in ASCII digits, at most 12 of them (year 33658): `str.isdigit` also accepts "²" and other
#: Unicode digits `int` refuses, and an unbounded number overflows a float or passes `int`'s digit limit.
TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,12}")


def parse_timestamp(value: str) -> int | None:
    """The unix seconds a timestamp header carries, None unless it is 1 to 12 ASCII digits."""
    return int(value) if TIMESTAMP_PATTERN.fullmatch(value) else None


def sign(secret: bytes, timestamp: int | str, body: bytes) -> str:
    """The X-Glocal-Signature value for `body` sent at `timestamp`."""
    return SCHEME + hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_matches(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of bytes: `compare_digest` refuses str holding non-ASCII characters."""
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.strip().encode("utf-8", "replace"))


def signed_headers(sender: str, secret: bytes, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a sender puts on a webhook (used by the demo's courier and the tests)."""
    return {SENDER_HEADER: sender, TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body),
            "Content-Type": "application/json"}
