"""/v1/products: designers' products and the hubs' offers for them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from glocal_chain.api.amounts import product_view
from glocal_chain.api.deps import ApiServices, address, found, services
from glocal_chain.api.schemas import ADDRESS, MAX_ID, Product
from glocal_chain.web import error_responses

router = APIRouter(prefix="/v1/products", tags=["products"])


@router.get("", response_model=list[Product], response_model_exclude_unset=True, responses=error_responses(422))
def list_products(designer: str | None = Query(None, pattern=ADDRESS, description="Only this designer's products"),
                  active: bool | None = Query(None, description="Only active (true) or retired (false) products"),
                  limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_ID),
                  api: ApiServices = Depends(services)) -> list[dict[str, object]]:
    """Products, oldest first (without `offers` and `versions`: GET one product for them)."""
    designer = address(designer, "designer") if designer is not None else None
    return api.market.products(designer, active, limit, offset)


@router.get("/{product_id}", response_model=Product, responses=error_responses(404, 422, 503))
def show_product(product_id: int = Path(ge=1, le=MAX_ID), api: ApiServices = Depends(services)) -> dict[str, object]:
    """One product with every hub's offer for it (prices in base units of the offer's token) and every
    design version."""
    return product_view(found(api.market.product(product_id), f"product {product_id}", "product_id"), api.units)
