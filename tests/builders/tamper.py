"""Behind the application's back: what a rogue operator, a damaged disk or a newer
server would leave in the database. Every test that writes raw SQL to the event
store goes through here."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone

from eventsourcing.sqlite import SQLiteDatastore

from ledger.client import Signer
from ledger.format.statements import Entry, format_time
from ledger.log.application import LedgerApplication
from ledger.log.checkpoint_store import (CheckpointStore, checkpoint_stream, figures_stream,
                                         index_stream)
from ledger.log.store import entry_event, ledger_stream
from tests.builders.community import Community


class RawEvents:
    """The events table, read and written with the database's own driver."""

    def __init__(self, app, settings, slug: str) -> None:
        self.table = app.recorder.events_table_name
        stream = ledger_stream(slug)
        if settings.is_postgres:
            import psycopg

            self.db = psycopg.connect(settings.database_url, autocommit=True)
            self.mark, self.stream = "%s", stream
        else:
            path = settings.database_url.removeprefix("sqlite:///")
            self.db = sqlite3.connect(path, isolation_level=None)
            self.mark, self.stream = "?", stream.hex

    def __enter__(self) -> RawEvents:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    def run(self, sql: str, *params):
        return self.db.execute(sql.replace("?", self.mark), params)

    def state(self, seq: int) -> dict:
        row = self.run(f"SELECT state FROM {self.table} WHERE originator_id = ? "
                       "AND originator_version = ?", self.stream, seq + 1).fetchone()
        return json.loads(bytes(row[0]))

    def leaf(self, seq: int) -> bytes:
        return self.state(seq)["leaf"].encode("utf-8")

    def put(self, seq: int, state: dict) -> None:
        self.run(f"UPDATE {self.table} SET state = ? WHERE originator_id = ? AND "
                 "originator_version = ?", json.dumps(state).encode(), self.stream, seq + 1)

    def put_leaf(self, seq: int, leaf: bytes, nodes: list[str] | None = None) -> None:
        state = self.state(seq)
        state["leaf"] = leaf.decode("utf-8")
        if nodes is not None:
            state["nodes"] = nodes
        self.put(seq, state)

    def insert(self, seq: int, leaf: bytes, nodes: list[str]) -> None:
        state = dict(self.state(seq - 1), leaf=leaf.decode("utf-8"), nodes=nodes)
        self.run(f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
                 "VALUES (?, ?, ?, ?)", self.stream, seq + 1, "ledger.log.store:EntryRecorded",
                 json.dumps(state).encode())

    def delete_from(self, seq: int) -> None:
        self.run(f"DELETE FROM {self.table} WHERE originator_id = ? AND originator_version > ?",
                 self.stream, seq)


class RawSnapshots(RawEvents):
    """The snapshots table (ledger.log.snapshots), with the same driver: a snapshot's
    ``state`` is the JSON of eventsourcing's Snapshot event; its own ``state`` holds
    the codec's payload (base64 of zlib'd JSON) and that payload's digest."""

    def __init__(self, app, settings, slug: str) -> None:
        super().__init__(app, settings, slug)
        self.table = app.snapshots.recorder.events_table_name

    def versions(self) -> list[int]:
        rows = self.run(f"SELECT originator_version FROM {self.table} WHERE originator_id = ? "
                        "ORDER BY originator_version DESC", self.stream).fetchall()
        return [row[0] for row in rows]

    def row(self, version: int) -> dict:
        return self.state(version - 1)

    def payload(self, version: int) -> dict:
        """The state document inside the snapshot at ``version``, decoded."""
        encoded = self.row(version)["state"]["payload"]
        return json.loads(zlib.decompress(base64.b64decode(encoded)))

    def put_payload(self, version: int, document: dict, *, seal: str = "kept") -> None:
        """Write ``document`` as the snapshot's payload; ``seal``: "kept" leaves the old
        one (a damaged row), "forged" writes a digest of the new bytes (someone
        without the server's snapshot.key)."""
        row = self.row(version)
        payload = zlib.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"))
        row["state"]["payload"] = base64.b64encode(payload).decode("ascii")
        if seal == "forged":
            row["state"]["seal"] = hashlib.sha256(payload).hexdigest()
        self.put(version - 1, row)

    def copy_to(self, other: RawSnapshots, version: int, as_version: int) -> None:
        """Put this ledger's snapshot at ``version`` into ``other``'s stream at ``as_version``."""
        self.run(f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
                 "VALUES (?, ?, ?, ?)", other.stream, as_version, "eventsourcing.domain:Snapshot",
                 json.dumps(self.row(version)).encode())


@contextmanager
def raw(app, settings, town):
    events = RawEvents(app, settings, town.slug)
    try:
        yield events
    finally:
        events.db.close()


def append_raw(community: Community, signer: Signer, type: str, body: dict) -> Entry:
    """Append an entry to the store WITHOUT the application's checks, as a damaged
    log or a newer server with more statement types would have it."""
    app = community.app
    size = app.reader.size(community.slug)
    prev = app.reader.entry(community.slug, size - 1).hash
    moment = datetime.now(timezone.utc)
    entry = Entry.build(size, prev, format_time(moment), signer.sign(type, body))
    app.save(entry_event(community.slug, entry, [bytes.fromhex(entry.hash)], moment))
    return entry


def rewrite_history(app: LedgerApplication, slug: str, keep: int, *,
                    drop_checkpoints: bool = True) -> None:
    """Behind the application's back: drop entries from seq ``keep`` on (and, unless
    told otherwise, every checkpoint and figures record of the ledger), as a rogue operator would."""
    recorder, table = app.recorder, app.recorder.events_table_name
    sizes = CheckpointStore(app).sizes(slug)
    streams = [index_stream(slug)] + [stream(slug, size) for size in sizes
                                      for stream in (checkpoint_stream, figures_stream)]
    streams = streams if drop_checkpoints else []
    if isinstance(recorder.datastore, SQLiteDatastore):  # ids stored as hex text
        mark, ids, ledger_id = "?", [s.hex for s in streams], ledger_stream(slug).hex
    else:
        mark, ids, ledger_id = "%s", streams, ledger_stream(slug)
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE originator_id = {mark} "
                       f"AND originator_version > {mark}", [ledger_id, keep])
        for stream_id in ids:
            cursor.execute(f"DELETE FROM {table} WHERE originator_id = {mark}", [stream_id])


def stored_states(database_url: str, topic: str) -> list[tuple[int, bytes]]:
    """(rowid, stored state) of every event of a SQLite store whose topic ends with ``topic``."""
    database = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    try:
        return database.execute("SELECT rowid, state FROM stored_events WHERE topic LIKE ?",
                                (f"%{topic}",)).fetchall()
    finally:
        database.close()


def overwrite_state(database_url: str, rowid: int, state: bytes) -> None:
    """Overwrite one stored event of a SQLite store, as an edit with a database tool would."""
    database = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    try:
        database.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, rowid))
        database.commit()
    finally:
        database.close()
