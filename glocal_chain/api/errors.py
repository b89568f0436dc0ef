"""Every refusal the API gives is one JSON body: {"error": {"code", "message", "field"?, ...}}, with a
4xx status for bad input and a 5xx only when the chain cannot be reached."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from glocal_chain.errors import ChainError, ContractRevert, GlocalError

log = logging.getLogger(__name__)


class ApiError(GlocalError):
    """A refusal with its HTTP status, a machine-readable code and the field at fault (if one is)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.field = field


def not_found(what: str, key: object, field: str) -> ApiError:
    return ApiError(404, "not_found", f"no {what} {key}", field)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", message, field)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return {"error": body}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=exc.status)

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

    @app.exception_handler(ContractRevert)
    async def _revert(request: Request, exc: ContractRevert) -> JSONResponse:
        return JSONResponse(error_body("revert", exc.message, error_name=exc.error_name,
                                       error_args={k: str(v) for k, v in exc.error_args.items()}), status_code=409)

    @app.exception_handler(ChainError)
    async def _chain(request: Request, exc: ChainError) -> JSONResponse:
        return JSONResponse(error_body("chain_unavailable", exc.message), status_code=503)

    @app.exception_handler(GlocalError)
    async def _glocal(request: Request, exc: GlocalError) -> JSONResponse:
        return JSONResponse(error_body("bad_request", exc.message), status_code=400)
