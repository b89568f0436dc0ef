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

    def exists(self, sha256_hex: str) -> bool:
        return self._path(sha256_hex).is_file()

    def upload(self) -> DesignUpload:
        """A temporary file in the store to write an upload into chunk by chunk (`DesignUpload`)."""
        return DesignUpload(self.directory)

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


class DesignUpload:
    """An upload on its way to the store: written to a temporary file and hashed chunk by chunk, then stored
    under its sha256 (`finish`) or removed (`discard`), so that a reader never sees half a file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        handle, name = tempfile.mkstemp(dir=directory, prefix=".upload-")
        self._file = os.fdopen(handle, "wb")
        self._path = Path(name)
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def finish(self, expected_sha256: str) -> str:
        """Stores the file under its sha256 (hex, no 0x) and returns it; DesignHashMismatch (the temporary file
        removed) when that is not `expected_sha256`."""
        self._file.close()
        digest = self._hash.hexdigest()
        if digest != expected_sha256:
            self.discard()
            raise DesignHashMismatch(f"the upload hashes to {digest}, not {expected_sha256}")
        os.replace(self._path, self.directory / digest)
        return digest

    def discard(self) -> None:
        self._file.close()
        self._path.unlink(missing_ok=True)
