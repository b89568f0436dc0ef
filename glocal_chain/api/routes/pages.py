"""The web app's pages and assets (glocal_chain.webapp), served on the API's origin: `/` the buyer's page, `/hub`,
`/designer`, `/arbiter`, `/consortium`, and `/assets/...`. Every answer, a 404 included, carries a Content
Security Policy that allows no inline script or style and nothing from another origin, except that pages may
fetch from the hub agents the API is told about (setting `agent_origins`: the hub page reads their /status).
Not in the OpenAPI document (it describes /v1)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from glocal_chain import webapp
from glocal_chain.api.deps import services
from glocal_chain.web import error_body

router = APIRouter(include_in_schema=False)

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")
SECURITY_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer"}


def content_security_policy(agent_origins: tuple[str, ...] = ()) -> str:
    """The pages' policy; `connect-src` also names the hub agents' origins (checked web origins, settings)."""
    if not agent_origins:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' " + " ".join(agent_origins))


def security_headers(request: Request) -> dict[str, str]:
    """The security headers of every page and asset answer, with this API's policy."""
    return {**SECURITY_HEADERS, "Content-Security-Policy": content_security_policy(services(request).agent_origins)}
#: Revalidated on every load (cheap with the ETag): a new release is seen at once.
CACHE_HEADERS = {"Cache-Control": "no-cache"}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
                 ".json": "application/json", ".ico": "image/x-icon", ".woff2": "font/woff2"}


def _not_found(what: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse(error_body("not_found", f"no {what}"), status_code=404, headers=headers)


def _file(path: Path, what: str, headers: dict[str, str]) -> Response:
    """`path` with its content type and the security headers, or a 404 (no such file, or a type not served)."""
    media_type = CONTENT_TYPES.get(path.suffix.lower())
    if media_type is None or not path.is_file():
        return _not_found(what, headers)
    return FileResponse(path, media_type=media_type, headers={**headers, **CACHE_HEADERS})


def asset_path(root: Path, relative: str) -> Path | None:
    """`relative` under `root`, or None when it would leave `root` (.., an absolute path, a link outside)."""
    base = root.resolve()
    candidate = (base / relative).resolve()
    return candidate if candidate.is_relative_to(base) and candidate != base else None


def _page_route(path: str, name: str) -> None:
    def page(request: Request) -> Response:
        return HTMLResponse(webapp.render_page(path), headers={**security_headers(request), **CACHE_HEADERS})

    page.__name__ = f"page_{name}"
    router.add_api_route(path, page, methods=["GET"], response_class=Response)


for _path, (_name, _) in webapp.PAGES_BY_PATH.items():
    _page_route(_path, _name)


@router.get("/assets/{path:path}", response_class=Response)
def asset(path: str, request: Request) -> Response:
    """A script, style sheet or picture of the web app."""
    found, headers = asset_path(webapp.ASSETS, path), security_headers(request)
    return _not_found(f"asset {path}", headers) if found is None else _file(found, f"asset {path}", headers)
