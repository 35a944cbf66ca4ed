"""Writers in several processes take turns, per ledger and for schema setup.

Each process keeps its own ledger states and its own in-process locks; what
makes several processes on one database safe is a lock the database (or the
file system) holds for all of them:

- PostgreSQL: ``pg_advisory_xact_lock(key of the ledger)`` in a transaction on a
  connection of a small pool of its own, held while the appender catches up
  from the store's head, decides and writes; the commit (or the connection's
  end, if the process dies) lets the next writer in. The lock connections are
  a pool apart from the application's, so a writer that holds one never waits
  for a connection another lock holder keeps.
- SQLite: a ``filelock`` lock file per ledger beside the database file (SQLite
  has one writer at a time anyway; this keeps a whole decide-and-write turn
  one process's).

Schema setup (``CREATE ... IF NOT EXISTS``) runs under ``pg_advisory_lock`` on
one key, so two processes starting at once never race on PostgreSQL's catalogue.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import ContextManager, Iterator, Protocol

from ledger.settings import Settings

# Enough lock connections for this many ledgers appending at the same moment in one
# process; a further ledger waits for one (it would wait for the database anyway).
LOCK_CONNECTIONS = 4
SQLITE_POLL_SECONDS = 0.001


def lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for ``name`` (stable across processes)."""
    digest = hashlib.sha256(f"sunledger/{name}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


SCHEMA_KEY = lock_key("schema")


class WriteLocks(Protocol):
    def hold(self, slug: str) -> ContextManager[None]:
        """Held: no other process appends to ``slug``."""

    def close(self) -> None: ...


class PostgresWriteLocks:
    def __init__(self, database_url: str, connect_timeout: str = "5") -> None:
        self.database_url = database_url
        self.connect_timeout = connect_timeout
        self._pool = None

    def _connections(self):
        if self._pool is None:
            from psycopg_pool import ConnectionPool

            self._pool = ConnectionPool(self.database_url, min_size=1,
                                        max_size=LOCK_CONNECTIONS, open=True,
                                        kwargs={"connect_timeout": int(self.connect_timeout)},
                                        name="sunledger-write-locks")
        return self._pool

    @contextmanager
    def hold(self, slug: str) -> Iterator[None]:
        # The pool commits the transaction at the end of the block (rolls it back on
        # an error): either way the transaction-scoped lock is released.
        with self._connections().connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(f"ledger/{slug}"),))
            yield

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


class SQLiteWriteLocks:
    def __init__(self, database: Path) -> None:
        self.directory = database.with_name(database.name + ".locks")
        self._locks: dict[str, object] = {}

    @contextmanager
    def hold(self, slug: str) -> Iterator[None]:
        from filelock import FileLock

        lock = self._locks.get(slug)
        if lock is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:32]  # any slug, safe name
            lock = self._locks[slug] = FileLock(self.directory / f"{name}.lock",
                                                thread_local=False)
        with lock.acquire(poll_interval=SQLITE_POLL_SECONDS):  # type: ignore[attr-defined]
            yield

    def close(self) -> None:
        self._locks.clear()


def write_locks_for(settings: Settings) -> WriteLocks:
    if settings.is_postgres:
        return PostgresWriteLocks(settings.database_url,
                                  settings.eventsourcing_env()["POSTGRES_CONNECT_TIMEOUT"])
    return SQLiteWriteLocks(settings.sqlite_file())


@contextmanager
def schema_setup(settings: Settings) -> Iterator[None]:
    """Held while a process makes its tables: one process at a time on PostgreSQL.
    (SQLite's own write lock already serialises DDL; see projections.view.)"""
    if not settings.is_postgres:
        with nullcontext():
            yield
        return
    import psycopg

    env = settings.eventsourcing_env()
    with psycopg.connect(settings.database_url, autocommit=True,
                         connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"])) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_KEY,))
