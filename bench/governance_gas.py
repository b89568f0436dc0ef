"""Gas of each governance step on the suite deployed with config/deploy/local.toml's consortium (three member
cities, quorum 2): a fee change proposed, voted, queued and executed; a city admitted (five calls in one
proposal); a member's emergency pause (new orders, new offers) and the proposal that lifts it (four members
by then: three votes); a hub approved by the city of its area."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from web3 import Web3

from glocal_chain.chain.anvil import EphemeralNode, advance_clock
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import load_deploy_config
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.sdk.proposals import ProposedAction
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.toolchain.settings import project_root

OSLO, BERLIN, BALTIMORE, NEWCOMER, HUB_OPERATOR = 10, 11, 12, 9, 5


def _gas(sender: Sender, call: Any) -> int:
    return int(sender.transact(call, "bench governance")["gasUsed"])


def _decide(suite: GlocalSuite, cities: dict[int, Sender], action: ProposedAction, tag: str,
            voters: tuple[int, ...] = (OSLO, BERLIN)) -> dict[str, int]:
    """One proposal through every step, `voters` voting for it (the last one reaches the quorum); the gas of each."""
    consortium = suite.consortium()
    governor, rules = consortium.governor.functions, consortium.rules()
    calls = action.calls
    targets, values, datas = [c.target for c in calls], [c.value for c in calls], [c.calldata for c in calls]
    description = f"{action.summary} ({tag})"
    description_hash = Web3.keccak(text=description)
    w3 = suite.w3
    advance_clock(w3, 1)
    receipt = cities[OSLO].transact(governor.propose(targets, values, datas, description), "propose")
    proposal_id = governor.getProposalId(targets, values, datas, description_hash).call()
    gas = {"propose": int(receipt["gasUsed"])}
    advance_clock(w3, rules.voting_delay_s + 1)
    gas["vote_first"] = _gas(cities[voters[0]], governor.castVote(proposal_id, 1))
    for voter in voters[1:]:
        gas["vote_reaching_quorum"] = _gas(cities[voter], governor.castVote(proposal_id, 1))
    advance_clock(w3, rules.voting_period_s + 1)
    gas["queue"] = _gas(cities[BALTIMORE], governor.queue(targets, values, datas, description_hash))
    advance_clock(w3, rules.timelock_delay_s + 1)
    gas["execute"] = _gas(cities[BALTIMORE], governor.execute(targets, values, datas, description_hash))
    gas["total"] = sum(gas.values())
    return gas


def measure() -> dict[str, Any]:
    config = load_deploy_config(project_root() / "config" / "deploy" / "local.toml")
    with EphemeralNode(gas_price=0) as node, tempfile.TemporaryDirectory() as tmp:
        w3 = connect(NetworkConfig(name="bench", rpc_urls=[node.url], chain_id=node.chain_id,
                                   gas_policy=GasPolicy.FREE, local=True))
        deployer = Sender(w3, dev_account(0), gas_policy=GasPolicy.FREE)
        first_block = w3.eth.block_number + 1
        deployment = deploy_suite(w3, deployer, "bench", config, directory=Path(tmp),
                                  allow_test_token=True).deployment
        deploy_gas = sum(int(w3.eth.get_block(n, full_transactions=False)["gasUsed"])
                         for n in range(first_block, w3.eth.block_number + 1))
        cities = {i: Sender(w3, dev_account(i), gas_policy=GasPolicy.FREE) for i in (OSLO, BERLIN, BALTIMORE)}
        suite = GlocalSuite(w3, deployment)
        actions = suite.consortium().actions
        result: dict[str, Any] = {"deploy_suite_and_consortium": deploy_gas,
                                  "fee_change": _decide(suite, cities, actions.set_fee(300), "fee")}
        newcomer = dev_account(NEWCOMER).address
        result["admit_member"] = _decide(suite, cities, actions.admit_member(newcomer, "Lagos", ["s1"]), "admit")
        operator = Sender(w3, dev_account(HUB_OPERATOR), gas_policy=GasPolicy.FREE)
        operator.transact(suite.hubs.functions.registerHub(b"u4pruydq".ljust(12, b"\0"), 1, ""), "register hub")
        hub_id = suite.hubs.functions.hubCount().call()
        result["approve_hub_by_city_in_area"] = _gas(cities[OSLO], suite.hubs.functions.approveHub(hub_id))
        result["pause_by_member"] = {"orders": _gas(cities[BERLIN], suite.escrow.functions.pause()),
                                     "offers": _gas(cities[BERLIN], suite.products.functions.pause())}
        cities[NEWCOMER] = Sender(w3, dev_account(NEWCOMER), gas_policy=GasPolicy.FREE)
        # Four members now: 51 % of 4 rounds up to 3 votes.
        result["unpause"] = _decide(suite, cities, actions.unpause(), "unpause", voters=(OSLO, BERLIN, NEWCOMER))
        return result
