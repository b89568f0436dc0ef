"""Finding a design file by the sha256 on chain, and checking it: a file whose bytes do not hash to the
product's designHash is never printed."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

log = logging.getLogger(__name__)


class DesignLibrary:
    """Design files in local folders, indexed by their sha256 (the name does not matter)."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
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
        if path is None:
            return None
        data = path.read_bytes()
        if "0x" + hashlib.sha256(data).hexdigest() != design_hash:  # changed on disk since indexed
            del self._index[design_hash]
            log.warning("design file %s changed on disk: no longer matches %s", path, design_hash)
            return None
        return data
