"""The oracle's HTTP face: POST /v1/deliveries for signed webhooks, /healthz and /metrics."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from glocal_chain.errors import Refused
from glocal_chain.oracle.service import DeliveryOracle, DeliveryReport
from glocal_chain.web import STANDARD_STATUSES, ServiceMetrics, StatusMap, read_body, service_app

#: The oracle's HTTP status for each refusal (401 unsigned, 409 replayed or not shipped, 404, 422, 413).
HTTP_STATUSES: StatusMap = STANDARD_STATUSES


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

    @app.post("/v1/deliveries", status_code=202, openapi_extra={"requestBody": {"content": {"application/json": {
        "schema": DeliveryReport.model_json_schema()}}}})
    async def deliveries(request: Request) -> dict[str, object]:
        """A delivery report, signed: X-Glocal-Sender, X-Glocal-Timestamp (unix seconds) and
        X-Glocal-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<raw body>")."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            body = await read_body(request, oracle.config.max_body_bytes, "delivery report")
            result = await run_in_threadpool(oracle.intake, headers, body)
        except Refused as exc:
            received.labels(exc.code).inc()
            raise
        received.labels("accepted").inc()
        return result

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {"status": "ok", "oracle": oracle.me, "confirmations": oracle.store_counts(), "lag_blocks": lag_blocks()}

    return app
