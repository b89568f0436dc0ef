"""The catalogue: designers' products (every design version), hubs with their reputation, hubs' offers, and
the hubs near a buyer that make a product."""

from __future__ import annotations

from glocal_chain import geo
from glocal_chain.chain.transactions import call_view
from glocal_chain.sdk.connection import SuiteConnection
from glocal_chain.sdk.inputs import design_hash32, require_address
from glocal_chain.sdk.models import Hub, HubStatus, Offer, Product, Reputation
from glocal_chain.sdk.ranking import RankedHub, rank_local_first


class Catalogue:
    def __init__(self, connection: SuiteConnection) -> None:
        self.connection = connection
        self.products = connection.products
        self.hubs = connection.hubs

    # ------------------------------------------------------------------ products (designer)
    def register_product(self, design_hash: str, metadata_uri: str, royalty_bps: int) -> Product:
        call = self.products.functions.registerProduct(design_hash32(design_hash), metadata_uri, royalty_bps)
        receipt = self.connection.send(call, "register product")
        return self.product(self.connection.event(receipt, self.products, "ProductRegistered")["productId"])

    def publish_version(self, product_id: int, design_hash: str, metadata_uri: str) -> Product:
        self.connection.send(self.products.functions.publishVersion(product_id, design_hash32(design_hash),
                                                                    metadata_uri),
                             f"publish a new version of product {product_id}")
        return self.product(product_id)

    def set_royalty(self, product_id: int, royalty_bps: int) -> Product:
        self.connection.send(self.products.functions.setRoyalty(product_id, royalty_bps),
                             f"set royalty of product {product_id}")
        return self.product(product_id)

    def retire_product(self, product_id: int) -> Product:
        self.connection.send(self.products.functions.retireProduct(product_id), f"retire product {product_id}")
        return self.product(product_id)

    def product(self, product_id: int) -> Product:
        raw = call_view(self.products.functions.product(product_id), f"read product {product_id}")
        uri = self.products.functions.productMetadataURI(product_id).call()
        return Product(product_id, raw[0], "0x" + raw[4].hex(), raw[1], raw[2], raw[3], uri)

    def design_hash_of(self, product_id: int, version: int) -> str:
        """The sha256 of one version of a product's design (every version stays readable)."""
        raw = call_view(self.products.functions.designHashOf(product_id, version),
                        f"read design version {version} of product {product_id}")
        return "0x" + bytes(raw).hex()

    def list_products(self) -> list[Product]:
        return [self.product(i) for i in range(1, self.products.functions.productCount().call() + 1)]

    # ------------------------------------------------------------------ hubs (operator)
    def register_hub(self, geohash: str, capabilities: int, metadata_uri: str) -> Hub:
        receipt = self.connection.send(self.hubs.functions.registerHub(geo.to_bytes12(geohash), capabilities,
                                                                       metadata_uri), "register hub")
        return self.hub(self.connection.event(receipt, self.hubs, "HubRegistered")["hubId"])

    def publish_offer(self, product_id: int, hub_id: int, token: str, price: int, lead_time_hours: int) -> Offer:
        self.connection.send(self.products.functions.publishOffer(product_id, hub_id, token, price, lead_time_hours),
                             f"publish offer of hub {hub_id} for product {product_id}")
        return self.offer(product_id, hub_id)

    def withdraw_offer(self, product_id: int, hub_id: int) -> None:
        self.connection.send(self.products.functions.withdrawOffer(product_id, hub_id),
                             f"withdraw offer of hub {hub_id} for product {product_id}")

    def hub(self, hub_id: int) -> Hub:
        raw = call_view(self.hubs.functions.hub(hub_id), f"read hub {hub_id}")
        return Hub(hub_id, raw[0], HubStatus(raw[1]), geo.from_bytes12(raw[3]), raw[2],
                   self.hubs.functions.hubMetadataURI(hub_id).call(), self.reputation(hub_id))

    def reputation(self, hub_id: int) -> Reputation:
        counters: tuple[int, int, int, int, int, int, int] = call_view(self.hubs.functions.reputation(hub_id),
                                                                       f"read reputation of hub {hub_id}")
        raters, weight, weighted_stars = self.hubs.functions.ratings(hub_id).call()
        rating, reliability = self.hubs.functions.score(hub_id).call()
        return Reputation(*counters, raters, weight, weighted_stars, rating, reliability)

    def rater_record(self, hub_id: int, rater: str) -> tuple[int, int]:
        """(latest stars, weight) of one rater at a hub; (0, 0) if it never rated the hub."""
        rating, weight = call_view(self.hubs.functions.raterRecord(hub_id, require_address(rater, "rater address")),
                                   f"read rating of hub {hub_id} by {rater}")
        return int(rating), int(weight)

    def list_hubs(self) -> list[Hub]:
        return [self.hub(i) for i in range(1, self.hubs.functions.hubCount().call() + 1)]

    def offer(self, product_id: int, hub_id: int) -> Offer:
        token, price, lead = self.products.functions.offer(product_id, hub_id).call()
        return Offer(product_id, hub_id, token, price, lead)

    def near(self, geohash: str, product_id: int) -> list[RankedHub]:
        """Approved hubs offering the product: nearest geohash ring first, then reputation, then price."""
        geo.validate(geohash)
        self.product(product_id)  # unknown product: a clear error rather than an empty list
        approved = [hub for hub in self.list_hubs() if hub.status is HubStatus.APPROVED]
        return rank_local_first(geohash, ((hub, self.offer(product_id, hub.hub_id)) for hub in approved))
