"""A real OctoPrint server with its bundled virtual printer, provisioned without a human: for tests,
the demo and local trials (`glocal printer up`, see printers.local). OctoPrint lives in its own virtual
environment (.venv-octoprint)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import yaml

from glocal_chain.chain.anvil import free_port, stop_process
from glocal_chain.errors import ToolchainError
from glocal_chain.toolchain.settings import project_root

START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0
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


def new_api_key() -> str:
    return secrets.token_hex(16).upper()


def provision(basedir: Path, api_key: str) -> None:
    """OctoPrint's configuration in `basedir`: the virtual printer, no first-run wizard, an admin user whose
    API key is `api_key` (OctoPrint refuses root and answers 403 without one)."""
    basedir.mkdir(parents=True, exist_ok=True)
    (basedir / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    users = basedir / "users.yaml"
    if not users.exists():
        subprocess.run([str(octoprint_executable()), "--basedir", str(basedir), "user", "add", USER,
                        "--password", secrets.token_hex(8), "--admin"], check=True, capture_output=True)
    data = yaml.safe_load(users.read_text())
    data[USER]["apikey"] = api_key
    users.write_text(yaml.safe_dump(data))


def serve(basedir: Path, port: int, detached: bool = False) -> subprocess.Popen[bytes]:
    """Starts `octoprint serve` on 127.0.0.1:`port`, logging to `basedir`/serve.log; `detached`: in its own
    session, so it outlives the command that started it."""
    with (basedir / "serve.log").open("ab") as log:
        return subprocess.Popen(
            [str(octoprint_executable()), "serve", "--basedir", str(basedir), "--host", "127.0.0.1",
             "--port", str(port), "--iknowwhatimdoing"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=detached)


def operational(url: str, api_key: str) -> bool:
    """OctoPrint answers with this key and its printer is connected."""
    try:
        response = httpx.get(f"{url}/api/connection", headers={"X-Api-Key": api_key}, timeout=1.0)
        return response.status_code == 200 and response.json()["current"]["state"] == "Operational"
    except (httpx.HTTPError, ValueError, KeyError):
        return False


def wait_operational(process: subprocess.Popen[bytes], url: str, api_key: str, basedir: Path) -> None:
    """Waits for OctoPrint to serve its connected printer; stops it and raises if it does not in time."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ToolchainError(f"OctoPrint exited with {process.returncode}; see {basedir}/serve.log")
        if operational(url, api_key):
            return
        time.sleep(0.25)
    stop_process(process, STOP_TIMEOUT_S)
    raise ToolchainError(f"OctoPrint did not become operational within {START_TIMEOUT_S:.0f} s; "
                         f"see {basedir}/serve.log")


class OctoPrintServer:
    """`with OctoPrintServer(basedir) as server:` a running OctoPrint at `server.url` with `server.api_key`."""

    def __init__(self, basedir: Path) -> None:
        self.basedir = basedir
        self.port = free_port()
        self.api_key = new_api_key()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> OctoPrintServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        provision(self.basedir, self.api_key)
        self._process = serve(self.basedir, self.port)
        try:
            wait_operational(self._process, self.url, self.api_key, self.basedir)
        except ToolchainError:
            self._process = None
            raise

    def stop(self) -> None:
        if self._process is None:
            return
        stop_process(self._process, STOP_TIMEOUT_S)
        self._process = None

    def wipe(self) -> None:
        shutil.rmtree(self.basedir, ignore_errors=True)
