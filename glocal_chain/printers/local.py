"""The local printer: a detached OctoPrint with its virtual printer (`glocal printer up | down | status`),
for trying the hub agent without hardware.

It lives in `<data dir>/printer/`: `printer.json` keeps its name, port and API key across restarts (so a
hub.toml written for it stays right), `pid` records the running server, `octoprint/` is OctoPrint's own
folder (its log is `octoprint/serve.log`). A hub.toml printer entry with `local = true` reads URL and key
from there, as `network = "local"` reads the local chain's port.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from glocal_chain.chain.anvil import free_port, pid_alive, port_is_free, stop_detached
from glocal_chain.chain.networks import data_dir
from glocal_chain.errors import ConfigError
from glocal_chain.printers.server import STOP_TIMEOUT_S, new_api_key, operational, provision, serve, wait_operational

log = logging.getLogger(__name__)
NAME = "virtual"


@dataclass(frozen=True)
class LocalPrinterInfo:
    """What a hub.toml needs to reach the local printer, and whether (`pid`) it runs."""

    name: str
    port: int
    api_key: str
    pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def toml_entry(self) -> str:
        """Its `[[printers]]` entry for hub.toml, as examples/hub.toml spells one."""
        return (f'[[printers]]\nname = "{self.name}"\ndriver = "octoprint"\nurl = "{self.url}"\n'
                f'api_key = "{self.api_key}"\n')


class LocalPrinter:
    def __init__(self, home: Path | None = None) -> None:
        self.home = home or data_dir() / "printer"
        self.settings_file = self.home / "printer.json"
        self.pid_file = self.home / "pid"
        self.basedir = self.home / "octoprint"

    def settings(self) -> LocalPrinterInfo | None:
        """Name, port and key of the local printer made by an earlier `up` (running or not), else None."""
        try:
            data = json.loads(self.settings_file.read_text())
            return LocalPrinterInfo(data["name"], int(data["port"]), str(data["api_key"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def require_settings(self) -> LocalPrinterInfo:
        settings = self.settings()
        if settings is None:
            raise ConfigError(f"no local printer in {self.home}: run `glocal printer up` first")
        return settings

    def status(self) -> LocalPrinterInfo | None:
        """The running local printer (its recorded process lives and is this printer's OctoPrint), or None."""
        settings = self.settings()
        pid = self._pid()
        if settings is None or pid is None or not pid_alive(pid) or not self._ours(pid):
            return None
        return LocalPrinterInfo(settings.name, settings.port, settings.api_key, pid)

    def up(self, port: int | None = None) -> LocalPrinterInfo:
        """Starts it (or reports the running one) and returns once its printer is operational. The port and
        key of an earlier `up` are kept unless `port` says otherwise."""
        running = self.status()
        if running is not None:
            if not operational(running.url, running.api_key):
                raise ConfigError(f"local printer (pid {running.pid}) runs but does not answer at {running.url}; "
                                  f"see {self.basedir}/serve.log or run `glocal printer down`")
            return running
        earlier = self.settings()
        if port is None and earlier is not None and port_is_free(earlier.port):
            port = earlier.port
        elif port is None and earlier is not None:
            log.warning("port %d of the local printer is taken now: it moves to a free one", earlier.port)
        settings = LocalPrinterInfo(earlier.name if earlier else NAME, port or free_port(),
                                    earlier.api_key if earlier else new_api_key())
        self.home.mkdir(parents=True, exist_ok=True)
        self.settings_file.write_text(json.dumps(asdict(settings)))
        self.settings_file.chmod(0o600)  # it holds the API key
        provision(self.basedir, settings.api_key)
        process = serve(self.basedir, settings.port, detached=True)
        wait_operational(process, settings.url, settings.api_key, self.basedir)
        self.pid_file.write_text(str(process.pid))
        return LocalPrinterInfo(settings.name, settings.port, settings.api_key, process.pid)

    def down(self) -> bool:
        """Stops it (settings are kept for the next `up`); False when none was running."""
        running = self.status()
        self.pid_file.unlink(missing_ok=True)
        if running is None or running.pid is None:
            return False
        stop_detached(running.pid, STOP_TIMEOUT_S)
        return True

    def _ours(self, pid: int) -> bool:
        """The process is this printer's OctoPrint (not another that got its pid since), where /proc says."""
        try:
            return str(self.basedir) in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return not Path("/proc/self").exists()

    def _pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text())
        except (OSError, ValueError):
            return None
