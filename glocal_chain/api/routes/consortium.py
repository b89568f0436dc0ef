"""/v1/consortium: the member cities, the rules of their votes and their proposals, read-only and straight from
the chain (the governor holds them; the read model does not). Proposals are made, voted, queued and executed
by the members' own wallets (`glocal consortium`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from glocal_chain.api.actions import consortium_of
from glocal_chain.api.deps import ApiServices, services
from glocal_chain.api.schemas import MAX_PROPOSAL_ID, Consortium, Proposal
from glocal_chain.errors import NotFound
from glocal_chain.sdk import consortium as sdk
from glocal_chain.sdk.inputs import InputError
from glocal_chain.web import error_responses

router = APIRouter(prefix="/v1/consortium", tags=["consortium"])
#: What the proposals' `state` filter takes: the open ones (Pending, Active, Succeeded, Queued), or every one.
STATES = ("open", "all")


def _consortium(api: ApiServices) -> sdk.Consortium:
    """The deployment's consortium, or NotFound `no_consortium` when a single account governs it."""
    return consortium_of(api.transactions.suite)


@router.get("", response_model=Consortium, responses=error_responses(404, 503))
def show_consortium(api: ApiServices = Depends(services)) -> dict[str, object]:
    """The member cities (name, account, hub areas) and the rules of their votes."""
    consortium = _consortium(api)
    return {"members": [vars(member) for member in consortium.members()], "rules": vars(consortium.rules())}


@router.get("/proposals", response_model=list[Proposal], responses=error_responses(404, 422, 503))
def list_proposals(state: str = Query("open", pattern=f"^({'|'.join(STATES)})$",
                                      description="open (Pending, Active, Succeeded, Queued) or all"),
                   api: ApiServices = Depends(services)) -> list[dict[str, object]]:
    """Proposals, oldest first, with their votes, quorum, times and actions."""
    return [p.to_dict() for p in _consortium(api).proposals(open_only=state == "open")]


@router.get("/proposals/{proposal_id}", response_model=Proposal, responses=error_responses(404, 422, 503))
def show_proposal(proposal_id: int = Path(ge=1, le=MAX_PROPOSAL_ID),
                  api: ApiServices = Depends(services)) -> dict[str, object]:
    """One proposal, whatever its state."""
    consortium = _consortium(api)
    try:
        return consortium.proposal(proposal_id).to_dict()
    except InputError as exc:  # the SDK's "no proposal N"
        raise NotFound(f"no proposal {proposal_id}", "proposal_id") from exc
