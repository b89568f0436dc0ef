"""Tables of the market read model (portable SQL, see glocal_chain.database). Amounts are uint256, kept
as decimal TEXT; every other number fits BIGINT."""

STREAM_NAME = "market-index"  # the event stream feeding the read model (its checkpoint is the indexed block)

#: Raised whenever the tables below change shape: a read model written under another version is dropped and
#: rebuilt from the deploy block (it is only ever a projection of the chain).
SCHEMA_VERSION = 3

VERSION_SCHEMA = "CREATE TABLE IF NOT EXISTS market_schema (version BIGINT NOT NULL);"

SCHEMA = """
CREATE TABLE IF NOT EXISTS market_product (
    product_id BIGINT PRIMARY KEY, designer TEXT NOT NULL, design_hash TEXT NOT NULL,
    royalty_bps BIGINT NOT NULL, version BIGINT NOT NULL, active BIGINT NOT NULL, metadata_uri TEXT NOT NULL,
    registered_block BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS market_product_designer ON market_product (designer);
CREATE TABLE IF NOT EXISTS market_design_version (
    product_id BIGINT NOT NULL, version BIGINT NOT NULL, design_hash TEXT NOT NULL, metadata_uri TEXT NOT NULL,
    published_block BIGINT NOT NULL, PRIMARY KEY (product_id, version));
CREATE TABLE IF NOT EXISTS market_hub (
    hub_id BIGINT PRIMARY KEY, operator TEXT NOT NULL, status BIGINT NOT NULL, geohash TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL, longitude DOUBLE PRECISION NOT NULL, capabilities BIGINT NOT NULL,
    metadata_uri TEXT NOT NULL, completed BIGINT NOT NULL DEFAULT 0, completed_late BIGINT NOT NULL DEFAULT 0,
    refunded_for_fault BIGINT NOT NULL DEFAULT 0, disputes_lost BIGINT NOT NULL DEFAULT 0,
    disputes_expired BIGINT NOT NULL DEFAULT 0, on_time_weight BIGINT NOT NULL DEFAULT 0,
    finished_weight BIGINT NOT NULL DEFAULT 0, raters BIGINT NOT NULL DEFAULT 0,
    rating_weight BIGINT NOT NULL DEFAULT 0, weighted_stars BIGINT NOT NULL DEFAULT 0,
    rating_centi_stars BIGINT NOT NULL, reliability_bps BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS market_hub_rater (
    hub_id BIGINT NOT NULL, rater TEXT NOT NULL, rating BIGINT NOT NULL, weight BIGINT NOT NULL,
    order_id BIGINT NOT NULL, PRIMARY KEY (hub_id, rater));
CREATE TABLE IF NOT EXISTS market_offer (
    product_id BIGINT NOT NULL, hub_id BIGINT NOT NULL, token TEXT NOT NULL, price TEXT NOT NULL,
    lead_time_hours BIGINT NOT NULL, PRIMARY KEY (product_id, hub_id));
CREATE INDEX IF NOT EXISTS market_offer_hub ON market_offer (hub_id);
-- The approved hubs offering each product, by the cell of their place (geo.cell), with the place itself
-- (copied from market_hub in the same transaction): what `near` searches (indexer.nearest).
CREATE TABLE IF NOT EXISTS market_maker (
    hub_id BIGINT NOT NULL, product_id BIGINT NOT NULL, cell BIGINT NOT NULL, latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL, geohash TEXT NOT NULL, PRIMARY KEY (hub_id, product_id));
CREATE INDEX IF NOT EXISTS market_maker_place ON market_maker (product_id, cell, hub_id, latitude, longitude, geohash);
CREATE TABLE IF NOT EXISTS market_order (
    order_id BIGINT PRIMARY KEY, buyer TEXT NOT NULL, hub_id BIGINT NOT NULL, product_id BIGINT NOT NULL,
    design_version BIGINT NOT NULL, token TEXT NOT NULL, quantity BIGINT NOT NULL, amount TEXT NOT NULL,
    royalty TEXT NOT NULL, status BIGINT NOT NULL, deadline BIGINT NOT NULL, confirmations BIGINT NOT NULL DEFAULT 0,
    quorum BIGINT NOT NULL, weight BIGINT NOT NULL, shipped_late BIGINT NOT NULL DEFAULT 0,
    rating BIGINT NOT NULL DEFAULT 0, tracking_ref TEXT, placed_block BIGINT NOT NULL, updated_block BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS market_order_buyer ON market_order (buyer, order_id);
CREATE INDEX IF NOT EXISTS market_order_hub ON market_order (hub_id, order_id);
CREATE TABLE IF NOT EXISTS market_order_event (
    order_id BIGINT NOT NULL, block_number BIGINT NOT NULL, log_index BIGINT NOT NULL, event TEXT NOT NULL,
    tx_hash TEXT NOT NULL, args TEXT NOT NULL, PRIMARY KEY (order_id, block_number, log_index));
CREATE TABLE IF NOT EXISTS market_token (
    token TEXT PRIMARY KEY, token_index BIGINT NOT NULL, allowed BIGINT NOT NULL, rating_fee_unit TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS market_setting (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
"""

TABLES = ("market_product", "market_design_version", "market_hub", "market_hub_rater", "market_offer",
          "market_maker", "market_order", "market_order_event", "market_token", "market_setting")
