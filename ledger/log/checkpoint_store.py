"""Where checkpoints are kept: two kinds of stream in the application's event store.

- ``checkpoint/<slug>/<size>``: version 1 is the log-signed note, versions 2..
  are witness cosignature lines over that same body. Version 1 being unique per
  size is what makes "two roots for one size" impossible, even between two
  server processes.
- ``checkpoints/<slug>``: version k names the size of the k-th checkpoint, so
  the latest is the last version. Both are written in one transaction, so an
  index entry never points at a missing checkpoint.

The rows are read straight from the recorder (``CheckpointStore``);
``ledger.log.checkpointing`` decides what may be signed and kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEvent

from ledger.log.application import LedgerApplication
from ledger.format.checkpoints import Checkpoint
from ledger.format.notes import add_signatures, split_note
from ledger.format.statements import utc_now
from ledger.log.store import NAMESPACE


def checkpoint_stream(slug: str, size: int) -> UUID:
    return uuid5(NAMESPACE, f"checkpoint/{slug}/{size}")


def index_stream(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"checkpoints/{slug}")


class CheckpointSigned(DomainEvent):
    ledger: str
    size: int
    note: str  # the note as the log signed it, without cosignatures


class CosignatureAdded(DomainEvent):
    ledger: str
    size: int
    line: str  # one tlog-cosignature line, without its newline


class CheckpointListed(DomainEvent):
    ledger: str
    size: int


@dataclass(frozen=True)
class KeptCheckpoint:
    size: int
    note: str
    cosignatures: tuple[str, ...]
    version: int  # last version of its stream, where the next cosignature goes

    @property
    def body(self) -> str:
        return split_note(self.note)[0]

    @property
    def root(self) -> bytes:
        return Checkpoint.parse(self.body).root

    def with_cosignatures(self) -> str:
        return add_signatures(self.note, self.cosignatures) if self.cosignatures else self.note


class CheckpointStore:
    """Reads and writes the checkpoint streams straight from the recorder."""

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app

    def sizes(self, slug: str) -> list[int]:
        rows = self.app.recorder.select_events(index_stream(slug))
        return [json.loads(row.state)["size"] for row in rows]

    def latest(self, slug: str) -> tuple[int, KeptCheckpoint | None]:
        """(number of checkpoints, the latest one)."""
        rows = self.app.recorder.select_events(index_stream(slug), desc=True, limit=1)
        if not rows:
            return 0, None
        kept = self.at_size(slug, json.loads(rows[0].state)["size"])
        assert kept is not None, "the index names a checkpoint that is not stored"
        return rows[0].originator_version, kept

    def at_size(self, slug: str, size: int) -> KeptCheckpoint | None:
        rows = self.app.recorder.select_events(checkpoint_stream(slug, size))
        if not rows:
            return None
        states = [json.loads(row.state) for row in rows]
        return KeptCheckpoint(size, states[0]["note"], tuple(s["line"] for s in states[1:]),
                              rows[-1].originator_version)

    def add(self, slug: str, size: int, note: str, index_version: int) -> None:
        now = utc_now()
        self.app.save(
            CheckpointSigned(originator_id=checkpoint_stream(slug, size), originator_version=1,
                             timestamp=now, ledger=slug, size=size, note=note),
            CheckpointListed(originator_id=index_stream(slug), timestamp=now,
                             originator_version=index_version + 1, ledger=slug, size=size))

    def add_line(self, slug: str, kept: KeptCheckpoint, line: str) -> None:
        self.app.save(CosignatureAdded(originator_id=checkpoint_stream(slug, kept.size),
                                       originator_version=kept.version + 1, timestamp=utc_now(),
                                       ledger=slug, size=kept.size, line=line))
