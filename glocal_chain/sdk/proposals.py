"""What the consortium can decide, as readable actions: each builds the calls its timelock will make, and any
call a proposal carries reads back as a line ("OrderEscrow.setFee(feeBps=300)")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.contract import Contract

from glocal_chain.chain.reverts import ROLE_IDS, role_name
from glocal_chain.deploy.config import quorum_votes
from glocal_chain.geo import to_bytes12
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import InputError, require_address
from glocal_chain.sdk.roles import PROPOSAL_ROLES

PAUSABLE = ("OrderEscrow", "ProductRegistry")


@dataclass(frozen=True)
class ProposalCall:
    """One call the timelock makes when the proposal is executed."""

    target: str
    calldata: bytes
    value: int = 0


@dataclass(frozen=True)
class ProposedAction:
    """One decision (a readable summary) and the calls that carry it out."""

    summary: str
    calls: tuple[ProposalCall, ...]


class ProposalActions:
    """Builds the consortium's decisions on one deployment (suite and governance contracts)."""

    def __init__(self, connection: SuiteConnection, membership: Contract, governor: Contract,
                 timelock: Contract) -> None:
        self.connection = connection
        self.contracts = {"HubRegistry": connection.hubs, "ProductRegistry": connection.products,
                          "OrderEscrow": connection.escrow, "ConsortiumMembership": membership,
                          "ConsortiumGovernor": governor, "ConsortiumTimelock": timelock}

    def _call(self, contract: str, function: str, *args: Any) -> ProposalCall:
        target = self.contracts[contract]
        calldata = target.encode_abi(function, args=list(args))
        return ProposalCall(str(target.address), bytes(Web3.to_bytes(hexstr=calldata)))

    def set_fee(self, fee_bps: int) -> ProposedAction:
        return ProposedAction(f"set the community fee to {fee_bps / 100:.2f} %",
                              (self._call("OrderEscrow", "setFee", fee_bps),))

    def set_quorum(self, quorum: int) -> ProposedAction:
        return ProposedAction(f"set the oracle quorum to {quorum} confirmation(s)",
                              (self._call("OrderEscrow", "setQuorum", quorum),))

    def set_windows(self, accept_s: int, dispute_s: int, arbitration_s: int) -> ProposedAction:
        return ProposedAction(f"set the windows: accept {accept_s} s, dispute {dispute_s} s, arbitration "
                              f"{arbitration_s} s",
                              (self._call("OrderEscrow", "setWindows", accept_s, dispute_s, arbitration_s),))

    def set_lead_time_cap(self, hours: int) -> ProposedAction:
        return ProposedAction(f"set the lead-time cap to {hours} h",
                              (self._call("OrderEscrow", "setLeadTimeCap", hours),))

    def set_payment_token(self, token: str, allowed: bool, rating_fee_unit: int) -> ProposedAction:
        verb = "allow" if allowed else "disallow"
        return ProposedAction(f"{verb} payment token {token} (rating fee unit {rating_fee_unit})",
                              (self._call("OrderEscrow", "setPaymentToken", token, allowed, rating_fee_unit),))

    def set_community_fund(self, fund: str) -> ProposedAction:
        fund = require_address(fund)
        return ProposedAction(f"pay the community fee to {fund}",
                              (self._call("OrderEscrow", "setCommunityFund", fund),))

    def set_role(self, role: str, account: str, granted: bool) -> ProposedAction:
        if role not in PROPOSAL_ROLES:
            raise InputError(f"unknown role {role!r}; roles: {', '.join(PROPOSAL_ROLES)}")
        account = require_address(account)
        contracts, role_id = PROPOSAL_ROLES[role]
        function = "grantRole" if granted else "revokeRole"
        return ProposedAction(f"{'grant' if granted else 'revoke'} {role} {'to' if granted else 'from'} {account}",
                              tuple(self._call(c, function, ROLE_IDS[role_id], account) for c in contracts))

    def set_areas(self, account: str, areas: list[str]) -> ProposedAction:
        account = require_address(account)
        return ProposedAction(f"{account} approves hubs in {', '.join(areas) or 'no area'}",
                              (self._call("HubRegistry", "setHubApproverAreas", account,
                                          [to_bytes12(a) for a in areas]),))

    def admit_member(self, account: str, name: str, areas: list[str]) -> ProposedAction:
        """A city joins: one vote, pauser, hub approver in its areas."""
        account = require_address(account)
        if not name.strip():
            raise InputError("a member city needs a name (--name)")
        calls = (self._call("ConsortiumMembership", "admit", account, name),
                 *self.set_role("hub-approver", account, True).calls,
                 *self.set_areas(account, areas).calls,
                 *self.set_role("pauser", account, True).calls)
        return ProposedAction(f"admit {name} ({account}) with hub areas {', '.join(areas) or 'none'}", calls)

    def remove_member(self, account: str) -> ProposedAction:
        """A city leaves: its vote, pauser and hub approver roles and areas go."""
        account = require_address(account)
        calls = (self._call("ConsortiumMembership", "remove", account),
                 *self.set_role("hub-approver", account, False).calls,
                 *self.set_areas(account, []).calls,
                 *self.set_role("pauser", account, False).calls)
        return ProposedAction(f"remove member {account}", calls)

    def approve_hub(self, hub_id: int) -> ProposedAction:
        return ProposedAction(f"approve hub {hub_id}", (self._call("HubRegistry", "approveHub", hub_id),))

    def suspend_hub(self, hub_id: int, reason: str) -> ProposedAction:
        return ProposedAction(f"suspend hub {hub_id} ({reason})",
                              (self._call("HubRegistry", "suspendHub", hub_id, reason),))

    def unpause(self) -> ProposedAction:
        """Lifts the pause of each contract paused now (unpausing one that is not would fail the whole proposal).
        Only the timelock unpauses, so it stays paused until this runs, unless another unpause proposal runs first
        (then this one fails when executed, with ExpectedPause: nothing was left to lift)."""
        paused = [name for name in PAUSABLE if self.contracts[name].functions.paused().call()]
        if not paused:
            raise InputError("nothing is paused: neither new orders (OrderEscrow) nor new offers (ProductRegistry)")
        what = {"OrderEscrow": "new orders", "ProductRegistry": "new offers"}
        return ProposedAction(f"lift the pause of {' and '.join(what[name] for name in paused)}",
                              tuple(self._call(name, "unpause") for name in paused))

    def set_voting_rules(self, voting_delay_s: int | None = None, voting_period_s: int | None = None,
                         quorum_percent: int | None = None, timelock_delay_s: int | None = None) -> ProposedAction:
        """The consortium's own rules: each given one changes."""
        changes = [(voting_delay_s, "ConsortiumGovernor", "setVotingDelay", "voting delay {} s"),
                   (voting_period_s, "ConsortiumGovernor", "setVotingPeriod", "voting period {} s"),
                   (quorum_percent, "ConsortiumGovernor", "updateQuorumNumerator", "quorum {} % of the members"),
                   (timelock_delay_s, "ConsortiumTimelock", "updateDelay", "timelock delay {} s")]
        given = [(value, contract, function, text) for value, contract, function, text in changes if value is not None]
        if quorum_percent is not None:
            members = self.contracts["ConsortiumMembership"].functions.memberCount().call()
            if not 1 <= quorum_percent <= 100 or quorum_votes(members, quorum_percent) < min(2, members):
                raise InputError(f"a quorum of {quorum_percent} % of {members} members would let one city pass a "
                                 "proposal alone (or is not a share): at least 2 votes, at most 100 %")
        if not given:
            raise InputError("say which rule changes (--voting-delay-s, --voting-period-s, --quorum-percent, "
                             "--timelock-delay-s)")
        return ProposedAction("set " + ", ".join(text.format(v) for v, _, _, text in given),
                              tuple(self._call(c, f, v) for v, c, f, _ in given))

    def describe_call(self, target: str, calldata: bytes) -> str:
        """A call as `Contract.function(arg=value, ...)` when the target is one of the deployment's contracts."""
        name, contract = next(((n, c) for n, c in self.contracts.items() if c.address.lower() == target.lower()),
                              (target, None))
        if contract is None:
            return f"{target} <0x{calldata.hex()}>"
        try:
            function, args = contract.decode_function_input(calldata)
        except ValueError:
            return f"{name} <0x{calldata.hex()}>"
        shown = ", ".join(f"{k}={_show(v)}" for k, v in args.items())
        return f"{name}.{function.fn_name}({shown})"


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        if len(value) == 32:
            return role_name(value) or "0x" + value.hex()
        return value.rstrip(b"\0").decode("ascii", "replace") if len(value) == 12 else "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)
