"""SQLite state of event streams: checkpoints, recent block hashes (reorg detection), handled events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from glocal_chain import database
from glocal_chain.database import Connection

SCHEMA = """
CREATE TABLE IF NOT EXISTS stream_checkpoint (
    stream TEXT PRIMARY KEY, block_number BIGINT NOT NULL, block_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stream_block (
    stream TEXT NOT NULL, block_number BIGINT NOT NULL, block_hash TEXT NOT NULL,
    PRIMARY KEY (stream, block_number));
CREATE TABLE IF NOT EXISTS stream_handled (
    stream TEXT NOT NULL, event_key TEXT NOT NULL, block_number BIGINT NOT NULL,
    PRIMARY KEY (stream, event_key));
CREATE INDEX IF NOT EXISTS stream_handled_block ON stream_handled (stream, block_number);
"""


def open_database(target: str | Path) -> Connection:
    """A database (SQLite file or PostgreSQL URL, see glocal_chain.database) with the stream tables."""
    connection = database.open_database(target)
    connection.executescript(SCHEMA)
    return connection


class StreamStore:
    def __init__(self, connection: Connection, stream: str) -> None:
        self.db = connection
        self.stream = stream

    def checkpoint(self) -> tuple[int, str] | None:
        row = self.db.execute("SELECT block_number, block_hash FROM stream_checkpoint WHERE stream = ?",
                              (self.stream,)).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def set_checkpoint(self, number: int, block_hash: str) -> None:
        self.db.execute("INSERT INTO stream_checkpoint VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET "
                        "block_number = excluded.block_number, block_hash = excluded.block_hash",
                        (self.stream, number, block_hash))
        self.remember_block(number, block_hash)

    def remember_block(self, number: int, block_hash: str) -> None:
        self.db.execute("INSERT INTO stream_block VALUES (?, ?, ?) ON CONFLICT (stream, block_number) "
                        "DO UPDATE SET block_hash = excluded.block_hash", (self.stream, number, block_hash))

    def recent_blocks(self) -> list[tuple[int, str]]:
        rows = self.db.execute("SELECT block_number, block_hash FROM stream_block WHERE stream = ? "
                               "ORDER BY block_number DESC", (self.stream,)).fetchall()
        return [(int(n), str(h)) for n, h in rows]

    def forget_blocks_after(self, number: int) -> None:
        self.db.execute("DELETE FROM stream_block WHERE stream = ? AND block_number > ?", (self.stream, number))

    def prune_blocks_before(self, number: int) -> None:
        self.db.execute("DELETE FROM stream_block WHERE stream = ? AND block_number < ?", (self.stream, number))

    def forget_checkpoint(self) -> None:
        self.db.execute("DELETE FROM stream_checkpoint WHERE stream = ?", (self.stream,))

    def forget_all(self) -> None:
        """Checkpoint, block hashes and handled events: the stream starts over from its start block."""
        self.forget_checkpoint()
        self.db.execute("DELETE FROM stream_block WHERE stream = ?", (self.stream,))
        self.db.execute("DELETE FROM stream_handled WHERE stream = ?", (self.stream,))

    def forget_handled_after(self, number: int) -> None:
        """Un-handles events of blocks a reorganisation replaced: if they come back, they are new again."""
        self.db.execute("DELETE FROM stream_handled WHERE stream = ? AND block_number > ?", (self.stream, number))

    def mark_new(self, events: list[Any], first: int, last: int) -> list[Any]:
        """Records the events of blocks first..last as handled; returns those not handled before."""
        known = {row[0] for row in self.db.execute(
            "SELECT event_key FROM stream_handled WHERE stream = ? AND block_number BETWEEN ? AND ?",
            (self.stream, first, last))}
        fresh = [event for event in events if event.key not in known]
        self.db.executemany("INSERT INTO stream_handled VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                            [(self.stream, event.key, event.block_number) for event in fresh])
        return fresh

    def commit_range(self, events: list[Any], first: int, last: int, handler: Callable[[list[Any], Connection], None],
                     recent: Mapping[int, str], last_hash: str, reorg_window: int) -> list[Any]:
        """Hands the events of blocks `first`..`last` not handled before to `handler` and records them, the
        `recent` block hashes (a reorganisation could still replace those blocks) and the checkpoint `last`,
        all in one transaction: each event is handled exactly once, across crashes. Returns the fresh events."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            fresh = self.mark_new(events, first, last)
            if fresh:
                handler(fresh, self.db)
            for number, block_hash in recent.items():
                self.remember_block(number, block_hash)
            self.set_checkpoint(last, last_hash)
            self.prune_blocks_before(last - reorg_window)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return fresh

    def handled_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM stream_handled WHERE stream = ?",
                                   (self.stream,)).fetchone()[0])
