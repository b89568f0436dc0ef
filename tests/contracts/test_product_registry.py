"""ProductRegistry: products, versions, royalties, retirement, hub offers, pause, quotes."""

from conftest import DESIGN_HASH, GEOHASH, LEAD_TIME_HOURS, PRICE, ROLES, ROYALTY_BPS, ZERO, reverts

NEW_HASH = "0x" + "cd" * 32


def test_register_product_stores_product_if_hash_and_royalty_valid(products, designer):
    tx = products.registerProduct(DESIGN_HASH, "ipfs://x", 500, {"from": designer})
    product_id = tx.return_value
    assert product_id == products.productCount() == 2  # after the world's product
    product = products.product(product_id)
    assert product["designer"] == designer
    assert product["royaltyBps"] == 500 and product["version"] == 1 and product["active"]
    assert product["designHash"] == DESIGN_HASH
    assert products.productMetadataURI(product_id) == "ipfs://x"
    assert products.designerOf(product_id) == designer
    assert tx.events["ProductRegistered"]["designHash"] == DESIGN_HASH


def test_register_product_reverts_if_design_hash_zero(products, designer):
    with reverts("InvalidDesignHash"):
        products.registerProduct("0x" + "00" * 32, "", 0, {"from": designer})


def test_register_product_reverts_if_royalty_above_cap(products, designer):
    with reverts("RoyaltyTooHigh"):
        products.registerProduct(DESIGN_HASH, "", 5_001, {"from": designer})


def test_publish_version_bumps_version_if_designer(products, product_id, designer):
    tx = products.publishVersion(product_id, NEW_HASH, "ipfs://v2", {"from": designer})
    assert tx.return_value == 2
    product = products.product(product_id)
    assert product["version"] == 2 and product["designHash"] == NEW_HASH
    assert products.productMetadataURI(product_id) == "ipfs://v2"
    assert tx.events["ProductVersionPublished"]["version"] == 2
    assert products.designHashOf(product_id, 1) == DESIGN_HASH  # every version stays readable
    assert products.designHashOf(product_id, 2) == NEW_HASH


def test_design_hash_of_reverts_if_version_unknown(products, product_id):
    for version in (0, 2):
        with reverts("DesignVersionNotFound"):
            products.designHashOf(product_id, version)


def test_publish_version_reverts_if_not_designer(products, product_id, stranger):
    with reverts("NotDesigner"):
        products.publishVersion(product_id, NEW_HASH, "", {"from": stranger})


def test_publish_version_reverts_if_hash_zero(products, product_id, designer):
    with reverts("InvalidDesignHash"):
        products.publishVersion(product_id, "0x" + "00" * 32, "", {"from": designer})


def test_publish_version_reverts_if_product_unknown(products, designer):
    with reverts("ProductNotFound"):
        products.publishVersion(9, NEW_HASH, "", {"from": designer})


def test_set_royalty_changes_royalty_if_designer(products, product_id, designer):
    tx = products.setRoyalty(product_id, 250, {"from": designer})
    assert products.product(product_id)["royaltyBps"] == 250
    assert tx.events["RoyaltyChanged"]["royaltyBps"] == 250


def test_set_royalty_reverts_if_above_cap(products, product_id, designer):
    with reverts("RoyaltyTooHigh"):
        products.setRoyalty(product_id, 9_000, {"from": designer})


def test_set_royalty_reverts_if_not_designer(products, product_id, stranger):
    with reverts("NotDesigner"):
        products.setRoyalty(product_id, 1, {"from": stranger})


def test_retire_product_deactivates_if_designer(products, product_id, designer, hub_id, hub_operator, token):
    tx = products.retireProduct(product_id, {"from": designer})
    assert not products.product(product_id)["active"]
    assert tx.events["ProductRetired"]["productId"] == product_id
    with reverts("ProductNotActive"):
        products.retireProduct(product_id, {"from": designer})
    with reverts("ProductNotActive"):
        products.publishOffer(product_id, hub_id, token, PRICE, 1, {"from": hub_operator})


def test_retire_product_reverts_if_not_designer(products, product_id, stranger):
    with reverts("NotDesigner"):
        products.retireProduct(product_id, {"from": stranger})


def test_product_views_revert_if_product_unknown(products):
    with reverts("ProductNotFound"):
        products.product(5)
    with reverts("ProductNotFound"):
        products.productMetadataURI(5)


def test_publish_offer_replaces_offer_if_approved_operator(products, product_id, hub_id, hub_operator, token):
    tx = products.publishOffer(product_id, hub_id, token, PRICE * 2, LEAD_TIME_HOURS + 1, {"from": hub_operator})
    assert list(products.offer(product_id, hub_id)) == [token, PRICE * 2, LEAD_TIME_HOURS + 1]
    assert tx.events["OfferPublished"]["price"] == PRICE * 2
    assert list(products.quote(product_id, hub_id)) == [hub_operator, token, PRICE * 2, ROYALTY_BPS,
                                                         LEAD_TIME_HOURS + 1, 1]


def test_publish_offer_reverts_if_not_operator(products, product_id, hub_id, stranger, token):
    with reverts("NotHubOperator"):
        products.publishOffer(product_id, hub_id, token, PRICE, 1, {"from": stranger})


def test_publish_offer_reverts_if_hub_pending(products, hubs, product_id, stranger, token):
    pending = hubs.registerHub(GEOHASH, 0, "", {"from": stranger}).return_value
    with reverts("HubNotApproved"):
        products.publishOffer(product_id, pending, token, PRICE, 1, {"from": stranger})


def test_publish_offer_reverts_if_price_zero_or_too_large(products, product_id, hub_id, hub_operator, token):
    for price in (0, 2**80):
        with reverts("InvalidPrice"):
            products.publishOffer(product_id, hub_id, token, price, 1, {"from": hub_operator})


def test_publish_offer_reverts_if_lead_time_zero(products, product_id, hub_id, hub_operator, token):
    with reverts("InvalidLeadTime"):
        products.publishOffer(product_id, hub_id, token, PRICE, 0, {"from": hub_operator})


def test_publish_offer_reverts_if_product_unknown(products, hub_id, hub_operator, token):
    with reverts("ProductNotFound"):
        products.publishOffer(77, hub_id, token, PRICE, 1, {"from": hub_operator})


def test_publish_offer_reverts_if_paused(products, product_id, hub_id, hub_operator, token, gov):
    products.pause({"from": gov})
    with reverts("EnforcedPause"):
        products.publishOffer(product_id, hub_id, token, PRICE, 1, {"from": hub_operator})
    products.unpause({"from": gov})
    products.publishOffer(product_id, hub_id, token, PRICE, 1, {"from": hub_operator})
    assert products.offer(product_id, hub_id)[1] == PRICE


def test_pause_reverts_if_not_pauser(products, stranger):
    with reverts("AccessControlUnauthorizedAccount"):
        products.pause({"from": stranger})


def test_unpause_reverts_if_pauser_not_governor(products, gov, stranger):
    products.grantRole(ROLES["PAUSER_ROLE"], stranger, {"from": gov})
    assert products.pause({"from": stranger}).events["Paused"]["account"] == stranger
    with reverts("AccessControlUnauthorizedAccount"):
        products.unpause({"from": stranger})
    assert products.unpause({"from": gov}).events["Unpaused"]["account"] == gov
    assert not products.paused()


def test_withdraw_offer_removes_offer_if_operator_even_when_paused(products, offers, product_id, hub_id,
                                                                    hub_operator, gov):
    products.pause({"from": gov})
    tx = products.withdrawOffer(product_id, hub_id, {"from": hub_operator})
    assert list(products.offer(product_id, hub_id)) == [ZERO, 0, 0]
    assert tx.events["OfferWithdrawn"]["hubId"] == hub_id
    with reverts("OfferNotFound"):
        products.quote(product_id, hub_id)


def test_withdraw_offer_reverts_if_no_offer(products, product_id, hub_id, hub_operator):
    products.withdrawOffer(product_id, hub_id, {"from": hub_operator})
    with reverts("OfferNotFound"):
        products.withdrawOffer(product_id, hub_id, {"from": hub_operator})


def test_withdraw_offer_reverts_if_not_operator(products, offers, product_id, hub_id, stranger):
    with reverts("NotHubOperator"):
        products.withdrawOffer(product_id, hub_id, {"from": stranger})


def test_quote_reverts_if_hub_suspended(products, hubs, offers, product_id, hub_id, gov):
    hubs.suspendHub(hub_id, "", {"from": gov})
    with reverts("HubNotApproved"):
        products.quote(product_id, hub_id)


def test_quote_reverts_if_product_retired(products, offers, product_id, hub_id, designer):
    products.retireProduct(product_id, {"from": designer})
    with reverts("ProductNotActive"):
        products.quote(product_id, hub_id)


def test_hub_registry_view_returns_registry(products, hubs):
    assert products.hubRegistry() == hubs
