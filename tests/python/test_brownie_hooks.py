"""`brownie run` works in a checkout whose path has a dot in it (brownie_hooks.py)."""

import shutil
import subprocess
import sys
import textwrap

from glocal_chain.toolchain.settings import project_root


def _run_script(root, with_hooks: bool) -> subprocess.CompletedProcess:
    # brownie.project.scripts.run imports the script the way `brownie run` does; Brownie imports
    # brownie_hooks.py when it loads the project, which this stands in for.
    code = textwrap.dedent(f"""
        import runpy
        from brownie.project.scripts import run
        if {with_hooks!r}:
            runpy.run_path({str(root / "brownie_hooks.py")!r})
        print(run({str(root / "scripts" / "hello.py")!r}))
    """)
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)


def test_brownie_runs_a_script_from_a_path_with_dots_if_the_hooks_are_loaded(tmp_path):
    root = tmp_path / "ana.lima" / "glocal-chain.v2"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(project_root() / "brownie_hooks.py", root)
    (root / "scripts" / "hello.py").write_text("def main():\n    return 'hello from ' + __file__\n")

    without = _run_script(root, with_hooks=False)
    assert "ModuleNotFoundError" in without.stderr, (
        "Brownie now imports scripts from dotted paths by itself: brownie_hooks.py can go\n" + without.stderr)

    result = _run_script(root, with_hooks=True)
    assert result.returncode == 0, result.stderr
    assert f"hello from {root / 'scripts' / 'hello.py'}" in result.stdout
