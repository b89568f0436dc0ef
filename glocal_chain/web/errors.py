"""The one JSON error shape of every service: {"error": {"code", "message", "field"?, ...}}, and the
handlers that give it. The domain raises GlocalError subclasses; the app's `statuses` say which HTTP
status each class gets (looked up along the class's ancestry, so a subclass inherits its parent's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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

StatusMap = Mapping[type[GlocalError], int]

#: What every service answers: bad input is a 4xx, only an unreachable chain a 5xx.
STANDARD_STATUSES: StatusMap = {
    GlocalError: 400, InvalidInput: 422, NotFound: 404, Unauthorized: 401, Conflict: 409, TooLarge: 413,
    ContractRevert: 409, ChainError: 503,
}


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
    return error_body(exc.code, exc.message, exc.field if isinstance(exc, Refused) else None)


def install_error_handlers(app: FastAPI, statuses: StatusMap = STANDARD_STATUSES) -> None:
    """Every GlocalError, request validation failure and routing error answered as one JSON error body."""

    @app.exception_handler(GlocalError)
    async def _glocal(request: Request, exc: GlocalError) -> JSONResponse:
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
        code = "not_found" if exc.status_code == 404 else "http_error"
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)
