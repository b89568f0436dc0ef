"""Request bodies read with a size limit: refused as soon as the declared or received length passes it."""

from __future__ import annotations

from fastapi import Request

from glocal_chain.errors import TooLarge


async def read_body(request: Request, limit: int, what: str) -> bytes:
    """The request body; TooLarge (naming `what`) once its declared or received length passes `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared[:19]) > limit:
        raise TooLarge(f"the {what} is {declared} bytes; the limit is {limit}", "body")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise TooLarge(f"the {what} is over the limit of {limit} bytes", "body")
    return bytes(body)
