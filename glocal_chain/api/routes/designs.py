"""/v1/designs: the design file store, content-addressed by sha256."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from glocal_chain.api.deps import ApiServices, services
from glocal_chain.api.designs import DesignHashMismatch
from glocal_chain.api.schemas import StoredDesign
from glocal_chain.errors import Conflict, InvalidInput, NotFound
from glocal_chain.web import error_responses, read_body

router = APIRouter(prefix="/v1/designs", tags=["designs"])
SHA256 = r"^(0x)?[0-9a-fA-F]{64}$"
UPLOAD_BODY = {"requestBody": {"required": True, "description": "The design file's bytes (not empty)", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary", "minLength": 1}}}}}


@router.post("", status_code=201, response_model=StoredDesign, responses=error_responses(409, 413, 422),
             openapi_extra=UPLOAD_BODY)
async def upload_design(request: Request,
                        sha256: str | None = Query(None, pattern=SHA256,
                                                   description="Refuse the upload unless its bytes hash to this"),
                        api: ApiServices = Depends(services)) -> dict[str, object]:
    """Stores the request body (the design file, e.g. G-code) and returns its sha256; with `sha256`, a body
    that hashes otherwise is refused (409 `hash_mismatch`)."""
    body = await read_body(request, api.max_design_bytes, "design")
    if not body:
        raise InvalidInput("the design file is empty", "body")
    expected = sha256.lower().removeprefix("0x") if sha256 else None
    try:
        digest = api.designs.put(body, expected)
    except DesignHashMismatch as exc:
        raise Conflict(exc.message, "sha256", "hash_mismatch") from exc
    return {"sha256": "0x" + digest, "size": len(body)}


@router.get("/{sha256}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "The design file"},
                       **error_responses(404, 422)})
def download_design(sha256: str = Path(pattern=SHA256), api: ApiServices = Depends(services)) -> Response:
    """The design file whose bytes hash to `sha256`."""
    digest = sha256.lower().removeprefix("0x")
    content = api.designs.get(digest)
    if content is None:
        raise NotFound(f"no design 0x{digest}", "sha256")
    return Response(content, media_type="application/octet-stream",
                    headers={"ETag": f'"{digest}"', "Cache-Control": "public, max-age=31536000, immutable"})
