"""The deploy routine: deploys and wires the suite, records it, verifies instead of redeploying,
and refuses a chain-id mismatch or a missing contract with a clear message."""

import json

import pytest
from web3 import Web3

from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.deploy.config import DeployConfig
from glocal_chain.deploy.deployer import ROLES, deploy_suite, verify_deployment
from glocal_chain.deploy.deployments import Deployment, read_deployment, write_deployment
from glocal_chain.errors import DeploymentError


def _contract(w3, deployment, name):
    return w3.eth.contract(address=deployment.address(name), abi=load_artifact(name).abi)


def test_deploy_suite_wires_contracts_and_roles_if_fresh(w3, deployed):
    deployment = deployed.deployment
    assert deployed.changed and deployed.path.exists()
    recorded = json.loads(deployed.path.read_text())
    assert recorded["chain_id"] == w3.eth.chain_id
    assert set(recorded["contracts"]) == {"HubRegistry", "ProductRegistry", "OrderEscrow", "TestToken"}
    escrow = _contract(w3, deployment, "OrderEscrow")
    hubs = _contract(w3, deployment, "HubRegistry")
    assert escrow.functions.productRegistry().call() == deployment.address("ProductRegistry")
    assert hubs.functions.hasRole(ROLES["ESCROW_ROLE"], escrow.address).call()
    assert escrow.functions.hasRole(ROLES["ORACLE_ROLE"], dev_account(1).address).call()
    assert escrow.functions.hasRole(ROLES["ARBITER_ROLE"], dev_account(2).address).call()
    assert escrow.functions.communityFund().call() == dev_account(3).address
    # listed in the config's order: native coin first, then the test token, with their default rating fee units
    assert escrow.functions.paymentToken(deployment.payment_tokens["native"]).call() == (1, True, 10**16)
    assert escrow.functions.paymentToken(deployment.payment_tokens["gUSD"]).call() == (2, True, 10**6)
    assert escrow.functions.config().call()[5] == 720  # the default lead-time cap, 30 days
    for name, record in deployment.contracts.items():
        assert Web3.keccak(w3.eth.get_code(record.address)).to_0x_hex() == record.code_hash, name


def test_deploy_suite_changes_nothing_if_deployment_live(w3, deployer, deployed):
    directory = deployed.path.parent
    block = w3.eth.block_number
    again = deploy_suite(w3, deployer, "test", DeployConfig(), directory=directory)
    assert not again.changed
    assert again.deployment == deployed.deployment
    assert w3.eth.block_number == block  # nothing was sent


def test_verify_deployment_refuses_if_chain_id_differs(w3, deployed):
    wrong = deployed.deployment.model_copy(update={"chain_id": 1})
    with pytest.raises(DeploymentError, match="chain 1.*reports chain 31337"):
        verify_deployment(w3, wrong)


def test_verify_deployment_refuses_if_contract_missing(w3, deployed, tmp_path):
    contracts = dict(deployed.deployment.contracts)
    contracts["OrderEscrow"] = contracts["OrderEscrow"].model_copy(update={"address": "0x" + "12" * 20})
    broken = deployed.deployment.model_copy(update={"contracts": contracts})
    write_deployment(broken, tmp_path)
    with pytest.raises(DeploymentError, match="OrderEscrow is recorded at 0x1212.*no contract there"):
        deploy_suite(w3, None, "test", DeployConfig(), directory=tmp_path)


def test_verify_deployment_refuses_if_code_differs(w3, deployed):
    contracts = dict(deployed.deployment.contracts)
    contracts["HubRegistry"] = contracts["HubRegistry"].model_copy(update={"code_hash": "0x" + "00" * 32})
    with pytest.raises(DeploymentError, match="different code"):
        verify_deployment(w3, deployed.deployment.model_copy(update={"contracts": contracts}))


def test_read_deployment_refuses_if_file_corrupt(tmp_path):
    (tmp_path / "test.json").write_text("{not json")
    with pytest.raises(DeploymentError, match="corrupt"):
        read_deployment("test", tmp_path)


def test_deploy_suite_refuses_test_token_if_network_not_local(w3, deployer, tmp_path):
    with pytest.raises(DeploymentError, match="local networks only"):
        deploy_suite(w3, deployer, "consortium", DeployConfig(payment_tokens=["test-token"]), directory=tmp_path)
    assert read_deployment("consortium", tmp_path) is None


def test_deploy_suite_hands_admin_to_governor_if_governor_differs(w3, deployer, tmp_path):
    governor = dev_account(4).address
    result = deploy_suite(w3, deployer, "handover", DeployConfig(governor=governor), directory=tmp_path)
    for name in ("HubRegistry", "ProductRegistry", "OrderEscrow"):
        contract = _contract(w3, result.deployment, name)
        assert contract.functions.hasRole(ROLES["DEFAULT_ADMIN_ROLE"], governor).call()
        assert not contract.functions.hasRole(ROLES["DEFAULT_ADMIN_ROLE"], deployer.address).call()


def test_deployment_round_trips_if_written(deployed, tmp_path):
    write_deployment(deployed.deployment, tmp_path)
    assert read_deployment("test", tmp_path) == deployed.deployment
    assert isinstance(deployed.deployment, Deployment)


def test_deploy_config_refuses_token_if_rating_fee_unit_missing():
    token = "0x" + "ab" * 20
    with pytest.raises(ValueError, match="rating_fee_units has no entry"):
        DeployConfig(payment_tokens=[token])
    with pytest.raises(ValueError, match="above 0"):
        DeployConfig(payment_tokens=["native"], rating_fee_units={"native": 0})
    config = DeployConfig(payment_tokens=[token], rating_fee_units={token.upper().replace("0X", "0x"): 5})
    assert config.rating_fee_unit(Web3.to_checksum_address(token)) == 5
    assert DeployConfig().rating_fee_unit("native") == 10**16


def _consortium(**overrides):
    members = [{"name": "Oslo", "account": dev_account(10).address, "areas": ["u4"]},
               {"name": "Berlin", "account": dev_account(11).address, "areas": ["u33"]}]
    return {"members": members, **overrides}


@pytest.mark.parametrize(("config", "message"), [
    ({"governor": dev_account(1).address}, "has no `governor`"),
    ({"hub_approvers": [dev_account(1).address]}, "has no `hub_approvers`"),
    ({"pausers": ["deployer"]}, "the deployer keeps nothing"),
    ({"oracles": ["deployer"]}, "the deployer keeps nothing"),
    ({"community_fund": "deployer"}, "the deployer keeps nothing"),
    ({"community_fund": None}, "names its `community_fund`"),
])
def test_deploy_config_refuses_if_consortium_config_leaves_deployer_a_part(config, message):
    fields = {"consortium": _consortium(), "community_fund": dev_account(3).address, **config}
    if fields["community_fund"] is None:
        del fields["community_fund"]
    with pytest.raises(ValueError, match=message):
        DeployConfig(**fields)


@pytest.mark.parametrize(("consortium", "message"), [
    (_consortium(members=[]), "at least 1 item"),
    (_consortium(members=[{"name": "A", "account": dev_account(10).address},
                          {"name": "B", "account": dev_account(10).address}]), "the same account twice"),
    (_consortium(members=[{"name": "A", "account": dev_account(10).address, "areas": ["u4a"]}]), "invalid geohash"),
    (_consortium(members=[{"name": "A", "account": "0x1234"}]), "is not an address"),
    (_consortium(quorum_percent=0), "greater than or equal to 1"),
    (_consortium(quorum_percent=50), "lets one city of 2 pass a proposal alone"),
    (_consortium(timelock_delay_s=0), "greater than or equal to 1"),
    (_consortium(mayor="me"), "Extra inputs are not permitted"),
])
def test_deploy_config_refuses_if_consortium_is_malformed(consortium, message):
    with pytest.raises(ValueError, match=message):
        DeployConfig(consortium=consortium, community_fund=dev_account(3).address)


def test_deploy_config_without_deployer_roles_if_consortium_given():
    config = DeployConfig(consortium=_consortium(), community_fund=dev_account(3).address)
    assert config.hub_approvers == [] and config.pausers == []


def test_deploy_config_refuses_if_key_misspelt():
    with pytest.raises(ValueError, match="consortum"):
        DeployConfig(consortum=_consortium(), community_fund=dev_account(3).address)


def test_deploy_refuses_before_sending_if_consortium_config_names_deployer_account(w3, deployer, tmp_path):
    members = [*_consortium()["members"], {"name": "Deployer town", "account": deployer.address, "areas": []}]
    config = DeployConfig(consortium=_consortium(members=members), community_fund=dev_account(3).address)
    block = w3.eth.block_number
    with pytest.raises(DeploymentError, match="names the deploying account"):
        deploy_suite(w3, deployer, "mine", config, directory=tmp_path)
    assert w3.eth.block_number == block  # nothing was sent
