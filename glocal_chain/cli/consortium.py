"""`glocal consortium ...`: the member cities decide together (members, propose, vote, queue, execute, status)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from glocal_chain.cli.consortium_chain import chain_config
from glocal_chain.cli.consortium_propose import app as propose_app
from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.cli.proposal_view import proposal_text
from glocal_chain.sdk.consortium import Consortium, Proposal

app = typer.Typer(help="The consortium of member cities: members, proposals, votes, the timelock.",
                  no_args_is_help=True)
app.add_typer(propose_app, name="propose")
app.command("chain-config")(chain_config)

ProposalArgument = Annotated[int, typer.Argument(metavar="PROPOSAL_ID", help="As `propose` or `status` printed it.")]


def _on_proposal(network: str | None, wallet: str | None, json_output: bool,
                 step: Callable[[Consortium], Proposal], done: str) -> None:
    proposal = step(open_suite(network, wallet).consortium())
    emit(proposal.to_dict(), json_output, f"{done}\n{proposal_text(proposal)}")


@app.command()
def members(network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """The member cities, their hub areas, and the rules of their votes."""
    consortium = open_suite(network).consortium()
    cities, rules = consortium.members(), consortium.rules()
    data = {"members": [vars(m) for m in cities], "rules": vars(rules)}
    lines = [f"{m.name:<16} {m.account}  areas {', '.join(m.areas) or '-'}" for m in cities]
    lines.append(f"{rules.members} members, 1 vote each; a proposal needs {rules.quorum_now} "
                 f"({rules.quorum_percent} %, rounded up) and more for than against; voting opens "
                 f"{rules.voting_delay_s} s after a proposal and lasts {rules.voting_period_s} s; the timelock "
                 f"waits {rules.timelock_delay_s} s")
    emit(data, json_output, "\n".join(lines))


@app.command()
def vote(proposal_id: ProposalArgument,
         support: Annotated[str, typer.Option("--support", help="for, against or abstain")] = "for",
         reason: Annotated[str, typer.Option("--reason", help="Said on chain with the vote.")] = "",
         network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Vote on an open proposal (one vote per member city)."""
    _on_proposal(network, wallet, json_output, lambda c: c.vote(proposal_id, support, reason),
                 f"voted {support} on proposal {proposal_id}")


@app.command()
def queue(proposal_id: ProposalArgument, network: NetworkOption = None, wallet: WalletOption = None,
          json_output: JsonOption = False) -> None:
    """Queue a proposal that has passed in the timelock (anyone may)."""
    _on_proposal(network, wallet, json_output, lambda c: c.queue(proposal_id), f"queued proposal {proposal_id}")


@app.command()
def execute(proposal_id: ProposalArgument, network: NetworkOption = None, wallet: WalletOption = None,
            json_output: JsonOption = False) -> None:
    """Carry out a queued proposal once the timelock's delay is over (anyone may)."""
    _on_proposal(network, wallet, json_output, lambda c: c.execute(proposal_id), f"executed proposal {proposal_id}")


@app.command()
def status(proposal_id: Annotated[int | None, typer.Argument(metavar="[PROPOSAL_ID]")] = None,
           show_all: Annotated[bool, typer.Option("--all", help="Closed proposals too.")] = False,
           network: NetworkOption = None, json_output: JsonOption = False) -> None:
    """Open proposals (or one, or --all) with their votes, quorum, deadlines and when they can run."""
    consortium = open_suite(network).consortium()
    if proposal_id is not None:
        proposal = consortium.proposal(proposal_id)
        emit(proposal.to_dict(), json_output, proposal_text(proposal))
        return
    found = consortium.proposals(open_only=not show_all)
    emit([p.to_dict() for p in found], json_output,
         "\n".join(proposal_text(p) for p in found) or ("no proposals" if show_all else "no open proposals"))
