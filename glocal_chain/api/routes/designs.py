"""/v1/designs: the design file store, content-addressed by sha256. An upload names its uploader, who signs the
file's hash (glocal_chain.api.upload_auth); the signature and the uploader's quota are checked before the body
is read, and the body streams to a temporary file."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from glocal_chain.api.action_schemas import SIGNATURE
from glocal_chain.api.deps import ApiServices, address, services
from glocal_chain.api.designs import DesignHashMismatch, DesignUpload
from glocal_chain.api.schemas import ADDRESS, StoredDesign
from glocal_chain.api.upload_auth import verify_upload
from glocal_chain.errors import InvalidInput, NotFound, TooLarge
from glocal_chain.web import ErrorBody, error_body, error_responses

router = APIRouter(prefix="/v1/designs", tags=["designs"])
SHA256 = r"^(0x)?[0-9a-fA-F]{64}$"
UPLOAD_BODY = {"requestBody": {"required": True, "description": "The design file's bytes (not empty)", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary", "minLength": 1}}}}}
QUOTA_RESPONSE: dict[int | str, dict[str, Any]] = {429: {
    "model": ErrorBody, "description": "The uploader's quota of bytes per 24 hours is used up: `Retry-After` says "
                                       "when it may upload again",
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}}}


def _over_quota(retry_after_s: int, quota: int, why: str = "") -> JSONResponse:
    why = why or f"this address has used its quota of {quota} bytes per 24 hours; try again in {retry_after_s} s"
    return JSONResponse(error_body("quota_exceeded", why, "body"), status_code=429,
                        headers={"Retry-After": str(retry_after_s)})


async def _receive(request: Request, upload: DesignUpload, api: ApiServices, uploader: str) -> JSONResponse | None:
    """Streams the body into `upload` (TooLarge past the size limit); a 429 once it passes the quota."""
    async for chunk in request.stream():
        _refuse_if_too_large(upload.size + len(chunk), f"over {upload.size}", api)
        retry = api.uploads.retry_after_s(uploader, upload.size + len(chunk))
        if retry is not None:
            return _over_quota(retry, api.uploads.limit)
        await anyio.to_thread.run_sync(upload.write, chunk)
    return None


@router.post("", status_code=201, response_model=StoredDesign, openapi_extra=UPLOAD_BODY,
             responses={**error_responses(401, 413, 422), **QUOTA_RESPONSE})
async def upload_design(request: Request,
                        x_glocal_address: str = Header(pattern=ADDRESS, description="The uploader's address"),
                        x_glocal_design_sha256: str = Header(pattern=SHA256, description="The file's sha256"),
                        x_glocal_signature: str = Header(pattern=SIGNATURE, description=(
                            "The uploader's EIP-191 personal_sign of `glocal design upload\\nsha256: <64 lowercase "
                            "hex>\\naddress: <checksummed address>`")),
                        api: ApiServices = Depends(services)) -> Any:
    """Stores the request body (the design file, e.g. G-code) under its sha256 and returns it. The headers name
    the uploader and the hash, signed by the uploader (401 `bad_signature` otherwise, before the body is read);
    each address may store `design_quota_bytes` per rolling 24 hours (429 with `Retry-After`); a body that
    does not hash to the declared sha256 is a 422 `hash_mismatch`."""
    digest = x_glocal_design_sha256.lower().removeprefix("0x")
    uploader = verify_upload(address(x_glocal_address, "x-glocal-address"), digest, x_glocal_signature)
    declared = request.headers.get("content-length", "")
    size = int(declared[:19]) if declared.isascii() and declared.isdigit() else 0
    _refuse_if_too_large(size, declared, api)
    retry = api.uploads.retry_after_s(uploader, size)
    if retry is not None:
        return _over_quota(retry, api.uploads.limit)
    if not api.uploads.begin(uploader):
        return _over_quota(1, api.uploads.limit, "another upload from this address is in progress; try again when "
                                                 "it is done")
    upload = await anyio.to_thread.run_sync(api.designs.upload)
    try:
        refused = await _receive(request, upload, api, uploader)
        if refused is not None:
            return refused
        if upload.size == 0:
            raise InvalidInput("the design file is empty", "body")
        stored = await anyio.to_thread.run_sync(upload.finish, digest)
        api.uploads.record(uploader, upload.size)
    except DesignHashMismatch as exc:
        raise InvalidInput(exc.message, "x-glocal-design-sha256", "hash_mismatch") from exc
    finally:
        api.uploads.end(uploader)
        upload.discard()  # nothing left behind once stored (moved) or refused
    return {"sha256": "0x" + stored, "size": upload.size}


def _refuse_if_too_large(size: int, declared: str, api: ApiServices) -> None:
    """A body over the size limit, or over a whole day's quota (it could never be stored), is a 413."""
    if size > api.max_design_bytes:
        raise TooLarge(f"the design is {declared} bytes; the limit is {api.max_design_bytes}", "body")
    if size > api.uploads.limit:
        raise TooLarge(f"the design is {declared} bytes, more than an address may store in 24 hours "
                       f"({api.uploads.limit} bytes)", "body")


@router.get("/{sha256}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "The design file"},
                       **error_responses(404, 422)})
def download_design(sha256: str = Path(pattern=SHA256), api: ApiServices = Depends(services)) -> Response:
    """The design file whose bytes hash to `sha256`, as an attachment (never rendered by a browser)."""
    digest = sha256.lower().removeprefix("0x")
    content = api.designs.get(digest)
    if content is None:
        raise NotFound(f"no design 0x{digest}", "sha256")
    return Response(content, media_type="application/octet-stream",
                    headers={"ETag": f'"{digest}"', "Cache-Control": "public, max-age=31536000, immutable",
                             "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": f'attachment; filename="{digest}.gcode"'})
