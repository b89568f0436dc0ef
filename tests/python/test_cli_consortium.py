"""`glocal consortium` on a local chain deployed from config/deploy/local.toml (three member cities): the
hand-over, a whole proposal (propose, vote, queue, execute) moved along with `glocal chain advance`, each step
refused with a clear message when it comes too early or from the wrong account, a city's area, the pause, and
a member removed by proposal that can no longer take part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.reverts import ROLE_IDS
from glocal_chain.cli.main import app
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployments import read_deployment
from glocal_chain.toolchain.settings import project_root

runner = CliRunner()
PASSWORD = "city-hall"
CITIES = {"oslo": 10, "berlin": 11, "baltimore": 12}
LOCAL_CONFIG = project_root() / "config" / "deploy" / "local.toml"


@pytest.fixture(scope="module")
def cli_env(node, tmp_path_factory):
    """The local.toml deployment on a chain of its own (network `town`, a local one: `chain advance` works)."""
    home = tmp_path_factory.mktemp("consortium-cli")
    networks = home / "networks.toml"
    networks.write_text(f'default = "town"\n[networks.town]\nrpc_urls = ["{node.url}"]\nchain_id = {node.chain_id}\n'
                        'gas_policy = "free"\nlocal = true\n')
    env = {"GLOCAL_HOME": str(home), "GLOCAL_NETWORKS_FILE": str(networks),
           "GLOCAL_DEPLOYMENTS_DIR": str(home / "deployments"), "GLOCAL_WALLET_PASSWORD": PASSWORD}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        for name, index in {**CITIES, "deployer": 0, "fablab": 5, "library": 6}.items():
            assert runner.invoke(app, ["wallet", "import", name, "--anvil-account", str(index)]).exit_code == 0
        deployed = runner.invoke(app, ["deploy", "--network", "town", "--config", str(LOCAL_CONFIG), "--json"])
        assert deployed.exit_code == 0, deployed.output
    return env


@pytest.fixture
def glocal(cli_env, monkeypatch):
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, ok: bool = True):
        result = runner.invoke(app, [*args, "--json"])
        if ok:
            assert result.exit_code == 0, (args, result.output, result.exception)
            return json.loads(result.stdout)
        assert result.exit_code != 0, (args, result.output)
        return str(result.exception)

    return run


def _pass(glocal, *proposal: str, by: str = "oslo") -> dict:
    """Proposes, votes with two cities (the quorum: 51 % of 3), queues and executes, moving the clock."""
    glocal("chain", "advance", "1")
    proposal_id = str(glocal("consortium", "propose", *proposal, "--wallet", by)["proposal_id"])
    glocal("chain", "advance", "2")
    for city in ("oslo", "berlin"):
        glocal("consortium", "vote", proposal_id, "--wallet", city)
    glocal("chain", "advance", "121")
    glocal("consortium", "queue", proposal_id, "--wallet", "deployer")
    glocal("chain", "advance", "61")
    return glocal("consortium", "execute", proposal_id, "--wallet", "deployer")


def test_deploy_hands_everything_to_consortium_if_config_names_one(glocal, cli_env, w3):
    deployment = read_deployment("town", Path(cli_env["GLOCAL_DEPLOYMENTS_DIR"]))
    assert deployment is not None
    timelock = deployment.address("ConsortiumTimelock")
    deployer = dev_account(0).address
    for name in ("HubRegistry", "ProductRegistry", "OrderEscrow", "ConsortiumTimelock"):
        contract = w3.eth.contract(address=deployment.address(name), abi=load_artifact(name).abi)
        assert not contract.functions.hasRole(ROLE_IDS["DEFAULT_ADMIN_ROLE"], deployer).call(), name
        for role in ("PAUSER_ROLE", "HUB_APPROVER_ROLE", "PROPOSER_ROLE"):
            assert not contract.functions.hasRole(ROLE_IDS[role], deployer).call(), (name, role)
        if name != "ConsortiumTimelock":
            assert contract.functions.hasRole(ROLE_IDS["DEFAULT_ADMIN_ROLE"], timelock).call(), name
    membership = w3.eth.contract(address=deployment.address("ConsortiumMembership"),
                                 abi=load_artifact("ConsortiumMembership").abi)
    assert membership.functions.owner().call() == timelock
    members = glocal("consortium", "members")
    config = load_deploy_config(LOCAL_CONFIG).consortium
    assert config is not None
    assert [(m["name"], m["account"], m["areas"]) for m in members["members"]] == \
        [(m.name, m.account, m.areas) for m in config.members]
    assert members["rules"] == {"members": 3, "quorum_percent": 51, "quorum_now": 2, "voting_delay_s": 1,
                                "voting_period_s": 120, "timelock_delay_s": 60}
    again = glocal("deploy", "--network", "town", "--config", str(LOCAL_CONFIG))
    assert again["changed"] is False


def test_fee_changes_if_two_cities_pass_proposal_through_timelock(glocal):
    glocal("chain", "advance", "1")
    proposal = glocal("consortium", "propose", "set-fee", "300", "--wallet", "berlin")
    proposal_id = str(proposal["proposal_id"])
    assert proposal["state"] == "Pending" and proposal["actions"] == ["OrderEscrow.setFee(feeBps=300)"]
    assert "not open for votes" in glocal("consortium", "vote", proposal_id, "--wallet", "oslo", ok=False)
    glocal("chain", "advance", "2")
    assert glocal("consortium", "vote", proposal_id, "--wallet", "berlin")["votes_for"] == 1
    assert "GovernorAlreadyCastVote" in glocal("consortium", "vote", proposal_id, "--wallet", "berlin", ok=False)
    assert "only a proposal that has Succeeded is queued" in glocal("consortium", "queue", proposal_id,
                                                                    "--wallet", "oslo", ok=False)
    voted = glocal("consortium", "vote", proposal_id, "--support", "for", "--reason", "fund the makerspace",
                   "--wallet", "oslo")
    assert (voted["votes_for"], voted["quorum"]) == (2, 2)
    assert [p["proposal_id"] for p in glocal("consortium", "status")] == [proposal["proposal_id"]]
    glocal("chain", "advance", "121")
    queued = glocal("consortium", "queue", proposal_id, "--wallet", "fablab")  # anyone queues
    assert queued["state"] == "Queued"
    assert "the timelock lets it run at" in glocal("consortium", "execute", proposal_id, "--wallet", "fablab",
                                                   ok=False)
    assert glocal("admin", "config")["fee_bps"] == 200
    glocal("chain", "advance", "61")
    assert glocal("consortium", "execute", proposal_id, "--wallet", "fablab")["state"] == "Executed"
    assert glocal("admin", "config")["fee_bps"] == 300
    assert glocal("consortium", "status") == []
    assert glocal("consortium", "status", "--all")[-1]["state"] == "Executed"


def test_proposal_is_defeated_if_only_one_city_votes(glocal):
    glocal("chain", "advance", "1")
    proposal_id = str(glocal("consortium", "propose", "set-quorum", "2", "--wallet", "baltimore")["proposal_id"])
    glocal("chain", "advance", "2")
    glocal("consortium", "vote", proposal_id, "--wallet", "baltimore")
    glocal("chain", "advance", "121")
    assert glocal("consortium", "status", proposal_id)["state"] == "Defeated"
    assert "is Defeated" in glocal("consortium", "queue", proposal_id, "--wallet", "baltimore", ok=False)
    assert glocal("admin", "config")["quorum"] == 1


def test_admin_actions_refused_if_signer_is_not_the_consortium(glocal):
    refused = glocal("admin", "set-fee", "100", "--wallet", "deployer", ok=False)
    assert "neededRole=DEFAULT_ADMIN_ROLE" in refused and "glocal consortium propose" in refused
    assert "is not a member city" in glocal("consortium", "propose", "set-fee", "100", "--wallet", "fablab",
                                            ok=False)
    assert "no proposal 999" in glocal("consortium", "status", "999", ok=False)
    too_high = glocal("consortium", "propose", "set-fee", "9000", "--wallet", "oslo", ok=False)
    assert "the proposal would fail when executed: OrderEscrow.setFee(feeBps=9000)" in too_high
    assert "InvalidBps(bps=9000)" in too_high
    assert "would let one city pass a proposal alone" in glocal(
        "consortium", "propose", "set-voting-rules", "--quorum-percent", "33", "--wallet", "oslo", ok=False)


def test_city_approves_hubs_only_in_its_area_if_not_consortium(glocal):
    hub = glocal("hub", "register", "--geohash", "u4pruydq", "--wallet", "fablab")["hub_id"]
    outside = glocal("admin", "approve-hub", str(hub), "--wallet", "berlin", ok=False)
    assert f"HubOutsideApproverArea(hubId={hub}" in outside
    assert glocal("admin", "approve-hub", str(hub), "--wallet", "oslo")["status"] == "approved"
    nowhere = glocal("hub", "register", "--geohash", "7zzzzz", "--wallet", "library")["hub_id"]  # no city's area
    for city in CITIES:
        assert "HubOutsideApproverArea" in glocal("admin", "approve-hub", str(nowhere), "--wallet", city, ok=False)
    executed = _pass(glocal, "approve-hub", str(nowhere))
    assert executed["actions"] == [f"HubRegistry.approveHub(hubId={nowhere})"]
    assert glocal("hub", "show", str(nowhere))["status"] == "approved"


def test_pause_at_once_by_one_city_and_unpause_only_by_proposal(glocal):
    assert glocal("admin", "pause", "--wallet", "baltimore")["paused"] is True
    assert "neededRole=DEFAULT_ADMIN_ROLE" in glocal("admin", "unpause", "--wallet", "baltimore", ok=False)
    _pass(glocal, "unpause", by="baltimore")
    assert glocal("admin", "config")["paused"] is False


def test_removed_city_cannot_propose_vote_or_approve_if_consortium_removed_it(glocal):
    baltimore = dev_account(CITIES["baltimore"]).address
    executed = _pass(glocal, "remove-member", baltimore)
    assert executed["actions"] == [f"ConsortiumMembership.remove(member={baltimore})",
                                   f"HubRegistry.revokeRole(role=HUB_APPROVER_ROLE, account={baltimore})",
                                   f"HubRegistry.setHubApproverAreas(approver={baltimore}, areas=[])",
                                   f"OrderEscrow.revokeRole(role=PAUSER_ROLE, account={baltimore})",
                                   f"ProductRegistry.revokeRole(role=PAUSER_ROLE, account={baltimore})"]
    members = glocal("consortium", "members")
    assert sorted(m["name"] for m in members["members"]) == ["Berlin", "Oslo"]
    assert members["rules"]["quorum_now"] == 2  # 51 % of 2, rounded up
    glocal("chain", "advance", "1")
    open_id = str(glocal("consortium", "propose", "set-fee", "250", "--wallet", "oslo")["proposal_id"])
    glocal("chain", "advance", "2")
    assert "is not a member city" in glocal("consortium", "propose", "set-fee", "100", "--wallet", "baltimore",
                                            ok=False)
    assert "is not a member city" in glocal("consortium", "vote", open_id, "--wallet", "baltimore", ok=False)
    assert "neededRole=HUB_APPROVER_ROLE" in glocal("admin", "suspend-hub", "1", "--reason", "x",
                                                    "--wallet", "baltimore", ok=False)
    assert "neededRole=PAUSER_ROLE" in glocal("admin", "pause", "--wallet", "baltimore", ok=False)
