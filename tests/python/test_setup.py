"""`tools/setup.sh`: it survives ^C at any point, says what it does step by step, and `make clean` keeps wallets.

The interruption tests call setup.sh's own `make_venv` (the script defines its functions without running when
sourced) on a tiny requirements file in a temporary folder, with a Python that stops in the middle of creating
the environment, where a ^C left `.venv-octoprint` without pip and broke every later run."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "tools" / "setup.sh"
REAL_PYTHON = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"

# Stands in for python3.11: when STALL_VENV names a file, `-m venv DIR` creates DIR without pip, touches that
# file and waits (the test presses ^C there), as a real `python -m venv` does between its two halves.
STALLING_PYTHON = f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ] && [ -n "${{STALL_VENV:-}}" ]; then
  "{REAL_PYTHON}" -m venv --without-pip "$3" || exit 1
  touch "$STALL_VENV"
  sleep 60
fi
exec "{REAL_PYTHON}" "$@"
"""


def make_venv(folder: Path, **env: str) -> subprocess.Popen[str]:
    """setup.sh's make_venv on an empty requirements file in `folder`, in a process group of its own."""
    script = f'source "{SETUP}"; make_venv env pip tiny requirements.txt no-check "tiny env" -r requirements.txt'
    return subprocess.Popen(["bash", "-c", script], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True,
                            env={**os.environ, "PYTHON": str(folder / "python"), "STAMPS": str(folder / "stamps"),
                                 **env})


def interrupt(process: subprocess.Popen[str], ready: Path) -> str:
    """Waits until `ready` exists, then presses ^C (SIGINT to the whole process group, as a terminal does)."""
    deadline = time.monotonic() + 60
    try:
        while not ready.exists():
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "set-up never reached the point to interrupt"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        return output
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever survived the ^C
        process.wait()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("# nothing: the environment's own pip is all\n")
    python = tmp_path / "python"
    python.write_text(STALLING_PYTHON)
    python.chmod(0o755)
    return tmp_path


def test_make_venv_builds_environment_again_if_interrupted_while_creating_it(folder: Path) -> None:
    ready = folder / "venv-half-made"
    first = make_venv(folder, STALL_VENV=str(ready))
    interrupt(first, ready)
    assert first.returncode != 0
    assert (folder / "env" / "bin" / "python").exists() and not (folder / "env" / "bin" / "pip").exists()
    assert not (folder / "stamps" / "tiny").exists()

    second = make_venv(folder)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    assert "incomplete" in output
    assert (folder / "env" / "bin" / "pip").exists()
    assert not (folder / "env" / ".setup-incomplete").exists()
    assert (folder / "stamps" / "tiny").exists()

    third = make_venv(folder)
    output, _ = third.communicate(timeout=60)
    assert third.returncode == 0 and "up to date" in output, output


def test_make_venv_builds_environment_again_if_interrupted_while_installing(folder: Path) -> None:
    first = make_venv(folder)
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 0, output
    # The requirements change, and the update is interrupted while pip runs: the environment is half-updated.
    (folder / "requirements.txt").write_text("# a changed requirement\n")
    ready = folder / "pip-running"
    real = (folder / "env" / "bin" / "python").resolve()
    for python in (folder / "env" / "bin").glob("python*"):  # whichever name pip runs under stalls
        python.unlink()
        python.write_text(f'#!/bin/sh\ntouch "{ready}"\nsleep 60\nexec "{real}" "$@"\n')
        python.chmod(0o755)
    interrupt(make_venv(folder), ready)
    assert (folder / "env" / ".setup-incomplete").exists()
    assert not (folder / "stamps" / "tiny").exists()

    second = make_venv(folder)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    assert "incomplete" in output
    assert (folder / "env" / "bin" / "python").resolve() == real
    assert (folder / "stamps" / "tiny").exists()


def test_setup_names_each_step_and_prints_no_warning_if_nothing_changed() -> None:
    bash = ["bash", str(SETUP)]
    subprocess.run(bash, cwd=ROOT, capture_output=True, text=True, timeout=900, check=True)  # whatever changed
    rerun = subprocess.run(bash, cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = rerun.stdout + rerun.stderr
    assert rerun.returncode == 0, output
    lines = output.splitlines()
    assert [line.split()[1] for line in lines[:8]] == [f"{n}/8" for n in range(1, 9)], output
    assert all(line.startswith("[setup] ") for line in lines), output
    assert "up to date" in lines[0] and lines[-1].startswith("[setup] ready (")
    assert "warning" not in output.lower() and "deprecat" not in output.lower()
    assert "[toolchain]" not in output  # neither the compiler nor Brownie's network changed: nothing to say


def test_make_clean_keeps_wallets_and_clean_all_says_it_deletes_them() -> None:
    clean = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert ".glocal" not in clean and "rm -rf build" in clean
    clean_all = subprocess.run(["make", "-n", "clean-all"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout
    assert "rm -rf .glocal" in clean_all and "wallet" in clean_all


def test_package_builds_without_build_backend_warnings_if_built_as_setup_does(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "glocal_chain", source / "glocal_chain", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    output = built.stdout + built.stderr
    assert built.returncode == 0, output
    assert list((tmp_path / "dist").glob("glocal_chain-*.whl"))
    assert "BuildBackendWarning" not in output and "deprecated" not in output, output
