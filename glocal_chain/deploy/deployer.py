"""The deploy routine: deploys and wires the suite, grants roles, records the deployment; run again
against a live deployment it verifies the code on chain and changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from web3 import Web3

from glocal_chain.chain.artifacts import load_artifact
from glocal_chain.chain.reverts import ROLE_IDS
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import NATIVE_COIN, TEST_TOKEN, ConsortiumConfig, DeployConfig
from glocal_chain.deploy.deployments import (
    DeployedContract,
    Deployment,
    read_deployment,
    write_deployment,
)
from glocal_chain.errors import DeploymentError
from glocal_chain.geo import to_bytes12

log = logging.getLogger(__name__)

ROLES = ROLE_IDS
#: The contracts the governor (a single account, or the consortium's timelock) administers.
SUITE_CONTRACTS = ("HubRegistry", "ProductRegistry", "OrderEscrow")
TEST_TOKEN_ARGS = ("Glocal Test Dollar", "gUSD", 6)
ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class DeployResult:
    deployment: Deployment
    changed: bool
    path: Path | None


def verify_deployment(w3: Web3, deployment: Deployment) -> None:
    """Raises DeploymentError unless the chain holds exactly the recorded code at every address."""
    chain_id = w3.eth.chain_id
    if chain_id != deployment.chain_id:
        raise DeploymentError(
            f"the {deployment.network} deployment was made on chain {deployment.chain_id}, "
            f"but the node reports chain {chain_id}: refusing to use it"
        )
    for name, recorded in deployment.contracts.items():
        code = w3.eth.get_code(Web3.to_checksum_address(recorded.address))
        if not code:
            raise DeploymentError(
                f"{name} is recorded at {recorded.address} but the chain has no contract there "
                f"(was the chain reset? deploy again with --fresh)"
            )
        if Web3.keccak(code).hex() != recorded.code_hash.removeprefix("0x"):
            raise DeploymentError(f"{name} at {recorded.address} has different code than recorded")


class _Deployer:
    def __init__(self, w3: Web3, sender: Sender, config: DeployConfig) -> None:
        self.w3 = w3
        self.sender = sender
        self.config = config
        self.records: dict[str, DeployedContract] = {}
        self.contracts: dict[str, Any] = {}

    def account(self, value: str) -> str:
        return self.config.resolve(value, self.sender.address)

    def deploy(self, name: str, *args: Any) -> Any:
        artifact = load_artifact(name)
        receipt = self.sender.deploy(artifact.abi, artifact.bytecode, args, f"deploy {name}")
        address = receipt["contractAddress"]
        if address is None:
            raise DeploymentError(f"deploy {name}: the receipt names no contract address")
        code = self.w3.eth.get_code(address)
        self.records[name] = DeployedContract(
            address=address,
            block_number=receipt["blockNumber"],
            transaction_hash=receipt["transactionHash"].to_0x_hex(),
            code_hash=Web3.keccak(code).to_0x_hex(),
        )
        contract = self.w3.eth.contract(address=address, abi=artifact.abi)
        self.contracts[name] = contract
        log.info("deployed %s at %s", name, address)
        return contract

    def grant(self, contract_name: str, role: str, account: str) -> None:
        contract = self.contracts[contract_name]
        self.sender.transact(contract.functions.grantRole(ROLES[role], account), f"grant {role} on {contract_name}")

    def run(self, allow_test_token: bool) -> tuple[dict[str, DeployedContract], dict[str, str]]:
        cfg = self.config
        deployer = self.sender.address
        if cfg.consortium:
            self.refuse_deployer_roles()
        hubs = self.deploy("HubRegistry", deployer)
        products = self.deploy("ProductRegistry", deployer, hubs.address)
        escrow_config = (cfg.fee_bps, cfg.quorum, cfg.accept_window_s, cfg.dispute_window_s, cfg.arbitration_window_s,
                         cfg.max_lead_time_hours)
        escrow = self.deploy("OrderEscrow", deployer, products.address, hubs.address,
                             self.account(cfg.community_fund), escrow_config)
        self.grant("HubRegistry", "ESCROW_ROLE", escrow.address)
        for account in cfg.hub_approvers:
            self.grant("HubRegistry", "HUB_APPROVER_ROLE", self.account(account))
        for account in cfg.pausers:
            self.grant("ProductRegistry", "PAUSER_ROLE", self.account(account))
            self.grant("OrderEscrow", "PAUSER_ROLE", self.account(account))
        for account in cfg.oracles:
            self.grant("OrderEscrow", "ORACLE_ROLE", self.account(account))
        for account in cfg.arbiters:
            self.grant("OrderEscrow", "ARBITER_ROLE", self.account(account))
        tokens: dict[str, str] = {}
        for token in cfg.payment_tokens:
            if token == TEST_TOKEN:
                if not allow_test_token:
                    raise DeploymentError("the test token is for local networks only; list real token addresses")
                address = self.deploy("TestToken", *TEST_TOKEN_ARGS).address
                tokens["gUSD"] = address
            elif token == NATIVE_COIN:
                address = ZERO_ADDRESS
                tokens[NATIVE_COIN] = address
            else:
                address = token
                tokens[token] = address
            self.sender.transact(escrow.functions.setPaymentToken(address, True, cfg.rating_fee_unit(token)),
                                 f"allow payment token {token}")
        governor = self.install_consortium(cfg.consortium) if cfg.consortium else self.account(cfg.governor)
        if governor != deployer:
            for name in SUITE_CONTRACTS:
                self.grant(name, "DEFAULT_ADMIN_ROLE", governor)
                self.renounce(name, "DEFAULT_ADMIN_ROLE")
        if cfg.consortium:
            self.check_deployer_keeps_nothing(governor)
        return self.records, tokens

    def refuse_deployer_roles(self) -> None:
        """With a consortium the deployer keeps nothing: no role of the config may name its address."""
        cfg, deployer = self.config, self.sender.address
        named = {"pausers": cfg.pausers, "oracles": cfg.oracles, "arbiters": cfg.arbiters,
                 "community_fund": [cfg.community_fund],
                 "consortium.members": [m.account for m in cfg.consortium.members] if cfg.consortium else []}
        for field, accounts in named.items():
            if any(account.lower() == deployer.lower() for account in accounts):
                raise DeploymentError(f"`{field}` names the deploying account {deployer}, but with a [consortium] the "
                                      "deployer keeps nothing: deploy from another wallet or name another account")

    def check_deployer_keeps_nothing(self, timelock: str) -> None:
        """Reads the hand-over back from the chain: the timelock administers everything, the deployer nothing."""
        deployer, admin = self.sender.address, ROLES["DEFAULT_ADMIN_ROLE"]
        for name in (*SUITE_CONTRACTS, "ConsortiumTimelock"):
            functions = self.contracts[name].functions
            kept = [role for role, role_id in ROLES.items() if functions.hasRole(role_id, deployer).call()]
            if kept:
                raise DeploymentError(f"the hand-over failed: the deployer still holds {', '.join(kept)} on {name}")
            if name != "ConsortiumTimelock" and not functions.hasRole(admin, timelock).call():
                raise DeploymentError(f"the hand-over failed: the timelock is not the admin of {name}")
        if self.contracts["ConsortiumMembership"].functions.owner().call() != timelock:
            raise DeploymentError("the hand-over failed: the timelock does not own the membership")

    def renounce(self, contract_name: str, role: str) -> None:
        self.sender.transact(self.contracts[contract_name].functions.renounceRole(ROLES[role], self.sender.address),
                             f"deployer leaves {role} on {contract_name}")

    def install_consortium(self, consortium: ConsortiumConfig) -> str:
        """Deploys the membership, timelock and governor, admits the member cities (one vote, pauser, hub approver
        in their areas) and gives the membership to the timelock; returns the timelock (the suite's governor)."""
        deployer = self.sender.address
        membership = self.deploy("ConsortiumMembership", deployer)
        timelock = self.deploy("ConsortiumTimelock", consortium.timelock_delay_s, [], [ZERO_ADDRESS], deployer)
        governor = self.deploy("ConsortiumGovernor", membership.address, timelock.address, consortium.voting_delay_s,
                               consortium.voting_period_s, consortium.quorum_percent)
        for role in ("PROPOSER_ROLE", "CANCELLER_ROLE"):
            self.grant("ConsortiumTimelock", role, governor.address)
        hubs = self.contracts["HubRegistry"]
        for member in consortium.members:
            self.sender.transact(membership.functions.admit(member.account, member.name), f"admit {member.name}")
            self.grant("HubRegistry", "HUB_APPROVER_ROLE", member.account)
            areas = [to_bytes12(area) for area in member.areas]
            self.sender.transact(hubs.functions.setHubApproverAreas(member.account, areas),
                                 f"{member.name} approves hubs in {', '.join(member.areas) or 'no area'}")
            for name in ("ProductRegistry", "OrderEscrow"):
                self.grant(name, "PAUSER_ROLE", member.account)
        self.sender.transact(membership.functions.transferOwnership(timelock.address),
                             "the timelock owns the membership")
        self.renounce("ConsortiumTimelock", "DEFAULT_ADMIN_ROLE")
        return str(timelock.address)


def deploy_suite(
    w3: Web3,
    sender: Sender,
    network: str,
    config: DeployConfig,
    directory: Path | None = None,
    fresh: bool = False,
    allow_test_token: bool = False,
) -> DeployResult:
    """Deploys the suite to `network`, or verifies the recorded deployment there and changes nothing."""
    existing = read_deployment(network, directory)
    if existing is not None and not fresh:
        verify_deployment(w3, existing)
        log.info("the %s deployment is live and matches its record: nothing to do", network)
        return DeployResult(existing, changed=False, path=None)
    first_block = w3.eth.block_number + 1
    # Each step waits for its receipt; the confirmations are waited for once, after the last step.
    records, tokens = _Deployer(w3, replace(sender, confirmations=0), config).run(allow_test_token)
    sender.await_confirmations(w3.eth.block_number)
    deployment = Deployment(
        network=network,
        chain_id=w3.eth.chain_id,
        deployer=sender.address,
        deploy_block=first_block,
        contracts=records,
        payment_tokens=tokens,
    )
    path = write_deployment(deployment, directory)
    return DeployResult(deployment, changed=True, path=path)
