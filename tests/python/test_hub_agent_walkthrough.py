"""docs/hub-agent.md's walkthrough, run as written: the `sh` blocks of its "Walkthrough" section, in order, in
one bash from the project's root, against a real local chain (`glocal chain up`), a real OctoPrint with its
virtual printer (`glocal printer up`) and the real agent (`glocal agent run`). Only the data and deployments
folders are the test's own (GLOCAL_HOME, GLOCAL_DEPLOYMENTS_DIR), as on a fresh clone."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "hub-agent.md"
TIMEOUT_S = 600


def walkthrough_blocks() -> list[str]:
    text = DOC.read_text()
    section = text.split("\n## Walkthrough", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def test_walkthrough_prints_and_ships_order_if_run_as_written(tmp_path):
    blocks = walkthrough_blocks()
    assert len(blocks) == 3 and "glocal printer up" in blocks[1] and "glocal agent run" in blocks[1]
    env = {**os.environ, "GLOCAL_HOME": str(tmp_path / "home"), "GLOCAL_DEPLOYMENTS_DIR": str(tmp_path / "deploy"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("GLOCAL_NETWORKS_FILE", None)
    script = "set -euo pipefail\n" + "\n".join(blocks)
    shell = subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = shell.communicate(timeout=TIMEOUT_S)
    finally:
        if shell.poll() is None:
            os.killpg(shell.pid, signal.SIGTERM)  # the script's own process group: bash and its agent
            shell.wait()
        glocal = str(Path(sys.executable).with_name("glocal"))
        for group in ("printer", "chain"):  # what a failed run may have left up (no-ops after a full one)
            subprocess.run([glocal, group, "down"], env=env, cwd=ROOT, capture_output=True, timeout=60)
    print(output)  # the walkthrough's output, shown with `pytest -s`
    assert shell.returncode == 0, output
    assert "[[printers]]" in output and re.search(r'api_key = "[0-9A-F]{32}"', output), output
    assert "order 1: shipped" in output, output
    assert re.search(r"shipped", output.split("order 1: shipped", 1)[1], flags=re.IGNORECASE), output
    assert "hub 1 agent: running; chain reachable" in output, output
    assert re.search(r"^  virtual: (idle|printing)", output, flags=re.MULTILINE), output
    assert "local printer stopped" in output and "local chain stopped" in output, output
    assert not (tmp_path / "home" / "printer" / "pid").exists()
