"""How a consortium proposal reads in the terminal."""

from __future__ import annotations

import time

from glocal_chain.sdk.consortium import Proposal


def proposal_text(proposal: Proposal) -> str:
    """A proposal in a few lines: id, state, votes against the quorum, times, actions."""
    lines = [f"proposal {proposal.proposal_id}: {proposal.state}",
             f"  {proposal.description}",
             f"  votes: {proposal.votes_for} for, {proposal.votes_against} against, {proposal.votes_abstain} "
             f"abstain (quorum {proposal.quorum})",
             f"  voting {_when(proposal.vote_start)} .. {_when(proposal.vote_end)}"]
    if proposal.eta:
        lines.append(f"  executable from {_when(proposal.eta)}")
    lines += [f"  - {action}" for action in proposal.actions]
    return "\n".join(lines)


def _when(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp))
