"""Where checkpoints are kept: two kinds of stream in the application's event store.

- ``checkpoint/<slug>/<size>``: version 1 is the log-signed note, versions 2..
  are witness cosignature lines over that same body. Version 1 being unique per
  size is what makes "two roots for one size" impossible, even between two
  server processes.
- ``checkpoints/<slug>``: version k names the size of the k-th checkpoint, so
  the latest is the last version. Both are written in one transaction, so an
  index entry never points at a missing checkpoint.
- ``figures/<slug>/<size>``: one event, the figures note the log signed for the
  checkpoint at that size and the rows of its document (FORMAT.md section 10),
  written in the checkpoint's own transaction. Stores from before figures have
  checkpoints without this stream; ``ledger.log.checkpointing`` fills it for the
  latest checkpoint when the tree has not grown since, and reports the rest absent.

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
from ledger.format.figures import FiguresNote, Row, document
from ledger.format.notes import add_signatures, split_note
from ledger.format.statements import utc_now
from ledger.log.store import NAMESPACE


def checkpoint_stream(slug: str, size: int) -> UUID:
    return uuid5(NAMESPACE, f"checkpoint/{slug}/{size}")


def index_stream(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"checkpoints/{slug}")


def figures_stream(slug: str, size: int) -> UUID:
    return uuid5(NAMESPACE, f"figures/{slug}/{size}")


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


class FiguresSigned(DomainEvent):
    ledger: str
    size: int
    note: str             # the figures note as the log signed it
    balances: list[list]  # the document's rows: [account, fund, currency, balance]


@dataclass(frozen=True)
class KeptFigures:
    slug: str
    size: int
    note: str
    rows: tuple[Row, ...]

    def document(self) -> dict:
        root = FiguresNote.parse(split_note(self.note)[0]).root
        return document(self.slug, self.size, root, self.rows)


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

    def figures_at(self, slug: str, size: int) -> KeptFigures | None:
        rows = self.app.recorder.select_events(figures_stream(slug, size), limit=1)
        if not rows:
            return None
        state = json.loads(rows[0].state)
        return KeptFigures(slug, size, state["note"],
                           tuple((a, f, c, b) for a, f, c, b in state["balances"]))

    def add(self, slug: str, size: int, note: str, index_version: int,
            figures: tuple[str, tuple[Row, ...]] | None = None) -> None:
        """Keep a checkpoint and, in the same transaction, its figures (note, rows)."""
        now = utc_now()
        events = [
            CheckpointSigned(originator_id=checkpoint_stream(slug, size), originator_version=1,
                             timestamp=now, ledger=slug, size=size, note=note),
            CheckpointListed(originator_id=index_stream(slug), timestamp=now,
                             originator_version=index_version + 1, ledger=slug, size=size)]
        if figures is not None:
            events.append(self._figures_event(slug, size, *figures))
        self.app.save(*events)

    def add_figures(self, slug: str, size: int, note: str, rows: tuple[Row, ...]) -> None:
        """Figures for a checkpoint kept before the log signed figures (IntegrityError if
        another process kept them first)."""
        self.app.save(self._figures_event(slug, size, note, rows))

    @staticmethod
    def _figures_event(slug: str, size: int, note: str, rows: tuple[Row, ...]) -> FiguresSigned:
        return FiguresSigned(originator_id=figures_stream(slug, size), originator_version=1,
                             timestamp=utc_now(), ledger=slug, size=size, note=note,
                             balances=[list(row) for row in rows])

    def add_line(self, slug: str, kept: KeptCheckpoint, line: str) -> None:
        self.app.save(CosignatureAdded(originator_id=checkpoint_stream(slug, kept.size),
                                       originator_version=kept.version + 1, timestamp=utc_now(),
                                       ledger=slug, size=kept.size, line=line))
