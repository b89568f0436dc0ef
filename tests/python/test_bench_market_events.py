"""The scale benchmark's generated market histories (bench/market_events.py): every event is what the
contracts emit (its ABI, through the indexer's LogDecoder), the history projects through the indexer's own
projection (bench/projector.py) into what the generator says it made, and the same history always gives
the same read model."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_utils import event_abi_to_log_topic

from bench.market_events import MarketHistory, SuiteAddresses
from bench.projector import Projector
from glocal_chain.chain.artifacts import load_artifact, suite_abis
from glocal_chain.chain.reverts import abi_type_string
from glocal_chain.database import open_database
from glocal_chain.events.decode import LogDecoder
from glocal_chain.events.stream import ChainEvent
from glocal_chain.indexer.schema import STREAM_NAME, TABLES
from glocal_chain.sdk.models import HubStatus, OrderStatus, Outcome

SUITE = SuiteAddresses.placeholders()
CONTRACTS = {SUITE.hub_registry: "HubRegistry", SUITE.product_registry: "ProductRegistry",
             SUITE.order_escrow: "OrderEscrow"}
ORDER_EVENTS = ("OrderPlaced", "OrderAccepted", "OrderShipped", "DeliveryConfirmed", "OrderDelivered",
                "OrderRefunded", "OrderDisputed", "DisputeResolved", "OrderRated")


def _history(hubs: int = 40, orders: int = 600, more_hubs: int = 25, seed: int = 7) -> tuple[MarketHistory,
                                                                                              list[ChainEvent]]:
    """A small network whose orders mostly run their whole life (few orders a day), then more hubs join."""
    history = MarketHistory(SUITE, seed=seed, orders_per_day=40)
    events = list(itertools.chain(history.opening(), history.hubs(hubs), history.orders(orders),
                                  history.hubs(more_hubs)))
    return history, events


def _as_log(event: ChainEvent) -> dict[str, Any]:
    """The log the contract would write for `event`: topics and data encoded from its ABI."""
    abi = next(item for item in load_artifact(CONTRACTS[event.address]).abi
               if item.get("type") == "event" and item["name"] == event.name)
    inputs = abi["inputs"]
    topics = ["0x" + event_abi_to_log_topic(abi).hex()]
    topics += ["0x" + encode([abi_type_string(i)], [event.args[i["name"]]]).hex() for i in inputs if i["indexed"]]
    data = encode([abi_type_string(i) for i in inputs if not i["indexed"]],
                  [event.args[i["name"]] for i in inputs if not i["indexed"]])
    return {"topics": topics, "data": "0x" + data.hex()}


def _project(path: Path, chunks: list[list[ChainEvent]]) -> sqlite3.Connection:
    projector = Projector(open_database(path))
    for chunk in chunks:
        projector.add(chunk)
        projector.flush()
    projector.db.close()
    return sqlite3.connect(path)


def _dump(db: sqlite3.Connection) -> dict[str, list[Any]]:
    return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in (*TABLES, "stream_checkpoint", "stream_handled")}


def test_generated_events_are_what_the_contracts_emit_if_encoded_by_their_abi_and_decoded_by_the_indexer():
    _, events = _history()
    decoder = LogDecoder(suite_abis())
    assert {event.address for event in events} == set(CONTRACTS)
    for event in events:
        assert decoder.decode(_as_log(event)) == (event.name, event.args), event
    # enum arguments (uint8 on the wire) within the contracts' enums: IOrderEscrow.RefundReason, Outcome
    assert {e.args["reason"] for e in events if e.name == "OrderRefunded"} == {0, 1, 2}
    assert {e.args["outcome"] for e in events if e.name == "OutcomeRecorded"} <= {int(o) for o in Outcome}
    assert {e.args["rating"] for e in events if e.name == "OrderRated"} <= {1, 2, 3, 4, 5}
    positions = [(event.block_number, event.log_index) for event in events]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert len({event.key for event in events}) == len(events)


def test_read_model_holds_what_the_generator_made_if_the_history_is_projected(tmp_path):
    history, events = _history()
    made = history.generated
    db = _project(tmp_path / "read.sqlite", [events])
    statuses = dict(db.execute("SELECT status, COUNT(*) FROM market_hub GROUP BY status").fetchall())
    assert (made.hubs, made.approved, made.pending, made.suspended) == (
        db.execute("SELECT COUNT(*) FROM market_hub").fetchone()[0], statuses.get(int(HubStatus.APPROVED), 0),
        statuses.get(int(HubStatus.PENDING), 0), statuses.get(int(HubStatus.SUSPENDED), 0))
    assert made.hubs == 65 and made.approved > 55
    assert made.offers == db.execute("SELECT COUNT(*) FROM market_offer").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM market_offer WHERE product_id = 1").fetchone()[0] == (
        made.approved + made.suspended)  # every hub that was approved offers product 1
    orders = {OrderStatus(s).name.lower(): n
              for s, n in db.execute("SELECT status, COUNT(*) FROM market_order GROUP BY status")}
    assert orders == {status: n for status, n in made.order_status.items() if n}
    assert made.orders == 600 and orders["delivered"] > 300 and {"refunded", "paid", "shipped"} <= set(orders)
    assert db.execute("SELECT COUNT(*) FROM market_order WHERE rating > 0").fetchone()[0] == made.rated > 50
    assert db.execute("SELECT COUNT(*) FROM market_order_event").fetchone()[0] == sum(
        made.events[name] for name in ORDER_EVENTS)
    assert db.execute("SELECT COUNT(*) FROM stream_handled").fetchone()[0] == len(events) == sum(
        made.events.values())
    assert db.execute("SELECT block_number FROM stream_checkpoint WHERE stream = ?",
                      (STREAM_NAME,)).fetchone()[0] == events[-1].block_number
    # ratings and outcomes moved reputations away from the prior (3.00 stars, 90.00 % reliable)
    assert db.execute("SELECT COUNT(*) FROM market_hub WHERE rating_centi_stars <> 300").fetchone()[0] > 10
    assert db.execute("SELECT COUNT(*) FROM market_hub WHERE reliability_bps <> 9000").fetchone()[0] > 10


def test_read_model_is_the_same_if_the_same_history_is_projected_again_from_scratch(tmp_path):
    _, events = _history(seed=11)
    _, again = _history(seed=11)
    assert again == events
    once = _dump(_project(tmp_path / "once.sqlite", [events]))
    # the same events in other transactions: many small commits instead of one
    chunked = _dump(_project(tmp_path / "chunked.sqlite", [events[i:i + 97] for i in range(0, len(events), 97)]))
    assert once == chunked
    assert len(once["market_order"]) == 600 and len(once["market_hub"]) == 65
    _, other = _history(seed=12)
    assert _dump(_project(tmp_path / "other.sqlite", [other])) != once
