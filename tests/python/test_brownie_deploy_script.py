"""`brownie run scripts/deploy.py` runs the same deploy routine as `glocal deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

from glocal_chain.chain.anvil import free_port
from glocal_chain.toolchain.brownie_network import configure_development_network
from glocal_chain.toolchain.settings import load_settings, project_root


def test_brownie_deploy_script_writes_deployment_if_run_on_development_network(tmp_path):
    configure_development_network(load_settings(), port=free_port())
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GLOCAL_DEPLOYMENTS_DIR": str(tmp_path)}
    result = subprocess.run([str(bin_dir / "brownie"), "run", "scripts/deploy.py"], cwd=project_root(), env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "brownie-development: deployed" in result.stdout
    recorded = json.loads((tmp_path / "brownie-development.json").read_text())
    assert set(recorded["contracts"]) == {"HubRegistry", "ProductRegistry", "OrderEscrow", "TestToken",
                                          "ConsortiumMembership", "ConsortiumTimelock", "ConsortiumGovernor"}
    assert recorded["chain_id"] == 31337
