"""How webhooks are signed: HMAC-SHA256 with the sender's secret over `<timestamp>.<raw body>`.

Headers: `X-Glocal-Sender: <name>`, `X-Glocal-Timestamp: <unix seconds>`,
`X-Glocal-Signature: sha256=<hex digest>`. Binding the timestamp into the signature means a captured
request cannot be replayed later with a fresh timestamp; the delivery id stops replays inside the window.
"""

from __future__ import annotations

import hashlib
import hmac

SENDER_HEADER = "X-Glocal-Sender"
TIMESTAMP_HEADER = "X-Glocal-Timestamp"
SIGNATURE_HEADER = "X-Glocal-Signature"
SCHEME = "sha256="


def sign(secret: bytes, timestamp: int | str, body: bytes) -> str:
    """The X-Glocal-Signature value for `body` sent at `timestamp`."""
    return SCHEME + hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_matches(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())


def signed_headers(sender: str, secret: bytes, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a sender puts on a webhook (used by the demo's courier and the tests)."""
    return {SENDER_HEADER: sender, TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body),
            "Content-Type": "application/json"}
