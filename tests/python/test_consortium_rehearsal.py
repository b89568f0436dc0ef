"""Consortium dress rehearsal: an anvil started like a municipal Besu network (its own chain id, free gas
with legacy transactions, 2 s blocks), reached through the same networks file an operator edits
(confirmations 2), the suite deployed from an encrypted wallet and handed to three member cities, one full
order run through the CLI, and a fee change the cities propose, pass, queue and execute in real time."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from glocal_chain.chain.anvil import EphemeralNode
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.cli.main import app
from glocal_chain.wallet.keystore import save

CHAIN_ID = 1_337_001
PASSWORD = "municipal-secret"
runner = CliRunner()
#: The member cities: wallet name, anvil development account, hub areas (geohash prefixes).
CITIES = (("oslo", 10, ["u4"]), ("berlin", 11, ["u33"]), ("lagos", 12, ["s1"]))


def test_full_order_runs_if_network_is_configured_like_a_municipal_besu(tmp_path, monkeypatch):
    with EphemeralNode(chain_id=CHAIN_ID, gas_price=0, block_time=2) as node:
        networks = tmp_path / "networks.toml"
        networks.write_text(
            'default = "metropolis"\n'
            "[networks.metropolis]\n"
            f'rpc_urls = ["http://127.0.0.1:9", "{node.url}"]  # the first RPC is down: failover\n'
            f"chain_id = {CHAIN_ID}\n"
            "poa = true\n"
            'gas_policy = "free"\n'
            "confirmations = 2\n"
            'evm_version = "cancun"\n')
        roles = {name: dev_account(i).address for name, i in (("oracle", 1), ("arbiter", 2), ("fund", 3))}
        deploy_config = tmp_path / "metropolis.toml"
        deploy_config.write_text(
            f'oracles = ["{roles["oracle"]}"]\narbiters = ["{roles["arbiter"]}"]\n'
            f'community_fund = "{roles["fund"]}"\npayment_tokens = ["native"]\n'
            "[consortium]\nquorum_percent = 51\nvoting_delay_s = 1\nvoting_period_s = 30\ntimelock_delay_s = 20\n"
            + "".join(f'[[consortium.members]]\nname = "{name}"\naccount = "{dev_account(i).address}"\n'
                      f'areas = {json.dumps(areas)}\n' for name, i, areas in CITIES))
        for key, value in {"GLOCAL_HOME": str(tmp_path / "home"), "GLOCAL_NETWORKS_FILE": str(networks),
                           "GLOCAL_DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
                           "GLOCAL_WALLET_PASSWORD": PASSWORD}.items():
            monkeypatch.setenv(key, value)
        for name, index in (("city-it", 0), ("oracle", 1), ("designer", 4), ("library", 5), ("citizen", 7),
                            *((name, i) for name, i, _ in CITIES)):
            save(name, dev_account(index), PASSWORD)

        def glocal(*args: str) -> dict:
            result = runner.invoke(app, [*args, "--json"])
            assert result.exit_code == 0, (args, result.output, result.exception)
            return json.loads(result.stdout)  # warnings (the dead first RPC) go to stderr

        deployed = glocal("deploy", "--network", "metropolis", "--wallet", "city-it", "--config", str(deploy_config))
        assert deployed["changed"] is True and deployed["chain_id"] == CHAIN_ID
        assert glocal("deploy", "--wallet", "city-it", "--config", str(deploy_config))["changed"] is False
        product = glocal("product", "register", "examples/calibration-cube.gcode", "--metadata-uri", "ipfs://cube",
                         "--royalty-bps", "500", "--wallet", "designer")
        hub = glocal("hub", "register", "--geohash", "u4pruydq", "--wallet", "library")
        outside = runner.invoke(app, ["admin", "approve-hub", str(hub["hub_id"]), "--wallet", "lagos"])
        assert outside.exit_code != 0 and "HubOutsideApproverArea" in str(outside.exception)
        glocal("admin", "approve-hub", str(hub["hub_id"]), "--wallet", "oslo")  # u4pruydq is in Oslo's area
        glocal("hub", "offer", str(hub["hub_id"]), "--product", str(product["product_id"]), "--token", "native",
               "--price", "0.01", "--wallet", "library")
        order = glocal("order", "place", "--product", str(product["product_id"]), "--hub", str(hub["hub_id"]),
                       "--max-total", "0.0105", "--wallet", "citizen")
        order_id = str(order["order_id"])
        glocal("order", "accept", order_id, "--wallet", "library")
        glocal("order", "ship", order_id, "--tracking", "CITY-POST-1", "--wallet", "library")
        assert glocal("order", "confirm", order_id, "--wallet", "oracle")["status"] == "delivered"
        withdrawn = glocal("order", "withdraw", "--token", "native", "--wallet", "library")
        assert withdrawn["amount"] == 10**16 - 10**16 * 200 // 10_000  # the price less the 2 % community fee

        # The deployer kept nothing; the cities change the fee together, in the chain's own time.
        it_wallet = runner.invoke(app, ["admin", "set-fee", "300", "--wallet", "city-it"])
        assert it_wallet.exit_code != 0 and "neededRole=DEFAULT_ADMIN_ROLE" in str(it_wallet.exception)
        proposal = glocal("consortium", "propose", "set-fee", "300", "--wallet", "oslo")
        proposal_id = str(proposal["proposal_id"])
        assert proposal["actions"] == ["OrderEscrow.setFee(feeBps=300)"]
        _wait_for(glocal, proposal_id, "Active")
        glocal("consortium", "vote", proposal_id, "--wallet", "oslo")
        assert glocal("consortium", "vote", proposal_id, "--support", "for", "--wallet", "berlin")["votes_for"] == 2
        _wait_for(glocal, proposal_id, "Succeeded")
        queued = glocal("consortium", "queue", proposal_id, "--wallet", "lagos")
        assert queued["state"] == "Queued" and queued["eta"] > 0
        early = runner.invoke(app, ["consortium", "execute", proposal_id, "--wallet", "lagos"])
        assert early.exit_code != 0 and "the timelock lets it run at" in str(early.exception)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            executed = runner.invoke(app, ["consortium", "execute", proposal_id, "--wallet", "lagos", "--json"])
            if executed.exit_code == 0:
                break
            time.sleep(1)
        assert json.loads(executed.stdout)["state"] == "Executed"
        assert glocal("admin", "config")["fee_bps"] == 300


def _wait_for(glocal, proposal_id: str, state: str, timeout_s: float = 60) -> None:
    """Waits until the proposal is in `state` (2 s blocks: the governor's clock moves with them)."""
    deadline = time.monotonic() + timeout_s
    while (current := glocal("consortium", "status", proposal_id)["state"]) != state:
        assert time.monotonic() < deadline, f"proposal {proposal_id} still {current}, not {state}"
        time.sleep(0.5)
