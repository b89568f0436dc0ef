"""`glocal printer up | status | down`: a real, detached OctoPrint with its virtual printer; the entry `up`
prints is valid TOML that reaches it, `local = true` in hub.toml finds the same printer, and a second `up`
keeps URL and key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from glocal_chain.agent.config import PrinterConfig
from glocal_chain.errors import ConfigError
from glocal_chain.printers.base import PrinterState
from glocal_chain.printers.local import LocalPrinter
from glocal_chain.printers.octoprint import OctoPrintDriver

GLOCAL = str(Path(sys.executable).with_name("glocal"))


def glocal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GLOCAL, *args], capture_output=True, text=True, timeout=180, env=dict(os.environ))


def test_printer_up_leaves_octoprint_running_with_printed_entry_if_started_from_cli():
    try:
        up = glocal("printer", "up")
        assert up.returncode == 0, up.stderr
        entry = tomllib.loads(up.stdout)["printers"][0]  # the whole output is TOML: comments and the entry
        assert entry["driver"] == "octoprint" and entry["url"].startswith("http://127.0.0.1:")
        driver = OctoPrintDriver(entry["name"], entry["url"], entry["api_key"])
        assert driver.status().state is PrinterState.IDLE  # still up after the command returned
        assert PrinterConfig(name="any", local=True).address() == (entry["url"], entry["api_key"])

        status = json.loads(glocal("printer", "status", "--json").stdout)
        assert status["running"] and status["url"] == entry["url"] and status["api_key"] == entry["api_key"]
        assert tomllib.loads(status["toml"])["printers"][0] == entry

        down = glocal("printer", "down")
        assert down.returncode == 0 and down.stdout.strip() == "local printer stopped"
        assert glocal("printer", "status").returncode == 3
        assert LocalPrinter().status() is None

        again = json.loads(glocal("printer", "up", "--json").stdout)
        assert (again["url"], again["api_key"]) == (entry["url"], entry["api_key"])  # hub.toml stays right
        assert driver.status().state is PrinterState.IDLE
        driver.close()
    finally:
        glocal("printer", "down")
    assert glocal("printer", "down").stdout.strip() == "local printer was not running"


def test_local_printer_entry_asks_for_printer_up_if_none_was_started():
    with pytest.raises(ConfigError, match="glocal printer up"):
        PrinterConfig(name="virtual", local=True).address()
