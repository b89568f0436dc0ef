"""The agent's SQLite state: its orders and print jobs are also its outbox. Every external side effect
(a transaction, an upload) is decided from these rows and checked against the outside world before it
happens, so a kill -9 at any point and a restart never do it twice and never forget it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from glocal_chain.database import Connection

SCHEMA = """
CREATE TABLE IF NOT EXISTS agent_order (
    order_id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
    state TEXT NOT NULL, reason TEXT, seen_block INTEGER NOT NULL, updated_at REAL NOT NULL,
    placed_tx TEXT NOT NULL, design_hash TEXT);
CREATE TABLE IF NOT EXISTS agent_job (
    order_id INTEGER NOT NULL, unit INTEGER NOT NULL, attempt INTEGER NOT NULL, printer TEXT,
    state TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (order_id, unit, attempt));
CREATE TABLE IF NOT EXISTS agent_endpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1), port INTEGER NOT NULL, pid INTEGER NOT NULL, started_at REAL NOT NULL);
"""
# agent_endpoint: where the running agent serves /status, /healthz and /metrics (`glocal agent status` reads it).

# design_hash: the sha256 of the design version the order bought, checked against the chain when it was accepted.
# order states: new -> accepted -> shipped; new -> rejected; new -> closed (left Paid without us);
# accepted -> failed (no attempts left: the buyer's refund claim settles it)
# job states: queued -> submitting -> submitted -> succeeded | failed


def job_name_prefix(order_id: int) -> str:
    """How the names of an order's print jobs begin (a printer's current file says whose job it is)."""
    return f"glocal-{order_id}-"


@dataclass(frozen=True)
class Job:
    order_id: int
    unit: int
    attempt: int
    printer: str | None
    state: str
    placed_tx: str

    @property
    def name(self) -> str:
        """Unique per order *placement*: after a reorganisation an order id can come back as another order."""
        return f"{job_name_prefix(self.order_id)}{self.placed_tx[2:10]}-{self.unit}-{self.attempt}.gcode"


class AgentStore:
    def __init__(self, db: Connection) -> None:
        self.db = db
        db.executescript(SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(agent_order)")}
        if "design_hash" not in columns:  # a database from before orders pinned their design version
            db.execute("ALTER TABLE agent_order ADD COLUMN design_hash TEXT")

    def add_order(self, order_id: int, product_id: int, quantity: int, block: int, placed_tx: str) -> None:
        """Records a new order. The same id from another placement (the first was reorganised away) replaces
        it: the old one's jobs are dropped, since that order no longer exists."""
        row = self.db.execute("SELECT placed_tx, state FROM agent_order WHERE order_id = ?", (order_id,)).fetchone()
        if row is not None and row[0] == placed_tx:
            if row[1] == "closed":  # the same placement is back on the new branch: work on it again
                self.set_order(order_id, "new")
            return
        if row is not None:
            self.db.execute("DELETE FROM agent_job WHERE order_id = ?", (order_id,))
            self.db.execute("DELETE FROM agent_order WHERE order_id = ?", (order_id,))
        self.db.execute("INSERT INTO agent_order (order_id, product_id, quantity, state, reason, seen_block, "
                        "updated_at, placed_tx) VALUES (?, ?, ?, 'new', NULL, ?, ?, ?)",
                        (order_id, product_id, quantity, block, time.time(), placed_tx))

    def orders_in(self, state: str) -> list[tuple[int, int, int]]:
        return [tuple(row) for row in self.db.execute(
            "SELECT order_id, product_id, quantity FROM agent_order WHERE state = ? ORDER BY order_id", (state,))]

    def set_order(self, order_id: int, state: str, reason: str | None = None) -> None:
        self.db.execute("UPDATE agent_order SET state = ?, reason = COALESCE(?, reason), updated_at = ? "
                        "WHERE order_id = ?", (state, reason, time.time(), order_id))

    def design_hash(self, order_id: int) -> str | None:
        """The design the order bought, as recorded when it was accepted (None for an order accepted by an
        agent from before orders pinned their design version)."""
        row = self.db.execute("SELECT design_hash FROM agent_order WHERE order_id = ?", (order_id,)).fetchone()
        return row[0] if row else None

    def order_state(self, order_id: int) -> str | None:
        row = self.db.execute("SELECT state FROM agent_order WHERE order_id = ?", (order_id,)).fetchone()
        return row[0] if row else None

    def accept_with_jobs(self, order_id: int, quantity: int, design_hash: str) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.set_order(order_id, "accepted")
        self.db.execute("UPDATE agent_order SET design_hash = ? WHERE order_id = ?", (design_hash, order_id))
        for unit in range(1, quantity + 1):
            self.db.execute("INSERT OR IGNORE INTO agent_job VALUES (?, ?, 1, NULL, 'queued', ?)",
                            (order_id, unit, time.time()))
        self.db.execute("COMMIT")

    def jobs_in(self, *states: str) -> list[Job]:
        marks = ",".join("?" * len(states))
        rows = self.db.execute(f"SELECT j.order_id, j.unit, j.attempt, j.printer, j.state, o.placed_tx "
                               f"FROM agent_job j JOIN agent_order o USING (order_id) WHERE j.state IN ({marks}) "
                               "ORDER BY j.order_id, j.unit, j.attempt", states)
        return [Job(*row) for row in rows]

    def set_job(self, job: Job, state: str, printer: str | None = None) -> None:
        self.db.execute("UPDATE agent_job SET state = ?, printer = COALESCE(?, printer), updated_at = ? "
                        "WHERE order_id = ? AND unit = ? AND attempt = ?",
                        (state, printer, time.time(), job.order_id, job.unit, job.attempt))

    def retry(self, job: Job) -> None:
        self.db.execute("INSERT OR IGNORE INTO agent_job VALUES (?, ?, ?, NULL, 'queued', ?)",
                        (job.order_id, job.unit, job.attempt + 1, time.time()))

    def printers_failed(self, job: Job) -> set[str]:
        rows = self.db.execute("SELECT printer FROM agent_job WHERE order_id = ? AND unit = ? AND state = 'failed'",
                               (job.order_id, job.unit))
        return {row[0] for row in rows if row[0]}

    def units_done(self, order_id: int) -> tuple[int, int]:
        done = self.db.execute("SELECT COUNT(DISTINCT unit) FROM agent_job WHERE order_id = ? AND state = 'succeeded'",
                               (order_id,)).fetchone()[0]
        quantity = self.db.execute("SELECT quantity FROM agent_order WHERE order_id = ?", (order_id,)).fetchone()[0]
        return int(done), int(quantity)

    def busy_printers(self) -> set[str]:
        rows = self.db.execute("SELECT printer FROM agent_job WHERE state IN ('submitting', 'submitted')")
        return {row[0] for row in rows if row[0]}

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for table in ("agent_order", "agent_job"):
            for state, count in self.db.execute(f"SELECT state, COUNT(*) FROM {table} GROUP BY state"):
                result[f"{table.removeprefix('agent_')}_{state}"] = int(count)
        return result

    def product_of(self, order_id: int) -> int:
        return int(self.db.execute("SELECT product_id FROM agent_order WHERE order_id = ?", (order_id,)).fetchone()[0])

    def orders_with_reasons(self, *states: str) -> list[tuple[int, str, str | None]]:
        """(order id, state, reason) of the orders in `states`, oldest first."""
        marks = ",".join("?" * len(states))
        return [(int(row[0]), row[1], row[2]) for row in self.db.execute(
            f"SELECT order_id, state, reason FROM agent_order WHERE state IN ({marks}) ORDER BY order_id", states)]

    def set_endpoint(self, port: int, pid: int) -> None:
        self.db.execute("INSERT INTO agent_endpoint VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                        "port = excluded.port, pid = excluded.pid, started_at = excluded.started_at",
                        (port, pid, time.time()))

    def endpoint(self) -> int | None:
        """The port of the last agent that served its status from this database."""
        row = self.db.execute("SELECT port FROM agent_endpoint WHERE id = 1").fetchone()
        return int(row[0]) if row else None
