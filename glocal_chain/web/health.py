"""The one `/healthz` shape of every service (the API, the delivery oracle, the hub agent).

200 `{"status": "ok", "problems": [], ...}` when the service can do its work; 503
`{"status": "degraded", "problems": ["chain unreachable", ...], ...}` when it cannot, each problem one short
sentence an operator can act on. Every service says `"chain": "reachable" | "unreachable"` the same way, and
no answer carries an internal URL (RPC or printer addresses stay in the logs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.responses import JSONResponse

CHAIN_UNREACHABLE = "chain unreachable"

#: The OpenAPI `responses` entry a /healthz route declares, so its 503 is documented.
HEALTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"description": "Degraded: `problems` says what stops the service from doing its work."},
}


def health_response(problems: Iterable[str], **details: Any) -> JSONResponse:
    """`details` plus `status` and `problems`; HTTP 200 when there is no problem, else 503."""
    listed = list(problems)
    body = {"status": "degraded" if listed else "ok", "problems": listed, **details}
    return JSONResponse(body, status_code=503 if listed else 200)


def chain_details(head: int | None) -> dict[str, Any]:
    """The chain part every service reports: `chain` and `chain_head` (None when the node does not answer)."""
    return {"chain": "reachable" if head is not None else "unreachable", "chain_head": head}
