"""The one JSON error shape of every service: {"error": {"code", "message", "field"?, ...}}, the handlers
that give it, and the OpenAPI `responses` that declare it. The domain raises GlocalError subclasses; the
app's `statuses` say which HTTP status each class gets (looked up along the class's ancestry, so a subclass
inherits its parent's). A ChainError's message (which may name internal RPC URLs) goes to the log only: the
answer says the chain is unavailable."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from glocal_chain.errors import (
    ChainError,
    Conflict,
    ContractRevert,
    GlocalError,
    InvalidInput,
    NotFound,
    Refused,
    TooLarge,
    Unauthorized,
)

log = logging.getLogger(__name__)

StatusMap = Mapping[type[GlocalError], int]

#: What every service answers: bad input is a 4xx, only an unreachable chain a 5xx.
STANDARD_STATUSES: StatusMap = {
    GlocalError: 400, InvalidInput: 422, NotFound: 404, Unauthorized: 401, Conflict: 409, TooLarge: 413,
    ContractRevert: 409, ChainError: 503,
}

#: What a client is told when the chain fails (the ChainError itself, with any URL in it, is logged).
CHAIN_UNAVAILABLE_MESSAGE = "the chain cannot be reached or did not answer; try again later"


class ErrorDetail(BaseModel):
    """What went wrong: `code` (machine-readable), `message` (for a person), `field` (the part of the request
    at fault, when one is); a revert adds `error_name` and `error_args`, a validation error `problems`."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_DESCRIPTIONS: Mapping[int, str] = {
    400: "The request cannot be read (e.g. a body that is not UTF-8 JSON)",
    401: "Not signed by someone the service knows",
    404: "No such resource",
    409: "Contradicts the current state (e.g. a transaction the contracts would refuse: `error_name` names it)",
    413: "The body is over the service's limit",
    422: "Malformed input: `field` names it",
    503: "The chain cannot be reached now; try again later",
}

def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of a route that can answer `statuses` with the error body (the 422 of
    FastAPI's own validation included: it is this shape too)."""
    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return {"error": body}


def status_of(exc: GlocalError, statuses: StatusMap) -> int:
    for kind in type(exc).__mro__:
        if kind in statuses:
            return statuses[kind]
    return 500


def _body(exc: GlocalError) -> dict[str, Any]:
    if isinstance(exc, ContractRevert):
        return error_body(exc.code, exc.message, error_name=exc.error_name,
                          error_args={k: str(v) for k, v in exc.error_args.items()})
    if isinstance(exc, ChainError):
        return error_body(exc.code, CHAIN_UNAVAILABLE_MESSAGE)
    return error_body(exc.code, exc.message, exc.field if isinstance(exc, Refused) else None)


def install_error_handlers(app: FastAPI, statuses: StatusMap = STANDARD_STATUSES) -> None:
    """Every GlocalError, request validation failure and routing error answered as one JSON error body (a
    405 with its `Allow` header)."""

    @app.exception_handler(GlocalError)
    async def _glocal(request: Request, exc: GlocalError) -> JSONResponse:
        if isinstance(exc, ChainError):
            log.warning("%s %s: %s", request.method, request.url.path, exc.message)
        return JSONResponse(_body(exc), status_code=status_of(exc, statuses))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        location = [str(part) for part in first["loc"]]
        field = location[-1] if location else None
        return JSONResponse(error_body("invalid", f"{'.'.join(location)}: {first['msg']}", field,
                                       problems=[{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                                                 for e in exc.errors()]), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)
