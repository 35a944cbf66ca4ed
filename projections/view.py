"""The finance view: read tables plus eventsourcing tracking, one transaction.

Following eventsourcing's pattern, the view is a ``TrackingRecorder``: an
abstract ``FinanceView`` holds everything both dialects share (the batch
loop, reset, reads), and ``SQLiteFinanceView`` / ``PostgresFinanceView``
mix it into the library's dialect recorders, whose ``_insert_tracking``
writes the tracking record inside our transaction. The view lives in the
log's own database and uses the application's datastore (its pool, and on
SQLite its writer lock), so writing rows and tracking is one commit.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from abc import ABC, abstractmethod
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Iterator, Sequence

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import (DataError, IntegrityError, Notification,
                                      OperationalError, Tracking, TrackingRecorder)
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from ledger.log.write_locks import schema_setup
from projections import flags
from projections.apply import BODY_ERRORS, apply_notification
from projections.schema import DDL, ORDER, SCHEMA_TABLE, SCHEMA_VERSION, TABLES
from projections.states import Batch, DomainStates


class Tx:
    """One database transaction; SQL is written once with ``?`` placeholders.

    Rows no handler reads back (postings, log rows, running sums such as
    balances, ledger positions) are buffered and written by ``flush`` with one
    ``executemany`` each: on PostgreSQL a round trip per statement is most of
    the cost.
    """

    def __init__(self, cursor: Any, *, postgres: bool) -> None:
        self.cursor = cursor
        self.postgres = postgres
        self.cache: dict[Any, Any] = {}  # per-transaction lookups (accounts, roles, currency)
        self.deferred: dict[str, list[Sequence[Any]]] = defaultdict(list)
        # upsert SQL -> key -> amount to add (the SQL takes the key columns, then the amount)
        self.sums: dict[str, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
        # ledger -> size, head, last_recorded_at, stopped_at, stopped_reason
        self.positions: dict[str, dict[str, Any]] = {}
        self.domain: Batch | None = None  # the ledgers' domain states, while projecting
        # ledger -> the earliest business date this batch's money or confirmations
        # touched: bank statements dated before it keep their sheets (flags/books.py).
        # Not undone by ``restore``: recomputing a sheet too many is harmless.
        self.touched: dict[str, str] = {}

    def defer(self, sql: str, row: Sequence[Any]) -> None:
        self.deferred[sql].append(row)

    def add(self, upsert: str, key: tuple, amount: int) -> None:
        self.sums[upsert][key] += amount

    def mark(self) -> tuple:
        """What ``restore`` needs to forget everything buffered after this point."""
        return ({sql: len(rows) for sql, rows in self.deferred.items()},
                {sql: dict(sums) for sql, sums in self.sums.items()},
                {ledger: dict(p) for ledger, p in self.positions.items()})

    def restore(self, mark: tuple) -> None:
        lengths, sums, positions = mark
        for sql in list(self.deferred):
            del self.deferred[sql][lengths.get(sql, 0):]
        self.sums = defaultdict(lambda: defaultdict(int),
                                {sql: defaultdict(int, kept) for sql, kept in sums.items()})
        self.positions = positions
        self.cache.clear()  # lookups may have seen rows a rollback removed

    def flush(self) -> None:
        for sql, rows in self.deferred.items():
            self.many(sql, rows)
        self.deferred.clear()
        # Every touched key is written, even when it nets to zero, so the rows do
        # not depend on where one batch ended and the next began.
        for upsert, sums in self.sums.items():
            self.many(upsert, [(*key, amount) for key, amount in sorted(sums.items())])
        self.sums.clear()
        self.many("UPDATE view_ledgers SET size = ?, head = ?, last_recorded_at = ?, "
                  "stopped_at = ?, stopped_reason = ? WHERE ledger = ?",
                  [(p["size"], p["head"], p["last_recorded_at"], p.get("stopped_at"),
                    p.get("stopped_reason"), ledger)
                   for ledger, p in sorted(self.positions.items())])
        self.positions.clear()

    def _sql(self, sql: str) -> str:
        # No SQL text here contains a literal '?' or '%': values always travel as parameters.
        return sql.replace("?", "%s") if self.postgres else sql

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self._sql(sql), tuple(params))

    def many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self._sql(sql), rows)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self.run(sql, params)
        return [_plain(row) for row in self.cursor.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None


def _plain(row: Any) -> dict[str, Any]:
    # PostgreSQL's SUM over BIGINT is NUMERIC; amounts are whole minor units.
    return {key: int(value) if isinstance(value, Decimal) else value
            for key, value in dict(row).items()}


class FinanceView(TrackingRecorder, ABC):
    """Balances, fund usage, budgets, the transaction list and the audit views."""

    name = "finance"
    # The tracking table is keyed by application name; several views may share
    # one table (SQLite's is always called "tracking"), so each view tracks the
    # ledger application under its own key.
    tracking_name = "sunledger.finance"
    # Database errors that mean "this entry cannot be projected", not "the database is down".
    entry_errors: tuple[type[BaseException], ...] = ()
    # The ledgers' domain states at the view's position (set by ``open_view``).
    states: DomainStates

    @abstractmethod
    def _transaction(self, *, commit: bool) -> Any:
        """A context manager yielding a ``Tx``."""

    @abstractmethod
    def _tracking_table(self) -> str:
        """The qualified name of the tracking table."""

    def writing(self) -> Any:
        return self._transaction(commit=True)

    def reading(self) -> Any:
        """A read-only transaction with one consistent snapshot."""
        return self._transaction(commit=False)

    def position(self) -> int:
        """The last notification id this view has applied (0 before the first)."""
        return self.max_tracking_id(self.tracking_name) or 0

    def process(self, notifications: Sequence[Notification], after: int | None = None) -> int:
        """Apply the notifications this view has not yet applied, rows and tracking
        in one transaction; returns how many were new (exactly once: a notification
        at or below the tracked position changes nothing).

        ``after`` is the position the page was read after: if the view has since
        gone back behind it (a ``reset`` for a rebuild), the page no longer joins
        on and nothing is applied.

        Entries are projected without savepoints; if one fails, the whole
        transaction is rolled back and the batch runs again with a savepoint per
        entry, so the bad entry becomes a finding and the others still go in.
        The domain states take the batch over only once it is committed.
        """
        ids = [n.id for n in notifications]
        assert ids == sorted(ids), "notifications must come in notification-id order"
        if not notifications:
            return 0
        try:
            return self._process(notifications, after, guarded=False)
        except BODY_ERRORS + (IntegrityError, DataError):
            return self._process(notifications, after, guarded=True)

    def _process(self, notifications: Sequence[Notification], after: int | None, *,
                 guarded: bool) -> int:
        with self.states.lock:
            batch = self.states.batch()
            applied = self._apply(notifications, after, batch, guarded=guarded)
            batch.commit()  # reached only when the rows are committed
            return applied

    def _apply(self, notifications: Sequence[Notification], after: int | None, batch: Batch, *,
               guarded: bool) -> int:
        with self.writing() as tx:
            tx.domain = batch
            tx.run("UPDATE view_lock SET turns = turns + 1 WHERE name = ?", (self.name,))
            done = self._max_tracking_id(self.tracking_name, tx.cursor) or 0
            stale = after is not None and done < after
            fresh = [] if stale else [n for n in notifications if n.id > done]
            for notification in fresh:
                apply_notification(tx, notification, self.entry_errors if guarded else None)
            flags.finish(tx, batch.projected())
            tx.flush()
            if fresh:
                self._insert_tracking(tx.cursor, Tracking(self.tracking_name, fresh[-1].id))
        return len(fresh)

    def reset(self) -> None:
        """Empty every view table and forget the position, in one transaction."""
        with self.states.lock, self.writing() as tx:
            tx.run("UPDATE view_lock SET turns = turns + 1 WHERE name = ?", (self.name,))
            for table in TABLES:
                tx.run(f"DELETE FROM {table}")
            tx.run(f"DELETE FROM {self._tracking_table()} WHERE application_name = ?",
                   (self.tracking_name,))
            self.states.forget()

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every view table in key order (to compare rebuilds)."""
        with self.reading() as tx:
            return {table: tx.all(f"SELECT * FROM {table} ORDER BY {ORDER[table]}")
                    for table in TABLES}

    def _create_view_tables(self, tx: Tx) -> None:
        tx.run(SCHEMA_TABLE)
        row = tx.one("SELECT version FROM view_schema WHERE name = ?", (self.name,))
        if row is not None and row["version"] != SCHEMA_VERSION:
            for table in TABLES:  # an older layout: start again from the log
                tx.run(f"DROP TABLE IF EXISTS {table}")
            tx.run(f"DELETE FROM {self._tracking_table()} WHERE application_name = ?",
                   (self.tracking_name,))
        for statement in DDL:
            tx.run(statement)
        tx.run("INSERT INTO view_lock (name, turns) VALUES (?, 0) ON CONFLICT DO NOTHING",
               (self.name,))
        tx.run("INSERT INTO view_schema (name, version) VALUES (?, ?) ON CONFLICT (name) "
               "DO UPDATE SET version = excluded.version", (self.name, SCHEMA_VERSION))


class SQLiteFinanceView(SQLiteTrackingRecorder, FinanceView):
    entry_errors = (sqlite3.IntegrityError,)

    def _create_table(self, c: Any) -> None:
        # The library opened a deferred transaction: one that reads first and writes
        # later is refused at once ("database is locked", no busy wait) when another
        # process committed in between. Take the write lock first; it waits its turn.
        c.execute("ROLLBACK")
        c.execute("BEGIN IMMEDIATE")
        super()._create_table(c)
        self._create_view_tables(Tx(c, postgres=False))

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield Tx(cursor, postgres=False)

    def _tracking_table(self) -> str:
        return "tracking"


class PostgresFinanceView(PostgresTrackingRecorder, FinanceView):
    entry_errors = (psycopg.IntegrityError, psycopg.DataError)

    def __init__(self, datastore: PostgresDatastore, *,
                 tracking_table_name: str = "view_tracking", **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name, **kwargs)

    def _create_table(self, curs: Any) -> None:
        # A running projection takes the view_lock row first, then table locks as it
        # writes; DDL takes table locks (CREATE INDEX IF NOT EXISTS locks the table
        # even when the index exists). Taking the row first here too means setup waits
        # for a projection batch instead of deadlocking with it.
        curs.execute("SELECT to_regclass('view_lock') IS NOT NULL AS made")
        if curs.fetchone()["made"]:
            curs.execute("UPDATE view_lock SET turns = turns + 1 WHERE name = %s", (self.name,))
        super()._create_table(curs)
        self._create_view_tables(Tx(curs, postgres=True))

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            if not commit:  # several SELECTs of one answer see one snapshot
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield Tx(cursor, postgres=True)

    def _tracking_table(self) -> str:
        return f'"{self.datastore.schema}"."{self.tracking_table_name}"'


_VIEWS: "weakref.WeakKeyDictionary[Application, FinanceView]" = weakref.WeakKeyDictionary()


def open_view(app: Application) -> FinanceView:
    """The finance view in ``app``'s database (tables made if missing), one per app."""
    view = _VIEWS.get(app)
    if view is None:
        datastore = app.factory.datastore  # type: ignore[attr-defined]
        if isinstance(datastore, SQLiteDatastore):
            view = SQLiteFinanceView(datastore)
        else:
            assert isinstance(datastore, PostgresDatastore), type(datastore)
            view = PostgresFinanceView(datastore)
        view.states = DomainStates(app.recorder)
        with schema_setup(app.settings):  # type: ignore[attr-defined]
            _create_tables(view)
        _VIEWS[app] = view
    return view


def _create_tables(view: FinanceView, attempts: int = 5) -> None:
    """Make the tables; when two processes do it at once on a fresh database the
    loser fails on eventsourcing's one-time tracking migration row (or on
    PostgreSQL's catalogue), or waits past SQLite's busy timeout for the other's
    write lock ("database is locked"), and simply finds the tables there on a retry."""
    for attempt in range(attempts):
        try:
            view.create_table()
            return
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))



def open_read_only_view(app: Application) -> FinanceView:
    """The finance view as a read replica of ``app``'s database holds it: no table is
    made (a hot standby refuses DDL; the primary made them) and nothing is projected."""
    datastore = app.factory.datastore  # type: ignore[attr-defined]
    assert isinstance(datastore, PostgresDatastore), "replicas are PostgreSQL standbys"
    view = PostgresFinanceView(datastore)
    view.states = DomainStates(app.recorder)
    return view
