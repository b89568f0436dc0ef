"""`glocal consortium propose ACTION ...`: one readable subcommand per decision the consortium takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from glocal_chain.cli.options import JsonOption, NetworkOption, WalletOption, open_suite
from glocal_chain.cli.output import emit
from glocal_chain.cli.proposal_view import proposal_text
from glocal_chain.sdk.consortium import Consortium
from glocal_chain.sdk.inputs import InputError, parse_units
from glocal_chain.sdk.proposals import ProposedAction
from glocal_chain.sdk.roles import PROPOSAL_ROLES
from glocal_chain.sdk.suite import GlocalSuite

app = typer.Typer(help="Propose a decision to the member cities (a member's wallet signs).", no_args_is_help=True)

DescriptionOption = Annotated[str | None, typer.Option(
    "--description", help="What the members read (default: the action, the proposer and the block).")]
AreasOption = Annotated[str, typer.Option("--areas", help="Comma-separated geohash prefixes, e.g. u4,u33.")]
Build = Callable[[GlocalSuite, Consortium], ProposedAction]


def _propose(network: str | None, wallet: str | None, json_output: bool, description: str | None,
             build: Build) -> None:
    suite = open_suite(network, wallet)
    consortium = suite.consortium()
    proposal = consortium.propose([build(suite, consortium)], description)
    emit(proposal.to_dict(), json_output, f"proposed {proposal.proposal_id}\n{proposal_text(proposal)}")


def _areas(text: str) -> list[str]:
    return [area.strip() for area in text.split(",") if area.strip()]


@app.command("set-fee")
def set_fee(fee_bps: int, description: DescriptionOption = None, network: NetworkOption = None,
            wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Community fee in basis points of the hub's part."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_fee(fee_bps))


@app.command("set-quorum")
def set_quorum(quorum: int, description: DescriptionOption = None, network: NetworkOption = None,
               wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """How many oracle confirmations deliver an order."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_quorum(quorum))


@app.command("set-windows")
def set_windows(accept_s: Annotated[int, typer.Option("--accept-s")],
                dispute_s: Annotated[int, typer.Option("--dispute-s")],
                arbitration_s: Annotated[int, typer.Option("--arbitration-s")],
                description: DescriptionOption = None, network: NetworkOption = None, wallet: WalletOption = None,
                json_output: JsonOption = False) -> None:
    """The accept, dispute and arbitration windows, in seconds."""
    _propose(network, wallet, json_output, description,
             lambda _, c: c.actions.set_windows(accept_s, dispute_s, arbitration_s))


@app.command("set-lead-time-cap")
def set_lead_time_cap(hours: int, description: DescriptionOption = None, network: NetworkOption = None,
                      wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """The longest lead time any new order may have."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_lead_time_cap(hours))


@app.command("allow-token")
def allow_token(token: str, rating_fee_unit: Annotated[str, typer.Option(
                    "--rating-fee-unit", help="The community fee, in token units (e.g. 1 or 0.01), that gives an "
                                              "order full reputation weight.")],
                description: DescriptionOption = None, network: NetworkOption = None, wallet: WalletOption = None,
                json_output: JsonOption = False) -> None:
    """Allow a payment token for new orders."""
    def build(suite: GlocalSuite, consortium: Consortium) -> ProposedAction:
        address = suite.token(token)
        unit = parse_units(rating_fee_unit, suite.token_info(address)[1])
        if unit == 0:
            raise InputError("--rating-fee-unit must be above 0")
        return consortium.actions.set_payment_token(address, True, unit)
    _propose(network, wallet, json_output, description, build)


@app.command("disallow-token")
def disallow_token(token: str, description: DescriptionOption = None, network: NetworkOption = None,
                   wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Disallow a payment token for new orders (orders already placed go on)."""
    def build(suite: GlocalSuite, consortium: Consortium) -> ProposedAction:
        address = suite.token(token)
        return consortium.actions.set_payment_token(address, False, suite.payment_token(address)["rating_fee_unit"])
    _propose(network, wallet, json_output, description, build)


@app.command("set-community-fund")
def set_community_fund(address: str, description: DescriptionOption = None, network: NetworkOption = None,
                       wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Where the community fee goes."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_community_fund(address))


def _role_command(name: str, granted: bool) -> None:
    def command(role: Annotated[str, typer.Argument(help=", ".join(PROPOSAL_ROLES))], account: str,
                description: DescriptionOption = None, network: NetworkOption = None, wallet: WalletOption = None,
                json_output: JsonOption = False) -> None:
        _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_role(role, account, granted))
    command.__doc__ = f"{'Grant' if granted else 'Revoke'} a role ({', '.join(PROPOSAL_ROLES)})."
    app.command(name)(command)


_role_command("grant-role", True)
_role_command("revoke-role", False)


@app.command("admit-member")
def admit_member(account: Annotated[str, typer.Option("--account")], name: Annotated[str, typer.Option("--name")],
                 areas: AreasOption = "", description: DescriptionOption = None, network: NetworkOption = None,
                 wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Admit a city: one vote, pauser, hub approver in its areas."""
    _propose(network, wallet, json_output, description,
             lambda _, c: c.actions.admit_member(account, name, _areas(areas)))


@app.command("remove-member")
def remove_member(account: str, description: DescriptionOption = None, network: NetworkOption = None,
                  wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Remove a city: its vote, roles and areas go."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.remove_member(account))


@app.command("set-areas")
def set_areas(account: str, areas: AreasOption = "", description: DescriptionOption = None,
              network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Where a hub approver (a member city) approves and suspends hubs."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_areas(account, _areas(areas)))


@app.command("approve-hub")
def approve_hub(hub_id: int, description: DescriptionOption = None, network: NetworkOption = None,
                wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Approve a hub outside every member's area (members approve inside theirs with `glocal admin`)."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.approve_hub(hub_id))


@app.command("suspend-hub")
def suspend_hub(hub_id: int, reason: Annotated[str, typer.Option("--reason")], description: DescriptionOption = None,
                network: NetworkOption = None, wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """Suspend a hub anywhere."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.suspend_hub(hub_id, reason))


@app.command()
def unpause(description: DescriptionOption = None, network: NetworkOption = None, wallet: WalletOption = None,
            json_output: JsonOption = False) -> None:
    """Lift a pause (any member pauses at once with `glocal admin pause`)."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.unpause())


@app.command("set-voting-rules")
def set_voting_rules(voting_delay_s: Annotated[int | None, typer.Option("--voting-delay-s")] = None,
                     voting_period_s: Annotated[int | None, typer.Option("--voting-period-s")] = None,
                     quorum_percent: Annotated[int | None, typer.Option("--quorum-percent")] = None,
                     timelock_delay_s: Annotated[int | None, typer.Option("--timelock-delay-s")] = None,
                     description: DescriptionOption = None, network: NetworkOption = None,
                     wallet: WalletOption = None, json_output: JsonOption = False) -> None:
    """The consortium's own rules: voting delay and period, quorum, timelock delay."""
    _propose(network, wallet, json_output, description, lambda _, c: c.actions.set_voting_rules(
        voting_delay_s, voting_period_s, quorum_percent, timelock_delay_s))
