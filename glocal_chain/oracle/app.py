"""The oracle's HTTP face: POST /v1/deliveries for signed webhooks, /healthz and /metrics."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from starlette.concurrency import run_in_threadpool

from glocal_chain import __version__
from glocal_chain.api.deps import read_body
from glocal_chain.api.errors import ApiError, install_error_handlers
from glocal_chain.oracle.service import DeliveryOracle, DeliveryReport


def create_oracle_app(oracle: DeliveryOracle, lag_blocks: Callable[[], int]) -> FastAPI:
    app = FastAPI(title="glocal-chain delivery oracle", version=__version__,
                  description="Signed delivery webhooks in; one confirmDelivery per shipped order out.")
    install_error_handlers(app)
    registry = CollectorRegistry()
    received = Counter("glocal_oracle_webhooks", "Delivery webhooks by result", ["result"], registry=registry)
    confirmations = Gauge("glocal_oracle_confirmations", "Confirmations by state", ["state"], registry=registry)
    lag = Gauge("glocal_oracle_chain_lag_blocks", "Blocks the oracle's event stream is behind", registry=registry)

    @app.post("/v1/deliveries", status_code=202, openapi_extra={"requestBody": {"content": {"application/json": {
        "schema": DeliveryReport.model_json_schema()}}}})
    async def deliveries(request: Request) -> dict[str, object]:
        """A delivery report, signed: X-Glocal-Sender, X-Glocal-Timestamp (unix seconds) and
        X-Glocal-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<raw body>")."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            body = await read_body(request, oracle.config.max_body_bytes, "delivery report")
            result = await run_in_threadpool(oracle.intake, headers, body)
        except ApiError as exc:
            received.labels(exc.code).inc()
            raise
        received.labels("accepted").inc()
        return result

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {"status": "ok", "oracle": oracle.me, "confirmations": oracle.store_counts(), "lag_blocks": lag_blocks()}

    @app.get("/metrics", response_class=Response)
    def metrics() -> Response:
        for state, count in oracle.store_counts().items():
            confirmations.labels(state).set(count)
        lag.set(lag_blocks())
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")

    return app
