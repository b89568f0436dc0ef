"""The oracle's SQLite state: delivery reports as received, one confirmation per order (its outbox: the
signed transaction is stored before it is sent), and what the chain said about shipments.

A confirmed vote is *settled* (`vote_block` set) once the event stream has passed the block holding it; a
rewind of the stream below that block unsettles it again, and an unsettled vote is checked against the
chain (its receipt) until it settles or is found gone, then sent again."""

from __future__ import annotations

import time
from dataclasses import dataclass

from glocal_chain.database import Connection, is_sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS oracle_delivery (
    sender TEXT NOT NULL, delivery_id TEXT NOT NULL, order_id BIGINT NOT NULL, tracking_number TEXT NOT NULL,
    delivered_at TEXT NOT NULL, evidence_kind TEXT NOT NULL, evidence_sha256 TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (sender, delivery_id));
CREATE TABLE IF NOT EXISTS oracle_confirmation (
    order_id BIGINT PRIMARY KEY, state TEXT NOT NULL, raw_tx TEXT, tx_hash TEXT, attempts BIGINT NOT NULL,
    note TEXT, updated_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS oracle_shipment (
    order_id BIGINT PRIMARY KEY, tracking_ref TEXT NOT NULL, outcome TEXT);
"""

# confirmation states: pending -> sent -> confirmed; pending -> moot (the order left Shipped without us);
# confirmed or moot -> pending when a chain rollback took the vote (or the order's end) away again
OPEN_STATES = ("pending", "sent")
# Columns added after the first release: (table, column, type); added to older databases on open.
ADDED_COLUMNS = (("oracle_confirmation", "vote_block", "BIGINT"), ("oracle_shipment", "shipped_block", "BIGINT"))


@dataclass(frozen=True)
class Confirmation:
    order_id: int
    state: str
    raw_tx: str | None
    tx_hash: str | None
    attempts: int
    note: str | None
    vote_block: int | None = None


CONFIRMATION_COLUMNS = "order_id, state, raw_tx, tx_hash, attempts, note, vote_block"


def _columns(db: Connection, table: str) -> set[str]:
    if is_sqlite(db):
        return {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
    return {str(row[0]) for row in db.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ?", (table,))}


class OracleStore:
    def __init__(self, db: Connection) -> None:
        self.db = db
        db.executescript(SCHEMA)
        for table, column, kind in ADDED_COLUMNS:
            if column not in _columns(db, table):
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    # ------------------------------------------------------------------ deliveries (webhook intake)
    def delivery_known(self, sender: str, delivery_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM oracle_delivery WHERE sender = ? AND delivery_id = ?",
                               (sender, delivery_id)).fetchone() is not None

    def record_delivery(self, sender: str, delivery_id: str, order_id: int, tracking_number: str, delivered_at: str,
                        evidence_kind: str, evidence_sha256: str) -> bool:
        """Stores a report and opens the order's confirmation (once per order); False if the id was seen."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if self.delivery_known(sender, delivery_id):
                self.db.execute("ROLLBACK")
                return False
            self.db.execute("INSERT INTO oracle_delivery VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (sender, delivery_id, order_id, tracking_number, delivered_at, evidence_kind,
                             evidence_sha256, time.time()))
            self.db.execute("INSERT INTO oracle_confirmation (order_id, state, attempts, updated_at) "
                            "VALUES (?, 'pending', 0, ?) ON CONFLICT (order_id) DO NOTHING", (order_id, time.time()))
            self.db.execute("COMMIT")
            return True
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ confirmations (the outbox)
    def confirmation(self, order_id: int) -> Confirmation | None:
        row = self.db.execute(f"SELECT {CONFIRMATION_COLUMNS} FROM oracle_confirmation WHERE order_id = ?",
                              (order_id,)).fetchone()
        return None if row is None else Confirmation(*row)

    def open_confirmations(self) -> list[Confirmation]:
        rows = self.db.execute(f"SELECT {CONFIRMATION_COLUMNS} FROM oracle_confirmation WHERE state IN (?, ?) "
                               "ORDER BY order_id", OPEN_STATES).fetchall()
        return [Confirmation(*row) for row in rows]

    def unsettled_votes(self) -> list[Confirmation]:
        """Confirmed votes the event stream has not passed yet (or passed before a rewind): to check."""
        rows = self.db.execute(f"SELECT {CONFIRMATION_COLUMNS} FROM oracle_confirmation WHERE state = 'confirmed' "
                               "AND vote_block IS NULL ORDER BY order_id").fetchall()
        return [Confirmation(*row) for row in rows]

    def settle_vote(self, order_id: int, block_number: int, tx_hash: str | None = None) -> None:
        self.db.execute("UPDATE oracle_confirmation SET state = 'confirmed', vote_block = ?, "
                        "tx_hash = COALESCE(?, tx_hash), updated_at = ? WHERE order_id = ?",
                        (block_number, tx_hash, time.time(), order_id))

    def move(self, order_id: int, was: str, state: str, note: str) -> bool:
        """To `state`, forgetting the transaction (a new one is signed if it is pending), if the confirmation
        is still in state `was`; False if another thread moved it first."""
        cursor = self.db.execute("UPDATE oracle_confirmation SET state = ?, raw_tx = NULL, tx_hash = NULL, "
                                 "vote_block = NULL, note = ?, updated_at = ? WHERE order_id = ? AND state = ?",
                                 (state, note, time.time(), order_id, was))
        return bool(cursor.rowcount)

    def unsettle_after(self, block_number: int) -> None:
        """A rewind of the stream to `block_number`: votes and shipments seen above it are in doubt."""
        self.db.execute("UPDATE oracle_confirmation SET vote_block = NULL WHERE vote_block > ?", (block_number,))
        self.db.execute("DELETE FROM oracle_shipment WHERE shipped_block > ?", (block_number,))

    def reported_tracking_numbers(self, order_id: int) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT tracking_number FROM oracle_delivery WHERE order_id = ?",
                               (order_id,)).fetchall()
        return [str(row[0]) for row in rows]

    def set_confirmation(self, order_id: int, state: str, note: str | None = None, raw_tx: str | None = None,
                         tx_hash: str | None = None, clear_tx: bool = False) -> None:
        if clear_tx:
            self.db.execute("UPDATE oracle_confirmation SET raw_tx = NULL, tx_hash = NULL, vote_block = NULL "
                            "WHERE order_id = ?",
                            (order_id,))
        self.db.execute("UPDATE oracle_confirmation SET state = ?, note = COALESCE(?, note), "
                        "raw_tx = COALESCE(?, raw_tx), tx_hash = COALESCE(?, tx_hash), "
                        "attempts = attempts + ?, updated_at = ? WHERE order_id = ?",
                        (state, note, raw_tx, tx_hash, 1 if raw_tx else 0, time.time(), order_id))

    # ------------------------------------------------------------------ shipments (from the event stream)
    def record_shipment(self, order_id: int, tracking_ref: str, block_number: int | None = None) -> None:
        self.db.execute("INSERT INTO oracle_shipment (order_id, tracking_ref, outcome, shipped_block) "
                        "VALUES (?, ?, NULL, ?) ON CONFLICT (order_id) DO UPDATE SET tracking_ref = "
                        "excluded.tracking_ref, outcome = NULL, shipped_block = excluded.shipped_block",
                        (order_id, tracking_ref, block_number))

    def shipment_ref(self, order_id: int) -> str | None:
        row = self.db.execute("SELECT tracking_ref FROM oracle_shipment WHERE order_id = ?", (order_id,)).fetchone()
        return None if row is None else str(row[0])

    def record_outcome(self, order_id: int, outcome: str) -> None:
        self.db.execute("UPDATE oracle_shipment SET outcome = ? WHERE order_id = ?", (outcome, order_id))
        self.db.execute("UPDATE oracle_confirmation SET state = 'moot', note = ?, updated_at = ? "
                        "WHERE order_id = ? AND state = 'pending'", (f"order ended: {outcome}", time.time(), order_id))

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT state, COUNT(*) FROM oracle_confirmation GROUP BY state").fetchall()
        return {str(state): int(count) for state, count in rows}
