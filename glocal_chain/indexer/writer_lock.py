"""Exactly one writer of the read model: on PostgreSQL, a session advisory lock (`pg_try_advisory_lock`)
taken on the indexer's own connection. An indexer that finds it held stands by and keeps trying; the lock
is released when the writer's connection closes (the process stopped or died), so a standby takes over.
SQLite needs no lock: its file is local to one host and its own write lock serialises writers."""

from __future__ import annotations

import logging
from hashlib import blake2b

from glocal_chain.database import Connection, is_sqlite

log = logging.getLogger(__name__)
#: The lock's key: one read model per database, so one key (a signed 64-bit number, as PostgreSQL takes it).
WRITER_LOCK_KEY = int.from_bytes(blake2b(b"glocal-chain market read model", digest_size=8).digest(), "big",
                                 signed=True)


class WriterLock:
    def __init__(self, db: Connection) -> None:
        self.db = db
        self.held = is_sqlite(db)
        self._reported_standby = False

    def acquire(self) -> bool:
        """True once this connection holds the lock (it keeps it until it closes)."""
        if not self.held:
            self.held = bool(self.db.execute("SELECT pg_try_advisory_lock(?)", (WRITER_LOCK_KEY,)).fetchone()[0])
            if self.held:
                log.info("market index: writer lock taken; this process writes the read model")
            elif not self._reported_standby:
                log.info("market index: another process holds the writer lock; standing by")
                self._reported_standby = True
        return self.held
