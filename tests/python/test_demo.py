"""`glocal demo` acts out the scenario on its own fresh chain and leaves nothing behind."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from glocal_chain.demo.scenario import run

DEMO_TIMEOUT_S = 240


def test_demo_ends_every_order_and_conserves_money_if_run_twice():
    for _ in range(2):  # a second run works too: each run starts its own chain
        lines: list[str] = []
        result = run(lines.append)
        text = "\n".join(lines)
        assert result.orders == {"delivered": 1, "resolved": 2, "cancelled": 3}
        assert "escrow holds 0.0 gUSD after every order ended" in text
        changes = [float(sign + amount) for sign, amount in
                   re.findall(r"^  \w[\w ()]+?\s+[\d.]+\s+[\d.]+ ([+-])\s+([\d.]+)$", text, re.M)]
        assert len(changes) == 4 and abs(sum(changes)) < 1e-9  # what the buyer paid, the others received
        assert "order 1 (delivered): OrderPlaced -> OrderAccepted -> OrderShipped -> DeliveryConfirmed" in text
        assert "order 3 (refunded): OrderPlaced -> OrderRefunded" in text
        assert text.count("printed and marked shipped on chain by the agent") == 2  # by the real agent
        assert "courier webhook -> oracle: HTTP 202" in text  # the oracle service, over HTTP
        assert "asks the API (GET /v1/hubs/near): hub 1 0.0 km, hub 2 601.6 km -> hub 1" in text


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_demo_stops_everything_it_started_if_terminated():
    """`glocal demo --stay` under a service manager or a CI timeout gets SIGTERM, not Ctrl-C: it must still
    stop its chain, OctoPrint and servers rather than leave them running."""
    demo = subprocess.Popen([sys.executable, "-m", "glocal_chain.cli.main", "demo", "--stay"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(DEMO_TIMEOUT_S, demo.kill)
    watchdog.start()
    try:
        assert demo.stdout is not None
        output = []
        for line in demo.stdout:
            output.append(line)
            if line.startswith("staying up"):
                break
        assert output and output[-1].startswith("staying up"), "".join(output)
        started = _descendants(demo.pid)
        assert started, "the demo runs anvil and OctoPrint as child processes"
        demo.send_signal(signal.SIGTERM)
        rest, _ = demo.communicate(timeout=60)
    finally:
        watchdog.cancel()
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    try:
        assert demo.returncode == 0, rest
        assert "stopping" in rest
        deadline = time.monotonic() + 20
        while any(_running(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in started if _running(pid)], "processes the demo started are still running"
    finally:  # a failing run must not leave them behind either
        for pid in started:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
