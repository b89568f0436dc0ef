"""The oracle's HTTP face: POST /v1/deliveries for signed webhooks, /healthz and /metrics.

Every answer is one the OpenAPI document declares: 202, or a refusal in the one JSON error shape (401 not
signed, 404 no such order, 409 replayed or not shipped, 413 too large, 422 malformed, 503 chain down)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from glocal_chain.errors import GlocalError
from glocal_chain.oracle.service import DeliveryOracle, DeliveryReport
from glocal_chain.web import (
    CHAIN_UNREACHABLE,
    HEALTH_RESPONSES,
    STANDARD_STATUSES,
    ErrorBody,
    ServiceMetrics,
    StatusMap,
    chain_details,
    health_response,
    read_body,
    service_app,
)

#: The oracle's HTTP status for each refusal (401 unsigned, 409 replayed or not shipped, 404, 422, 413).
HTTP_STATUSES: StatusMap = STANDARD_STATUSES

REFUSALS = {
    401: "Not signed by a known sender within the allowed clock skew (`unknown_sender`, `bad_timestamp`, "
         "`stale_timestamp`, `bad_signature`)",
    404: "No such order (`not_found`)",
    409: "This sender already sent this `delivery_id` (`replayed`), the order is not shipped (`not_shipped`), or "
         "the tracking number is not the shipment's (`tracking_mismatch`)",
    413: "The body is over `max_body_bytes` (`too_large`)",
    422: "A malformed body (`invalid`, the field named)",
    503: "The chain cannot be reached now (`chain_unavailable`): send the report again later",
}
DELIVERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "model": ErrorBody}
    for status, text in REFUSALS.items()
}


class DeliveryAccepted(BaseModel):
    """The answer to a stored report: the order's confirmation state (pending, sent, confirmed, moot)."""

    delivery_id: str
    order_id: int
    confirmation: str


def create_oracle_app(oracle: DeliveryOracle, lag_blocks: Callable[[], int]) -> FastAPI:
    metrics = ServiceMetrics("oracle")
    app = service_app("glocal-chain delivery oracle", "Signed delivery webhooks in; one confirmDelivery per shipped "
                      "order out.", metrics, HTTP_STATUSES, count_requests=False)
    received = metrics.counter("webhooks", "Delivery webhooks by result", ["result"])
    confirmations = metrics.gauge("confirmations", "Confirmations by state", ["state"])
    lag = metrics.gauge("chain_lag_blocks", "Blocks the oracle's event stream is behind")

    def refresh() -> None:
        for state, count in oracle.store_counts().items():
            confirmations.labels(state).set(count)
        lag.set(lag_blocks())

    metrics.on_scrape(refresh)
    report_schema = DeliveryReport.model_json_schema(ref_template="#/components/schemas/{model}")
    report_defs = report_schema.pop("$defs", {})

    @app.post("/v1/deliveries", status_code=202, response_model=DeliveryAccepted, responses=DELIVERY_RESPONSES,
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": report_schema}}}})
    async def deliveries(request: Request) -> dict[str, object]:
        """A delivery report, signed: X-Glocal-Sender, X-Glocal-Timestamp (unix seconds) and
        X-Glocal-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<raw body>")."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            body = await read_body(request, oracle.config.max_body_bytes, "delivery report")
            result = await run_in_threadpool(oracle.intake, headers, body)
        except GlocalError as exc:  # refusals by code, an unreachable chain as chain_unavailable
            received.labels(exc.code).inc()
            raise
        except Exception:
            received.labels("error").inc()
            raise
        received.labels("accepted").inc()
        return result

    @app.get("/healthz", responses=HEALTH_RESPONSES)
    def healthz() -> JSONResponse:
        """`ok` while the chain answers; 503 `degraded` with `problems` when it does not."""
        head = oracle.chain_head()
        return health_response([] if head is not None else [CHAIN_UNREACHABLE], oracle=oracle.me,
                               confirmations=oracle.store_counts(), lag_blocks=lag_blocks(), **chain_details(head))

    original_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document plus the report's nested models, where its `$ref`s point."""
        document = original_openapi()
        document.setdefault("components", {}).setdefault("schemas", {}).update(report_defs)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
    return app
