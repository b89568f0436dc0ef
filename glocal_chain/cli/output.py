"""CLI output: human lines by default, one JSON document with --json."""

from __future__ import annotations

import json
from typing import Any

import typer


def emit(data: Any, as_json: bool, human: str | None = None) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2, default=str))
    else:
        typer.echo(human if human is not None else json.dumps(data, indent=2, default=str))
