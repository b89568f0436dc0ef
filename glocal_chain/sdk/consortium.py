"""The consortium on chain: its member cities, their rules, and proposals from their making to their execution
(OpenZeppelin's Governor over a TimelockController; contracts/governance)."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any, cast

from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractCustomError, ContractLogicError
from web3.types import TxParams

from glocal_chain.chain.artifacts import GOVERNANCE
from glocal_chain.chain.transactions import revert_from_exception
from glocal_chain.deploy.config import quorum_votes
from glocal_chain.geo import from_bytes12
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import InputError, require_address
from glocal_chain.sdk.proposals import ProposalActions, ProposalCall, ProposedAction


class ProposalState(IntEnum):
    """OpenZeppelin's IGovernor.ProposalState."""

    Pending = 0
    Active = 1
    Canceled = 2
    Defeated = 3
    Succeeded = 4
    Queued = 5
    Expired = 6
    Executed = 7


OPEN_STATES = (ProposalState.Pending, ProposalState.Active, ProposalState.Succeeded, ProposalState.Queued)
#: Blocks per eth_getLogs request (Besu refuses ranges above its --rpc-max-logs-range, 1,000 by default on some
#: versions; QBFT blocks are final, so what was read stays read).
LOG_RANGE_BLOCKS = 1_000
#: The governor's clock is the latest block's timestamp: it stands still between blocks.
LOCAL_CLOCK_HINT = " (a local chain makes blocks only for transactions: `glocal chain advance SECONDS`)"
#: GovernorCountingSimple's ballot.
SUPPORT = {"against": 0, "for": 1, "abstain": 2}


@dataclass(frozen=True)
class Member:
    account: str
    name: str
    areas: list[str]


@dataclass(frozen=True)
class Rules:
    members: int
    quorum_percent: int
    quorum_now: int
    voting_delay_s: int
    voting_period_s: int
    timelock_delay_s: int


@dataclass
class Proposal:
    proposal_id: int
    proposer: str
    description: str
    state: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum: int
    vote_start: int
    vote_end: int
    eta: int
    actions: list[str]
    targets: list[str] = field(repr=False)
    values: list[int] = field(repr=False)
    calldatas: list[bytes] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("targets", "values", "calldatas"):
            del data[key]
        return data


class Consortium:
    """The member cities and their proposals, on a deployment made with a [consortium]."""

    def __init__(self, connection: SuiteConnection) -> None:
        missing = [name for name in GOVERNANCE if name not in connection.deployment.contracts]
        if missing:
            raise InputError(f"the {connection.deployment.network} deployment has no consortium (no "
                             f"{', '.join(missing)}): it is governed by a single account; see `glocal admin`")
        self.connection = connection
        self.membership = connection.contract("ConsortiumMembership")
        self.timelock = connection.contract("ConsortiumTimelock")
        self.governor = connection.contract("ConsortiumGovernor")
        self.actions = ProposalActions(connection, self.membership, self.governor, self.timelock)
        self._lock = threading.Lock()
        self._seen: list[dict[str, Any]] = []
        self._scanned_to = connection.deployment.contracts["ConsortiumGovernor"].block_number - 1

    # ------------------------------------------------------------------ members and rules
    def members(self) -> list[Member]:
        count = self.membership.functions.memberCount().call()
        accounts = [self.membership.functions.memberAt(i).call() for i in range(count)]
        return [Member(account, self.membership.functions.memberName(account).call(),
                       [from_bytes12(a) for a in self.connection.hubs.functions.hubApproverAreas(account).call()])
                for account in accounts]

    def rules(self) -> Rules:
        members = self.membership.functions.memberCount().call()
        percent = self.governor.functions.quorumNumerator().call()
        return Rules(members=members, quorum_percent=percent, quorum_now=quorum_votes(members, percent),
                     voting_delay_s=self.governor.functions.votingDelay().call(),
                     voting_period_s=self.governor.functions.votingPeriod().call(),
                     timelock_delay_s=self.timelock.functions.getMinDelay().call())

    def is_member(self, account: str) -> bool:
        return bool(self.membership.functions.isMember(require_address(account)).call())

    # ------------------------------------------------------------------ proposals
    def propose(self, actions: list[ProposedAction], description: str | None = None) -> Proposal:
        """Proposes `actions` in one proposal (signed by this suite's wallet, a member city)."""
        me = self.connection.me
        self._require_member(me, "propose")
        now = self._now()
        if not self.membership.functions.getPastVotes(me, now - 1).call():
            raise InputError(f"{me} joined at the latest block ({_when(now)}): its vote counts from the next block "
                             f"on; propose again then{LOCAL_CLOCK_HINT}")
        receipt = self.connection.send(self.proposal_call(actions, me, description), "propose")
        created = self.connection.event(receipt, self.governor, "ProposalCreated")
        return self.proposal(int(created["proposalId"]))

    def proposal_call(self, actions: list[ProposedAction], proposer: str,
                      description: str | None = None) -> ContractFunction:
        """The governor's `propose` of `actions` by `proposer`; by default its description lists them, with who
        proposed them and after which block (the same decision can be proposed again later: a proposal is known by
        its calls and its description)."""
        if description is None:
            after = self.connection.w3.eth.block_number
            description = "; ".join(a.summary for a in actions) + f" (proposed by {proposer} after block {after})"
        calls = [c for action in actions for c in action.calls]
        self._rehearse(calls)
        return self.governor.functions.propose([c.target for c in calls], [c.value for c in calls],
                                               [c.calldata for c in calls], description)

    def vote(self, proposal_id: int, support: str, reason: str = "") -> Proposal:
        if support not in SUPPORT:
            raise InputError(f"a vote is one of {', '.join(SUPPORT)}, not {support!r}")
        proposal = self.proposal(proposal_id)
        self._require_member(self.connection.me, "vote")
        if proposal.state != ProposalState.Active.name:
            opens = (f": voting opens after {_when(proposal.vote_start)}{LOCAL_CLOCK_HINT}"
                     if proposal.state == "Pending" else "")
            raise InputError(f"proposal {proposal_id} is {proposal.state}, not open for votes{opens}")
        self.connection.send(self.governor.functions.castVoteWithReason(proposal_id, SUPPORT[support], reason),
                             f"vote {support} proposal {proposal_id}")
        return self.proposal(proposal_id)

    def queue(self, proposal_id: int) -> Proposal:
        proposal = self.proposal(proposal_id)
        if proposal.state != ProposalState.Succeeded.name:
            detail = (f" until {_when(proposal.vote_end)}{LOCAL_CLOCK_HINT}"
                      if proposal.state in ("Pending", "Active") else "")
            raise InputError(f"proposal {proposal_id} is {proposal.state}{detail}: only a proposal that has "
                             "Succeeded is queued")
        self.connection.send(self.governor.functions.queue(*self.operation(proposal)), f"queue {proposal_id}")
        return self.proposal(proposal_id)

    def execute(self, proposal_id: int) -> Proposal:
        proposal = self.proposal(proposal_id)
        if proposal.state != ProposalState.Queued.name:
            raise InputError(f"proposal {proposal_id} is {proposal.state}: only a queued proposal is executed")
        now = self._now()
        if proposal.eta > now:
            raise InputError(f"proposal {proposal_id} is queued: the timelock lets it run at {_when(proposal.eta)} "
                             f"(in {proposal.eta - now} s){LOCAL_CLOCK_HINT}")
        self.connection.send(self.governor.functions.execute(*self.operation(proposal)), f"execute {proposal_id}")
        return self.proposal(proposal_id)

    def proposal(self, proposal_id: int) -> Proposal:
        for created in self._created():
            if int(created["proposalId"]) == proposal_id:
                return self._read(created)
        raise InputError(f"no proposal {proposal_id} on the {self.connection.deployment.network} consortium "
                         "(`glocal consortium status --all` lists them)")

    def proposals(self, open_only: bool = True) -> list[Proposal]:
        found = [self._read(created) for created in self._created()]
        open_names = {s.name for s in OPEN_STATES}
        return [p for p in found if p.state in open_names] if open_only else found

    def _created(self) -> list[dict[str, Any]]:
        """Every ProposalCreated so far. Read once, then only the blocks since the last read (a long-lived suite,
        such as the API's, does not rescan the chain), in ranges no node refuses (Besu caps eth_getLogs ranges)."""
        with self._lock:
            head = int(self.connection.w3.eth.block_number)
            for low in range(self._scanned_to + 1, head + 1, LOG_RANGE_BLOCKS):
                logs = self.governor.events.ProposalCreated.get_logs(from_block=low,
                                                                     to_block=min(low + LOG_RANGE_BLOCKS - 1, head))
                self._seen.extend(dict(log["args"]) for log in logs)
            self._scanned_to = max(self._scanned_to, head)
            return list(self._seen)

    def _read(self, created: dict[str, Any]) -> Proposal:
        proposal_id = int(created["proposalId"])
        functions = self.governor.functions
        against, votes_for, abstain = functions.proposalVotes(proposal_id).call()
        state = ProposalState(functions.state(proposal_id).call())
        snapshot = functions.proposalSnapshot(proposal_id).call()
        quorum = functions.quorum(snapshot).call() if snapshot < self._now() else self.rules().quorum_now
        targets = [str(Web3.to_checksum_address(t)) for t in created["targets"]]
        calldatas = [bytes(c) for c in created["calldatas"]]
        return Proposal(proposal_id=proposal_id, proposer=created["proposer"], description=created["description"],
                        state=state.name, votes_for=votes_for, votes_against=against, votes_abstain=abstain,
                        quorum=quorum, vote_start=snapshot, vote_end=functions.proposalDeadline(proposal_id).call(),
                        eta=functions.proposalEta(proposal_id).call(),
                        actions=[self.actions.describe_call(t, c) for t, c in zip(targets, calldatas, strict=True)],
                        targets=targets, values=list(created["values"]), calldatas=calldatas)

    def _rehearse(self, calls: list[ProposalCall]) -> None:
        """Each call as the timelock will make it, on today's state: a decision the contracts would refuse is
        refused now, not after the vote and the delay (calls that depend on an earlier one of the same proposal
        are rehearsed alone, so such a proposal is checked only as far as that)."""
        timelock = self.timelock.address
        for call in calls:
            what = self.actions.describe_call(call.target, call.calldata)
            try:
                self.connection.w3.eth.call(cast(TxParams, {"from": timelock, "to": call.target,
                                                            "data": call.calldata, "value": call.value}))
            except (ContractCustomError, ContractLogicError) as exc:
                raise revert_from_exception(exc, f"the proposal would fail when executed: {what}") from exc

    def operation(self, proposal: Proposal) -> tuple[list[str], list[int], list[bytes], bytes]:
        """The governor's arguments that name a proposal (queue, execute): its calls and its description's hash."""
        return (proposal.targets, proposal.values, proposal.calldatas,
                bytes(Web3.keccak(text=proposal.description)))

    def _require_member(self, account: str, action: str) -> None:
        if not self.is_member(account):
            raise InputError(f"{account} is not a member city of the consortium: only members {action} "
                             "(`glocal consortium members` lists them)")

    def _now(self) -> int:
        """The governor's clock: the latest block's timestamp."""
        return int(self.connection.w3.eth.get_block("latest")["timestamp"])


def _when(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))
