"""Plain helpers the Python tests share; the fixtures built on them are in conftest.py.

Polling until a condition holds is `glocal_chain.events.stream.wait_for` (the demo uses it too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from typing import Any

from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.transactions import Sender
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import GlocalSuite


def dev_suite(w3: Any, deployment: Any, index: int) -> GlocalSuite:
    """The suite as anvil's development account `index` sees it (free gas, as on the consortium chain)."""
    return GlocalSuite(w3, deployment, Sender(w3, dev_account(index), gas_policy=GasPolicy.FREE))


@contextmanager
def octoprint_servers(base: Path, count: int) -> Iterator[list[OctoPrintServer]]:
    """`count` real OctoPrint servers, each with its bundled virtual printer, in folders a, b, ... under `base`;
    started in order, stopped in reverse order on exit."""
    with ExitStack() as stack:
        yield [stack.enter_context(OctoPrintServer(base / chr(ord("a") + i))) for i in range(count)]
