"""A typed Python facade over the deployed suite: one method per user action, domain objects back."""

from glocal_chain.sdk.models import (
    Hub,
    HubStatus,
    Offer,
    Order,
    OrderStatus,
    OrderTerms,
    Outcome,
    Product,
    Quote,
    Reputation,
)
from glocal_chain.sdk.suite import GlocalSuite

__all__ = ["GlocalSuite", "Hub", "HubStatus", "Offer", "Order", "OrderStatus", "OrderTerms", "Outcome", "Product",
           "Quote", "Reputation"]
