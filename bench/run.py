"""`make bench`: runs every benchmark, writes bench/results/<name>.json and prints a table."""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import agent, api, gas, scale, web

RESULTS = Path(__file__).resolve().parent / "results"
BENCHMARKS: dict[str, Callable[[], dict[str, Any]]] = {"gas": gas.run, "agent": agent.run, "api": api.run,
                                                        "scale": scale.run, "web": web.run}


def _rows(prefix: str, data: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows += _rows(f"{prefix}{key}.", value)
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


def main(names: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped like Ctrl-C: its nodes stop too
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in names or list(BENCHMARKS):
        print(f"running {name} benchmark ...", flush=True)
        data = BENCHMARKS[name]()
        (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
        print(f"\n{name} ({RESULTS / f'{name}.json'})")
        for key, value in _rows("", data):
            print(f"  {key:<44} {value:>12,}" if isinstance(value, int) else f"  {key:<44} {value:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
