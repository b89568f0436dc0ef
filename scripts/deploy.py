"""`brownie run scripts/deploy.py [network-name]`: the same deploy routine as `glocal deploy`, sending
from Brownie's first account on the connected network (anvil's unlocked development account)."""

from pathlib import Path

from brownie import accounts, network, web3

from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.toolchain.settings import project_root


def main(name: str = "brownie-development") -> None:
    config_path = project_root() / "config" / "deploy" / "local.toml"
    sender = Sender(web3, unlocked_address=accounts[0].address, gas_policy=GasPolicy.LEGACY)
    # Brownie's development chain lives only as long as this run: deploy anew there.
    development = network.show_active() == "development"
    result = deploy_suite(web3, sender, name, load_deploy_config(Path(config_path)), fresh=development,
                          allow_test_token=development)
    state = "deployed" if result.changed else "verified, unchanged"
    print(f"{name}: {state}")
    for contract, record in result.deployment.contracts.items():
        print(f"  {contract:<16} {record.address}")
