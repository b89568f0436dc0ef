"""The design file store: content-addressed by sha256, so a file's name is the hash of its bytes."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from glocal_chain.errors import GlocalError

log = logging.getLogger(__name__)


class DesignHashMismatch(GlocalError):
    """Uploaded bytes do not hash to the sha256 the uploader said they would."""


class DesignStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256_hex: str) -> Path:
        return self.directory / sha256_hex

    def put(self, content: bytes, expected_sha256: str | None = None) -> str:
        """Stores `content` under its sha256 (hex, no 0x) and returns it; written to a temporary file and
        renamed, so a reader never sees half a file."""
        digest = hashlib.sha256(content).hexdigest()
        if expected_sha256 is not None and expected_sha256 != digest:
            raise DesignHashMismatch(f"the upload hashes to {digest}, not {expected_sha256}")
        target = self._path(digest)
        if not target.exists():
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, target)
        return digest

    def get(self, sha256_hex: str) -> bytes | None:
        """The stored bytes, checked against their name; a corrupt copy is removed and reported missing."""
        path = self._path(sha256_hex)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return None
        if hashlib.sha256(content).hexdigest() != sha256_hex:
            log.error("design %s: stored bytes do not match their hash; removed", sha256_hex)
            path.unlink(missing_ok=True)
            return None
        return content
