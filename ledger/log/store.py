"""How a ledger's log sits in the eventsourcing store.

One stream per ledger; the event at version ``seq + 1`` holds entry ``seq``
(its leaf bytes as text, and the Merkle nodes that entry completes), so the
store's ``(originator_id, originator_version)`` key makes a fork impossible.
A nonce claim is a one-event stream keyed by ``(ledger, signer, nonce)``,
saved in the same transaction, which turns a replay into an IntegrityError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson
from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic
from eventsourcing.persistence import StoredEvent

from ledger.format.statements import Entry
from ledger.log.sql_adapters import adapter_for

NAMESPACE = uuid5(NAMESPACE_URL, "https://sunledger.example/ns/v1")
READ_PAGE_SIZE = 1000
SELECT_IN_MAX = 500  # versions per IN (...) query; SQLite allows 32766 parameters


def ledger_stream(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"ledger/{slug}")


def nonce_stream(slug: str, signer: str, nonce: str) -> UUID:
    return uuid5(NAMESPACE, f"nonce/{slug}/{signer}/{nonce}")


class EntryRecorded(DomainEvent):
    leaf: str          # the entry's leaf bytes, decoded as UTF-8
    nodes: list[str]   # hex hashes of the Merkle nodes this entry completes (level 0 first)


class LedgerOpened(EntryRecorded):
    """Entry 0 has its own topic so ledgers can be listed by topic."""


class NonceClaimed(DomainEvent):
    ledger: str
    seq: int
    digest: str


# Stores written before the log moved into ``ledger/log/`` name the entry events by
# their old module path. Events are decoded by stream and version, never by topic, so
# only the topic filters need to know both names.
LEGACY_MODULE = "ledger.store"


def topics_of(*classes: type) -> list[str]:
    """Every topic an entry event of these classes may be stored under, new and old."""
    return [topic for cls in classes
            for topic in (get_topic(cls), f"{LEGACY_MODULE}:{cls.__qualname__}")]


@dataclass(frozen=True)
class StoredLeaf:
    """An entry as stored, not yet trusted: ``leaf`` may be anything."""

    seq: int
    leaf: bytes
    nodes: list[str]

    def entry(self) -> Entry:
        return Entry.from_leaf(self.leaf)


def entry_event(slug: str, entry: Entry, nodes: list[bytes], moment: datetime) -> EntryRecorded:
    cls = LedgerOpened if entry.seq == 0 else EntryRecorded
    return cls(originator_id=ledger_stream(slug), originator_version=entry.seq + 1,
               timestamp=moment, leaf=entry.leaf.decode("utf-8"),
               nodes=[node.hex() for node in nodes])


def nonce_event(entry: Entry, moment: datetime, digest: str | None = None) -> NonceClaimed:
    """``digest``: the statement digest, if the caller has it (saves one encoding)."""
    statement = entry.statement
    return NonceClaimed(originator_id=nonce_stream(statement.ledger, entry.signed.signer,
                                                   statement.nonce),
                        originator_version=1, timestamp=moment, ledger=statement.ledger,
                        seq=entry.seq, digest=digest or entry.signed.digest)


def decode_stored(stored: StoredEvent) -> StoredLeaf:
    """Decode a stored row without trusting it; bad rows become an unparsable leaf."""
    seq = stored.originator_version - 1
    try:
        state = orjson.loads(stored.state)  # a third of json.loads's time; a proof decodes ~20 rows
        return StoredLeaf(seq, state["leaf"].encode("utf-8"), list(state.get("nodes", [])))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError):
        return StoredLeaf(seq, bytes(stored.state), [])


class LogReader:
    """Reads entries, nonce claims and Merkle nodes straight from the recorder."""

    def __init__(self, app: Application) -> None:
        self.recorder = app.recorder
        self.sql = adapter_for(app.recorder)  # what the recorder cannot ask, per database

    def stored(self, slug: str, start: int = 0, stop: int | None = None,
               page_size: int = READ_PAGE_SIZE) -> Iterator[StoredLeaf]:
        """Entries ``start`` up to ``stop`` (exclusive), read page by page."""
        position = start
        while stop is None or position < stop:
            limit = page_size if stop is None else min(page_size, stop - position)
            rows = self.recorder.select_events(ledger_stream(slug), gt=position, limit=limit)
            for row in rows:
                yield decode_stored(row)
            if len(rows) < limit:
                return
            position += len(rows)

    def entry(self, slug: str, seq: int) -> Entry:
        rows = self.recorder.select_events(ledger_stream(slug), gt=seq, lte=seq + 1)
        assert rows, f"entry {seq} of {slug} is not stored"
        return decode_stored(rows[0]).entry()

    def size(self, slug: str) -> int:
        rows = self.recorder.select_events(ledger_stream(slug), desc=True, limit=1)
        return rows[0].originator_version if rows else 0

    def nonce_claim(self, slug: str, signer: str, nonce: str) -> tuple[int, str] | None:
        rows = self.recorder.select_events(nonce_stream(slug, signer, nonce), limit=1)
        if not rows:
            return None
        state = json.loads(rows[0].state)
        return state["seq"], state["digest"]

    def merkle_nodes(self, slug: str, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Stored Merkle nodes: node (level, index) lives beside the entry that completed it."""
        return self._nodes(slug, wanted, [])[0]

    def tree_nodes(self, slug: str, size: int, wanted: list[tuple[int, int]]
                   ) -> dict[tuple[int, int], bytes] | None:
        """The nodes ``wanted`` from the tree of the first ``size`` entries, in the same one
        query that reads entry ``size - 1``; None when that entry is not stored (the tree
        is not within the log, or the ledger does not exist). So a proof needs no separate
        lookup of the log's size."""
        found, last_stored = self._nodes(slug, wanted, [size - 1])
        return found if last_stored else None

    def _nodes(self, slug: str, wanted: list[tuple[int, int]], also: list[int]
               ) -> tuple[dict[tuple[int, int], bytes], bool]:
        """The nodes ``wanted``, and whether every entry in ``also`` is stored."""
        by_seq: dict[int, list[tuple[int, int]]] = {seq: [] for seq in also}
        for level, index in wanted:
            by_seq.setdefault((index + 1) * 2**level - 1, []).append((level, index))
        found: dict[tuple[int, int], bytes] = {}
        seen: set[int] = set()
        for seq, stored in self._stored_at(slug, sorted(by_seq)):
            seen.add(seq)
            for level, index in by_seq.get(seq, []):
                try:  # a damaged row just lacks the node: the proof reports it missing
                    found[(level, index)] = bytes.fromhex(stored.nodes[level])
                except (IndexError, ValueError, TypeError):
                    continue
        return found, seen.issuperset(also)

    def entries_at(self, slug: str, seqs: list[int]) -> dict[int, Entry]:
        """The entries at ``seqs`` (those that exist), by seq, in one query per chunk."""
        return {seq: stored.entry() for seq, stored in self._stored_at(slug, seqs)}

    def _stored_at(self, slug: str, seqs: list[int]) -> Iterator[tuple[int, StoredLeaf]]:
        """Entries at ``seqs`` in ONE query per chunk (a proof needs at most ~2 log2 n)."""
        for start in range(0, len(seqs), SELECT_IN_MAX):
            versions = [seq + 1 for seq in seqs[start:start + SELECT_IN_MAX]]
            for row in self.sql.select_versions(ledger_stream(slug), versions):
                stored = decode_stored(row)
                yield stored.seq, stored

    def ledger_slugs(self) -> list[str]:
        slugs: list[str] = []
        start = 1
        while True:
            page = self.recorder.select_notifications(start, READ_PAGE_SIZE,
                                                      topics=topics_of(LedgerOpened))
            for notification in page:
                slugs.append(json.loads(json.loads(notification.state)["leaf"])["ledger"])
            if len(page) < READ_PAGE_SIZE:
                return sorted(slugs)
            start = page[-1].id + 1
