"""The local chain: an anvil process whose state survives a restart (`glocal chain up/down/status`).

State lives in `<data dir>/anvil/state.json` (anvil's `--state`: loaded at start, dumped at exit and
every few seconds); `node.json` beside it records the pid and port of the running node, `port` the port it
keeps across restarts (services started against its URL reconnect after `down` and `up`), and `stopped` marks
a `glocal chain down`: until the next `up`, commands refuse rather than start the chain again.

Every anvil started here keeps a bounded block history in memory and none on disk (`toolchain.anvil_history`),
and runs with a HOME of its own (a scratch folder removed when it stops): whatever anvil still writes under
`~/.foundry/anvil/tmp` (a reorganisation leaves empty state folders even with a pruned history) goes with it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from glocal_chain.chain.dev_accounts import DEV_ACCOUNT_COUNT
from glocal_chain.errors import ChainError, ToolchainError
from glocal_chain.toolchain.anvil_history import PRUNE_HISTORY_ARGS
from glocal_chain.toolchain.settings import project_root

log = logging.getLogger(__name__)

STATE_DUMP_INTERVAL_S = 2
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0
DEFAULT_HARDFORK = "cancun"
ANVIL_ENV = "GLOCAL_ANVIL"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def advance_clock(w3: Any, seconds: int) -> None:
    """Moves an anvil's clock `seconds` on and mines a block at the new time (votes, timelocks, deadlines)."""
    w3.provider.make_request("evm_increaseTime", [seconds])
    w3.provider.make_request("evm_mine", [])


def anvil_executable() -> str:
    candidates = [os.environ.get(ANVIL_ENV), str(project_root() / "node_modules" / ".bin" / "anvil"), "anvil"]
    for candidate in candidates:
        if candidate and shutil.which(candidate):
            return str(shutil.which(candidate))
    raise ToolchainError("anvil not found: run `make setup` (it installs @foundry-rs/anvil with npm)")


def port_is_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:`port` now (as anvil binds: a closed connection's TIME_WAIT
    does not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def rpc_answers(url: str, timeout: float = 1.0) -> bool:
    try:
        response = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
                              timeout=timeout)
        return response.status_code == 200 and "result" in response.json()
    except (httpx.HTTPError, ValueError):
        return False


def anvil_command(port: int, chain_id: int, hardfork: str = DEFAULT_HARDFORK, block_time: float | None = None,
                  gas_price: int | None = None, state_file: Path | None = None,
                  steps_tracing: bool = False) -> list[str]:
    args = [anvil_executable(), "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(chain_id),
            "--hardfork", hardfork, "--silent", "--accounts", str(DEV_ACCOUNT_COUNT), *PRUNE_HISTORY_ARGS]
    if block_time:
        args += ["--block-time", str(block_time)]
    if gas_price is not None:
        args += ["--gas-price", str(gas_price), "--block-base-fee-per-gas", str(gas_price)]
    if state_file is not None:
        args += ["--state", str(state_file), "--state-interval", str(STATE_DUMP_INTERVAL_S)]
    if steps_tracing:
        args.append("--steps-tracing")  # debug_traceTransaction returns every opcode (gas breakdowns)
    return args


def scratch_environment(scratch: Path) -> dict[str, str]:
    """The environment anvil runs in: this process's, with HOME at `scratch` (anvil's `~/.foundry` lands there)."""
    scratch.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "HOME": str(scratch)}


def wait_until_ready(url: str, process: subprocess.Popen[bytes] | None, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ChainError(f"anvil exited with code {process.returncode} before answering on {url}")
        if rpc_answers(url):
            return
        time.sleep(0.05)
    raise ChainError(f"anvil did not answer on {url} within {timeout:.0f} s")


@dataclass
class NodeStatus:
    pid: int
    port: int
    chain_id: int
    state_file: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class LocalNode:
    """A detached anvil with persisted state, found again through its `node.json`, on the same port each time."""

    def __init__(self, home: Path, chain_id: int = 31337) -> None:
        self.home = home
        self.chain_id = chain_id
        self.state_file = home / "state.json"
        self.info_file = home / "node.json"
        self.log_file = home / "anvil.log"
        self.port_file = home / "port"
        self.stopped_file = home / "stopped"
        self.scratch = home / "scratch"  # anvil's HOME while it runs

    def status(self) -> NodeStatus | None:
        """The running node, or None (a stale node.json is removed)."""
        try:
            info = NodeStatus(**json.loads(self.info_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if pid_alive(info.pid) and rpc_answers(info.url):
            return info
        self.info_file.unlink(missing_ok=True)
        return None

    def kept_port(self) -> int | None:
        """The port the node listened on last, which `up` uses again."""
        try:
            return int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def stopped_by_user(self) -> bool:
        """Whether `down` stopped the node and no `up` has run since."""
        return self.stopped_file.exists()

    def up(self, port: int | None = None) -> NodeStatus:
        """Starts the node on `port`, else on the port it had before, else on a free one (or reports the running
        node). Refuses when that port is taken rather than move: clients know the chain by its URL."""
        running = self.status()
        if running is not None:
            if port is not None and port != running.port:
                raise ChainError(f"the local chain already runs at {running.url}; stop it with `glocal chain down` "
                                 f"before starting it on port {port}")
            self.stopped_file.unlink(missing_ok=True)
            return running
        kept = self.kept_port()
        port = port or kept or free_port()
        if not port_is_free(port):
            which = "its port" if port == kept else "port"
            raise ChainError(f"cannot start the local chain on {which} {port}: another process listens there; stop "
                             "that process, or choose another port with `glocal chain up --port PORT` (clients "
                             "configured with the old URL then need the new one)")
        self.home.mkdir(parents=True, exist_ok=True)
        # Free gas, as on the consortium chain: new wallets can act without being funded first.
        command = anvil_command(port, self.chain_id, gas_price=0, state_file=self.state_file)
        shutil.rmtree(self.scratch, ignore_errors=True)  # left by a node that did not stop through `down`
        with self.log_file.open("ab") as log_handle:
            process = subprocess.Popen(command, stdout=log_handle, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True,
                                       env=scratch_environment(self.scratch))
        info = NodeStatus(pid=process.pid, port=port, chain_id=self.chain_id, state_file=str(self.state_file))
        try:
            wait_until_ready(info.url, process)
        except ChainError:
            process.kill()
            process.wait()
            raise
        self.info_file.write_text(json.dumps(asdict(info)))
        self.port_file.write_text(f"{port}\n")
        self.stopped_file.unlink(missing_ok=True)
        log.info("local chain up: %s (pid %d, state %s)", info.url, info.pid, self.state_file)
        return info

    def down(self) -> bool:
        """Stops the node, letting anvil dump its state, and marks it stopped (commands then refuse to start it again
        until `up`: `networks.local_network`); False when none was running."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.stopped_file.write_text("stopped by `glocal chain down`; `glocal chain up` starts it again\n")
        running = self.status()
        if running is None:
            return False
        stop_detached(running.pid, STOP_TIMEOUT_S)
        self.info_file.unlink(missing_ok=True)
        shutil.rmtree(self.scratch, ignore_errors=True)
        return True


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """Stops a child process: SIGTERM, then SIGKILL after `timeout` s; reaped either way."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop_detached(pid: int, timeout: float) -> None:
    """Stops a process started detached (SIGTERM, letting it save its state; SIGKILL after `timeout` s)."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process counts as gone
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:
        return True


class EphemeralNode:
    """An anvil on a free port for the length of a `with` block (tests, benchmarks, rehearsals); no state kept."""

    def __init__(self, chain_id: int = 31337, hardfork: str = DEFAULT_HARDFORK, block_time: float | None = None,
                 gas_price: int | None = None, steps_tracing: bool = False) -> None:
        self.chain_id = chain_id
        self.port = free_port()
        self._command = anvil_command(self.port, chain_id, hardfork, block_time, gas_price,
                                      steps_tracing=steps_tracing)
        self._process: subprocess.Popen[bytes] | None = None
        self._scratch: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> EphemeralNode:
        self._scratch = Path(tempfile.mkdtemp(prefix="glocal-anvil-"))
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         stdin=subprocess.DEVNULL, env=scratch_environment(self._scratch))
        try:
            wait_until_ready(self.url, self._process)
        except ChainError:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._process is None:
            return
        stop_process(self._process)
        if self._process.stderr is not None:
            self._process.stderr.close()
        self._process = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
