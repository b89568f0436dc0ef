"""`glocal demo` acts out the scenario on its own fresh chain and leaves nothing behind."""

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from glocal_chain.demo.narration import printer_line
from glocal_chain.demo.scenario import run
from glocal_chain.printers.base import PrinterState, PrinterStatus

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
        _assert_printer_lines_name_their_order(text)
        for step in ("local chain (anvil, free gas, cancun)", "OctoPrint with its virtual printer",
                     "deploying the suite", "public API", "delivery oracle"):  # each set-up step as it goes, timed
            assert re.search(rf"^      {re.escape(step)}.* \.\.\.\n      {re.escape(step)}.*: .+ \(\d+\.\d s\)$",
                             text, re.M), step
        what_next = text[text.index("what to try next:"):]
        assert "glocal demo --stay" in what_next and "docs/hub-agent.md" in what_next and "/docs" in what_next


def _assert_printer_lines_name_their_order(text: str) -> None:
    """While the demo waits for order N, every printer line shows order N's job or says it has none yet."""
    sections = re.findall(r"^\[\d/8\] order (\d+) (.*?)(?=^\[\d/8\])", text, re.M | re.S)
    assert [order_id for order_id, _ in sections] == ["1", "2"], text
    for order_id, section in sections:
        lines = [line for line in section.splitlines() if "printer:" in line]
        assert lines, section
        for line in lines:
            assert f"glocal-{order_id}-" in line or f"no job of order {order_id} yet" in line, line
            assert not re.search(rf"glocal-(?!{order_id}-)\d+-", line), line


def test_printer_line_hides_earlier_orders_job_if_printer_still_shows_it():
    finished = PrinterStatus(PrinterState.PRINTING, "glocal-1-5470e06c-1-1.gcode", 100.0)
    assert printer_line(finished, 2) == "      printer: printing, no job of order 2 yet"
    assert "glocal-1-" not in printer_line(PrinterStatus(PrinterState.PRINTING, "glocal-1-ab-1-1.gcode", 5.0), 11)
    assert printer_line(finished, 1) == "      printer: printing glocal-1-5470e06c-1-1.gcode 100 %"
    assert printer_line(PrinterStatus(PrinterState.IDLE), 3) == "      printer: idle, no job of order 3 yet"


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
        try:
            _assert_cli_sees_demo("".join(output))
        finally:  # stopped the way a service manager stops it, whatever the CLI saw
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


def _assert_cli_sees_demo(output: str) -> None:
    """The exports `--stay` prints point the glocal CLI at the demo's chain: it sees the demo's orders."""
    exports = [line.strip() for line in output.splitlines() if line.strip().startswith("export GLOCAL_NETWORKS_FILE")]
    assert len(exports) == 1, output
    env = dict(os.environ)
    env.update(pair.split("=", 1) for pair in shlex.split(exports[0])[1:])
    waiting = int(re.search(r"ORDER=(\d+)", output).group(1))
    assert f"glocal order show {waiting}" in output and "/docs" in output

    def glocal(*args: str) -> object:
        done = subprocess.run([sys.executable, "-m", "glocal_chain.cli.main", *args, "--json"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return json.loads(done.stdout)

    shown = glocal("order", "show", str(waiting), "--tracking-format", "PARCEL-{order}")
    assert shown["status"] == "shipped" and shown["tracking_number"] == f"PARCEL-{waiting}"
    buyer = glocal("wallet", "address", "buyer")["address"]
    orders = glocal("order", "list", "--buyer", buyer)
    assert [order["order_id"] for order in orders] == list(range(1, waiting + 1))
    assert glocal("token", "balance", "--wallet", "buyer")["balance"] > 0
