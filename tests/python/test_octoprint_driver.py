"""The OctoPrint driver against a real OctoPrint server and its bundled virtual printer."""

from pathlib import Path

import pytest

from glocal_chain.events.stream import wait_for
from glocal_chain.printers.base import JobResult, PrinterState, PrinterUnavailable
from glocal_chain.printers.octoprint import OctoPrintDriver
from glocal_chain.printers.server import OctoPrintServer

PART = (Path(__file__).parent / "data" / "quick-part.gcode").read_bytes()


def test_submit_prints_job_to_success_if_printer_idle(octoprint):
    driver = OctoPrintDriver("virtual", octoprint.url, octoprint.api_key)
    assert driver.status().state is PrinterState.IDLE
    assert driver.job_result("glocal-1-1-1.gcode") is JobResult.UNKNOWN
    driver.submit("glocal-1-1-1.gcode", PART)
    assert wait_for(lambda: driver.job_result("glocal-1-1-1.gcode") is JobResult.SUCCEEDED, 30)
    assert wait_for(lambda: driver.status().state is PrinterState.IDLE, 10)
    driver.close()


def test_driver_raises_unavailable_if_api_key_wrong(octoprint):
    driver = OctoPrintDriver("virtual", octoprint.url, "WRONG")
    with pytest.raises(PrinterUnavailable, match="refused the API key"):
        driver.status()


def test_driver_raises_unavailable_if_server_down(tmp_path):
    server = OctoPrintServer(tmp_path / "never-started")
    driver = OctoPrintDriver("virtual", server.url, "KEY", timeout_s=1)
    with pytest.raises(PrinterUnavailable, match="unreachable"):
        driver.status()
