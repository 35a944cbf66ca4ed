"""The log's raw SQL, one small adapter per database, chosen once per reader.

Everything else goes through eventsourcing's recorder; only what it cannot
ask (several versions of one stream in one query) is written here, once per
dialect: SQLite keeps originator ids as hex text and takes ``?`` parameters,
PostgreSQL (psycopg 3) keeps UUIDs, takes ``%s`` and can match ``= ANY``.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteDatastore


class LogSql(Protocol):
    def select_versions(self, stream: UUID, versions: list[int]) -> list[StoredEvent]:
        """The stored events of ``stream`` at ``versions`` (any order), in one query."""

    def delete_below(self, stream: UUID, version: int) -> None:
        """Delete the events of ``stream`` before ``version`` (old snapshots only:
        eventsourcing's recorders never delete, and entries are never deleted)."""


class SQLiteAdapter:
    def __init__(self, datastore: SQLiteDatastore, table: str) -> None:
        self.datastore, self.table = datastore, table

    def select_versions(self, stream: UUID, versions: list[int]) -> list[StoredEvent]:
        marks = ",".join("?" * len(versions))
        query = (f"SELECT originator_version, state FROM {self.table} WHERE originator_id = ? "
                 f"AND originator_version IN ({marks})")
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, [stream.hex, *versions])
            return _stored_events(stream, cursor.fetchall())

    def delete_below(self, stream: UUID, version: int) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE originator_id = ? "
                           "AND originator_version < ?", [stream.hex, version])


class PostgresAdapter:
    def __init__(self, datastore: Any, table: str) -> None:
        from psycopg.sql import SQL, Identifier  # only a PostgreSQL store needs psycopg

        self.datastore = datastore
        self._select_versions = SQL(
            "SELECT originator_version, state FROM {}.{} WHERE originator_id = %s "
            "AND originator_version = ANY(%s)").format(Identifier(datastore.schema),
                                                       Identifier(table))
        self._delete_below = SQL(
            "DELETE FROM {}.{} WHERE originator_id = %s AND originator_version < %s").format(
            Identifier(datastore.schema), Identifier(table))

    def delete_below(self, stream: UUID, version: int) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._delete_below, [stream, version])

    def select_versions(self, stream: UUID, versions: list[int]) -> list[StoredEvent]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(self._select_versions, [stream, versions])
            return _stored_events(stream, cursor.fetchall())


def adapter_for(recorder: Any) -> LogSql:
    """The adapter for the database behind ``recorder`` (SQLite or PostgreSQL)."""
    table, datastore = recorder.events_table_name, recorder.datastore
    if isinstance(datastore, SQLiteDatastore):
        return SQLiteAdapter(datastore, table)
    from eventsourcing.postgres import PostgresDatastore

    if isinstance(datastore, PostgresDatastore):
        return PostgresAdapter(datastore, table)
    raise TypeError(f"the log is kept in SQLite or PostgreSQL, not {type(datastore).__name__}")


def _stored_events(stream: UUID, rows: list[Any]) -> list[StoredEvent]:
    return [StoredEvent(originator_id=stream, originator_version=row["originator_version"],
                        topic="", state=bytes(row["state"])) for row in rows]
