"""A real OctoPrint server with its bundled virtual printer, provisioned without a human: for tests,
the demo and local trials. OctoPrint lives in its own virtual environment (.venv-octoprint)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import yaml

from glocal_chain.chain.anvil import free_port
from glocal_chain.errors import ToolchainError
from glocal_chain.toolchain.settings import project_root

START_TIMEOUT_S = 90.0
USER = "glocal"

CONFIG = {
    "server": {"host": "127.0.0.1", "firstRun": False, "onlineCheck": {"enabled": False},
               "pluginBlacklist": {"enabled": False}},
    "plugins": {"virtual_printer": {"enabled": True, "okAfterResend": False},
                "_disabled": ["announcements", "tracking", "healthcheck", "softwareupdate", "pluginmanager",
                              "errortracking", "backup", "firmware_check"]},
    "serial": {"port": "VIRTUAL", "baudrate": 115200, "autoconnect": True},
}


def octoprint_executable() -> Path:
    path = project_root() / ".venv-octoprint" / "bin" / "octoprint"
    if not path.exists():
        raise ToolchainError(f"{path} is missing: run `make setup` (it installs OctoPrint in its own environment)")
    return path


class OctoPrintServer:
    """`with OctoPrintServer(basedir) as server:` a running OctoPrint at `server.url` with `server.api_key`."""

    def __init__(self, basedir: Path) -> None:
        self.basedir = basedir
        self.port = free_port()
        self.api_key = secrets.token_hex(16).upper()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _provision(self) -> None:
        self.basedir.mkdir(parents=True, exist_ok=True)
        (self.basedir / "config.yaml").write_text(yaml.safe_dump(CONFIG))
        users = self.basedir / "users.yaml"
        if not users.exists():
            subprocess.run([str(octoprint_executable()), "--basedir", str(self.basedir), "user", "add", USER,
                            "--password", secrets.token_hex(8), "--admin"], check=True, capture_output=True)
        data = yaml.safe_load(users.read_text())
        data[USER]["apikey"] = self.api_key
        users.write_text(yaml.safe_dump(data))

    def __enter__(self) -> OctoPrintServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self._provision()
        log = (self.basedir / "serve.log").open("ab")
        self._process = subprocess.Popen(
            [str(octoprint_executable()), "serve", "--basedir", str(self.basedir), "--host", "127.0.0.1",
             "--port", str(self.port), "--iknowwhatimdoing"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ToolchainError(f"OctoPrint exited with {self._process.returncode}; see {self.basedir}/serve.log")
            if self._operational():
                return
            time.sleep(0.25)
        self.stop()
        raise ToolchainError(f"OctoPrint did not become operational within {START_TIMEOUT_S:.0f} s")

    def _operational(self) -> bool:
        try:
            response = httpx.get(f"{self.url}/api/connection", headers={"X-Api-Key": self.api_key}, timeout=1.0)
            return response.status_code == 200 and response.json()["current"]["state"] == "Operational"
        except (httpx.HTTPError, ValueError, KeyError):
            return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def wipe(self) -> None:
        shutil.rmtree(self.basedir, ignore_errors=True)
