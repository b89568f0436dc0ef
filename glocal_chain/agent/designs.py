"""Finding a design file by the sha256 on chain, and checking it: bytes that do not hash to the design
hash of the version an order bought (ProductRegistry.designHashOf) are never printed. Sources, in order:
local folders (files indexed by their sha256, names do not matter), then http(s) URL templates with
`{sha256}` (for example the project's content-addressed design store:
`http://api.example/v1/designs/{sha256}`).

Three answers, kept apart: the bytes (verified); None, when every source answered and none has a matching
file (404 or 410, another 4xx, bytes that do not match, a file over the size limit): the order cannot be
made; and `DesignSourceUnavailable`, when no source had it but some source could not answer now (connection
error, timeout, 429, 5xx): the file may well be there, so the agent waits and asks again."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import httpx

from glocal_chain.errors import GlocalError

log = logging.getLogger(__name__)


MAX_DESIGN_BYTES = 256 * 1024 * 1024
NO_SUCH_FILE = (404, 410)


class DesignSourceUnavailable(GlocalError):
    """A design source could not answer now (connection error, timeout, 429 or 5xx): ask again later."""


class DesignLibrary:
    def __init__(self, folders: list[Path], url_templates: list[str] | None = None, timeout_s: float = 30.0) -> None:
        self.folders = folders
        self.url_templates = url_templates or []
        self.timeout_s = timeout_s
        self._index: dict[str, Path] = {}

    def _refresh(self) -> None:
        for folder in self.folders:
            for path in folder.glob("*") if folder.exists() else []:
                if path.is_file() and path not in self._index.values():
                    self._index["0x" + hashlib.sha256(path.read_bytes()).hexdigest()] = path

    def fetch(self, design_hash: str) -> bytes | None:
        """The design's bytes, verified against `design_hash`; None when no source has a matching file;
        raises DesignSourceUnavailable when none has it but some source could not be asked."""
        design_hash = design_hash.lower()
        local = self._local(design_hash)
        if local is not None:
            return local
        unavailable: list[str] = []
        for template in self.url_templates:
            url = template.format(sha256=design_hash.removeprefix("0x"))
            try:
                downloaded = self._download(url)
            except DesignSourceUnavailable as exc:
                unavailable.append(exc.message)
                continue
            if downloaded is not None and _sha256(downloaded) == design_hash:
                return downloaded
            if downloaded is not None:
                log.warning("design from %s does not match %s: refused", url, design_hash)
        if unavailable:
            raise DesignSourceUnavailable("; ".join(unavailable))
        return None

    def _local(self, design_hash: str) -> bytes | None:
        if design_hash not in self._index:
            self._refresh()
        path = self._index.get(design_hash)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        if _sha256(data) == design_hash:
            return data
        del self._index[design_hash]  # changed or removed on disk since indexed
        log.warning("design file %s changed on disk: no longer matches %s", path, design_hash)
        return None

    def _download(self, url: str) -> bytes | None:
        """The bytes at `url`; None when the source says it has no such file (or it is too large)."""
        try:
            with httpx.stream("GET", url, timeout=self.timeout_s, follow_redirects=True) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    raise DesignSourceUnavailable(f"design source {url} answered {response.status_code}")
                if response.status_code != 200:
                    if response.status_code not in NO_SUCH_FILE:
                        log.warning("design source %s answered %d: counted as no such file", url,
                                    response.status_code)
                    return None
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_DESIGN_BYTES:
                        log.warning("design at %s is larger than %d bytes: refused", url, MAX_DESIGN_BYTES)
                        return None
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise DesignSourceUnavailable(f"design source {url} unreachable ({type(exc).__name__})") from exc


def _sha256(data: bytes) -> str:
    return "0x" + hashlib.sha256(data).hexdigest()
