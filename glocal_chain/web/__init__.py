"""The web plumbing the services share (the API, the delivery oracle, the hub agent's metrics, and the web
app to come), below the services and above the chain-level foundations. Its whole API:

- `service_app(title, description, metrics, statuses)`: a FastAPI app with the error handlers and /metrics;
- errors: every refusal is `{"error": {"code", "message", "field"?}}` (`error_body`), declared in a route's
  OpenAPI `responses` by `error_responses(*statuses)`. Domain code raises GlocalError subclasses
  (glocal_chain.errors: NotFound, InvalidInput, Unauthorized, Conflict, TooLarge, ContractRevert, ChainError),
  each app maps them to HTTP statuses in one `statuses` mapping (`STANDARD_STATUSES` by default;
  `install_error_handlers` for an app built otherwise). A ChainError is answered without its message (it may
  name internal RPC URLs), which goes to the log; a 405 carries `Allow`;
- `read_body(request, limit, what)`: the request body, TooLarge past `limit`;
- `ServiceMetrics(service)`: a Prometheus registry per service, `glocal_<service>_*` metrics;
- `health_response(problems, **details)`: the one /healthz shape (200 ok, 503 degraded with `problems`);
- `BackgroundServer`, `serve`: the server lifecycle (uvicorn in a thread or in the foreground; a service's
  worker thread is glocal_chain.events.service's background mode).
"""

from glocal_chain.web.app import service_app
from glocal_chain.web.body import read_body
from glocal_chain.web.errors import (
    STANDARD_STATUSES,
    ErrorBody,
    StatusMap,
    error_body,
    error_responses,
    install_error_handlers,
)
from glocal_chain.web.health import CHAIN_UNREACHABLE, HEALTH_RESPONSES, chain_details, health_response
from glocal_chain.web.metrics import ServiceMetrics
from glocal_chain.web.server import BackgroundServer, serve

__all__ = ["CHAIN_UNREACHABLE", "HEALTH_RESPONSES", "STANDARD_STATUSES", "BackgroundServer", "ErrorBody",
           "ServiceMetrics", "StatusMap", "chain_details", "error_body", "error_responses", "health_response",
           "install_error_handlers", "read_body", "serve", "service_app"]
