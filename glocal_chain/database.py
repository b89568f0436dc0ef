"""The databases services keep their state in: a SQLite file by default, PostgreSQL from a URL.

SQL in this package is written once, in the subset both understand: `?` placeholders, `ON CONFLICT`
upserts, BIGINT/TEXT/DOUBLE PRECISION columns, explicit `BEGIN IMMEDIATE` ... `COMMIT`. For PostgreSQL
the adapter below rewrites the placeholders and the `BEGIN`; everything else runs as written.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from glocal_chain.errors import ConfigError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Any: ...


class Connection(Protocol):
    """What the package uses of a DB-API connection (sqlite3's spelling)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...

    def executescript(self, script: str, /) -> Any: ...

    def close(self) -> None: ...


def open_database(target: str | Path) -> Connection:
    """A file path or `sqlite:///path` opens SQLite (WAL); `postgresql://...` opens PostgreSQL. The
    connection may be handed to another thread, but only one thread may use it at a time."""
    text = str(target)
    if text.startswith(POSTGRES_SCHEMES):
        return PostgresConnection(text)
    if "://" in text and not text.startswith(SQLITE_SCHEME):
        raise ConfigError(f"unsupported database URL {text!r}: use a file path, sqlite:///path or postgresql://...")
    path = Path(text.removeprefix(SQLITE_SCHEME))
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def is_sqlite(db: Connection) -> bool:
    return isinstance(db, sqlite3.Connection)


_PLACEHOLDER = re.compile(r"\?")


class PostgresConnection:
    """psycopg in autocommit mode, spoken to in the package's SQL (`?` placeholders, BEGIN IMMEDIATE)."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise ConfigError("a postgresql:// database needs psycopg: pip install 'glocal-chain[postgres]'") from exc
        try:
            self._connection = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise ConfigError(f"cannot connect to the PostgreSQL database: {exc}".strip()) from exc

    @staticmethod
    def _sql(sql: str) -> str:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            return "BEGIN"
        return _PLACEHOLDER.sub("%s", sql)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self._connection.execute(self._sql(sql), tuple(parameters) or None)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Any:
        cursor = self._connection.cursor()
        cursor.executemany(self._sql(sql), [tuple(p) for p in parameters])
        return cursor

    def executescript(self, script: str) -> Any:
        return self._connection.execute(script)

    def close(self) -> None:
        self._connection.close()


def table_exists(db: Connection, name: str) -> bool:
    if is_sqlite(db):
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        query = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
    return db.execute(query, (name,)).fetchone() is not None
