"""/healthz (/metrics is the shared one, glocal_chain.web.metrics)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from glocal_chain.api.deps import ApiServices, services

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(api: ApiServices = Depends(services)) -> dict[str, object]:
    """Liveness, how far the read model is behind the chain (`chain: unreachable` when it is down) and this
    process's part in indexing (`indexer`: writer, standby while another process writes, or off)."""
    indexed = api.market.indexed_block()
    try:
        head: int | None = api.chain_head()
    except Exception:  # noqa: BLE001 - any failure to reach the node is reported, not raised
        head = None
    return {"status": "ok" if head is not None else "degraded", "indexed_block": indexed, "chain_head": head,
            "lag_blocks": None if head is None or indexed is None else max(0, head - indexed),
            "chain": "reachable" if head is not None else "unreachable", "indexer": api.indexer_role()}
