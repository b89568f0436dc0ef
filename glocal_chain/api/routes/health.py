"""/healthz (/metrics is the shared one, glocal_chain.web.metrics)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from glocal_chain.api.deps import ApiServices, services
from glocal_chain.api.schemas import Health
from glocal_chain.web import CHAIN_UNREACHABLE, HEALTH_RESPONSES, chain_details, health_response

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, responses={503: {**HEALTH_RESPONSES[503], "model": Health}})
def healthz(api: ApiServices = Depends(services)) -> JSONResponse:
    """Whether the API can do its work (200 `ok`; 503 `degraded` with `problems`, e.g. "chain unreachable"),
    how far the read model is behind the chain and this process's part in indexing (`indexer`: writer,
    standby while another process writes, or off)."""
    indexed = api.market.indexed_block()
    try:
        head: int | None = api.chain_head()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the node is reported, not raised
        log.warning("healthz: the chain does not answer: %s", exc)
        head = None
    return health_response([CHAIN_UNREACHABLE] if head is None else [], **chain_details(head), indexed_block=indexed,
                           lag_blocks=None if head is None or indexed is None else max(0, head - indexed),
                           indexer=api.indexer_role())
