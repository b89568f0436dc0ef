"""The oracle's SQLite state: delivery reports as received, one confirmation per order (its outbox: the
signed transaction is stored before it is sent), and what the chain said about shipments."""

from __future__ import annotations

import time
from dataclasses import dataclass

from glocal_chain.database import Connection

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

# confirmation states: pending -> sent -> confirmed; pending -> moot (the order left Shipped without us)
OPEN_STATES = ("pending", "sent")


@dataclass(frozen=True)
class Confirmation:
    order_id: int
    state: str
    raw_tx: str | None
    tx_hash: str | None
    attempts: int
    note: str | None


class OracleStore:
    def __init__(self, db: Connection) -> None:
        self.db = db
        db.executescript(SCHEMA)

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
            self.db.execute("INSERT INTO oracle_confirmation VALUES (?, 'pending', NULL, NULL, 0, NULL, ?) "
                            "ON CONFLICT (order_id) DO NOTHING", (order_id, time.time()))
            self.db.execute("COMMIT")
            return True
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ confirmations (the outbox)
    def confirmation(self, order_id: int) -> Confirmation | None:
        row = self.db.execute("SELECT order_id, state, raw_tx, tx_hash, attempts, note FROM oracle_confirmation "
                              "WHERE order_id = ?", (order_id,)).fetchone()
        return None if row is None else Confirmation(*row)

    def open_confirmations(self) -> list[Confirmation]:
        rows = self.db.execute("SELECT order_id, state, raw_tx, tx_hash, attempts, note FROM oracle_confirmation "
                               "WHERE state IN (?, ?) ORDER BY order_id", OPEN_STATES).fetchall()
        return [Confirmation(*row) for row in rows]

    def set_confirmation(self, order_id: int, state: str, note: str | None = None, raw_tx: str | None = None,
                         tx_hash: str | None = None, clear_tx: bool = False) -> None:
        if clear_tx:
            self.db.execute("UPDATE oracle_confirmation SET raw_tx = NULL, tx_hash = NULL WHERE order_id = ?",
                            (order_id,))
        self.db.execute("UPDATE oracle_confirmation SET state = ?, note = COALESCE(?, note), "
                        "raw_tx = COALESCE(?, raw_tx), tx_hash = COALESCE(?, tx_hash), "
                        "attempts = attempts + ?, updated_at = ? WHERE order_id = ?",
                        (state, note, raw_tx, tx_hash, 1 if raw_tx else 0, time.time(), order_id))

    # ------------------------------------------------------------------ shipments (from the event stream)
    def record_shipment(self, order_id: int, tracking_ref: str) -> None:
        self.db.execute("INSERT INTO oracle_shipment VALUES (?, ?, NULL) ON CONFLICT (order_id) DO UPDATE SET "
                        "tracking_ref = excluded.tracking_ref, outcome = NULL", (order_id, tracking_ref))

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
