"""The shape of most commands: open the suite, do one thing with it, print what came of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from glocal_chain.cli.options import open_suite
from glocal_chain.cli.output import emit
from glocal_chain.sdk.suite import GlocalSuite

Result = TypeVar("Result")
#: What a result shows: (its --json document, its human line), given the suite it came from.
Render = Callable[[GlocalSuite, Result], tuple[Any, str]]


def run_on_suite(network: str | None, wallet: str | None, json_output: bool, action: Callable[[GlocalSuite], Result],
                 render: Render[Result]) -> None:
    """Opens the suite on `network` (signing with `wallet`), runs `action` on it and prints its result."""
    suite = open_suite(network, wallet)
    data, human = render(suite, action(suite))
    emit(data, json_output, human)


def show_config(human: str) -> Render[object]:
    """Renders the escrow's governance parameters after a change, with `human` as the line."""
    return lambda suite, _: (suite.config(), human)


def show(data: Any, human: str) -> Render[object]:
    """Renders what the command knew before acting: `data` for --json, `human` as the line."""
    return lambda _, __: (data, human)
