"""The log's raw SQL, one small adapter per database, chosen once per reader.

Everything else goes through eventsourcing's recorder; only what it cannot
ask (several versions of one stream in one query) is written here, once per
dialect: SQLite keeps originator ids as hex text and takes ``?`` parameters,
PostgreSQL (psycopg 3) keeps UUIDs, takes ``%s`` and can match ``= ANY``.

The document store's table (``DocumentSql``, ``ledger.log.documents``) lives here
too: documents are bytes beside the log, in the same database, keyed by ledger and
SHA-256, written once (a second insert of the same key changes nothing).
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


DOCUMENTS_TABLE = "sunledger_documents"


class DocumentSql(Protocol):
    def create_table(self) -> None: ...

    def insert(self, ledger: str, sha256: str, media_type: str, content: bytes,
               stored_at: str) -> bool:
        """Store the document unless that (ledger, sha256) is kept: whether it was new."""

    def select(self, ledger: str, sha256: str) -> tuple[str, bytes] | None:
        """(media type, bytes) as stored, or None."""

    def kept_among(self, ledger: str, hashes: list[str]) -> set[str]:
        """Which of ``hashes`` the store keeps for ``ledger``, in one query."""


def _documents_ddl(blob: str, table: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {table} (ledger TEXT NOT NULL, sha256 TEXT NOT NULL, "
            f"media_type TEXT NOT NULL, size BIGINT NOT NULL, content {blob} NOT NULL, "
            "stored_at TEXT NOT NULL, PRIMARY KEY (ledger, sha256))")


class SQLiteDocuments:
    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(_documents_ddl("BLOB", DOCUMENTS_TABLE))

    def insert(self, ledger: str, sha256: str, media_type: str, content: bytes,
               stored_at: str) -> bool:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"INSERT INTO {DOCUMENTS_TABLE} (ledger, sha256, media_type, size, "
                           "content, stored_at) VALUES (?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (ledger, sha256) DO NOTHING RETURNING sha256",
                           [ledger, sha256, media_type, len(content), content, stored_at])
            return cursor.fetchone() is not None

    def select(self, ledger: str, sha256: str) -> tuple[str, bytes] | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT media_type, content FROM {DOCUMENTS_TABLE} "
                           "WHERE ledger = ? AND sha256 = ?", [ledger, sha256])
            row = cursor.fetchone()
        return None if row is None else (row["media_type"], bytes(row["content"]))

    def kept_among(self, ledger: str, hashes: list[str]) -> set[str]:
        if not hashes:
            return set()
        marks = ",".join("?" * len(hashes))
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT sha256 FROM {DOCUMENTS_TABLE} WHERE ledger = ? "
                           f"AND sha256 IN ({marks})", [ledger, *hashes])
            return {row["sha256"] for row in cursor.fetchall()}


class PostgresDocuments:
    def __init__(self, datastore: Any) -> None:
        from psycopg.sql import SQL, Identifier

        self.datastore = datastore
        table = SQL("{}.{}").format(Identifier(datastore.schema), Identifier(DOCUMENTS_TABLE))
        self._create = SQL(_documents_ddl("BYTEA", "{}")).format(table)
        self._insert = SQL("INSERT INTO {} (ledger, sha256, media_type, size, content, "
                           "stored_at) VALUES (%s, %s, %s, %s, %s, %s) "
                           "ON CONFLICT (ledger, sha256) DO NOTHING RETURNING sha256"
                           ).format(table)
        self._select = SQL("SELECT media_type, content FROM {} WHERE ledger = %s "
                           "AND sha256 = %s").format(table)
        self._kept = SQL("SELECT sha256 FROM {} WHERE ledger = %s "
                         "AND sha256 = ANY(%s)").format(table)

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._create)

    def insert(self, ledger: str, sha256: str, media_type: str, content: bytes,
               stored_at: str) -> bool:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._insert, [ledger, sha256, media_type, len(content), content,
                                          stored_at])
            return cursor.fetchone() is not None

    def select(self, ledger: str, sha256: str) -> tuple[str, bytes] | None:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(self._select, [ledger, sha256])
            row = cursor.fetchone()
        return None if row is None else (row["media_type"], bytes(row["content"]))

    def kept_among(self, ledger: str, hashes: list[str]) -> set[str]:
        if not hashes:
            return set()
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(self._kept, [ledger, hashes])
            return {row["sha256"] for row in cursor.fetchall()}


def documents_sql_for(recorder: Any) -> DocumentSql:
    """The document table's SQL for the database behind ``recorder``."""
    datastore = recorder.datastore
    if isinstance(datastore, SQLiteDatastore):
        return SQLiteDocuments(datastore)
    from eventsourcing.postgres import PostgresDatastore

    if isinstance(datastore, PostgresDatastore):
        return PostgresDocuments(datastore)
    raise TypeError(f"documents are kept in SQLite or PostgreSQL, not {type(datastore).__name__}")
