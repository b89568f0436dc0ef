"""Plain helpers the Python tests share; the fixtures built on them are in conftest.py.

Polling until a condition holds is `glocal_chain.events.stream.wait_for` (the demo uses it too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from glocal_chain.printers.server import OctoPrintServer


@contextmanager
def octoprint_servers(base: Path, count: int) -> Iterator[list[OctoPrintServer]]:
    """`count` real OctoPrint servers, each with its bundled virtual printer, in folders a, b, ... under `base`;
    started in order, stopped in reverse order on exit."""
    with ExitStack() as stack:
        yield [stack.enter_context(OctoPrintServer(base / chr(ord("a") + i))) for i in range(count)]
