"""Finding a design file by the sha256 on chain, and checking it: bytes that do not hash to the design
hash of the version an order bought (ProductRegistry.designHashOf) are never printed. Sources, in order:
local folders (files indexed by their sha256, names do not matter), then http(s) URL templates with
`{sha256}` (for example the project's content-addressed design store:
`http://api.example/v1/designs/{sha256}`)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import httpx

log = logging.getLogger(__name__)


MAX_DESIGN_BYTES = 256 * 1024 * 1024


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
        """The design's bytes, verified against `design_hash`; None when no file matches."""
        design_hash = design_hash.lower()
        if design_hash not in self._index:
            self._refresh()
        path = self._index.get(design_hash)
        if path is not None:
            data = path.read_bytes()
            if _sha256(data) == design_hash:
                return data
            del self._index[design_hash]  # changed on disk since indexed
            log.warning("design file %s changed on disk: no longer matches %s", path, design_hash)
        for template in self.url_templates:
            downloaded = self._download(template.format(sha256=design_hash.removeprefix("0x")))
            if downloaded is not None and _sha256(downloaded) == design_hash:
                return downloaded
            if downloaded is not None:
                log.warning("design from %s does not match %s: refused", template, design_hash)
        return None

    def _download(self, url: str) -> bytes | None:
        try:
            with httpx.stream("GET", url, timeout=self.timeout_s, follow_redirects=True) as response:
                if response.status_code != 200:
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
            log.warning("design download from %s failed: %s", url, exc)
            return None


def _sha256(data: bytes) -> str:
    return "0x" + hashlib.sha256(data).hexdigest()
